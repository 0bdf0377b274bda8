"""RFC 9449: DPoP keys and proofs, htu/ath, nonces and the use_dpop_nonce challenge."""

from __future__ import annotations

import base64
import hashlib
import json
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa, x25519
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from hypothesis import given
from hypothesis import strategies as st
from joserfc import jwt
from joserfc.errors import SecurityWarning
from joserfc.jwk import ECKey, JWKRegistry, OctKey, OKPKey, RSAKey
from joserfc.jws import JWSRegistry

from authwire.protocol import rfc7523, rfc9449
from authwire.protocol.rfc9449 import (
    DPOP_HEADER,
    NONCE_HEADER,
    PROOF_TYP,
    DPoPKey,
    NonceStore,
    ath,
    authorization_header,
    htu,
    is_dpop_token,
    jwk_thumbprint,
    nonce_challenge,
    origin,
)

NOW = 1_700_000_000.75
URL = "https://rs.example/api/items?page=2&access_token=not-in-htu#frag"
TOKEN = "an-access-token-value-0123456789"


# --- test vectors ---------------------------------------------------------------------------------


def test_ath_of_rfc9449_section_7_1() -> None:
    assert ath("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU") == (
        "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo"
    )


RFC7638_JWK = {
    "kty": "RSA",
    "n": (
        "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc"
        "_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0"
        "_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4"
        "vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
    ),
    "e": "AQAB",
    "alg": "RS256",
    "kid": "2011-04-29",
}


def test_thumbprint_of_rfc7638_section_3_1() -> None:
    assert jwk_thumbprint(RFC7638_JWK) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def test_jkt_of_rfc9449_section_6_1() -> None:
    jwk = {
        "kty": "EC",
        "x": "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs",
        "y": "9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA",
        "crv": "P-256",
    }
    assert jwk_thumbprint(jwk) == "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"


def test_jwk_thumbprint_refuses_a_bad_jwk() -> None:
    with pytest.raises(ValueError, match="jwk"):
        jwk_thumbprint({"kty": "EC", "crv": "P-256"})


def test_ath_is_unpadded_base64url_sha256() -> None:
    digest = hashlib.sha256(TOKEN.encode()).digest()
    assert ath(TOKEN) == base64.urlsafe_b64encode(digest).decode().rstrip("=")
    assert "=" not in ath(TOKEN)


def test_ath_refuses_a_non_ascii_token_without_quoting_it() -> None:
    with pytest.raises(ValueError, match="ASCII") as info:
        ath("secret-tokén-value")
    assert "secret" not in f"{info.value!s} {info.value!r}"
    assert info.value.__cause__ is None


# --- keys -----------------------------------------------------------------------------------------

_RSA = rsa.generate_private_key(public_exponent=65537, key_size=2048)
_P256 = ec.generate_private_key(ec.SECP256R1())
_P384 = ec.generate_private_key(ec.SECP384R1())
_ED25519 = ed25519.Ed25519PrivateKey.generate()


def _pem(native: PrivateKeyTypes, password: bytes | None = None) -> bytes:
    encryption: ser.KeySerializationEncryption = (
        ser.BestAvailableEncryption(password) if password else ser.NoEncryption()
    )
    return native.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.PKCS8, encryption)


def _jwk(native: PrivateKeyTypes, **extra: Any) -> dict[str, Any]:
    key: RSAKey | ECKey | OKPKey
    if isinstance(native, rsa.RSAPrivateKey):
        key = RSAKey.import_key(native)
    elif isinstance(native, ec.EllipticCurvePrivateKey):
        key = ECKey.import_key(native)
    else:
        key = OKPKey.import_key(native)  # type: ignore[arg-type]
    return {**key.as_dict(private=True), **extra}


@dataclass(frozen=True)
class KeyCase:
    id: str
    make: Callable[[], DPoPKey]
    alg: str
    members: frozenset[str]


_EC = frozenset({"kty", "crv", "x", "y"})
_RSA_MEMBERS = frozenset({"kty", "n", "e"})
_OKP = frozenset({"kty", "crv", "x"})

