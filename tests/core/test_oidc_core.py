"""OpenID Connect Core 1.0: ID token validation (§3.1.3.7), UserInfo (§5.3), logout.

One test per failure mode, each asserting the ``reason``. Tokens are signed with joserfc.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from joserfc import jwe, jwt
from joserfc.errors import SecurityWarning
from joserfc.jwk import ECKey, Key, KeySet, OctKey, OKPKey, RSAKey
from joserfc.jws import JWSRegistry
from joserfc.registry import HeaderParameter
from joserfc.util import urlsafe_b64encode

from authwire import IDTokenError, InsecureTransportError, InvalidTokenError, OAuthError
from authwire.protocol.jwks import JWKSCache
from authwire.protocol.oidc_core import (
    ID_TOKEN_ALG,
    ID_TOKEN_AT_HASH,
    ID_TOKEN_AUDIENCE,
    ID_TOKEN_AUTH_TIME,
    ID_TOKEN_AZP,
    ID_TOKEN_C_HASH,
    ID_TOKEN_ENCRYPTED,
    ID_TOKEN_EXPIRED,
    ID_TOKEN_IAT,
    ID_TOKEN_ISSUER,
    ID_TOKEN_MALFORMED,
    ID_TOKEN_NO_KEY,
    ID_TOKEN_NONCE,
    ID_TOKEN_NOT_YET_VALID,
    ID_TOKEN_SIGNATURE,
    ID_TOKEN_SUBJECT,
    ID_TOKEN_TYPE,
    INVALID_USERINFO_RESPONSE,
    SKIP_NONCE_CHECK,
    USERINFO_MALFORMED,
    USERINFO_SUB,
    IDTokenClaims,
    IssuerPolicy,
    UserInfoError,
    build_end_session_url,
    build_userinfo_request,
    process_userinfo_response,
    token_hash,
    unverified_header,
    validate_id_token,
)

from ..conftest import REGISTRY

ISSUER = "https://op.example"
CLIENT_ID = "client-123"
NOW = 1_700_000_000
NONCE = "n-0S6_WzA2Mj-nonce-value"
CLIENT_SECRET = "a-client-secret-long-enough-for-hs256-keys!"
ACCESS_TOKEN = "access-token-issued-with-the-id-token"
CODE = "authorization-code-issued-with-the-id-token"
GOOGLE = "https://accounts.google.com"
MS_TEMPLATE = "https://login.microsoftonline.com/{tenantid}/v2.0"
TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"

for _secret in (CLIENT_SECRET, ACCESS_TOKEN, CODE, NONCE):
    REGISTRY.secret(_secret)

RSA = RSAKey.generate_key(2048, parameters={"kid": "rsa-1"})
EC = ECKey.generate_key("P-256", parameters={"kid": "ec-1"})
EC_384 = ECKey.generate_key("P-384", parameters={"kid": "ec-384"})
ED = OKPKey.generate_key("Ed25519", parameters={"kid": "ed-1"})
ATTACKER = RSAKey.generate_key(2048, parameters={"kid": "rsa-1"})  # same kid, other key

SIGNING_KEYS: dict[str, Key] = {
    "RS256": RSA,
    "RS512": RSA,
    "PS256": RSA,
    "ES256": EC,
    "ES384": EC_384,
    "EdDSA": ED,
    "Ed25519": ED,
}
JWKS: dict[str, Any] = {"keys": [k.as_dict(private=False) for k in (RSA, EC, EC_384, ED)]}


def claims(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "iss": ISSUER,
        "sub": "248289761001",
        "aud": CLIENT_ID,
        "exp": NOW + 300,
        "iat": NOW,
        "nonce": NONCE,
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not ...}


def sign(
    payload: dict[str, Any],
    key: Key | None = None,
    alg: str = "RS256",
    known_headers: tuple[str, ...] = (),
    **header: Any,
) -> str:
    """A JWS made with joserfc; any alg, even the ones authwire refuses."""
    if key is None:
        key = SIGNING_KEYS[alg]
    protected: dict[str, Any] = {"alg": alg, **header}
    if "kid" not in protected and key.kid:
        protected["kid"] = key.kid
    protected = {k: v for k, v in protected.items() if v is not None}
    extra = {name: HeaderParameter(name, "str") for name in known_headers}
    registry = JWSRegistry(extra, algorithms=[alg], strict_check_header=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)  # EdDSA, none
        token = jwt.encode(protected, payload, key, registry=registry)
    REGISTRY.secret(token)
    return token


def validate(token: str, **kwargs: Any) -> IDTokenClaims:
    options: dict[str, Any] = {
        "keys": JWKS,
        "client_id": CLIENT_ID,
        "issuer": ISSUER,
        "nonce": NONCE,
        "now": NOW,
    }
    options.update(kwargs)
    return validate_id_token(token, **options)


def refused(token: str, reason: str, **kwargs: Any) -> IDTokenError:
    with pytest.raises(IDTokenError) as info:
        validate(token, **kwargs)
    error = info.value
    assert error.reason == reason, error.description
    text = f"{error} {error!r}"
    assert len(token) < 20 or token not in text
    assert CLIENT_SECRET not in text
    assert NONCE not in text
    return error


# --- happy paths -------------------------------------------------------------------------------


@pytest.mark.parametrize("alg", sorted(SIGNING_KEYS))
def test_valid_id_token(alg: str) -> None:
    token = sign(claims(), alg=alg)
    result = validate(token, algorithms=[alg])
    assert isinstance(result, IDTokenClaims)
    assert result == claims()


def test_claims_accessors() -> None:
    token = sign(
        claims(
            auth_time=NOW - 10,
            amr=["pwd", "otp"],
            acr="urn:mace:incommon:iap:silver",
            email="jane@example.com",
            email_verified=True,
            name="Jane Doe",
            azp=CLIENT_ID,
            sid="session-1",
            preferred_username="jane",
        )
    )
    result = validate(token)
    assert (result.iss, result.sub, result.aud) == (ISSUER, "248289761001", [CLIENT_ID])
    assert (result.exp, result.iat, result.auth_time) == (NOW + 300, NOW, NOW - 10)
    assert (result.nonce, result.azp, result.sid) == (NONCE, CLIENT_ID, "session-1")
    assert result.amr == ["pwd", "otp"]
    assert result.acr == "urn:mace:incommon:iap:silver"
    assert (result.email, result.email_verified) == ("jane@example.com", True)
    assert (result.name, result.preferred_username) == ("Jane Doe", "jane")


@pytest.mark.parametrize(
    "keys",
    [
        pytest.param(lambda: JWKSCache(jwks=JWKS), id="cache"),
        pytest.param(lambda: KeySet([RSA]), id="KeySet"),
        pytest.param(lambda: [RSA], id="list"),
        pytest.param(lambda: JWKS, id="dict"),
    ],
)
def test_keys_in_every_form(keys: Any) -> None:
    assert validate(sign(claims()), keys=keys())["sub"] == "248289761001"


def test_hs256_with_the_client_secret_when_allowed() -> None:
    token = sign(claims(), key=OctKey.import_key(CLIENT_SECRET), alg="HS256")
    result = validate(token, keys=None, algorithms=["HS256"], client_secret=CLIENT_SECRET)
    assert result["iss"] == ISSUER


def test_hs256_is_refused_when_not_allowed() -> None:
    token = sign(claims(), key=OctKey.import_key(CLIENT_SECRET), alg="HS256")
    refused(token, ID_TOKEN_ALG, client_secret=CLIENT_SECRET)


def test_hs256_without_client_secret_has_no_key() -> None:
    token = sign(claims(), key=OctKey.import_key(CLIENT_SECRET), alg="HS256")
    refused(token, ID_TOKEN_NO_KEY, algorithms=["HS256"])


def test_leeway_tolerates_small_clock_skew() -> None:
    token = sign(claims(exp=NOW - 30, iat=NOW + 30))
    assert validate(token)["sub"]
    refused(token, ID_TOKEN_EXPIRED, leeway=0)


# --- signature and keys ------------------------------------------------------------------------


def test_bad_signature() -> None:
    header, _payload, signature = sign(claims()).split(".")
    forged = urlsafe_b64encode(json.dumps(claims(sub="admin")).encode()).decode()
    refused(f"{header}.{forged}.{signature}", ID_TOKEN_SIGNATURE)


def test_signed_with_the_wrong_key() -> None:
    refused(sign(claims(), key=ATTACKER), ID_TOKEN_SIGNATURE)


def test_unknown_kid() -> None:
    refused(sign(claims(), kid="rotated-away"), ID_TOKEN_NO_KEY)


def test_no_keys_given() -> None:
    refused(sign(claims()), ID_TOKEN_NO_KEY, keys=None)


def test_alg_none_is_refused() -> None:
    token = sign(claims(), key=OctKey.import_key(CLIENT_SECRET), alg="none")
    assert token.endswith(".")
    refused(token, ID_TOKEN_ALG)


def test_alg_outside_the_allow_list_is_refused() -> None:
    refused(sign(claims(), alg="ES256"), ID_TOKEN_ALG)  # allow-list: RS256


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({}, ID_TOKEN_ALG),
        ({"algorithms": ["RS256", "HS256"]}, ID_TOKEN_NO_KEY),
        ({"algorithms": ["RS256", "HS256"], "client_secret": CLIENT_SECRET}, ID_TOKEN_SIGNATURE),
    ],
    ids=["hs256-not-allowed", "no-client-secret", "with-client-secret"],
)
def test_algorithm_confusion_hs256_keyed_with_the_public_rsa_key(
    options: dict[str, Any], reason: str
) -> None:
    # The attacker takes the provider's *public* key bytes as an HMAC secret. joserfc
    # refuses to import them as an oct key, so the attack key is built around its checks.
    pem = RSA.as_pem(private=False)
    attack_key = OctKey(pem, pem)
    token = sign(claims(), key=attack_key, alg="HS256", kid="rsa-1")
    refused(token, reason, **options)


def test_embedded_jwk_header_is_never_used() -> None:
    token = sign(claims(), key=ATTACKER, kid=None, jwk=ATTACKER.as_dict(private=False))
    refused(token, ID_TOKEN_SIGNATURE)


@pytest.mark.parametrize("member", ["jku", "x5u"])
def test_jku_and_x5u_are_never_followed(member: str) -> None:
    pointer: dict[str, Any] = {member: "https://attacker.example/keys"}
    refused(sign(claims(), key=ATTACKER, **pointer), ID_TOKEN_SIGNATURE)
    # ...and a genuine token that carries one still verifies with the provider's keys
    assert validate(sign(claims(), **pointer))["sub"]


def test_jwe_is_refused() -> None:
    registry_algs = ["RSA-OAEP-256", "A256GCM"]
    token = jwe.encrypt_compact(
        {"alg": "RSA-OAEP-256", "enc": "A256GCM"},
        json.dumps(claims()).encode(),
        RSA,
        algorithms=registry_algs,
    )
    refused(token, ID_TOKEN_ENCRYPTED)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "not-a-jwt",
        "a.b",
        "a.b.c",
        "W10.e30.AA",  # header is a JSON array
        "eyJ0eXAiOiJKV1QifQ.e30.AA",  # no alg
        "é.e30.AA",
    ],
)
def test_malformed(token: str) -> None:
    refused(token, ID_TOKEN_MALFORMED)


def test_payload_that_is_not_a_json_object() -> None:
    registry = JWSRegistry(algorithms=["RS256"])
    from joserfc import jws

    token = jws.serialize_compact(
        {"alg": "RS256", "kid": "rsa-1"}, b"[1,2]", RSA, registry=registry
    )
    refused(token, ID_TOKEN_MALFORMED)


def test_unknown_critical_header() -> None:
    custom: dict[str, Any] = {"exp-custom": "1", "crit": ["exp-custom"]}
    token = sign(claims(), known_headers=("exp-custom",), **custom)
    refused(token, ID_TOKEN_MALFORMED)


@pytest.mark.parametrize("typ", ["logout+jwt", "at+jwt", "application/secevent+jwt"])
def test_another_kind_of_jwt_is_refused(typ: str) -> None:
    refused(sign(claims(), typ=typ), ID_TOKEN_TYPE)


def test_unverified_header() -> None:
    token = sign(claims(), kid="rsa-1")
    assert unverified_header(token) == {"alg": "RS256", "kid": "rsa-1", "typ": "JWT"}
    with pytest.raises(IDTokenError) as info:
        unverified_header("a.b.c.d.e")
    assert info.value.reason == ID_TOKEN_ENCRYPTED


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_unverified_header_never_crashes(text: str) -> None:
    reason = None
    try:
        header = unverified_header(text)
    except IDTokenError as error:
        reason = error.reason
    else:
        assert isinstance(header["alg"], str)
    assert reason in (None, ID_TOKEN_MALFORMED, ID_TOKEN_ENCRYPTED)


_GOOD = sign(claims())


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=len(_GOOD) - 2), st.sampled_from("AQgw_-.x"))
def test_any_one_character_change_is_refused(position: int, char: str) -> None:
    # (the last character is left alone: its low bits may be padding that decoders ignore)
    mutated = _GOOD[:position] + char + _GOOD[position + 1 :]
    if mutated == _GOOD:
        return
    with pytest.raises(IDTokenError):
        validate(mutated)


# --- issuer ------------------------------------------------------------------------------------


def test_wrong_issuer() -> None:
    refused(sign(claims(iss="https://attacker.example")), ID_TOKEN_ISSUER)


def test_missing_issuer() -> None:
    refused(sign(claims(iss=...)), ID_TOKEN_ISSUER)


def test_issuer_is_compared_exactly() -> None:
    refused(sign(claims(iss=ISSUER + "/")), ID_TOKEN_ISSUER)


def test_google_spellings_only_when_declared() -> None:
    token = sign(claims(iss="accounts.google.com"))
    refused(token, ID_TOKEN_ISSUER, issuer=GOOGLE)
    refused(token, ID_TOKEN_ISSUER, issuer=IssuerPolicy(GOOGLE))
    policy = IssuerPolicy(GOOGLE, alternatives=("accounts.google.com",))
    assert validate(token, issuer=policy)["iss"] == "accounts.google.com"
    assert validate(sign(claims(iss=GOOGLE)), issuer=policy)["iss"] == GOOGLE


def test_microsoft_tenant_template_needs_the_matching_tid() -> None:
    policy = IssuerPolicy(MS_TEMPLATE)
    iss = MS_TEMPLATE.replace("{tenantid}", TENANT)
    assert validate(sign(claims(iss=iss, tid=TENANT)), issuer=policy)["tid"] == TENANT
    refused(sign(claims(iss=iss, tid="another-tenant")), ID_TOKEN_ISSUER, issuer=policy)
    refused(sign(claims(iss=iss)), ID_TOKEN_ISSUER, issuer=policy)
    refused(sign(claims(iss=MS_TEMPLATE, tid=TENANT)), ID_TOKEN_ISSUER, issuer=MS_COMMON_STR)
    refused(sign(claims(iss=iss, tid=TENANT)), ID_TOKEN_ISSUER, issuer=MS_TEMPLATE)


MS_COMMON_STR = "https://login.microsoftonline.com/common/v2.0"


def test_microsoft_tenant_allow_list() -> None:
    iss = MS_TEMPLATE.replace("{tenantid}", TENANT)
    token = sign(claims(iss=iss, tid=TENANT))
    refused(token, ID_TOKEN_ISSUER, issuer=IssuerPolicy(MS_TEMPLATE, tenants=frozenset({"a"})))
    assert validate(token, issuer=IssuerPolicy(MS_TEMPLATE, tenants=frozenset({TENANT})))


@pytest.mark.parametrize("tid", ["", "a/b", "x" * 200, 42, "a?b"])
def test_tenant_ids_that_could_bend_the_template_are_refused(tid: Any) -> None:
    policy = IssuerPolicy(MS_TEMPLATE)
    iss = MS_TEMPLATE.replace("{tenantid}", str(tid))
    assert not policy.check(iss, {"tid": tid})


def test_issuer_policy_arguments() -> None:
    assert IssuerPolicy(GOOGLE, alternatives="accounts.google.com").alternatives == (  # type: ignore[arg-type]
        "accounts.google.com",
    )
    with pytest.raises(ValueError):
        IssuerPolicy("")
    with pytest.raises(ValueError):
        IssuerPolicy("https://x/{tenantid}/{tenantid}")
    assert IssuerPolicy(MS_TEMPLATE).matches_metadata(MS_TEMPLATE)
    assert not IssuerPolicy(MS_TEMPLATE).matches_metadata(MS_COMMON_STR)


# --- audience and authorized party -------------------------------------------------------------


def test_audience_without_the_client() -> None:
    refused(sign(claims(aud="another-client")), ID_TOKEN_AUDIENCE)


def test_missing_audience() -> None:
    refused(sign(claims(aud=...)), ID_TOKEN_AUDIENCE)


def test_several_audiences_without_azp() -> None:
    token = sign(claims(aud=[CLIENT_ID, "api://other"]))
    refused(token, ID_TOKEN_AZP, trusted_audiences=["api://other"])


def test_several_audiences_with_azp() -> None:
    token = sign(claims(aud=[CLIENT_ID, "api://other"], azp=CLIENT_ID))
    assert validate(token, trusted_audiences=["api://other"]).aud == [CLIENT_ID, "api://other"]


def test_untrusted_additional_audience() -> None:
    # Core §3.1.3.7 step 3: "... or if it contains additional audiences not trusted by the
    # Client" — even with azp naming the client.
    token = sign(claims(aud=[CLIENT_ID, "api://other"], azp=CLIENT_ID))
    error = refused(token, ID_TOKEN_AUDIENCE)
    assert "api://other" in str(error)
    refused(token, ID_TOKEN_AUDIENCE, trusted_audiences=["api://another"])
    refused(token, ID_TOKEN_AUDIENCE, trusted_audiences="api://another")


def test_trusted_additional_audiences() -> None:
    token = sign(claims(aud=[CLIENT_ID, "api://a", "api://b"], azp=CLIENT_ID))
    assert validate(token, trusted_audiences=("api://a", "api://b")).aud == [
        CLIENT_ID,
        "api://a",
        "api://b",
    ]
    refused(token, ID_TOKEN_AUDIENCE, trusted_audiences=["api://a"])  # one trusted is not all
    single = sign(claims(aud=[CLIENT_ID, "api://a"], azp=CLIENT_ID))
    assert validate(single, trusted_audiences="api://a").aud == [CLIENT_ID, "api://a"]


def test_single_audience_is_unaffected_by_trusted_audiences() -> None:
    assert validate(sign(claims())).aud == [CLIENT_ID]
    assert validate(sign(claims(aud=[CLIENT_ID])), trusted_audiences=["api://a"]).aud == [CLIENT_ID]
    # the client listed twice is still one audience
    assert validate(sign(claims(aud=[CLIENT_ID, CLIENT_ID]))).aud == [CLIENT_ID, CLIENT_ID]
    # a trusted audience never stands in for the client
    refused(sign(claims(aud="api://a")), ID_TOKEN_AUDIENCE, trusted_audiences=["api://a"])


def test_trusted_audiences_argument() -> None:
    token = sign(claims())
    for bad in ([""], [None], [1]):
        with pytest.raises(ValueError):
            validate(token, trusted_audiences=bad)


def test_azp_of_another_client() -> None:
    refused(sign(claims(azp="another-client")), ID_TOKEN_AZP)


@pytest.mark.parametrize("azp", [None, "", [CLIENT_ID], 0])
def test_azp_present_but_not_the_client_id(azp: Any) -> None:
    # Core §3.1.3.7 step 5: a present azp must be the client_id; null is not absent.
    refused(sign(claims(azp=azp)), ID_TOKEN_AZP)


# --- time --------------------------------------------------------------------------------------


def test_expired() -> None:
    refused(sign(claims(exp=NOW - 61)), ID_TOKEN_EXPIRED)


def test_missing_exp() -> None:
    refused(sign(claims(exp=...)), ID_TOKEN_EXPIRED)


def test_iat_in_the_future() -> None:
    refused(sign(claims(iat=NOW + 61, exp=NOW + 600)), ID_TOKEN_IAT)


def test_missing_iat() -> None:
    refused(sign(claims(iat=...)), ID_TOKEN_IAT)


def test_nbf_in_the_future() -> None:
    refused(sign(claims(nbf=NOW + 120)), ID_TOKEN_NOT_YET_VALID)


def test_boolean_is_not_a_time() -> None:
    refused(sign(claims(exp=True)), ID_TOKEN_EXPIRED)


HUGE = 10**400  # overflows float(); NaN/Infinity are not JSON (RFC 8259 §6)


@pytest.mark.parametrize(
    ("name", "reason", "kwargs"),
    [
        ("exp", ID_TOKEN_EXPIRED, {}),
        ("iat", ID_TOKEN_IAT, {}),
        ("nbf", ID_TOKEN_NOT_YET_VALID, {}),
        ("auth_time", ID_TOKEN_AUTH_TIME, {}),
        ("auth_time", ID_TOKEN_AUTH_TIME, {"max_age": 300}),
    ],
)
@pytest.mark.parametrize(
    "value",
    [HUGE, -HUGE, 1e300, -1e300, 2e19, "1700000000", "NaN", [NOW], {"t": NOW}],
    ids=["huge", "-huge", "1e300", "-1e300", "2e19", "string", "nan-string", "array", "object"],
)
def test_unusable_numeric_dates(name: str, reason: str, kwargs: dict[str, Any], value: Any) -> None:
    error = refused(sign(claims(**{name: value})), reason, **kwargs)
    assert "usable" in str(error)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_numeric_dates_are_not_json(value: float) -> None:
    for name in ("exp", "iat", "nbf", "auth_time"):
        refused(sign(claims(**{name: value})), ID_TOKEN_MALFORMED)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"leeway": float("nan")},
        {"leeway": float("inf")},
        {"leeway": HUGE},
        {"now": float("nan")},
        {"now": float("-inf")},
        {"now": HUGE},
        {"max_age": float("nan")},
        {"max_age": float("inf")},
        {"max_age": True},
    ],
)
def test_non_finite_time_arguments(kwargs: dict[str, Any]) -> None:
    # NaN compares false: a NaN leeway or now would let an expired token through.
    with pytest.raises(ValueError):
        validate(sign(claims(exp=NOW - 3600)), **kwargs)


def test_missing_sub() -> None:
    refused(sign(claims(sub=...)), ID_TOKEN_SUBJECT)


# --- nonce -------------------------------------------------------------------------------------


def test_nonce_mismatch() -> None:
    refused(sign(claims(nonce="another-nonce-value")), ID_TOKEN_NONCE)


def test_nonce_missing_when_sent() -> None:
    refused(sign(claims(nonce=...)), ID_TOKEN_NONCE)


def test_nonce_present_when_none_was_sent() -> None:
    refused(sign(claims()), ID_TOKEN_NONCE, nonce=None)


def test_no_nonce_sent_and_none_received() -> None:
    assert validate(sign(claims(nonce=...)), nonce=None)["sub"]


def test_nonce_check_can_be_skipped_by_name() -> None:
    assert validate(sign(claims(nonce="anything")), nonce=SKIP_NONCE_CHECK)["sub"]


# --- auth_time ---------------------------------------------------------------------------------


def test_auth_time_missing_with_max_age() -> None:
    refused(sign(claims()), ID_TOKEN_AUTH_TIME, max_age=300)


def test_auth_time_missing_when_required() -> None:
    refused(sign(claims()), ID_TOKEN_AUTH_TIME, auth_time_required=True)


def test_auth_time_too_old() -> None:
    token = sign(claims(auth_time=NOW - 300 - 61))
    refused(token, ID_TOKEN_AUTH_TIME, max_age=300)
    assert validate(sign(claims(auth_time=NOW - 300 - 59)), max_age=300).auth_time


def test_max_age_zero() -> None:
    assert validate(sign(claims(auth_time=NOW)), max_age=0)["auth_time"] == NOW


# --- at_hash and c_hash ------------------------------------------------------------------------


def test_core_appendix_examples() -> None:
    # OpenID Connect Core 1.0 §A.3-A.6: values of the examples, RS256 (SHA-256).
    assert token_hash("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y", "RS256") == (
        "77QmUPtjPfzWtF2AnpK9RQ"
    )
    assert token_hash("Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk", "RS256") == (
        "LDktKdoQak3Pk0cnXxCltA"
    )


def _left_half(digest: bytes) -> str:
    return urlsafe_b64encode(digest[: len(digest) // 2]).decode()


def test_token_hash_follows_the_alg() -> None:
    data = ACCESS_TOKEN.encode()
    assert token_hash(ACCESS_TOKEN, "ES384") == _left_half(hashlib.sha384(data).digest())
    assert token_hash(ACCESS_TOKEN, "HS512") == _left_half(hashlib.sha512(data).digest())
    assert token_hash(ACCESS_TOKEN, "ES256K") == _left_half(hashlib.sha256(data).digest())
    # EdDSA: the hash of the curve (OpenID connect issue #1125)
    ed25519 = _left_half(hashlib.sha512(data).digest())
    assert token_hash(ACCESS_TOKEN, "EdDSA", curve="Ed25519") == ed25519
    assert token_hash(ACCESS_TOKEN, "Ed25519") == ed25519
    ed448 = _left_half(hashlib.shake_256(data).digest(114))
    assert token_hash(ACCESS_TOKEN, "EdDSA", curve="Ed448") == ed448
    with pytest.raises(ValueError):
        token_hash(ACCESS_TOKEN, "EdDSA")
    with pytest.raises(ValueError):
        token_hash(ACCESS_TOKEN, "none")


@pytest.mark.parametrize("alg", ["RS256", "RS512", "ES384", "EdDSA"])
def test_at_hash_and_c_hash_match(alg: str) -> None:
    curve = "Ed25519" if alg == "EdDSA" else None
    token = sign(
        claims(
            at_hash=token_hash(ACCESS_TOKEN, alg, curve=curve),
            c_hash=token_hash(CODE, alg, curve=curve),
        ),
        alg=alg,
    )
    result = validate(
        token,
        algorithms=[alg],
        access_token=ACCESS_TOKEN,
        code=CODE,
        require_at_hash=True,
        require_c_hash=True,
    )
    assert result["at_hash"]


def test_at_hash_mismatch() -> None:
    token = sign(claims(at_hash=token_hash("another-access-token", "RS256")))
    refused(token, ID_TOKEN_AT_HASH, access_token=ACCESS_TOKEN)


def test_at_hash_of_eddsa_is_not_sha256() -> None:
    token = sign(claims(at_hash=token_hash(ACCESS_TOKEN, "RS256")), alg="EdDSA")
    refused(token, ID_TOKEN_AT_HASH, algorithms=["EdDSA"], access_token=ACCESS_TOKEN)


def test_at_hash_missing_when_required() -> None:
    refused(sign(claims()), ID_TOKEN_AT_HASH, access_token=ACCESS_TOKEN, require_at_hash=True)


def test_c_hash_mismatch() -> None:
    token = sign(claims(c_hash=token_hash("another-code", "RS256")))
    refused(token, ID_TOKEN_C_HASH, code=CODE)


def test_c_hash_missing_when_required() -> None:
    refused(sign(claims()), ID_TOKEN_C_HASH, code=CODE, require_c_hash=True)


def test_hashes_present_but_nothing_to_compare_are_ignored() -> None:
    token = sign(claims(at_hash="irrelevant", c_hash="irrelevant"))
    assert validate(token)["sub"]


# --- caller misuse -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {"algorithms": []},
        {"algorithms": ["RS256", "none"]},
        {"algorithms": ["RS999"]},
        {"client_id": ""},
        {"issuer": ""},
        {"leeway": -1},
        {"max_age": -5},
        {"require_at_hash": True},
        {"require_c_hash": True},
    ],
)
def test_bad_arguments_raise_value_error(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        validate(_GOOD, **options)


def test_hs256_signed_with_another_secret() -> None:
    token = sign(
        claims(), key=OctKey.import_key("another-secret-of-the-same-length!!"), alg="HS256"
    )
    refused(token, ID_TOKEN_SIGNATURE, algorithms=["HS256"], client_secret=CLIENT_SECRET)


# --- UserInfo ----------------------------------------------------------------------------------

SUB = "248289761001"


def userinfo_json(body: Any, status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


def userinfo_jwt(token: str) -> httpx.Response:
    return httpx.Response(200, content=token.encode(), headers={"content-type": "application/jwt"})


def signed_options() -> dict[str, Any]:
    return {"keys": JWKS, "issuer": ISSUER, "client_id": CLIENT_ID}


def test_build_userinfo_request() -> None:
    request = build_userinfo_request(f"{ISSUER}/userinfo", ACCESS_TOKEN)
    assert request.method == "GET"
    assert request.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    with pytest.raises(InsecureTransportError):
        build_userinfo_request("http://op.example/userinfo", ACCESS_TOKEN)


def test_userinfo_json() -> None:
    body = {"sub": SUB, "email": "jane@example.com"}
    assert process_userinfo_response(userinfo_json(body), expected_sub=SUB) == body


def test_userinfo_sub_mismatch() -> None:
    with pytest.raises(UserInfoError) as info:
        process_userinfo_response(userinfo_json({"sub": "someone-else"}), expected_sub=SUB)
    assert info.value.reason == USERINFO_SUB
    assert info.value.error == INVALID_USERINFO_RESPONSE


def test_userinfo_sub_missing() -> None:
    with pytest.raises(UserInfoError) as info:
        process_userinfo_response(userinfo_json({"email": "x@example.com"}), expected_sub=SUB)
    assert info.value.reason == USERINFO_SUB


def test_userinfo_signed_jwt() -> None:
    token = sign({"sub": SUB, "iss": ISSUER, "aud": CLIENT_ID, "name": "Jane"})
    result = process_userinfo_response(userinfo_jwt(token), expected_sub=SUB, **signed_options())
    assert result["name"] == "Jane"


@pytest.mark.parametrize(
    ("payload", "key", "reason"),
    [
        ({"sub": SUB, "iss": ISSUER, "aud": "other"}, RSA, ID_TOKEN_AUDIENCE),
        ({"sub": SUB, "aud": CLIENT_ID}, RSA, ID_TOKEN_ISSUER),
        ({"sub": SUB, "iss": "https://attacker.example", "aud": CLIENT_ID}, RSA, ID_TOKEN_ISSUER),
        ({"sub": SUB, "iss": ISSUER, "aud": CLIENT_ID}, ATTACKER, ID_TOKEN_SIGNATURE),
        ({"sub": "other", "iss": ISSUER, "aud": CLIENT_ID}, RSA, USERINFO_SUB),
    ],
    ids=["aud", "no-iss", "wrong-iss", "signature", "sub"],
)
def test_userinfo_signed_jwt_failures(payload: dict[str, Any], key: Key, reason: str) -> None:
    with pytest.raises(UserInfoError) as info:
        process_userinfo_response(
            userinfo_jwt(sign(payload, key=key)), expected_sub=SUB, **signed_options()
        )
    assert info.value.reason == reason


def test_userinfo_signed_jwt_needs_issuer_and_client_id() -> None:
    token = sign({"sub": SUB, "iss": ISSUER, "aud": CLIENT_ID})
    with pytest.raises(ValueError):
        process_userinfo_response(userinfo_jwt(token), expected_sub=SUB, keys=JWKS)


def test_userinfo_unsigned_when_signed_required() -> None:
    with pytest.raises(UserInfoError) as info:
        process_userinfo_response(
            userinfo_json({"sub": SUB}), expected_sub=SUB, require_signed=True
        )
    assert info.value.reason == USERINFO_MALFORMED


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, text="<html>hi</html>", headers={"content-type": "text/html"}),
        httpx.Response(200, json=[SUB]),
        httpx.Response(200, content=b""),
    ],
    ids=["html", "array", "empty"],
)
def test_userinfo_not_a_json_object(response: httpx.Response) -> None:
    with pytest.raises(UserInfoError) as info:
        process_userinfo_response(response, expected_sub=SUB)
    assert info.value.reason == USERINFO_MALFORMED


def test_userinfo_401_invalid_token() -> None:
    response = httpx.Response(
        401,
        headers={"WWW-Authenticate": 'Bearer error="invalid_token", error_description="expired"'},
    )
    with pytest.raises(InvalidTokenError) as info:
        process_userinfo_response(response, expected_sub=SUB)
    assert (info.value.error, info.value.description) == ("invalid_token", "expired")


def test_userinfo_403_insufficient_scope() -> None:
    response = httpx.Response(
        403, headers={"WWW-Authenticate": 'Bearer error="insufficient_scope", scope="openid"'}
    )
    with pytest.raises(OAuthError) as info:
        process_userinfo_response(response, expected_sub=SUB)
    assert info.value.error == "insufficient_scope"
    assert not isinstance(info.value, InvalidTokenError)


def test_userinfo_http_error_without_challenge() -> None:
    with pytest.raises(OAuthError) as info:
        process_userinfo_response(httpx.Response(500, text="boom"), expected_sub=SUB)
    assert info.value.error == INVALID_USERINFO_RESPONSE
    assert "500" in str(info.value)


def test_userinfo_error_body() -> None:
    response = httpx.Response(400, json={"error": "invalid_request"})
    with pytest.raises(OAuthError) as info:
        process_userinfo_response(response, expected_sub=SUB)
    assert info.value.error == "invalid_request"


# --- RP-Initiated Logout -----------------------------------------------------------------------


def _query(url: str) -> dict[str, list[str]]:
    from urllib.parse import parse_qs, urlsplit

    return parse_qs(urlsplit(url).query)


def test_end_session_url() -> None:
    url = build_end_session_url(
        f"{ISSUER}/logout?realm=x",
        id_token_hint=_GOOD,
        post_logout_redirect_uri="https://rp.example/bye",
        state="af0ifjsldkj",
        client_id=CLIENT_ID,
        ui_locales=["fr-CA", "fr", "en"],
        logout_hint="jane",
        extra="1",
    )
    assert url.startswith(f"{ISSUER}/logout?")
    assert _query(url) == {
        "realm": ["x"],
        "id_token_hint": [_GOOD],
        "logout_hint": ["jane"],
        "client_id": [CLIENT_ID],
        "post_logout_redirect_uri": ["https://rp.example/bye"],
        "state": ["af0ifjsldkj"],
        "ui_locales": ["fr-CA fr en"],
        "extra": ["1"],
    }


def test_end_session_url_without_parameters() -> None:
    assert build_end_session_url(f"{ISSUER}/logout") == f"{ISSUER}/logout"


def test_end_session_redirect_needs_a_hint() -> None:
    with pytest.raises(ValueError):
        build_end_session_url(f"{ISSUER}/logout", post_logout_redirect_uri="https://rp/bye")
    url = build_end_session_url(
        f"{ISSUER}/logout", post_logout_redirect_uri="https://rp/bye", client_id=CLIENT_ID
    )
    assert _query(url)["client_id"] == [CLIENT_ID]


def test_end_session_over_plain_http_is_refused() -> None:
    with pytest.raises(InsecureTransportError):
        build_end_session_url("http://op.example/logout", id_token_hint=_GOOD)


@pytest.fixture(autouse=True)
def _no_warnings() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield
