"""Property-based fuzzing of every parser that reads what a server or a browser sends.

The property, for each: it returns a valid result or raises an ``OAuthError`` (a
``ValueError`` only where the function documents one for caller misuse) — never a
``KeyError``, ``TypeError``, ``RecursionError``, ``OverflowError``, ``UnicodeError`` — and no
credential planted in the input shows in the error. The planted credentials sit in members
other than ``error_description``: a server echoing a token into its own error text is for
the engine's redaction, which knows the secrets; a parser does not.

Deterministic (``derandomize``) with a fixed budget, so CI sees the same examples every run;
set ``AUTHWIRE_FUZZ_EXAMPLES`` to a larger number to search longer locally.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import os
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from joserfc.jwk import ECKey, RSAKey

from authwire import (
    AuthorizationResponseError,
    IDTokenError,
    OAuth2Token,
    OAuthError,
    TokenResponseError,
)
from authwire.protocol import (
    oidc_core,
    oidc_discovery,
    rfc5849,
    rfc6749,
    rfc6750,
    rfc7009,
    rfc7662,
    rfc8628,
    rfc8693,
    rfc9126,
    rfc9207,
    rfc9449,
)
from authwire.protocol._json import MAX_NUMBER, finite_number
from authwire.protocol.jwks import JWKSCache
from authwire.protocol.oidc_core import IDTokenClaims, UserInfoError
from authwire.protocol.rfc8628 import DeviceAuthorization

from ..conftest import REGISTRY
from ._fuzz import (
    DEEP_BODIES,
    DROP,
    GARBAGE_BODIES,
    Raw,
    assert_secret_free,
    body_bytes,
    content_types,
    documents,
    form,
    form_values,
    garbage_bodies,
    hostile_urls,
    hostile_values,
    json_responses,
    nasty_text,
    outcome,
    plain_only,
    response,
    secrets,
    statuses,
    weighted,
)

# --- budget ---------------------------------------------------------------------------------

settings.register_profile(
    "authwire-fuzz",
    max_examples=int(os.environ.get("AUTHWIRE_FUZZ_EXAMPLES", "100")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
#: Applied per test, never loaded globally: the rest of the suite keeps its own settings.
FUZZ = settings.get_profile("authwire-fuzz")


@pytest.fixture(autouse=True)
def _registry_untouched() -> Iterator[None]:
    """Keep fuzzed values out of the suite-wide secret scan (``test_zz_secret_scan``).

    Every token made here would register its random ``access_token`` as a secret and every
    error would join the scan, which is then slow and finds "leaks" of random strings. The
    properties here check their own planted secrets instead.
    """
    secrets_before = set(REGISTRY.secrets)
    counts = len(REGISTRY.objects), len(REGISTRY.errors), len(REGISTRY.records)
    yield
    REGISTRY.secrets.clear()
    REGISTRY.secrets.update(secrets_before)
    del REGISTRY.objects[counts[0] :]
    del REGISTRY.errors[counts[1] :]
    del REGISTRY.records[counts[2] :]


NOW = 1_700_000_000.0
ISSUER = "https://op.example"
CLIENT_ID = "client-123"
CLIENT_SECRET = "client-secret-long-enough-for-hs256-keys-0123456789"
NONCE = "nonce-0S6_WzA2Mj-value"
STATE = "state-af0ifjsldkj-value"
SUB = "248289761001"

RSA_PRIVATE = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_PRIVATE = ec.generate_private_key(ec.SECP256R1())
RSA_JWK = {**RSAKey.import_key(RSA_PRIVATE.public_key()).as_dict(), "kid": "rsa-1", "use": "sig"}
EC_JWK = {**ECKey.import_key(EC_PRIVATE.public_key()).as_dict(), "kid": "ec-1"}
JWKS = {"keys": [RSA_JWK, EC_JWK]}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def jws(header: bytes, payload: bytes, alg: str) -> str:
    """A compact JWS over exactly these bytes: headers and claims joserfc would not write."""
    signing_input = f"{b64(header)}.{b64(payload)}".encode("ascii")
    if alg == "RS256":
        signature = RSA_PRIVATE.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    else:
        signature = hmac.digest(CLIENT_SECRET.encode(), signing_input, hashlib.sha256)
    return f"{signing_input.decode('ascii')}.{b64(signature)}"


def is_finite_number(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and (abs(value) <= MAX_NUMBER)
    )


#: An access token a header can carry (RFC 6750 §2.1, RFC 9110 §5.5): visible ASCII.
HEADER_TOKEN = re.compile(r"[\x21-\x7e]+")


# --- token responses (RFC 6749 §5.1, §5.2) --------------------------------------------------


def token_documents(access_token: str, refresh_token: str) -> st.SearchStrategy[dict[str, Any]]:
    base = {
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": 3600,
        "refresh_token": refresh_token,
        "scope": "openid profile",
    }
    extra = ["expires_at", "error", "error_uri", "id_token", "issued_token_type", "interval"]
    return documents(base, extra_keys=extra)


@st.composite
def token_cases(draw: st.DrawFn) -> tuple[httpx.Response, list[str]]:
    planted = [draw(secrets), draw(secrets)]
    return draw(json_responses(token_documents(*planted))), planted


@FUZZ
@given(token_cases())
def test_token_response(case: tuple[httpx.Response, list[str]]) -> None:
    resp, planted = case
    result = outcome(
        lambda: rfc6749.process_token_response(resp, clock=lambda: NOW),
        planted=plain_only(resp, planted),
    )
    if isinstance(result, BaseException):
        return
    assert isinstance(result, OAuth2Token)
    assert isinstance(result.access_token, str)
    assert result.access_token
    expires_at = result.get("expires_at")
    assert expires_at is None or (isinstance(expires_at, int) and abs(expires_at) <= 2 * MAX_NUMBER)
    assert result.is_expired(clock=lambda: NOW) in (True, False, None)
    lifetime = result.lifetime()
    assert lifetime is None or (math.isfinite(lifetime) and lifetime > 0)
    assert_secret_free(result, planted)
    exchanged = outcome(lambda: rfc8693.check_token_exchange_response(result), planted=planted)
    assert isinstance(exchanged, OAuth2Token | TokenResponseError)


@FUZZ
@given(token_cases())
def test_token_response_access_token_fits_a_header(case: tuple[httpx.Response, list[str]]) -> None:
    """A token that no ``Authorization`` header can carry is refused when it arrives.

    httpx encodes header values as ASCII: a token with ``é``, a space or a control
    character would otherwise fail later, in the engine, with a ``UnicodeError`` (or split
    the header). RFC 6750 §2.1, RFC 9110 §5.5.
    """
    resp, _ = case
    result = outcome(lambda: rfc6749.process_token_response(resp, clock=lambda: NOW))
    if isinstance(result, OAuth2Token):
        assert HEADER_TOKEN.fullmatch(result.access_token or "")


@FUZZ
@given(
    st.dictionaries(st.sampled_from(["expires_in", "expires_at", "access_token"]), hostile_values)
)
def test_token_dict(data: dict[str, Any]) -> None:
    """An ``OAuth2Token`` made from any stored or received dict: never raises."""
    data = {k: v for k, v in data.items() if not isinstance(v, Raw)}
    token = OAuth2Token(data, clock=lambda: NOW)
    expires_at = token.expires_at
    assert expires_at is None or abs(expires_at) <= 2 * MAX_NUMBER
    assert token.is_expired(clock=lambda: NOW) in (True, False, None)
    assert token.effective_leeway(60) <= 60
    repr(token)


# --- error bodies (RFC 6749 §5.2) -----------------------------------------------------------


@st.composite
def error_cases(draw: st.DrawFn) -> tuple[httpx.Response, list[str]]:
    planted = [draw(secrets)]
    base = {
        "error": "invalid_grant",
        "error_description": "The grant is invalid",
        "error_uri": "https://op.example/errors/invalid_grant",
        "access_token": planted[0],
    }
    docs = documents(base, extra_keys=["interval", "refresh_token"])
    return draw(json_responses(docs)), planted


@FUZZ
@given(error_cases())
def test_error_body(case: tuple[httpx.Response, list[str]]) -> None:
    resp, planted = case
    planted = plain_only(resp, planted)
    result = outcome(
        lambda: rfc6749.process_json_response(resp, what="token endpoint"), planted=planted
    )
    assert isinstance(result, dict | OAuthError)
    excerpt = rfc6749.safe_excerpt(resp)
    assert isinstance(excerpt, str)
    assert_secret_free(excerpt, planted)


@FUZZ
@given(hostile_values.filter(lambda v: not isinstance(v, Raw)), secrets)
def test_error_from_json(data: Any, secret: str) -> None:
    if isinstance(data, dict):
        data = {**data, "refresh_token": secret}
    error = rfc6749.error_from_json(data)
    assert error is None or isinstance(error, OAuthError)
    if error is not None:
        assert isinstance(error.error, str)
        assert error.description is None or isinstance(error.description, str)
        assert_secret_free(error, [secret])


@FUZZ
@given(
    st.sampled_from(["access_token", "refresh_token", "id_token", "code"]),
    secrets,
    st.sampled_from(
        [
            Raw("NaN"),
            Raw("1e400"),
            Raw("9" * 400),
            Raw("[" * 3000 + "]" * 3000),
            Raw("[" * 100_000),
            Raw(r'"\ud800"'),
        ]
    ),
    st.sampled_from(["", " trailing", ",", "}"]),
    st.sampled_from([200, 400, 401, 500]),
)
def test_excerpt_of_malformed_json_quotes_no_value(
    name: str, secret: str, fragment: Raw, tail: str, status: int
) -> None:
    """A body that is almost JSON (NaN, too deep, trailing bytes) is not quoted as text.

    The secret sits in a member's value, first in the body: a snippet of the text would
    show it.
    """
    body = "{" + json.dumps(name) + ":" + json.dumps(secret) + ',"x":' + fragment + "}" + tail
    resp = response(status, body.encode(), "application/json")
    assert_secret_free(rfc6749.safe_excerpt(resp), [secret])
    for parse in (
        lambda: rfc6749.process_token_response(resp),
        lambda: rfc6749.process_json_response(resp, what="endpoint"),
        lambda: rfc8628.process_device_authorization_response(resp, now=NOW),
        lambda: rfc9126.process_par_response(resp, now=NOW),
        lambda: rfc7662.process_introspection_response(resp),
        lambda: rfc7009.process_revocation_response(resp),
        lambda: JWKSCache(f"{ISSUER}/jwks").process_response(resp, NOW),
        lambda: oidc_discovery.process_discovery_response(resp, issuer=ISSUER),
        lambda: oidc_core.process_userinfo_response(resp, expected_sub=SUB),
        lambda: rfc5849.process_token_response(resp),
    ):
        outcome(parse, planted=[secret])


# --- WWW-Authenticate (RFC 6750 §3, RFC 9110 §11.6.1) and DPoP nonces (RFC 9449 §8, §9) ---

param_names = st.one_of(
    st.sampled_from(["realm", "error", "error_description", "scope", "Error", "algs", "nonce"]),
    st.from_regex(r"[!#$%&'*+.^_`|~0-9A-Za-z-]{1,8}", fullmatch=True),
)
param_values = st.one_of(
    st.sampled_from(["invalid_token", "use_dpop_nonce", "insufficient_scope", '""', '"a\\"b"']),
    nasty_text.map(lambda t: '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'),
    nasty_text,
)
challenge = st.builds(
    lambda scheme, params, sep: (
        scheme + " " + sep.join(f"{name}={value}" for name, value in params)
    ),
    st.sampled_from(["Bearer", "DPoP", "bearer", "Basic", "Negotiate", "x"]),
    st.lists(st.tuples(param_names, param_values), max_size=4),
    st.sampled_from([", ", ",", " ,", ",,", " "]),
)
www_authenticate = st.one_of(
    st.lists(challenge, min_size=1, max_size=3).map(", ".join),
    nasty_text,
    st.sampled_from(
        [
            "Bearer " + "a" * 20_000,
            "Bearer " + 'a="' + "b" * 20_000,
            ", " * 20_000,
            "B a=b," * 5_000,
            'Bearer error="invalid_token", error="insufficient_scope"',
            "Bearer token68==, DPoP error=use_dpop_nonce",
        ]
    ),
)


def header_bytes(value: str) -> bytes:
    return value.encode("utf-8", "surrogatepass")


@FUZZ
@given(www_authenticate)
def test_www_authenticate(value: str) -> None:
    challenges = rfc6750.parse_www_authenticate(value)
    for found in challenges:
        assert isinstance(found.scheme, str)
        assert found.scheme
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in found.params.items())
    assert rfc6750.is_invalid_token_challenge(value) in (True, False)
    # Read back as httpx would decode the header of a response.
    decoded = response(401, b"", www_authenticate=header_bytes(value)).headers["www-authenticate"]
    rfc6750.parse_www_authenticate(decoded)


def test_www_authenticate_repeated_parameter_keeps_the_first() -> None:
    [found] = rfc6750.parse_www_authenticate(
        'Bearer error="insufficient_scope", Error="invalid_token"'
    )
    assert found.params["error"] == "insufficient_scope"


dpop_nonces = st.one_of(
    st.sampled_from(["eyJ7S_zG.eyJH0-Z.HX4w-7v", "", " ", "a b", "\u202e", "n" * 10_000]),
    nasty_text,
)


@FUZZ
@example(400, DEEP_BODIES[0], "eyJ7S_zG.eyJH0-Z.HX4w-7v", "", "application/json")
@example(401, b"", "eyJ7S_zG.eyJH0-Z.HX4w-7v", 'DPoP error="use_dpop_nonce"', "")
@given(
    st.sampled_from([400, 401, 400, 401, 200, 403]),
    st.one_of(
        documents({"error": "use_dpop_nonce", "error_description": "x"}).map(body_bytes),
        garbage_bodies,
    ),
    st.one_of(st.just("eyJ7S_zG.eyJH0-Z.HX4w-7v"), dpop_nonces),
    st.one_of(st.just('DPoP error="use_dpop_nonce"'), www_authenticate),
    content_types,
)
def test_dpop_nonce_challenge(
    status: int, body: bytes, nonce: str, challenge_value: str, ctype: str
) -> None:
    headers: dict[str, bytes] = {"www_authenticate": header_bytes(challenge_value)}
    if nonce:
        headers["dpop_nonce"] = header_bytes(nonce)
    resp = response(status, body, ctype, **headers)
    found = rfc9449.nonce_challenge(resp)
    assert found is None or (isinstance(found, str) and found)
    kept = rfc9449.NonceStore().remember("https://rs.example/x", resp)
    assert kept is None or isinstance(kept, str)


# --- callback URLs (RFC 6749 §4.1.2, §4.2.2; RFC 9207; RFC 5849 §2.2) ------------------------

OAUTH2_CALLBACK_NAMES = [
    "code",
    "state",
    "iss",
    "error",
    "error_description",
    "error_uri",
    "access_token",
    "token_type",
    "expires_in",
    "scope",
    "session_state",
]
callback_bases = st.sampled_from(
    [
        "https://app.example/cb",
        "https://app.example/cb?next=%2Fhome",
        "http://127.0.0.1:8080/cb",
        "com.example.app:/cb",
        "/cb",
        "",
    ]
)


@st.composite
def oauth2_callbacks(draw: st.DrawFn) -> tuple[str, list[str], bool]:
    """A redirect URL; its planted ``code``/``access_token``; whether a name repeats."""
    planted = [draw(secrets)]
    pairs: list[tuple[str, Any]] = [("code", planted[0]), ("state", STATE), ("iss", ISSUER)]
    if draw(st.booleans()):
        pairs = [("access_token", planted[0]), ("state", STATE), ("token_type", "Bearer")]
        pairs.append(("expires_in", draw(st.one_of(form_values, st.just("3600")))))
    more = draw(
        st.lists(
            st.tuples(
                st.sampled_from(OAUTH2_CALLBACK_NAMES),
                form_values.filter(lambda v: planted[0] not in v),
            ),
            max_size=3,
        )
    )
    pairs = draw(st.permutations(pairs + more))
    names = [name for name, _ in pairs]
    repeated = len(set(names)) != len(names)
    base = draw(callback_bases)
    query = "&" if "?" in base else "?"
    url = base + draw(st.sampled_from([query, "#"])) + form(pairs)
    if draw(st.integers(0, 3)) == 0:
        url = draw(st.one_of(hostile_urls, nasty_text))
        repeated = False
    return url, planted, repeated


@FUZZ
@example(("http://[::1", [], False))
@example(("https://[zz]/?code=c&state=" + STATE, [], False))
@example(("https://app.example/cb#access_token=&state=" + STATE, [], False))
@example(("https://app.example/cb#access_token=a%20b&state=" + STATE, [], False))
@given(oauth2_callbacks())
def test_authorization_response(case: tuple[str, list[str], bool]) -> None:
    url, planted, _ = case
    result = outcome(
        lambda: rfc6749.parse_authorization_response(url, state=STATE), planted=planted
    )
    if isinstance(result, dict):
        assert result.get("state") == STATE
        assert isinstance(result.get("code"), str)
        assert result["code"]
        outcome(lambda: rfc9207.validate_issuer(result, expected=ISSUER), planted=planted)
    fragment = outcome(lambda: rfc6749.token_from_fragment(url, state=STATE), planted=planted)
    if isinstance(fragment, OAuth2Token):
        # the same rule as the token endpoint's: a header must be able to carry it
        assert HEADER_TOKEN.fullmatch(fragment.access_token or "")
        assert_secret_free(fragment, planted)


@FUZZ
@given(oauth2_callbacks())
def test_authorization_response_refuses_repeated_parameters(
    case: tuple[str, list[str], bool],
) -> None:
    """RFC 6749 §3.1: response parameters "MUST NOT be included more than once".

    Which of two ``code``s, ``state``s or ``iss``es was meant is unknowable, and whoever can
    add to the URL chooses; the redirect is refused.
    """
    url, planted, repeated = case
    if not repeated:
        return
    for call in (
        lambda: rfc6749.parse_authorization_response(url, state=STATE),
        lambda: rfc6749.token_from_fragment(url, state=STATE),
    ):
        result = outcome(call, planted=planted)
        assert isinstance(result, AuthorizationResponseError)


OAUTH1_CALLBACK_NAMES = ["oauth_token", "oauth_verifier", "denied", "error", "error_description"]


@st.composite
def oauth1_callbacks(draw: st.DrawFn) -> tuple[str, bool]:
    pairs: list[tuple[str, Any]] = [("oauth_token", "request-token"), ("oauth_verifier", "v")]
    more = draw(
        st.lists(
            st.tuples(st.one_of(st.sampled_from(OAUTH1_CALLBACK_NAMES), nasty_text), form_values),
            max_size=3,
        )
    )
    pairs = draw(st.permutations(pairs + more))
    names = [n for n, _ in pairs if n.startswith("oauth_") or n in OAUTH1_CALLBACK_NAMES]
    repeated = len(set(names)) != len(names)
    base = draw(callback_bases)
    url = base + ("&" if "?" in base else "?") + form(pairs)
    if draw(st.integers(0, 3)) == 0:
        url = draw(st.one_of(hostile_urls, nasty_text))
        repeated = False
    return url, repeated


@FUZZ
@given(oauth1_callbacks())
def test_oauth1_authorization_response(case: tuple[str, bool]) -> None:
    url, repeated = case
    result = outcome(lambda: rfc5849.parse_authorization_response(url))
    if repeated:
        assert isinstance(result, AuthorizationResponseError)
    if isinstance(result, dict):
        for name, value in result.items():
            name.encode("utf-8")  # can be signed and sent
            value.encode("utf-8")


# --- OAuth 1 token responses (RFC 5849 §2.1, §2.3) ------------------------------------------


@st.composite
def oauth1_token_cases(draw: st.DrawFn) -> tuple[httpx.Response, list[str]]:
    planted = [draw(secrets)]
    base = {
        "oauth_token": "token-value",
        "oauth_token_secret": planted[0],
        "oauth_callback_confirmed": "true",
    }
    extra = ["error", "user_id", "screen_name", "oauth_expires_in"]
    if draw(st.booleans()):
        docs = documents(base, extra_keys=extra)
        body = draw(st.one_of(docs.map(body_bytes), garbage_bodies))
    else:
        pairs: list[tuple[str, Any]] = list(base.items())
        more = draw(st.lists(st.tuples(st.sampled_from([*base, *extra]), form_values), max_size=3))
        pairs = draw(st.permutations(pairs + more))
        body = form(pairs).encode()
        if draw(st.booleans()):
            body += draw(st.sampled_from([b"&\xff=1", b"&x=\xc0\xaf", b"\n", b"&", b"&&"]))
    status = draw(statuses)
    ctype = draw(content_types)
    return response(status, body, ctype), planted


@FUZZ
@given(oauth1_token_cases())
def test_oauth1_token_response(case: tuple[httpx.Response, list[str]]) -> None:
    resp, planted = case
    result = outcome(lambda: rfc5849.process_token_response(resp), planted=planted)
    if isinstance(result, BaseException):
        assert isinstance(result, TokenResponseError)
        return
    assert isinstance(result, rfc5849.OAuth1Token)
    assert isinstance(result["oauth_token"], str)
    assert result["oauth_token"]
    assert isinstance(result.get("oauth_token_secret", ""), str)
    for key in ("oauth_token", "oauth_token_secret"):
        result.get(key, "").encode("utf-8")  # can be signed and sent
    assert_secret_free(result, planted)


def test_oauth1_token_response_refuses_repeats_and_bad_utf8() -> None:
    for body in (
        b"oauth_token=a&oauth_token=b&oauth_token_secret=s",
        b"oauth_token=\xff&oauth_token_secret=s",
        b"oauth_token=%ff&oauth_token_secret=s",
    ):
        with pytest.raises(TokenResponseError):
            rfc5849.process_token_response(response(200, body, "application/x-www-form-urlencoded"))


# --- discovery (OpenID Connect Discovery 1.0 §4.2, RFC 8414 §3.2) ---------------------------

DISCOVERY = {
    "issuer": ISSUER,
    "authorization_endpoint": f"{ISSUER}/authorize",
    "token_endpoint": f"{ISSUER}/token",
    "userinfo_endpoint": f"{ISSUER}/userinfo",
    "jwks_uri": f"{ISSUER}/jwks",
    "response_types_supported": ["code"],
    "subject_types_supported": ["public"],
    "id_token_signing_alg_values_supported": ["RS256"],
    "grant_types_supported": ["authorization_code", "refresh_token"],
}
DISCOVERY_EXTRA = [
    "mtls_endpoint_aliases",
    "device_authorization_endpoint",
    "end_session_endpoint",
    "check_session_iframe",
    "require_pushed_authorization_requests",
    "code_challenge_methods_supported",
    "claims_parameter_supported",
]


@FUZZ
@given(
    json_responses(
        documents(
            DISCOVERY,
            extra_keys=DISCOVERY_EXTRA,
            values=st.one_of(
                hostile_values,
                hostile_urls,
                st.dictionaries(st.text(max_size=8), hostile_urls, max_size=2),
            ),
        ),
        status=st.sampled_from([200, 200, 200, 404, 500]),
    ),
    st.sampled_from(["openid", "oauth"]),
)
def test_discovery_document(resp: httpx.Response, kind: str) -> None:
    result = outcome(
        lambda: oidc_discovery.process_discovery_response(resp, issuer=ISSUER, kind=kind)
    )
    if isinstance(result, dict):
        assert result["issuer"] == ISSUER
        for name, value in result.items():
            if name.endswith("_endpoint") or name == "jwks_uri":
                assert isinstance(value, str)
                assert value.startswith(("https://", "http://127.", "http://localhost"))


# --- JWKS (RFC 7517 §5) ---------------------------------------------------------------------

KEY_MEMBER_NAMES = ["kty", "n", "e", "crv", "x", "y", "d", "k", "kid", "use", "alg", "key_ops"]
key_values = st.one_of(
    hostile_values,
    st.binary(max_size=80).map(b64),
    st.sampled_from(["RSA", "EC", "OKP", "oct", "P-256", "Ed25519", "X25519", "secp256k1"]),
    st.sampled_from([b64(b"\x01\x00\x01"), b64(b"\xff" * 64), b64(b"\xff" * 3000), "!!", "===="]),
)


@st.composite
def jwks_cases(draw: st.DrawFn) -> tuple[httpx.Response, list[str]]:
    planted = [draw(secrets)]
    members = draw(
        st.lists(
            st.one_of(
                documents(RSA_JWK, extra_keys=KEY_MEMBER_NAMES, values=key_values),
                documents(EC_JWK, extra_keys=KEY_MEMBER_NAMES, values=key_values),
                st.just({"kty": "oct", "k": planted[0]}),
                st.just({**RSA_JWK, "d": planted[0]}),
                hostile_values,
            ),
            max_size=3,
        )
    )
    doc = draw(documents({"keys": members}, extra_keys=["keys"], max_changes=1))
    body = draw(st.one_of(st.just(body_bytes(doc)), st.just(body_bytes(doc)), garbage_bodies))
    status = draw(st.sampled_from([200, 200, 200, 304, 404, 500]))
    return response(status, body, draw(content_types)), planted


@FUZZ
@given(jwks_cases())
def test_jwks_response(case: tuple[httpx.Response, list[str]]) -> None:
    resp, planted = case
    cache = JWKSCache(f"{ISSUER}/jwks")
    result = outcome(lambda: cache.process_response(resp, NOW), planted=plain_only(resp, planted))
    if isinstance(result, OAuthError):
        assert cache.keys is None
        return
    assert len(result.keys) >= 1
    for key in result.keys:
        assert key.key_type in ("RSA", "EC", "OKP")
    for alg in ("RS256", "ES256", "EdDSA", "HS256", "none"):
        for kid in ("rsa-1", "ec-1", None, 5):
            assert isinstance(cache.select({"alg": alg, "kid": kid}), list)


# --- ID tokens (OpenID Connect Core §3.1.3.7) -----------------------------------------------

CLAIMS = {
    "iss": ISSUER,
    "sub": SUB,
    "aud": CLIENT_ID,
    "exp": int(NOW) + 300,
    "iat": int(NOW),
    "auth_time": int(NOW) - 100,
    "nonce": NONCE,
}
CLAIMS_EXTRA = ["nbf", "azp", "at_hash", "c_hash", "acr", "amr", "sid", "tid"]
HEADER_EXTRA = ["typ", "kid", "crit", "b64", "cty", "jku", "jwk", "x5c", "x5u", "zip", "alg"]
claim_values = st.one_of(
    hostile_values,
    st.sampled_from([CLIENT_ID, [CLIENT_ID, "api://other"], [CLIENT_ID], [], ISSUER, "pwd"]),
)
time_values = st.one_of(
    st.integers(min_value=int(NOW) - 1000, max_value=int(NOW) + 1000),
    st.floats(min_value=NOW - 1000, max_value=NOW + 1000),
)


def id_token_options(
    planted: list[str], max_age: int | None, trusted: tuple[str, ...]
) -> dict[str, Any]:
    return {
        "keys": JWKS,
        "client_id": CLIENT_ID,
        "issuer": ISSUER,
        "algorithms": ("RS256", "HS256", "ES256"),
        "client_secret": CLIENT_SECRET,
        "nonce": NONCE,
        "now": NOW,
        "access_token": planted[0],
        "code": planted[1],
        "max_age": max_age,
        "trusted_audiences": trusted,
    }


@st.composite
def id_token_cases(draw: st.DrawFn) -> tuple[str, dict[str, Any], list[str]]:
    planted = [draw(secrets), draw(secrets)]
    alg = draw(st.sampled_from(["HS256", "RS256"]))
    header = draw(
        weighted(
            (1, documents({"alg": alg, "kid": "rsa-1"}, extra_keys=HEADER_EXTRA).map(body_bytes)),
            (4, documents({"alg": alg, "kid": "rsa-1"}, max_changes=0).map(body_bytes)),
            (1, st.sampled_from(GARBAGE_BODIES)),
        )
    )
    claims = documents(
        CLAIMS,
        extra_keys=CLAIMS_EXTRA,
        values=st.one_of(claim_values, time_values),
        max_changes=4,
    )
    payload = draw(weighted((6, claims.map(body_bytes)), (1, st.sampled_from(GARBAGE_BODIES))))
    token = jws(header, payload, alg)
    parts = st.one_of(st.sampled_from(GARBAGE_BODIES).map(b64), st.text(max_size=12))
    garbage = st.lists(parts, min_size=1, max_size=6).map(".".join)
    token = draw(weighted((9, st.just(token)), (1, garbage)))  # 1 in 10: not a signed JWS
    options = id_token_options(
        planted,
        draw(st.sampled_from([None, 0, 300])),
        draw(st.sampled_from([(), ("api://other",)])),
    )
    return token, options, [*planted, CLIENT_SECRET, NONCE]


@FUZZ
@given(id_token_cases())
def test_id_token(case: tuple[str, dict[str, Any], list[str]]) -> None:
    token, options, planted = case
    result = outcome(
        lambda: oidc_core.validate_id_token(token, **options),
        planted=[*planted, token] if len(token) > 20 else planted,
    )
    header = outcome(lambda: oidc_core.unverified_header(token))
    assert isinstance(header, dict | IDTokenError)
    if isinstance(result, BaseException):
        assert isinstance(result, IDTokenError)
        assert result.reason
        return
    assert isinstance(result, IDTokenClaims)
    leeway = oidc_core.DEFAULT_LEEWAY
    for name in ("exp", "iat", "nbf", "auth_time"):
        if name in result:
            assert is_finite_number(result[name]), name
    assert result["exp"] + leeway > NOW
    assert result["iat"] <= NOW + leeway
    assert set(result.aud) <= {CLIENT_ID, *options["trusted_audiences"]}
    assert result.get("azp", CLIENT_ID) == CLIENT_ID
    assert result.get("nonce") == NONCE
    # the typed accessors read any validated claims
    assert isinstance(result.exp, int)
    assert isinstance(result.iat, int)
    assert result.auth_time is None or isinstance(result.auth_time, int)
    assert all(isinstance(a, str) for a in [*(result.amr or []), *result.aud])
    assert result.acr is None or isinstance(result.acr, str)


# --- UserInfo (OpenID Connect Core §5.3.2) --------------------------------------------------


@st.composite
def userinfo_cases(draw: st.DrawFn) -> tuple[httpx.Response, bool, list[str]]:
    planted = [draw(secrets)]
    claims = documents(
        {"sub": SUB, "email": "jane@example.com", "iss": ISSUER, "aud": CLIENT_ID},
        extra_keys=["name", "address", "email_verified"],
        values=claim_values,
    )
    signed = st.builds(
        lambda c, alg: jws(json.dumps({"alg": alg, "kid": "rsa-1"}).encode(), body_bytes(c), alg),
        claims,
        st.sampled_from(["HS256", "RS256"]),
    ).map(str.encode)
    body = draw(st.one_of(claims.map(body_bytes), signed, garbage_bodies))
    status = draw(st.sampled_from([200, 200, 200, 401, 403, 500]))
    headers: dict[str, bytes] = {}
    if status == 401:
        realm = f'Bearer realm="{planted[0]}", error="invalid_token", '
        headers["www_authenticate"] = header_bytes(realm + draw(www_authenticate))
    ctype = draw(
        st.sampled_from(["application/json", "application/jwt", "application/jwt; charset=base64"])
        | content_types
    )
    return response(status, body, ctype, **headers), draw(st.booleans()), planted


@FUZZ
@given(userinfo_cases())
def test_userinfo_response(case: tuple[httpx.Response, bool, list[str]]) -> None:
    resp, require_signed, planted = case
    result = outcome(
        lambda: oidc_core.process_userinfo_response(
            resp,
            expected_sub=SUB,
            keys=JWKS,
            issuer=ISSUER,
            client_id=CLIENT_ID,
            algorithms=("RS256", "HS256"),
            client_secret=CLIENT_SECRET,
            require_signed=require_signed,
        ),
        planted=[*plain_only(resp, planted), CLIENT_SECRET],
    )
    if isinstance(result, dict):
        assert result["sub"] == SUB
    else:
        assert isinstance(result, OAuthError)
        if isinstance(result, UserInfoError):
            assert result.reason


# --- device authorization (RFC 8628 §3.2, §3.5) ---------------------------------------------


@st.composite
def device_cases(draw: st.DrawFn) -> tuple[httpx.Response, list[str]]:
    planted = [draw(secrets)]
    base = {
        "device_code": planted[0],
        "user_code": "WDJB-MJHT",
        "verification_uri": "https://op.example/device",
        "expires_in": 1800,
        "interval": 5,
    }
    extra = ["verification_uri_complete", "verification_url", "verification_url_complete"]
    return draw(json_responses(documents(base, extra_keys=extra))), planted


@FUZZ
@given(device_cases())
def test_device_authorization_response(case: tuple[httpx.Response, list[str]]) -> None:
    resp, planted = case
    result = outcome(
        lambda: rfc8628.process_device_authorization_response(resp, now=NOW),
        planted=plain_only(resp, planted),
    )
    if isinstance(result, BaseException):
        return
    assert isinstance(result, DeviceAuthorization)
    assert math.isfinite(result.expires_at)
    assert result.expires_at > NOW
    assert isinstance(result.interval, int)
    assert 0 < result.interval <= MAX_NUMBER
    assert isinstance(result.device_code, str)
    assert result.device_code
    assert_secret_free(result, planted)


@FUZZ
@given(
    json_responses(
        documents(
            {"error": "slow_down", "interval": 15},
            extra_keys=["error_description"],
            values=st.one_of(
                hostile_values,
                st.sampled_from(
                    ["authorization_pending", "slow_down", "access_denied", "expired_token"]
                ),
            ),
        ),
        status=st.sampled_from([400, 400, 200, 401, 500]),
    ),
    st.integers(min_value=1, max_value=3600),
)
def test_device_token_polling(resp: httpx.Response, interval: int) -> None:
    error = outcome(lambda: rfc6749.process_token_response(resp, clock=lambda: NOW))
    if isinstance(error, OAuthError):
        wait = outcome(lambda: rfc8628.next_interval(error, interval))
        if not isinstance(wait, BaseException):
            assert isinstance(wait, int)
            assert interval <= wait <= MAX_NUMBER


# --- PAR (RFC 9126 §2.2, §2.3) --------------------------------------------------------------


@FUZZ
@given(
    json_responses(
        documents(
            {
                "request_uri": "urn:ietf:params:oauth:request_uri:6esc_11ACC5bwc014ltc14eY22c",
                "expires_in": 60,
            }
        ),
        status=st.sampled_from([201, 201, 200, 400, 500]),
    )
)
def test_par_response(resp: httpx.Response) -> None:
    result = outcome(lambda: rfc9126.process_par_response(resp, now=NOW))
    if not isinstance(result, BaseException):
        assert isinstance(result.request_uri, str)
        assert math.isfinite(result.expires_at)
        assert result.expires_at > NOW


# --- introspection and revocation (RFC 7662 §2.2, RFC 7009 §2.2) ----------------------------


@st.composite
def introspection_cases(draw: st.DrawFn) -> tuple[httpx.Response, list[str]]:
    planted = [draw(secrets)]
    base = {
        "active": True,
        "scope": "read",
        "client_id": CLIENT_ID,
        "username": "jdoe",
        "exp": int(NOW) + 60,
        "iat": int(NOW),
        "nbf": int(NOW),
        "access_token": planted[0],
    }
    status = st.sampled_from([200, 200, 200, 400, 401, 500])
    return draw(json_responses(documents(base, extra_keys=["error"]), status=status)), planted


@FUZZ
@given(introspection_cases())
def test_introspection_response(case: tuple[httpx.Response, list[str]]) -> None:
    resp, planted = case
    result = outcome(
        lambda: rfc7662.process_introspection_response(resp), planted=plain_only(resp, planted)
    )
    if isinstance(result, dict):
        assert isinstance(result["active"], bool)
        for name in ("exp", "iat", "nbf"):
            if name in result:
                assert not isinstance(result[name], bool)
                assert finite_number(result[name]) is not None


@FUZZ
@given(introspection_cases())
def test_revocation_response(case: tuple[httpx.Response, list[str]]) -> None:
    resp, planted = case
    result = outcome(
        lambda: rfc7009.process_revocation_response(resp), planted=plain_only(resp, planted)
    )
    assert result is resp or isinstance(result, OAuthError)


def test_fuzz_helpers() -> None:
    """The helpers write what they promise: raw fragments verbatim, hostile bytes as given."""
    assert body_bytes({"a": Raw("NaN"), "b": [Raw("1e400"), math.inf]}) == (
        b'{"a":NaN,"b":[1e400,Infinity]}'
    )
    assert form([("a", Raw("%ff")), ("b", "c d")]) == "a=%ff&b=c%20d"
    assert len(repr(DEEP_BODIES[0])) < 80


@FUZZ
@given(documents({"a": 1, "b": 2}, values=st.just(DROP), max_changes=2))
def test_fuzz_documents_drop_members(doc: dict[str, Any]) -> None:
    assert set(doc) <= {"a", "b"}
    assert all(doc[k] == {"a": 1, "b": 2}[k] for k in doc)