KEYS = [
    KeyCase("default", DPoPKey, "ES256", _EC),
    KeyCase("p256-native", lambda: DPoPKey(_P256), "ES256", _EC),
    KeyCase("p256-joserfc", lambda: DPoPKey(ECKey.import_key(_P256)), "ES256", _EC),
    KeyCase("p256-jwk", lambda: DPoPKey(_jwk(_P256, kid="k1", use="sig")), "ES256", _EC),
    KeyCase("p256-jwk-json", lambda: DPoPKey(json.dumps(_jwk(_P256))), "ES256", _EC),
    KeyCase("p384-pem", lambda: DPoPKey(_pem(_P384)), "ES384", _EC),
    KeyCase("rsa-pem-str", lambda: DPoPKey(_pem(_RSA).decode()), "RS256", _RSA_MEMBERS),
    KeyCase("rsa-ps256", lambda: DPoPKey(_pem(_RSA), alg="PS256"), "PS256", _RSA_MEMBERS),
    KeyCase("rsa-jwk-alg", lambda: DPoPKey(_jwk(_RSA, alg="PS384")), "PS384", _RSA_MEMBERS),
    KeyCase("ed25519", lambda: DPoPKey(_ED25519), "EdDSA", _OKP),
    KeyCase("ed25519-pem", lambda: DPoPKey(_pem(_ED25519)), "EdDSA", _OKP),
    KeyCase(
        "encrypted-pem",
        lambda: DPoPKey(_pem(_P256, b"pw"), password="pw"),
        "ES256",
        _EC,
    ),
]


