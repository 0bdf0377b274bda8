"""RFC 7523: JWT client authentication (client_secret_jwt, private_key_jwt) and assertions."""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa, x25519
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.x509.oid import NameOID
from hypothesis import given, settings
from hypothesis import strategies as st
from joserfc import jwt
from joserfc.errors import SecurityWarning
from joserfc.jwk import ECKey, OctKey, OKPKey, RSAKey
from joserfc.jws import JWSRegistry

import authwire.rfc7523
from authwire.protocol import rfc7523
from authwire.protocol.client_auth import ClientAuthMethod, ClientCredentials, named_method
from authwire.rfc7523 import (
    JWT_BEARER_CLIENT_ASSERTION_TYPE,
    Audience,
    ClientSecretJWT,
    JWTAssertion,
    PrivateKeyJWT,
)

TOKEN_ENDPOINT = "https://as.example/oauth/token"
REQUEST_URI = "https://as.example/other/token"
ISSUER = "https://as.example"
CLIENT_ID = "client-123"
NOW = 1_700_000_000.75
SECRET = "a-shared-secret-that-is-long-enough-for-hs256!!"
BODY = "grant_type=client_credentials&scope=read+write"


def fixed_clock() -> float:
    return NOW


# --- keys -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyCase:
    name: str
    native: PrivateKeyTypes | None  # None: the oct secret
    alg: str  # expected alg (inferred, or the override)
    override: str | None = None  # alg= given to the method

    @property
    def is_oct(self) -> bool:
        return self.native is None

    def public(self) -> Any:
        if self.native is None:
            return OctKey.import_key(SECRET)
        pub = self.native.public_key()
        if isinstance(pub, rsa.RSAPublicKey):
            return RSAKey.import_key(pub)
        if isinstance(pub, ec.EllipticCurvePublicKey):
            return ECKey.import_key(pub)
        return OKPKey.import_key(pub)  # type: ignore[arg-type]

    def pem(self, password: bytes | None = None) -> bytes:
        assert self.native is not None
        encryption: ser.KeySerializationEncryption = (
            ser.BestAvailableEncryption(password) if password else ser.NoEncryption()
        )
        return self.native.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.PKCS8, encryption)

    def jwk(self, **extra: Any) -> dict[str, Any]:
        key: OctKey | RSAKey | ECKey | OKPKey
        if self.native is None:
            key = OctKey.import_key(SECRET)
        elif isinstance(self.native, rsa.RSAPrivateKey):
            key = RSAKey.import_key(self.native)
        elif isinstance(self.native, ec.EllipticCurvePrivateKey):
            key = ECKey.import_key(self.native)
        else:
            key = OKPKey.import_key(self.native)  # type: ignore[arg-type]
        return {**key.as_dict(private=True), **extra}


_RSA = rsa.generate_private_key(public_exponent=65537, key_size=2048)
_P256 = ec.generate_private_key(ec.SECP256R1())
_P384 = ec.generate_private_key(ec.SECP384R1())
_P521 = ec.generate_private_key(ec.SECP521R1())
_ED25519 = ed25519.Ed25519PrivateKey.generate()

CASES = [
    KeyCase("rsa", _RSA, "RS256"),
    KeyCase("rsa-ps256", _RSA, "PS256", override="PS256"),
    KeyCase("p256", _P256, "ES256"),
    KeyCase("p384", _P384, "ES384"),
    KeyCase("p521", _P521, "ES512"),
    KeyCase("ed25519", _ED25519, "EdDSA"),
    KeyCase("oct", None, "HS256"),
]