def verify(proof: str, public_jwk: dict[str, Any], alg: str) -> jwt.Token:
    """Check the signature with joserfc and the public key (EdDSA is deprecated there)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)
        key = JWKRegistry.import_key(public_jwk)
        registry = JWSRegistry(algorithms=[alg])
        # joserfc decodes headers of up to 512 bytes by default; an RSA-2048 jwk is longer
        registry.max_header_length = 2048
        return jwt.decode(proof, key, registry=registry)


@pytest.mark.parametrize("case", KEYS, ids=lambda c: c.id)
def test_proof_verifies_with_the_public_jwk(case: KeyCase) -> None:
    key = case.make()
    assert key.alg == case.alg
    public = key.public_jwk
    assert set(public) == case.members  # no d, p, q, ... and no kid/use/alg either
    proof = key.proof("post", URL, now=NOW)
    token = verify(proof, public, case.alg)
    assert token.header == {"typ": PROOF_TYP, "alg": case.alg, "jwk": public}
    # the server checks the signature with the key in the header (RFC 9449 §4.3)
    assert verify(proof, token.header["jwk"], case.alg).claims == token.claims
    claims = token.claims
    assert set(claims) == {"jti", "htm", "htu", "iat"}
    assert claims["htm"] == "POST"
    assert claims["htu"] == "https://rs.example/api/items"
    assert claims["iat"] == int(NOW)
    assert isinstance(claims["jti"], str)
    assert len(claims["jti"]) >= 32
    assert key.thumbprint == jwk_thumbprint(public)


def test_the_thumbprint_is_that_of_the_key() -> None:
    expected = ECKey.import_key(_P256.public_key()).thumbprint()
    assert DPoPKey(_P256).thumbprint == expected
    assert DPoPKey(_jwk(_P256, kid="other")).thumbprint == expected


def test_a_fresh_key_each_time() -> None:
    assert DPoPKey().thumbprint != DPoPKey().thumbprint


def test_public_jwk_is_a_copy() -> None:
    key = DPoPKey()
    key.public_jwk["x"] = "tampered"
    assert key.public_jwk["x"] != "tampered"
    assert verify(key.proof("GET", URL, now=NOW), key.public_jwk, "ES256")


def test_jti_is_unique() -> None:
    key = DPoPKey()
    proofs = [key.proof("GET", URL, now=NOW) for _ in range(1000)]
    jtis = {verify(p, key.public_jwk, "ES256").claims["jti"] for p in proofs}
    assert len(jtis) == 1000


def test_nonce_and_ath_only_when_given() -> None:
    key = DPoPKey()
    public = key.public_jwk
    with_nonce = verify(key.proof("GET", URL, now=NOW, nonce="n-1"), public, "ES256").claims
    assert with_nonce["nonce"] == "n-1"
    assert "ath" not in with_nonce
    with_ath = verify(key.proof("GET", URL, now=NOW, access_token=TOKEN), public, "ES256").claims
    assert with_ath["ath"] == ath(TOKEN)
    assert "nonce" not in with_ath
    both = key.proof("delete", httpx.URL(URL), now=NOW, nonce="n-2", access_token=TOKEN)
    claims = verify(both, public, "ES256").claims
    assert set(claims) == {"jti", "htm", "htu", "iat", "nonce", "ath"}
    assert claims["htm"] == "DELETE"
    assert claims["nonce"] == "n-2"
    assert TOKEN not in json.dumps(claims)


def test_proof_refuses_an_empty_method() -> None:
    with pytest.raises(ValueError, match="method"):
        DPoPKey().proof("", URL, now=NOW)


def test_key_is_imported_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = rfc7523._load_pem

    def counting(*args: Any) -> Any:
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(rfc7523, "_load_pem", counting)
    key = DPoPKey(_pem(_P256))
    for _ in range(5):
        key.proof("GET", URL, now=NOW)
    assert calls == [1]


# --- bad keys -------------------------------------------------------------------------------------

_SECRET = "a-shared-secret-that-is-long-enough-for-hs256!!"
_PUBLIC_PEM = _RSA.public_key().public_bytes(
    ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo
)
_X25519_PEM = _pem(x25519.X25519PrivateKey.generate())


@dataclass(frozen=True)
class Bad:
    id: str
    key: Any
    alg: Any
    match: str


BAD = [
    Bad("hs256", None, "HS256", "alg 'HS256'"),
    Bad("hs256-with-rsa", _pem(_RSA), "HS512", "alg 'HS512'"),
    Bad("alg-none", _pem(_P256), "none", "alg 'none'"),
    Bad("alg-unknown", None, "XX256", "alg 'XX256'"),
    Bad("alg-not-str", None, 256, "alg"),
    Bad("oct-jwk", OctKey.import_key(_SECRET).as_dict(private=True), None, "key is a symmetric"),
    Bad("oct-key", OctKey.import_key(_SECRET), None, "key is a symmetric"),
    Bad("raw-secret", _SECRET, None, "key is neither PEM nor a JWK"),
    Bad("garbage-bytes", b"\x00\x01garbage", None, "key is neither PEM nor a JWK"),
    Bad("garbage-json", "{not json", None, "key looks like JSON"),
    Bad("empty", "", None, "key is empty"),
    Bad("public-pem", _PUBLIC_PEM, None, "public"),
    Bad("public-jwk", {"kty": "EC", **{k: _jwk(_P256)[k] for k in ("crv", "x", "y")}}, None, "key"),
    Bad("public-key-object", _P256.public_key(), None, "public"),
    Bad("x25519", _X25519_PEM, None, "X25519"),
    Bad("enc-jwk", _jwk(_P256, use="enc"), None, "use"),
    Bad("ec-with-rs256", _pem(_P256), "RS256", "EC P-256"),
    Bad("p384-with-es256", _P384, "ES256", "P-384"),
    Bad("password-without-pem", None, None, "password"),
    Bad("encrypted-no-password", _pem(_P256, b"pw"), None, "password"),
    Bad("not-a-key", 42, None, "key of type int"),
]


def _material(key: Any) -> list[str]:
    """Pieces of a key that must never appear in an error message."""
    if isinstance(key, OctKey):
        key = key.as_dict(private=True)
    if isinstance(key, bytes):
        key = key.decode("ascii", "replace")
    if isinstance(key, str):
        lines = [line for line in key.splitlines() if line and "-----" not in line]
        return lines or ([key] if key else [])
    if isinstance(key, dict):
        return [v for k, v in key.items() if k in ("d", "k", "p", "q", "dp", "dq", "qi")]
    return []


@pytest.mark.parametrize("bad", BAD, ids=lambda b: b.id)
def test_bad_key_or_alg_raises_value_error(bad: Bad) -> None:
    password = "pw" if bad.id == "password-without-pem" else None
    with pytest.raises(ValueError, match=bad.match) as info:
        DPoPKey(bad.key, bad.alg, password=password)
    text = f"{info.value!s} {info.value!r}"
    for piece in [*_material(bad.key), _SECRET]:
        assert piece not in text
    assert info.value.__cause__ is None


# --- repr -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", KEYS, ids=lambda c: c.id)
def test_repr_shows_only_alg_and_thumbprint(case: KeyCase) -> None:
    key = case.make()
    assert repr(key) == f"DPoPKey(alg={case.alg!r}, thumbprint={key.thumbprint!r})"
    assert str(key) == repr(key)


def test_repr_has_no_private_material() -> None:
    jwk = _jwk(_RSA)
    text = f"{DPoPKey(jwk)!r} {DPoPKey(jwk)!s}"
    for member in ("d", "p", "q", "dp", "dq", "qi"):
        assert jwk[member] not in text
    assert jwk["n"] not in text


# --- htu and origin -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected_htu", "expected_origin"),
    [
        (URL, "https://rs.example/api/items", "https://rs.example"),
        ("HTTPS://RS.Example:443/Path?q#f", "https://rs.example/Path", "https://rs.example"),
        ("http://as.example:80", "http://as.example/", "http://as.example"),
        ("http://as.example:8080/t?", "http://as.example:8080/t", "http://as.example:8080"),
        ("https://as.example:80/t", "https://as.example:80/t", "https://as.example:80"),
        ("https://user:pw@as.example/token", "https://as.example/token", "https://as.example"),
        ("https://as.example/a%20b/c;p?x=1", "https://as.example/a%20b/c;p", "https://as.example"),
        ("http://[::1]:8080/x#y", "http://[::1]:8080/x", "http://[::1]:8080"),
        (
            "https://bücher.example/t",
            "https://xn--bcher-kva.example/t",
            "https://xn--bcher-kva.example",
        ),
        ("https://as.example#frag", "https://as.example/", "https://as.example"),
    ],
)
def test_htu_and_origin(url: str, expected_htu: str, expected_origin: str) -> None:
    assert htu(url) == expected_htu
    assert htu(httpx.URL(url)) == expected_htu
    assert origin(url) == expected_origin


@pytest.mark.parametrize(
    "url",
    [
        "/relative/path?access_token=secret-value",
        "ftp://files.example/x",
        "mailto:someone@example.com",
        "https:///no-host?access_token=secret-value",
        "http://[::1/broken?access_token=secret-value",
    ],
)
def test_htu_refuses_what_is_not_an_http_url(url: str) -> None:
    for function in (htu, origin):
        with pytest.raises(ValueError, match="url") as info:
            function(url)
        assert "secret-value" not in f"{info.value!s} {info.value!r}"
        assert info.value.__cause__ is None


_LABEL = st.from_regex(r"[a-zA-Z0-9]([a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?", fullmatch=True)
_HOST = (
    st.lists(_LABEL, min_size=1, max_size=3)
    .map(".".join)
    .filter(lambda h: not h.replace(".", "").isdigit())
)
_SEGMENT = st.text("abcXYZ019-._~%20:@!$&'()*+,;=", max_size=8).filter(
    lambda s: "%" not in s.replace("%20", "")
)
_QUERY = st.text("abc=&+%20/?:@", max_size=12).filter(lambda s: "%" not in s.replace("%20", ""))


@st.composite
def _urls(draw: st.DrawFn) -> tuple[str, str, str]:
    """A URL, and the same URL in another case with the default port spelled out."""
    scheme = draw(st.sampled_from(["http", "https"]))
    host = draw(_HOST)
    port = draw(st.one_of(st.none(), st.integers(1, 65535)))
    path = "".join("/" + segment for segment in draw(st.lists(_SEGMENT, max_size=3)))
    query = draw(st.one_of(st.none(), _QUERY))
    fragment = draw(st.one_of(st.none(), _QUERY))
    authority = host if port is None else f"{host}:{port}"
    tail = (
        path + ("" if query is None else "?" + query) + ("" if fragment is None else "#" + fragment)
    )
    default = {"http": 80, "https": 443}[scheme]
    spelled = authority if port is not None else f"{host}:{default}"
    variant = f"{scheme.upper()}://{spelled.upper()}{path}"
    return f"{scheme}://{authority}{tail}", f"{scheme}://{authority}{path}", variant


@given(_urls())
def test_htu_and_origin_properties(urls: tuple[str, str, str]) -> None:
    url, without_query, variant = urls
    target = htu(url)
    assert "?" not in target
    assert "#" not in target
    assert htu(target) == target  # idempotent
    assert htu(without_query) == target  # query and fragment never matter
    assert target.startswith(origin(url) + "/")
    assert origin(url) == origin(url).lower()
    assert origin(origin(url)) == origin(url)
    # scheme and host case, and an explicit default port, do not change the origin
    assert origin(variant) == origin(url)
    assert origin(target) == origin(url)


# --- nonce challenges -----------------------------------------------------------------------------


def _response(
    status: int,
    *,
    nonce: str | None = "nonce-1",
    json_body: Any = None,
    content: bytes | None = None,
    www_authenticate: list[str] | None = None,
) -> httpx.Response:
    headers: list[tuple[str, str]] = []
    if nonce is not None:
        headers.append((NONCE_HEADER, nonce))
    for value in www_authenticate or []:
        headers.append(("WWW-Authenticate", value))
    if json_body is not None:
        return httpx.Response(status, headers=headers, json=json_body)
    return httpx.Response(status, headers=headers, content=content or b"")


_AS_ERROR = {"error": "use_dpop_nonce", "error_description": "Authorization server requires nonce"}
_RS_CHALLENGE = 'DPoP error="use_dpop_nonce", error_description="Resource server requires nonce"'

CHALLENGES = [
    pytest.param(_response(400, json_body=_AS_ERROR), id="as"),
    pytest.param(_response(400, json_body={"error": "use_dpop_nonce"}), id="as-bare"),
    pytest.param(_response(401, www_authenticate=[_RS_CHALLENGE]), id="rs"),
    pytest.param(
        _response(401, www_authenticate=['dpop algs="ES256 PS256", error="use_dpop_nonce"']),
        id="rs-lowercase-scheme-and-params",
    ),
    pytest.param(
        _response(
            401,
            www_authenticate=['Bearer realm="api", DPoP algs="ES256", error="use_dpop_nonce"'],
        ),
        id="rs-among-challenges",
    ),
    pytest.param(
        _response(401, www_authenticate=['Bearer realm="api"', _RS_CHALLENGE]),
        id="rs-second-header",
    ),
]


@pytest.mark.parametrize("response", CHALLENGES)
def test_nonce_challenge(response: httpx.Response) -> None:
    assert nonce_challenge(response) == "nonce-1"


NOT_CHALLENGES = [
    pytest.param(_response(400, nonce=None, json_body=_AS_ERROR), id="as-no-nonce-header"),
    pytest.param(_response(400, json_body={"error": "invalid_grant"}), id="as-other-error"),
    pytest.param(_response(400, json_body=["use_dpop_nonce"]), id="as-json-list"),
    pytest.param(_response(400, content=b"use_dpop_nonce"), id="as-not-json"),
    pytest.param(_response(400, content=b""), id="as-empty-body"),
    pytest.param(_response(400, www_authenticate=[_RS_CHALLENGE]), id="400-with-rs-shape"),
    pytest.param(_response(401, json_body=_AS_ERROR), id="401-with-as-shape"),
    pytest.param(_response(200, json_body=_AS_ERROR), id="200"),
    pytest.param(_response(403, www_authenticate=[_RS_CHALLENGE]), id="403"),
    pytest.param(_response(401, nonce=None, www_authenticate=[_RS_CHALLENGE]), id="rs-no-nonce"),
    pytest.param(
        _response(401, www_authenticate=['Bearer error="use_dpop_nonce"']), id="rs-bearer-scheme"
    ),
    pytest.param(
        _response(401, www_authenticate=['DPoP error="invalid_token"']), id="rs-other-error"
    ),
    pytest.param(_response(401), id="rs-no-challenge"),
    pytest.param(
        _response(401, nonce="has space", www_authenticate=[_RS_CHALLENGE]), id="rs-bad-nonce"
    ),
    pytest.param(_response(400, nonce='quo"te', json_body=_AS_ERROR), id="as-bad-nonce"),
]


@pytest.mark.parametrize("response", NOT_CHALLENGES)
def test_not_a_nonce_challenge(response: httpx.Response) -> None:
    assert nonce_challenge(response) is None


def test_an_unread_body_is_not_needed_without_a_nonce() -> None:
    response = httpx.Response(400, stream=httpx.ByteStream(b'{"error": "use_dpop_nonce"}'))
    assert nonce_challenge(response) is None


# --- the nonce store ------------------------------------------------------------------------------

AS_TOKEN = "https://as.example/oauth/token"
RS_API = "https://rs.example/api/items"


def test_nonces_are_kept_per_origin() -> None:
    store = NonceStore()
    assert store.get(AS_TOKEN) is None
    assert store.remember(AS_TOKEN, _response(400, nonce="as-1", json_body=_AS_ERROR)) == "as-1"
    assert store.remember(RS_API, _response(401, nonce="rs-1")) == "rs-1"
    assert store.get(AS_TOKEN) == "as-1"
    assert store.get("HTTPS://AS.example:443/oauth/par?x=1") == "as-1"  # same origin
    assert store.get(RS_API) == "rs-1"
    assert store.get("https://rs.example:8443/api") is None  # another port, another origin
    assert store.get("http://rs.example/api") is None  # another scheme, another origin
    assert len(store) == 2


def test_any_response_may_bring_a_fresh_nonce() -> None:
    store = NonceStore()
    store.remember(RS_API, _response(401, nonce="rs-1"))
    assert store.remember(RS_API, _response(200, nonce="rs-2")) == "rs-2"
    assert store.get(RS_API) == "rs-2"
    # no header, or an invalid one: the known nonce stays
    assert store.remember(RS_API, _response(200, nonce=None)) is None
    assert store.remember(RS_API, _response(200, nonce="bad nonce")) is None
    assert store.get(RS_API) == "rs-2"


def test_set_and_forget() -> None:
    store = NonceStore()
    store.set(AS_TOKEN, "n")
    assert store.get(AS_TOKEN) == "n"
    store.forget(AS_TOKEN)
    store.forget(AS_TOKEN)
    assert store.get(AS_TOKEN) is None


def test_the_store_is_bounded_dropping_the_oldest() -> None:
    store = NonceStore()
    for i in range(64):
        store.set(f"https://s{i}.example/", f"n{i}")
    assert len(store) == 64
    store.set("https://s0.example/x", "n0-fresh")  # s0 becomes the most recent
    store.set("https://new.example/", "new")
    assert len(store) == 64
    assert store.get("https://s1.example/") is None  # the oldest went
    assert store.get("https://s0.example/") == "n0-fresh"
    assert store.get("https://s2.example/") == "n2"
    assert store.get("https://new.example/") == "new"


def test_store_size_can_be_set() -> None:
    store = NonceStore(max_origins=2)
    for name in ("a", "b", "c"):
        store.set(f"https://{name}.example/", name)
    assert [store.get(f"https://{n}.example/") for n in "abc"] == [None, "b", "c"]
    bad: Any
    for bad in (0, -1, True, 1.5):
        with pytest.raises(ValueError, match="max_origins"):
            NonceStore(max_origins=bad)


def test_store_repr_shows_no_nonce() -> None:
    store = NonceStore()
    store.set(AS_TOKEN, "a-nonce-value")
    assert repr(store) == "NonceStore(origins=1, max_origins=64)"


# --- token type and header ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token_type", "expected"),
    [
        ("DPoP", True),
        ("dpop", True),
        ("DPOP", True),
        ("Bearer", False),
        ("", False),
        (None, False),
        (1, False),
    ],
)
def test_is_dpop_token(token_type: Any, expected: bool) -> None:
    assert is_dpop_token(token_type) is expected


def test_authorization_header_and_constants() -> None:
    assert authorization_header(TOKEN) == f"DPoP {TOKEN}"
    assert (DPOP_HEADER, NONCE_HEADER, PROOF_TYP) == ("DPoP", "DPoP-Nonce", "dpop+jwt")
    assert set(rfc9449.__all__) >= {"DPoPKey", "NonceStore", "htu", "ath", "origin"}