def verify(token: str, case: KeyCase) -> jwt.Token:
    """Check the signature with joserfc and the public key (EdDSA is deprecated there)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)
        return jwt.decode(token, case.public(), registry=JWSRegistry(algorithms=[case.alg]))


def creds(secret: Any, *, method: str = "private_key_jwt", issuer: str | None = None) -> Any:
    return ClientCredentials(CLIENT_ID, secret, method, issuer)


def method_for(case: KeyCase, **kwargs: Any) -> ClientSecretJWT | PrivateKeyJWT:
    kwargs.setdefault("clock", fixed_clock)
    if case.is_oct:
        return ClientSecretJWT(TOKEN_ENDPOINT, alg=case.override, **kwargs)
    return PrivateKeyJWT(TOKEN_ENDPOINT, alg=case.override, **kwargs)


def secret_forms(case: KeyCase) -> Iterator[tuple[str, Any]]:
    if case.is_oct:
        yield "str", SECRET
        yield "jwk", case.jwk()
    else:
        yield "pem-bytes", case.pem()
        yield "pem-str", case.pem().decode()
        yield "jwk", case.jwk()


FORM_CASES = [
    pytest.param(case, form, id=f"{case.name}-{form}")
    for case in CASES
    for form, _ in secret_forms(case)
]


def secret_of(case: KeyCase, form: str) -> Any:
    return dict(secret_forms(case))[form]


def run(
    method: ClientSecretJWT | PrivateKeyJWT,
    client: ClientCredentials,
    uri: str = TOKEN_ENDPOINT,
    body: str = BODY,
) -> dict[str, str]:
    method.prepare(client)
    out_uri, headers, out_body = method(client, "POST", uri, {"X-Keep": "1"}, body)
    assert out_uri == uri
    assert headers == {"X-Keep": "1"}
    return dict(parse_qsl(out_body, keep_blank_values=True))


# --- the assertion on the wire ------------------------------------------------------------------


@pytest.mark.parametrize(("case", "form"), FORM_CASES)
def test_assertion_verifies_with_the_public_key(case: KeyCase, form: str) -> None:
    method = method_for(case)
    client = creds(secret_of(case, form), method=method.name)
    params = run(method, client)

    assert params["grant_type"] == "client_credentials"
    assert params["scope"] == "read write"
    assert params["client_id"] == CLIENT_ID
    assert params["client_assertion_type"] == JWT_BEARER_CLIENT_ASSERTION_TYPE
    token = verify(params["client_assertion"], case)
    assert token.header == {"alg": case.alg}
    claims = token.claims
    assert claims["iss"] == claims["sub"] == CLIENT_ID
    assert claims["aud"] == TOKEN_ENDPOINT
    assert claims["iat"] == int(NOW)
    assert claims["exp"] == int(NOW) + 60
    assert isinstance(claims["jti"], str)
    assert len(claims["jti"]) >= 22
    assert set(claims) == {"iss", "sub", "aud", "iat", "exp", "jti"}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_names(case: KeyCase) -> None:
    method = method_for(case)
    assert method.name == ("client_secret_jwt" if case.is_oct else "private_key_jwt")
    assert isinstance(method, ClientAuthMethod)
    assert named_method(method) is method


def test_public_module_reexports_the_protocol_classes() -> None:
    assert authwire.rfc7523.ClientSecretJWT is rfc7523.ClientSecretJWT
    assert authwire.rfc7523.PrivateKeyJWT is rfc7523.PrivateKeyJWT
    assert authwire.rfc7523.JWTAssertion is rfc7523.JWTAssertion
    assert set(authwire.rfc7523.__all__) == set(rfc7523.__all__)


# --- audience -----------------------------------------------------------------------------------


def _aud(method: ClientSecretJWT, client: ClientCredentials, uri: str = REQUEST_URI) -> Any:
    params = run(method, client, uri=uri)
    return verify(params["client_assertion"], CASES[-1]).claims["aud"]


def test_aud_is_the_token_endpoint_given() -> None:
    assert _aud(ClientSecretJWT(TOKEN_ENDPOINT), creds(SECRET)) == TOKEN_ENDPOINT


def test_aud_is_the_request_uri_without_a_token_endpoint() -> None:
    assert _aud(ClientSecretJWT(), creds(SECRET)) == REQUEST_URI


def test_aud_is_the_issuer_on_request() -> None:
    method = ClientSecretJWT(TOKEN_ENDPOINT, audience=Audience.ISSUER)
    assert _aud(method, creds(SECRET, issuer=ISSUER)) == ISSUER


def test_aud_can_be_fixed() -> None:
    method = ClientSecretJWT(TOKEN_ENDPOINT, audience="https://login.example")
    assert _aud(method, creds(SECRET)) == "https://login.example"


def test_issuer_audience_without_an_issuer_fails_clearly() -> None:
    method = ClientSecretJWT(audience=Audience.ISSUER)
    client = creds(SECRET)
    method.prepare(client)  # the issuer may still come from discovery
    with pytest.raises(ValueError, match="issuer"):
        method(client, "POST", TOKEN_ENDPOINT, {}, BODY)


# --- jti, claims, headers, lifetime --------------------------------------------------------------


def _assertions(
    method: ClientSecretJWT | PrivateKeyJWT, client: ClientCredentials, n: int
) -> list[str]:
    method.prepare(client)
    return [
        dict(parse_qsl(method(client, "POST", TOKEN_ENDPOINT, {}, BODY)[2]))["client_assertion"]
        for _ in range(n)
    ]


def test_jti_is_unique_and_claims_are_never_written_back() -> None:
    case = CASES[-1]
    extra = {"scope": "a b", "nested": {"x": [1, 2]}}
    method = method_for(case, claims=extra)
    tokens = _assertions(method, creds(SECRET), 1000)
    decoded = [verify(token, case).claims for token in tokens]
    assert len({claims["jti"] for claims in decoded}) == 1000
    assert all(claims["nested"] == {"x": [1, 2]} for claims in decoded)
    assert extra == {"scope": "a b", "nested": {"x": [1, 2]}}


@pytest.mark.parametrize("case", [CASES[2], CASES[5]], ids=lambda c: c.name)
def test_jti_is_unique_for_private_key_jwt(case: KeyCase) -> None:
    tokens = _assertions(method_for(case), creds(case.pem()), 1000)
    assert len({verify(token, case).claims["jti"] for token in tokens}) == 1000


def test_extra_claims_and_headers_are_merged() -> None:
    case = CASES[0]
    claims = {"scope": "openid", "nbf": int(NOW)}
    headers = {"kid": "key-1", "typ": "client-authentication+jwt"}
    method = method_for(case, claims=claims, headers=headers, expires_in=300)
    params = run(method, creds(case.pem()))
    token = verify(params["client_assertion"], case)
    assert token.header == {"alg": "RS256", "kid": "key-1", "typ": "client-authentication+jwt"}
    assert token.claims["scope"] == "openid"
    assert token.claims["nbf"] == int(NOW)
    assert token.claims["exp"] == int(NOW) + 300
    assert headers == {"kid": "key-1", "typ": "client-authentication+jwt"}


def test_client_id_can_be_left_out_of_the_body() -> None:
    params = run(ClientSecretJWT(TOKEN_ENDPOINT, include_client_id=False), creds(SECRET))
    assert "client_id" not in params
    assert params["client_assertion_type"] == JWT_BEARER_CLIENT_ASSERTION_TYPE


def test_an_existing_client_id_in_the_body_is_not_duplicated() -> None:
    method = ClientSecretJWT(TOKEN_ENDPOINT)
    client = creds(SECRET)
    method.prepare(client)
    _, _, body = method(client, "POST", TOKEN_ENDPOINT, {}, f"client_id={CLIENT_ID}&a=1")
    assert [k for k, _ in parse_qsl(body)].count("client_id") == 1


@pytest.mark.parametrize("field", ["jti", "iat", "exp"])
def test_claims_cannot_fix_per_assertion_claims(field: str) -> None:
    with pytest.raises(ValueError, match=field):
        PrivateKeyJWT(TOKEN_ENDPOINT, claims={field: "x"})


@pytest.mark.parametrize("expires_in", [0, -5, True, 1.5])
def test_expires_in_must_be_a_positive_int(expires_in: Any) -> None:
    with pytest.raises(ValueError, match="expires_in"):
        ClientSecretJWT(expires_in=expires_in)


def test_audience_must_be_a_str_or_audience() -> None:
    with pytest.raises(ValueError, match="audience"):
        ClientSecretJWT(audience="")


# --- alg, kid, certificate -----------------------------------------------------------------------


def test_header_alg_wins_over_alg() -> None:
    case = KeyCase("rsa-ps384", _RSA, "PS384")
    method = PrivateKeyJWT(TOKEN_ENDPOINT, headers={"alg": "PS384"}, alg="PS256")
    params = run(method, creds(case.pem()))
    assert verify(params["client_assertion"], case).header == {"alg": "PS384"}


def test_jwk_kid_and_alg_are_used() -> None:
    case = KeyCase("rsa-ps512", _RSA, "PS512")
    params = run(PrivateKeyJWT(TOKEN_ENDPOINT), creds(case.jwk(kid="k-7", alg="PS512")))
    assert verify(params["client_assertion"], case).header == {"alg": "PS512", "kid": "k-7"}


def test_header_kid_wins_over_jwk_kid() -> None:
    case = CASES[2]
    method = PrivateKeyJWT(TOKEN_ENDPOINT, headers={"kid": "mine"})
    params = run(method, creds(case.jwk(kid="theirs")))
    assert verify(params["client_assertion"], case).header["kid"] == "mine"


def test_joserfc_and_cryptography_key_objects_are_accepted() -> None:
    case = CASES[2]
    for secret in (ECKey.import_key(_P256), _P256):
        params = run(PrivateKeyJWT(TOKEN_ENDPOINT), creds(secret))
        assert verify(params["client_assertion"], case).header == {"alg": "ES256"}
    oct_case = CASES[-1]
    params = run(ClientSecretJWT(TOKEN_ENDPOINT), creds(OctKey.import_key(SECRET)))
    assert verify(params["client_assertion"], oct_case).header == {"alg": "HS256"}


def test_client_secret_jwt_other_hmac_algs() -> None:
    for alg in ("HS384", "HS512"):
        case = KeyCase("oct", None, alg, override=alg)
        params = run(method_for(case), creds(SECRET))
        assert verify(params["client_assertion"], case).header == {"alg": alg}


def _certificate(key: PrivateKeyTypes) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "authwire test")])
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())  # type: ignore[arg-type]
        .serial_number(1)
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())  # type: ignore[arg-type]
    )


def test_certificate_adds_x5t_s256() -> None:
    case = CASES[1]
    cert = _certificate(_RSA)
    expected = (
        base64.urlsafe_b64encode(hashlib.sha256(cert.public_bytes(ser.Encoding.DER)).digest())
        .rstrip(b"=")
        .decode()
    )
    for given_cert in (cert, cert.public_bytes(ser.Encoding.PEM)):
        method = PrivateKeyJWT(TOKEN_ENDPOINT, alg="PS256", certificate=given_cert)
        params = run(method, creds(case.pem()))
        header = verify(params["client_assertion"], case).header
        assert header == {"alg": "PS256", "x5t#S256": expected}


def test_encrypted_pem_with_password() -> None:
    case = CASES[3]
    for password in ("s3cret", b"s3cret"):
        method = PrivateKeyJWT(TOKEN_ENDPOINT, password=password)
        params = run(method, creds(case.pem(b"s3cret")))
        assert verify(params["client_assertion"], case).header == {"alg": "ES384"}


# --- bad input fails at prepare, without key material in the message ------------------------------

_OTHER_RSA_PEM = CASES[0].pem()
_PUBLIC_PEM = _RSA.public_key().public_bytes(
    ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo
)
_X25519_PEM = x25519.X25519PrivateKey.generate().private_bytes(
    ser.Encoding.PEM, ser.PrivateFormat.PKCS8, ser.NoEncryption()
)
_CERT_PEM = _certificate(_RSA).public_bytes(ser.Encoding.PEM)
_PUBLIC_JWK = {k: v for k, v in CASES[0].jwk().items() if k in ("kty", "n", "e")}


@dataclass(frozen=True)
class Bad:
    id: str
    make: Callable[[], ClientSecretJWT | PrivateKeyJWT]
    secret: Any
    match: str


BAD = [
    Bad("unknown-alg", lambda: PrivateKeyJWT(alg="XX256"), CASES[0].pem(), "alg 'XX256'"),
    Bad("alg-none", lambda: PrivateKeyJWT(alg="none"), CASES[0].pem(), "alg 'none'"),
    Bad("header-alg-unknown", lambda: PrivateKeyJWT(headers={"alg": "ZZ1"}), _OTHER_RSA_PEM, "ZZ1"),
    Bad("ec-with-rs256", lambda: PrivateKeyJWT(alg="RS256"), CASES[2].pem(), "EC P-256"),
    Bad("rsa-with-es256", lambda: PrivateKeyJWT(alg="ES256"), CASES[0].pem(), "RSA"),
    Bad("p384-with-es256", lambda: PrivateKeyJWT(alg="ES256"), CASES[3].pem(), "P-384"),
    Bad("p256-jwk-with-es512", lambda: PrivateKeyJWT(alg="ES512"), CASES[2].jwk(), "P-256"),
    Bad("ed25519-with-es256", lambda: PrivateKeyJWT(alg="ES256"), CASES[5].pem(), "Ed25519"),
    Bad("rsa-with-hs256", lambda: PrivateKeyJWT(alg="HS256"), CASES[0].pem(), "RSA"),
    Bad("oct-with-rs256", lambda: ClientSecretJWT(alg="RS256"), SECRET, "oct"),
    Bad("encrypted-no-password", PrivateKeyJWT, CASES[0].pem(b"pw"), "password"),
    Bad(
        "wrong-password",
        lambda: PrivateKeyJWT(password="nope"),
        CASES[0].pem(b"pw"),
        "password",
    ),
    Bad("password-not-needed", lambda: PrivateKeyJWT(password="pw"), _OTHER_RSA_PEM, "password"),
    Bad("public-pem", PrivateKeyJWT, _PUBLIC_PEM, "public"),
    Bad("certificate-as-key", PrivateKeyJWT, _CERT_PEM, "public"),
    Bad("public-jwk", PrivateKeyJWT, _PUBLIC_JWK, "private"),
    Bad("public-key-object", PrivateKeyJWT, _RSA.public_key(), "public"),
    Bad("x25519", PrivateKeyJWT, _X25519_PEM, "X25519"),
    Bad("garbage", PrivateKeyJWT, "not a key at all", "neither PEM nor a JWK"),
    Bad("bad-jwk", PrivateKeyJWT, {"kty": "RSA", "n": "AQAB"}, "JWK"),
    Bad("enc-jwk", PrivateKeyJWT, CASES[2].jwk(use="enc"), "use"),
    Bad("oct-for-private-key-jwt", PrivateKeyJWT, CASES[-1].jwk(), "client_secret_jwt"),
    Bad("empty-private-key", PrivateKeyJWT, "", "empty"),
    Bad("no-private-key", PrivateKeyJWT, None, "empty"),
    Bad("empty-secret", ClientSecretJWT, "", "empty"),
    Bad("empty-bytes-secret", ClientSecretJWT, b"", "empty"),
    Bad("no-secret", ClientSecretJWT, None, "empty"),
    Bad("pem-as-secret", ClientSecretJWT, CASES[0].pem(), "private_key_jwt"),
    Bad("rsa-jwk-as-secret", ClientSecretJWT, CASES[0].jwk(), "private_key_jwt"),
    Bad(
        "certificate-mismatch",
        lambda: PrivateKeyJWT(certificate=_CERT_PEM),
        CASES[2].pem(),
        "certificate",
    ),
    Bad(
        "certificate-not-pem",
        lambda: PrivateKeyJWT(certificate="nope"),
        CASES[0].pem(),
        "certificate",
    ),
    Bad("alg-not-str", lambda: PrivateKeyJWT(headers={"alg": 256}), CASES[0].pem(), "alg"),
    Bad("bad-header", lambda: PrivateKeyJWT(headers={"kid": 5}), CASES[0].pem(), "kid"),
]


def _material(secret: Any) -> list[str]:
    """Pieces of a secret that must never appear in an error message."""
    if isinstance(secret, bytes):
        secret = secret.decode("ascii", "replace")
    if isinstance(secret, str):
        lines = [line for line in secret.splitlines() if line and "-----" not in line]
        return lines or ([secret] if len(secret) > 3 else [])
    if isinstance(secret, dict):
        return [v for k, v in secret.items() if k in ("d", "k", "p", "q", "dp", "dq", "qi")]
    return []


@pytest.mark.parametrize("bad", BAD, ids=lambda b: b.id)
def test_bad_input_raises_value_error_at_prepare(bad: Bad) -> None:
    method = bad.make()
    with pytest.raises(ValueError, match=bad.match) as info:
        method.prepare(creds(bad.secret, method=method.name))
    text = f"{info.value!s} {info.value!r}"
    for piece in _material(bad.secret) + _material(SECRET):
        assert piece not in text
    # no chained cause carries a library's message that could quote the input
    assert info.value.__cause__ is None


def test_missing_client_id_fails_at_prepare() -> None:
    with pytest.raises(ValueError, match="client_id"):
        ClientSecretJWT().prepare(ClientCredentials(None, SECRET, "client_secret_jwt"))


def test_short_hmac_secret_warns_at_prepare() -> None:
    with pytest.warns(SecurityWarning):
        ClientSecretJWT().prepare(creds("short", method="client_secret_jwt"))


# --- the key is imported once --------------------------------------------------------------------


def test_key_is_imported_once_per_secret_value(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def counting(real: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any) -> Any:
            calls.append(1)
            return real(*args)

        return wrapper

    # the two parsers: PEM and JWK
    monkeypatch.setattr(rfc7523, "_load_pem", counting(rfc7523._load_pem))
    monkeypatch.setattr(rfc7523, "_from_jwk", counting(rfc7523._from_jwk))
    case = CASES[2]
    method = PrivateKeyJWT(TOKEN_ENDPOINT)
    pem = case.pem()
    method.prepare(creds(pem))
    for _ in range(5):
        method(creds(pem), "POST", TOKEN_ENDPOINT, {}, "")
    # an equal value that is a different object, and an equal JWK dict, reuse the import
    method(creds(bytes(bytearray(pem))), "POST", TOKEN_ENDPOINT, {}, "")
    assert len(calls) == 1
    jwk = case.jwk()
    method.prepare(creds(jwk))
    method(creds(dict(jwk)), "POST", TOKEN_ENDPOINT, {}, "")
    assert len(calls) == 2
    # a different key is imported, and both stay cached
    method(creds(CASES[3].pem()), "POST", TOKEN_ENDPOINT, {}, "")
    method(creds(pem), "POST", TOKEN_ENDPOINT, {}, "")
    assert len(calls) == 3


# --- repr never shows key material ---------------------------------------------------------------


@pytest.mark.parametrize(("case", "form"), FORM_CASES)
def test_repr_has_no_key_material(case: KeyCase, form: str) -> None:
    secret = secret_of(case, form)
    method = method_for(case)
    method.prepare(creds(secret))
    assertion = method._assertion_for(secret)
    for obj in (method, assertion):
        text = f"{obj!r} {obj!s}"
        for piece in _material(secret):
            assert piece not in text
    assert repr(assertion) == f"JWTAssertion(alg={case.alg!r}, kid=None)"


# --- JWTAssertion: the JWT-bearer grant (RFC 7523 §2.1) ------------------------------------------


def test_assertion_for_a_service_account() -> None:
    case = CASES[0]
    signer = JWTAssertion(case.pem(), header={"alg": "RS256", "kid": "private-key-id"})
    assert signer.alg == "RS256"
    assert signer.header == {"alg": "RS256", "kid": "private-key-id"}
    extra = {"scope": "https://www.googleapis.com/auth/cloud-platform"}
    first = signer.sign(
        "sa@project.iam.example", "https://oauth2.example/token", claims=extra, now=NOW
    )
    second = signer.sign("sa@project.iam.example", "https://oauth2.example/token", now=NOW)
    token = verify(first, case)
    assert token.header == {"alg": "RS256", "kid": "private-key-id"}
    assert token.claims["iss"] == "sa@project.iam.example"
    assert "sub" not in token.claims
    assert token.claims["aud"] == "https://oauth2.example/token"
    assert token.claims["scope"] == extra["scope"]
    assert token.claims["exp"] - token.claims["iat"] == 3600
    assert token.claims["iat"] == int(NOW)
    assert verify(second, case).claims["jti"] != token.claims["jti"]
    assert extra == {"scope": "https://www.googleapis.com/auth/cloud-platform"}


def test_assertion_subject_and_lifetime() -> None:
    case = CASES[2]
    signer = JWTAssertion(case.jwk())
    token = verify(signer.sign("iss", "aud", subject="user@example", expires_in=180), case)
    assert token.claims["sub"] == "user@example"
    assert token.claims["exp"] - token.claims["iat"] == 180
    with pytest.raises(ValueError, match="expires_in"):
        signer.sign("iss", "aud", expires_in=0)


def test_assertion_hmac_secret_needs_an_hs_alg() -> None:
    case = CASES[-1]
    token = verify(JWTAssertion(SECRET, alg="HS256").sign("iss", "aud"), case)
    assert token.header == {"alg": "HS256"}
    with pytest.raises(ValueError, match="HMAC"):
        JWTAssertion(SECRET)


def test_assertion_accepts_a_json_jwk_string() -> None:
    case = CASES[4]
    signer = JWTAssertion(json.dumps(case.jwk()))
    assert verify(signer.sign("iss", "aud"), case).header == {"alg": "ES512"}


# --- properties -----------------------------------------------------------------------------------

_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
_claim_names = st.text(min_size=1, max_size=12).filter(
    lambda k: k not in {"jti", "iat", "exp", "iss", "sub", "aud"}
)


@settings(max_examples=60, deadline=None)
@given(
    client_id=st.text(min_size=1, max_size=40),
    claims=st.dictionaries(_claim_names, _json, max_size=5),
    body=st.lists(
        st.tuples(
            st.sampled_from(["grant_type", "scope", "resource", "code"]),
            st.text(max_size=20),
        ),
        max_size=4,
        unique_by=lambda kv: kv[0],
    ),
)
def test_any_client_id_claims_and_body_round_trip(
    client_id: str, claims: dict[str, Any], body: list[tuple[str, str]]
) -> None:
    snapshot = repr(claims)
    method = ClientSecretJWT(TOKEN_ENDPOINT, claims=claims, clock=fixed_clock)
    client = ClientCredentials(client_id, SECRET, "client_secret_jwt")
    method.prepare(client)
    _, _, out = method(client, "POST", TOKEN_ENDPOINT, {}, urlencode(body))
    params = parse_qsl(out, keep_blank_values=True)
    assert params[: len(body)] == body
    sent = dict(params)
    assert sent["client_id"] == client_id
    decoded = verify(sent["client_assertion"], CASES[-1]).claims
    assert decoded["iss"] == decoded["sub"] == client_id
    for name, value in claims.items():
        assert decoded[name] == value
    assert repr(claims) == snapshot
