"""OpenID Connect Core 1.0 for a Relying Party, sans-IO: ID tokens, UserInfo, logout.

* :func:`validate_id_token` runs every check of Core §3.1.3.7 a client can run (plus the
  ``at_hash`` / ``c_hash`` checks of §3.1.3.8, §3.2.2.9 and §3.3.2.11) and returns the
  claims as :class:`IDTokenClaims`. Each failure raises :class:`IDTokenError` whose
  ``reason`` is one of the ``ID_TOKEN_*`` constants.
* :class:`IssuerPolicy` says which ``iss`` values are the provider's: exactly one by default;
  declared alternative spellings; a ``{tenantid}`` template bound to the ``tid`` claim.
* :func:`build_userinfo_request` / :func:`process_userinfo_response` (Core §5.3).
* :func:`build_end_session_url` (RP-Initiated Logout 1.0 §2).

Signatures go through joserfc, with keys chosen by :class:`~authwire.protocol.jwks.JWKSCache`:
never ``alg: none``, never an algorithm outside the caller's allow-list, never a key named or
carried by the token (``jku``, ``x5u``, ``jwk``, ``x5c``), and an ``HS*`` token only with the
client secret as the key — a public key from the JWK Set is never used as an HMAC secret.

When a token names a ``kid`` the cache does not hold, :func:`validate_id_token` raises
``ID_TOKEN_NO_KEY``; the flow then asks :meth:`JWKSCache.needs_fetch`, fetches, and validates
once more.

No error message contains a token, a key, a secret or a nonce.
"""

from __future__ import annotations

import enum
import functools
import hashlib
import hmac
import json
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any, Final, TypeAlias
from urllib.parse import urlencode

from joserfc import jws
from joserfc.errors import JoseError, UnsupportedAlgorithmError
from joserfc.jwa import JWSAlgModel
from joserfc.jwk import Key, KeySet, OctKey, OKPKey
from joserfc.jws import CompactSignature, JWSRegistry
from joserfc.util import urlsafe_b64encode

from .._clock import system_clock
from .._compat import URL, Request, Response
from .._exceptions import IDTokenError, InvalidTokenError, OAuthError
from . import _json
from ._transport import check_transport
from .issuers import TENANT_PLACEHOLDER, IssuerPolicy
from .jwks import JWKSCache
from .rfc6749 import error_from_json, safe_excerpt
from .rfc6750 import parse_www_authenticate

__all__ = [
    "DEFAULT_LEEWAY",
    "ID_TOKEN_ALG",
    "ID_TOKEN_AT_HASH",
    "ID_TOKEN_AUDIENCE",
    "ID_TOKEN_AUTH_TIME",
    "ID_TOKEN_AZP",
    "ID_TOKEN_C_HASH",
    "ID_TOKEN_ENCRYPTED",
    "ID_TOKEN_EXPIRED",
    "ID_TOKEN_IAT",
    "ID_TOKEN_ISSUER",
    "ID_TOKEN_MALFORMED",
    "ID_TOKEN_NONCE",
    "ID_TOKEN_NOT_YET_VALID",
    "ID_TOKEN_NO_KEY",
    "ID_TOKEN_SIGNATURE",
    "ID_TOKEN_SUBJECT",
    "ID_TOKEN_TYPE",
    "INVALID_USERINFO_RESPONSE",
    "SKIP_NONCE_CHECK",
    "TENANT_PLACEHOLDER",
    "USERINFO_MALFORMED",
    "USERINFO_SUB",
    "IDTokenClaims",
    "IssuerPolicy",
    "Keys",
    "SkipCheck",
    "UserInfoError",
    "build_end_session_url",
    "build_userinfo_request",
    "process_userinfo_response",
    "token_hash",
    "unverified_header",
    "validate_id_token",
]

# --- failure reasons (IDTokenError.reason) -------------------------------------------------

#: Not a JWS in compact serialization, a header that is not a JSON object, bad claims JSON.
ID_TOKEN_MALFORMED: Final = "malformed"
#: A JWE (five parts): decrypting ID tokens is not supported.
ID_TOKEN_ENCRYPTED: Final = "encrypted"
#: An explicit ``typ`` of another kind of JWT (``logout+jwt``, ``at+jwt``…). RFC 8725 §3.11.
ID_TOKEN_TYPE: Final = "typ"
#: ``alg`` is ``none``, unknown, or not in the caller's allow-list. Core §3.1.3.7 step 7.
ID_TOKEN_ALG: Final = "alg"
#: No key can verify it: no candidate in the JWK Set, or ``HS*`` without a client secret.
ID_TOKEN_NO_KEY: Final = "no_key"
#: The signature does not verify with any candidate key. Core §3.1.3.7 step 6.
ID_TOKEN_SIGNATURE: Final = "signature"
#: ``iss`` is missing or not the expected issuer. Core §3.1.3.7 step 2.
ID_TOKEN_ISSUER: Final = "iss"
#: ``aud`` is missing, does not contain the client_id, or lists an audience the client does
#: not trust. Core §3.1.3.7 step 3.
ID_TOKEN_AUDIENCE: Final = "aud"
#: Several audiences and no ``azp``, or an ``azp`` that is not the client_id. Steps 4-5.
ID_TOKEN_AZP: Final = "azp"
#: ``exp`` is missing, not a usable NumericDate, or in the past (beyond the leeway).
#: Core §3.1.3.7 step 9.
ID_TOKEN_EXPIRED: Final = "exp"
#: ``iat`` is missing, not a usable NumericDate, or in the future (beyond the leeway).
#: Core §3.1.3.7 step 10.
ID_TOKEN_IAT: Final = "iat"
#: ``nbf`` is not a usable NumericDate or in the future (beyond the leeway). RFC 7519 §4.1.5.
ID_TOKEN_NOT_YET_VALID: Final = "nbf"
#: ``sub`` is missing or not a non-empty string. Core §2.
ID_TOKEN_SUBJECT: Final = "sub"
#: ``nonce`` differs from the one sent, is missing, or is present when none was sent. Step 11.
ID_TOKEN_NONCE: Final = "nonce"
#: ``auth_time`` is missing though required, not a usable NumericDate, or too old for
#: ``max_age``. Step 13.
ID_TOKEN_AUTH_TIME: Final = "auth_time"
#: ``at_hash`` does not match the access token, or is missing though required. §3.2.2.9.
ID_TOKEN_AT_HASH: Final = "at_hash"
#: ``c_hash`` does not match the code, or is missing though required. §3.3.2.11.
ID_TOKEN_C_HASH: Final = "c_hash"

#: The UserInfo ``sub`` is not the ID token's ``sub``. Core §5.3.4.
USERINFO_SUB: Final = "sub_mismatch"
#: The UserInfo body is not a JSON object (or a JWT whose claims are one). Core §5.3.2.
USERINFO_MALFORMED: Final = ID_TOKEN_MALFORMED
#: The ``error`` of :class:`UserInfoError` and of unusable UserInfo responses.
INVALID_USERINFO_RESPONSE: Final = "invalid_userinfo_response"

#: Seconds of clock skew tolerated on ``exp``, ``iat``, ``nbf`` and ``auth_time``.
DEFAULT_LEEWAY: Final = 60

#: The placeholder of a multi-tenant issuer template (Microsoft Entra ID).
_SHOWN = 80  # characters of an untrusted value shown in a message


class SkipCheck(enum.Enum):
    """Sentinels that switch off one check, by name, where the spec allows it."""

    NONCE = "nonce"


#: Pass as ``nonce=`` to leave ``nonce`` unchecked, e.g. for an ID token from a refresh
#: (Core §12.2: it SHOULD NOT carry one; if it does, compare it yourself).
SKIP_NONCE_CHECK: Final = SkipCheck.NONCE


class UserInfoError(OAuthError):
    """A UserInfo response failed a check of Core §5.3; ``reason`` names it.

    ``USERINFO_SUB`` (the ``sub`` is not the ID token's), ``USERINFO_MALFORMED``, or, for a
    signed response, the ``ID_TOKEN_*`` reason of the JWT check that failed.
    """

    error = INVALID_USERINFO_RESPONSE

    def __init__(self, reason: str, description: str | None = None) -> None:
        self.reason = reason
        super().__init__(None, description or reason)


_Fail = Callable[[str, str], OAuthError]

Keys: TypeAlias = JWKSCache | Mapping[str, Any] | KeySet | Iterable[Key]
"""Where verification keys come from: a cache, a JWK Set dict, a ``KeySet``, or keys."""


def _show(value: object) -> str:
    """An untrusted claim value, shortened, for a message (never a token or a secret).

    Strings, numbers and flat arrays of strings are quoted; anything else is named by its
    JSON type only, so that a hostile, deeply nested value cannot exhaust the stack here.
    """
    if isinstance(value, str):
        text = value
    elif value is None or isinstance(value, bool | int | float):
        text = _scalar(value)
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        text = json.dumps(value)
    else:
        text = f"a JSON {'array' if isinstance(value, list) else 'object'}"
    if len(text) > _SHOWN:
        text = text[:_SHOWN] + "…"
    return repr(text)


def _scalar(value: bool | int | float | None) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**_SHOWN:
        return "a very large number"  # str() of a huge int is slow (and capped at 4300 digits)
    return json.dumps(value)


def _policy(issuer: str | IssuerPolicy) -> IssuerPolicy:
    if isinstance(issuer, IssuerPolicy):
        return issuer
    if not isinstance(issuer, str) or not issuer:
        raise ValueError("issuer must be the provider's issuer identifier or an IssuerPolicy")
    return IssuerPolicy(issuer, tenant_claim=None)  # a plain string: exact comparison only


# --- claims --------------------------------------------------------------------------------


def _opt_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _opt_int(value: object) -> int | None:
    number = _numeric_date(value)
    return None if number is None else int(number)


class IDTokenClaims(dict[str, Any]):
    """The claims of a validated ID token: a ``dict``, with typed accessors. Core §2, §5.1."""

    __slots__ = ()

    @property
    def iss(self) -> str:
        """Issuer identifier."""
        return str(self["iss"])

    @property
    def sub(self) -> str:
        """Subject: the End-User's identifier at the issuer."""
        return str(self["sub"])

    @property
    def aud(self) -> list[str]:
        """Audiences, always as a list."""
        aud = self.get("aud")
        if isinstance(aud, str):
            return [aud]
        return [a for a in aud if isinstance(a, str)] if isinstance(aud, list) else []

    @property
    def exp(self) -> int:
        """Expiry, seconds since the epoch."""
        return int(self["exp"])

    @property
    def iat(self) -> int:
        """Issue time, seconds since the epoch."""
        return int(self["iat"])

    @property
    def auth_time(self) -> int | None:
        """When the End-User authenticated, seconds since the epoch."""
        return _opt_int(self.get("auth_time"))

    @property
    def nonce(self) -> str | None:
        """The nonce of the authentication request."""
        return _opt_str(self.get("nonce"))

    @property
    def azp(self) -> str | None:
        """Authorized party."""
        return _opt_str(self.get("azp"))

    @property
    def acr(self) -> str | None:
        """Authentication context class reference."""
        return _opt_str(self.get("acr"))

    @property
    def amr(self) -> list[str] | None:
        """Authentication method references: the strings of the array (Core §2)."""
        amr = self.get("amr")
        return [a for a in amr if isinstance(a, str)] if isinstance(amr, list) else None

    @property
    def sid(self) -> str | None:
        """Session ID (Front- and Back-Channel Logout)."""
        return _opt_str(self.get("sid"))

    @property
    def email(self) -> str | None:
        """E-mail address (Core §5.1)."""
        return _opt_str(self.get("email"))

    @property
    def email_verified(self) -> bool | None:
        """Whether the provider verified the e-mail address (Core §5.1)."""
        value = self.get("email_verified")
        return value if isinstance(value, bool) else None

    @property
    def name(self) -> str | None:
        """Full name (Core §5.1)."""
        return _opt_str(self.get("name"))

    @property
    def preferred_username(self) -> str | None:
        """Shorthand name (Core §5.1); never an identifier: use ``iss`` + ``sub``."""
        return _opt_str(self.get("preferred_username"))


# --- JWS -----------------------------------------------------------------------------------


class _Verifier(JWSRegistry):
    """A JWS registry that allows exactly the caller's algorithms, never ``none``.

    Returning the model directly also skips joserfc's deprecation warning for ``EdDSA``,
    which providers deployed today still sign with. Header checks are not strict: providers
    add members of their own; ``crit`` is still enforced.
    """

    max_header_length = 8192  # room for an x5c chain
    max_signature_length = 2048  # RSA up to 8192 bits

    def __init__(self, algorithms: Collection[str]) -> None:
        super().__init__(algorithms=list(algorithms), strict_check_header=False)

    def get_alg(self, name: str) -> JWSAlgModel:
        if name == "none" or not self.allowed or name not in self.allowed:
            raise UnsupportedAlgorithmError(f"Algorithm of '{name}' is not allowed")
        return JWSRegistry.algorithms[name]


_READER = _Verifier(())
_HMAC_ALGS = frozenset({"HS256", "HS384", "HS512"})
_KNOWN_ALGS = frozenset(name for name in JWSRegistry.algorithms if name != "none")


@functools.lru_cache(maxsize=16)
def _verifier(algorithms: frozenset[str]) -> _Verifier:
    return _Verifier(algorithms)


def _allow_list(algorithms: Iterable[str]) -> frozenset[str]:
    if isinstance(algorithms, str):
        algorithms = (algorithms,)
    allowed = frozenset(algorithms)
    if not allowed:
        raise ValueError("algorithms must name at least one JWS algorithm, e.g. ('RS256',)")
    if "none" in allowed:
        raise ValueError("algorithms must not contain 'none': unsigned tokens are never valid")
    unknown = sorted(a for a in allowed if a not in _KNOWN_ALGS)
    if unknown:
        raise ValueError(f"unknown JWS algorithms {unknown}; known: {sorted(_KNOWN_ALGS)}")
    return allowed


def _extract(token: object, what: str, fail: _Fail) -> CompactSignature:
    if not isinstance(token, str) or not token:
        raise fail(ID_TOKEN_MALFORMED, f"the {what} is not a non-empty string")
    dots = token.count(".")
    if dots == 4:
        raise fail(
            ID_TOKEN_ENCRYPTED,
            f"the {what} is encrypted (a JWE); decrypting it is not supported: register the "
            "client without id_token_encrypted_response_alg / userinfo_encrypted_response_alg",
        )
    if dots != 2:
        raise fail(ID_TOKEN_MALFORMED, f"the {what} is not a JWS in compact serialization")
    try:
        obj = jws.extract_compact(token.encode("ascii"), registry=_READER)
    except (JoseError, ValueError, TypeError, AttributeError, KeyError, RecursionError) as exc:
        # RecursionError: joserfc parses the header with json.loads, and a hostile header
        # of nested arrays exhausts the stack (RFC 7515 §5.2 step 3: not valid JSON).
        kind = exc.error if isinstance(exc, JoseError) else "undecodable"
        raise fail(ID_TOKEN_MALFORMED, f"the {what} cannot be decoded ({kind})") from None
    header = obj.protected
    if not isinstance(header, dict) or not isinstance(header.get("alg"), str):
        raise fail(ID_TOKEN_MALFORMED, f"the {what} header is not a JSON object with an alg")
    return obj


def unverified_header(token: str) -> dict[str, Any]:
    """The protected header of a JWS, NOT verified: only to look up the key (``kid``).

    Raises:
        IDTokenError: ``ID_TOKEN_ENCRYPTED`` for a JWE, ``ID_TOKEN_MALFORMED`` when it is
            not a JWS in compact serialization with a JSON object header naming ``alg``.

    RFC 7515 §7.1, Core §10.1.
    """
    return dict(_extract(token, "ID token", IDTokenError).protected)


def _check_header(
    header: Mapping[str, Any], allowed: frozenset[str], what: str, fail: _Fail
) -> str:
    alg = str(header["alg"])
    if alg == "none":
        raise fail(ID_TOKEN_ALG, f"the {what} is unsigned (alg 'none'); refused")
    if alg not in allowed:
        raise fail(
            ID_TOKEN_ALG,
            f"the {what} is signed with alg {_show(alg)}, not one of the allowed {sorted(allowed)}",
        )
    if "b64" in header:
        raise fail(ID_TOKEN_MALFORMED, f"the {what} uses an unencoded payload (b64); refused")
    crit = header.get("crit")
    if crit is not None and not (
        isinstance(crit, list) and crit and all(isinstance(name, str) for name in crit)
    ):
        # RFC 7515 §4.1.11: a non-empty array of header parameter names, else invalid.
        raise fail(ID_TOKEN_MALFORMED, f"the {what} header has a crit that is not a name list")
    typ = header.get("typ")
    if typ is not None:
        if not isinstance(typ, str):  # RFC 7515 §4.1.9: a string
            raise fail(ID_TOKEN_MALFORMED, f"the {what} header has a typ that is not a string")
        media = typ.lower().removeprefix("application/")
        if media.endswith("+jwt"):
            raise fail(
                ID_TOKEN_TYPE, f"the {what} is explicitly typed {_show(typ)}: another kind of JWT"
            )
    try:
        _verifier(allowed).check_header(dict(header))
    except JoseError as exc:
        raise fail(
            ID_TOKEN_MALFORMED, f"the {what} header is not acceptable ({exc.error})"
        ) from None
    except (ValueError, TypeError):
        raise fail(ID_TOKEN_MALFORMED, f"the {what} header is not acceptable") from None
    return alg


def _candidates(
    header: Mapping[str, Any],
    keys: Keys | None,
    client_secret: str | bytes | None,
    what: str,
    fail: _Fail,
) -> list[Key]:
    alg = str(header["alg"])
    if alg in _HMAC_ALGS:
        # Core §10.1: the key is the client secret, never a member of the JWK Set.
        if client_secret is None or not client_secret:
            raise fail(
                ID_TOKEN_NO_KEY,
                f"the {what} is signed with {alg}, which is keyed with the client secret, "
                "and no client_secret was given",
            )
        secret = client_secret.encode("utf-8") if isinstance(client_secret, str) else client_secret
        return [OctKey.import_key(secret)]
    if keys is None:
        raise fail(ID_TOKEN_NO_KEY, f"no keys were given to verify the {what} ({alg})")
    cache = keys if isinstance(keys, JWKSCache) else JWKSCache(jwks=keys)
    found = cache.select(header)
    if not found:
        kid = header.get("kid")
        named = f"kid {_show(kid)}" if kid is not None else "no kid"
        raise fail(
            ID_TOKEN_NO_KEY,
            f"no key of the JWK Set can verify the {what} ({alg}, {named})",
        )
    return found


def _verify(
    token: str,
    *,
    keys: Keys | None,
    algorithms: frozenset[str],
    client_secret: str | bytes | None,
    what: str,
    fail: _Fail,
) -> tuple[dict[str, Any], dict[str, Any], Key]:
    """Verify a JWS; return its header, its claims and the key that verified it."""
    obj = _extract(token, what, fail)
    header = obj.protected
    _check_header(header, algorithms, what, fail)
    registry = _verifier(algorithms)
    verified_by: Key | None = None
    for key in _candidates(header, keys, client_secret, what, fail):
        try:
            if jws.validate_compact(obj, key, registry=registry):
                verified_by = key
                break
        except (JoseError, ValueError, TypeError):
            continue
    if verified_by is None:
        raise fail(ID_TOKEN_SIGNATURE, f"the signature of the {what} does not verify")
    try:
        claims = _json.loads(obj.payload)
    except ValueError:  # also too deep, NaN/Infinity, bad UTF-8 (UnicodeDecodeError)
        claims = None
    if not isinstance(claims, dict):
        raise fail(ID_TOKEN_MALFORMED, f"the {what} payload is not a JSON object")
    return dict(header), claims, verified_by


# --- hashes --------------------------------------------------------------------------------


def _digest(data: bytes, alg: str, curve: str | None) -> bytes:
    if alg == "EdDSA":
        if curve is None:
            raise ValueError("alg 'EdDSA' needs the curve of the key (Ed25519 or Ed448)")
        alg = curve
    if alg == "Ed25519":
        return hashlib.sha512(data).digest()
    if alg == "Ed448":
        return hashlib.shake_256(data).digest(114)
    size = alg[2:5]
    if alg[:2] in ("HS", "RS", "ES", "PS") and size in ("256", "384", "512"):
        return hashlib.new(f"sha{size}", data).digest()
    raise ValueError(f"no token hash is defined for alg {alg!r}")


def token_hash(value: str, alg: str, *, curve: str | None = None) -> str:
    """``at_hash`` / ``c_hash`` of ``value`` for an ID token signed with ``alg``.

    The left-most half of the hash of the ASCII octets, base64url-encoded without padding.
    The hash is the one of ``alg`` (SHA-256 for ``RS256``/``ES256K``…); for EdDSA it is the
    hash of the curve, as the OpenID Foundation settled (connect issue #1125): SHA-512 for
    Ed25519, SHAKE256 with a 114-octet output for Ed448. ``curve`` is needed for ``EdDSA``.

    Core §3.1.3.8, §3.2.2.9, §3.3.2.11.
    """
    digest = _digest(value.encode("utf-8"), alg, curve)
    return urlsafe_b64encode(digest[: len(digest) // 2]).decode("ascii")


def _check_hash(
    claims: Mapping[str, Any],
    name: str,
    value: str | None,
    *,
    required: bool,
    alg: str,
    key: Key,
) -> None:
    """Compare the ``at_hash`` / ``c_hash`` claim (``name``, also the failure reason)."""
    reason = name
    present = claims.get(name)
    if present is None:
        if required:
            raise IDTokenError(reason, f"the ID token has no {name}, and it is required")
        return
    if value is None:
        return  # nothing to compare with
    curve = key.curve_name if isinstance(key, OKPKey) else None
    expected = token_hash(value, alg, curve=curve)
    if not isinstance(present, str) or not hmac.compare_digest(
        present.encode("utf-8"), expected.encode("ascii")
    ):
        what = "access token" if name == "at_hash" else "authorization code"
        raise IDTokenError(reason, f"the {name} of the ID token does not match the {what}")


# --- ID token ------------------------------------------------------------------------------


def _numeric_date(value: object) -> float | None:
    """A NumericDate (RFC 7519 §2: a JSON number of seconds), when it is a usable one.

    Not a string, not a boolean; and not NaN, an infinity or a number too large for any
    date (a 400-digit integer would overflow the first comparison with a float).
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return _json.finite_number(value)


def _finite(value: object) -> bool:
    """A caller's number that compares sanely: not NaN, infinite or absurdly large."""
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and _json.finite_number(value) is not None
    )


def _number(claims: Mapping[str, Any], name: str) -> float | None:
    return _numeric_date(claims.get(name))


def _audiences(trusted: Collection[str]) -> frozenset[str]:
    if isinstance(trusted, str):
        trusted = (trusted,)  # one audience passed bare
    audiences = frozenset(trusted)
    if not all(isinstance(a, str) and a for a in audiences):
        raise ValueError("trusted_audiences must be non-empty strings (audience values)")
    return audiences


def _check_audience(
    claims: Mapping[str, Any],
    client_id: str,
    what: str,
    fail: _Fail,
    trusted: frozenset[str] | None = None,
) -> None:
    """``aud`` must list ``client_id``; with ``trusted``, also nothing but it and those.

    ``trusted`` is ``None`` where the spec asks only that ``aud`` *include* the client (a
    signed UserInfo response, Core §5.3.2); for an ID token every other audience must be one
    the client trusts (Core §3.1.3.7 step 3).
    """
    aud = claims.get("aud")
    if isinstance(aud, str):
        audiences = [aud]
    elif isinstance(aud, list) and aud and all(isinstance(a, str) for a in aud):
        audiences = aud
    else:
        raise fail(ID_TOKEN_AUDIENCE, f"the {what} has no aud claim (a string or strings)")
    if client_id not in audiences:
        raise fail(
            ID_TOKEN_AUDIENCE,
            f"the aud of the {what} ({_show(audiences)}) does not include the client_id",
        )
    if trusted is not None:
        untrusted = sorted({a for a in audiences if a != client_id and a not in trusted})
        if untrusted:
            raise fail(
                ID_TOKEN_AUDIENCE,
                f"the aud of the {what} lists audiences the client does not trust "
                f"({_show(untrusted)}); add them to trusted_audiences if they are expected",
            )


def validate_id_token(
    id_token: str,
    *,
    keys: Keys | None,
    client_id: str,
    issuer: str | IssuerPolicy,
    algorithms: Iterable[str] = ("RS256",),
    client_secret: str | bytes | None = None,
    nonce: str | SkipCheck | None = None,
    max_age: int | None = None,
    auth_time_required: bool = False,
    leeway: float = DEFAULT_LEEWAY,
    now: float | None = None,
    access_token: str | None = None,
    code: str | None = None,
    require_at_hash: bool = False,
    require_c_hash: bool = False,
    trusted_audiences: Collection[str] = (),
) -> IDTokenClaims:
    """Validate an ID token and return its claims.

    Args:
        id_token: the JWS in compact serialization.
        keys: the provider's keys: a :class:`JWKSCache` (preferred), a JWK Set ``dict``, a
            joserfc ``KeySet`` or keys. Only these verify asymmetric signatures.
        client_id: this client; must be in ``aud`` (and be ``azp``).
        issuer: the expected issuer, compared exactly; or an :class:`IssuerPolicy` to
            accept declared alternative spellings or a ``{tenantid}`` template.
        algorithms: the JWS algorithms accepted — the client's registered
            ``id_token_signed_response_alg``, never the provider's advertised list alone.
        client_secret: the key of ``HS256``/``HS384``/``HS512`` tokens (and only of them).
        nonce: the nonce sent in the authentication request: the token must carry it. ``None``
            means none was sent: a token that carries one is refused (it answers another
            request). :data:`SKIP_NONCE_CHECK` leaves it unchecked.
        max_age: the ``max_age`` sent: ``auth_time`` is required and must be recent enough.
        auth_time_required: ``auth_time`` is required (``require_auth_time`` registration,
            or ``auth_time`` requested as an essential claim).
        leeway: seconds of clock skew tolerated (default 60).
        now: the current time in seconds since the epoch; the system clock when ``None``.
        access_token: the access token issued with it, compared with ``at_hash`` if present.
        code: the authorization code issued with it, compared with ``c_hash`` if present.
        require_at_hash: ``at_hash`` must be present (implicit / hybrid ``id_token token``).
        require_c_hash: ``c_hash`` must be present (hybrid ``code id_token``).
        trusted_audiences: audiences other than ``client_id`` that ``aud`` may list (an API
            the provider adds, say). Any other additional audience is refused: Core
            §3.1.3.7 step 3. ``azp`` must still be the client.

    Returns:
        The claims, as :class:`IDTokenClaims`.

    Raises:
        IDTokenError: a check failed; ``reason`` is one of the ``ID_TOKEN_*`` constants.
        ValueError: a bad argument (empty allow-list, ``none`` allowed, negative or
            non-finite leeway, ``now`` or ``max_age``…).

    OpenID Connect Core §3.1.3.7 (steps 1-13 that a client can check), §3.2.2.11,
    §3.3.2.12, §3.1.3.8, §3.2.2.9, §3.3.2.11; RFC 8725 §3.1, §3.11.
    """
    if not isinstance(client_id, str) or not client_id:
        raise ValueError("client_id must be a non-empty string")
    policy = _policy(issuer)
    allowed = _allow_list(algorithms)
    trusted = _audiences(trusted_audiences)
    # NaN compares false with everything: a NaN leeway, now or max_age would pass every
    # time check below.
    if not _finite(leeway) or leeway < 0:
        raise ValueError("leeway must be a finite number of seconds >= 0")
    if now is not None and not _finite(now):
        raise ValueError("now must be a finite number of seconds since the epoch")
    if max_age is not None and (not _finite(max_age) or max_age < 0):
        raise ValueError("max_age must be a number of seconds >= 0")
    if require_at_hash and access_token is None:
        raise ValueError("require_at_hash needs the access_token")
    if require_c_hash and code is None:
        raise ValueError("require_c_hash needs the code")
    if nonce is not None and not isinstance(nonce, str | SkipCheck):
        raise TypeError("nonce must be a str, None or SKIP_NONCE_CHECK")
    current = system_clock() if now is None else now

    header, claims, key = _verify(
        id_token,
        keys=keys,
        algorithms=allowed,
        client_secret=client_secret,
        what="ID token",
        fail=IDTokenError,
    )
    alg = str(header["alg"])

    # Step 2: the issuer.
    iss = claims.get("iss")
    if not policy.check(iss, claims):
        shown = _show(iss) if isinstance(iss, str) else "missing"
        raise IDTokenError(ID_TOKEN_ISSUER, f"the iss of the ID token ({shown}) is not expected")

    # Steps 3-5: the audience and the authorized party.
    _check_audience(claims, client_id, "ID token", IDTokenError, trusted)
    aud = claims["aud"]
    azp = claims.get("azp")
    if isinstance(aud, list) and len(set(aud)) > 1 and "azp" not in claims:
        raise IDTokenError(ID_TOKEN_AZP, "the ID token has several audiences and no azp")
    if "azp" in claims and azp != client_id:  # a present azp, even null, must be the client
        raise IDTokenError(
            ID_TOKEN_AZP, f"the azp of the ID token ({_show(azp)}) is not the client"
        )

    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise IDTokenError(ID_TOKEN_SUBJECT, "the ID token has no sub (a non-empty string)")

    # Step 9: expiry.
    exp = _number(claims, "exp")
    if exp is None:
        raise IDTokenError(ID_TOKEN_EXPIRED, "the ID token has no usable exp (a NumericDate)")
    if current >= exp + leeway:
        raise IDTokenError(ID_TOKEN_EXPIRED, "the ID token has expired")

    # Step 10: issue time.
    iat = _number(claims, "iat")
    if iat is None:
        raise IDTokenError(ID_TOKEN_IAT, "the ID token has no usable iat (a NumericDate)")
    if iat > current + leeway:
        raise IDTokenError(ID_TOKEN_IAT, "the ID token is issued in the future (iat)")
    if "nbf" in claims:
        nbf = _number(claims, "nbf")
        if nbf is None:
            raise IDTokenError(
                ID_TOKEN_NOT_YET_VALID, "the ID token has no usable nbf (a NumericDate)"
            )
        if nbf > current + leeway:
            raise IDTokenError(ID_TOKEN_NOT_YET_VALID, "the ID token is not valid yet (nbf)")

    # Step 11: the nonce.
    received = claims.get("nonce")
    if isinstance(nonce, str):
        if not isinstance(received, str) or not hmac.compare_digest(
            received.encode("utf-8"), nonce.encode("utf-8")
        ):
            problem = (
                "the ID token has no nonce, though one was sent"
                if received is None
                else "the nonce of the ID token is not the one sent"
            )
            raise IDTokenError(ID_TOKEN_NONCE, problem)
    elif nonce is None and received is not None:
        raise IDTokenError(
            ID_TOKEN_NONCE,
            "the ID token carries a nonce though none was sent: it answers another request",
        )

    # Step 13: authentication time.
    if "auth_time" in claims or max_age is not None or auth_time_required:
        auth_time = _number(claims, "auth_time")
        if auth_time is None:
            raise IDTokenError(
                ID_TOKEN_AUTH_TIME, "the ID token has no usable auth_time (a NumericDate)"
            )
        if max_age is not None and current > auth_time + max_age + leeway:
            raise IDTokenError(
                ID_TOKEN_AUTH_TIME, "the End-User authenticated longer ago than max_age"
            )

    # §3.2.2.9 / §3.3.2.11: the hashes binding the access token and the code.
    at_hash, c_hash = ID_TOKEN_AT_HASH, ID_TOKEN_C_HASH
    _check_hash(claims, at_hash, access_token, required=require_at_hash, alg=alg, key=key)
    _check_hash(claims, c_hash, code, required=require_c_hash, alg=alg, key=key)
    return IDTokenClaims(claims)


# --- UserInfo ------------------------------------------------------------------------------


def build_userinfo_request(endpoint: str, access_token: str) -> Request:
    """The GET request to the UserInfo endpoint, with the bearer token. Core §5.3.1."""
    check_transport(endpoint, what="userinfo_endpoint")
    if not access_token:
        raise ValueError("the UserInfo request needs an access token")
    return Request(
        "GET",
        endpoint,
        headers={
            "Accept": "application/json, application/jwt",
            "Authorization": f"Bearer {access_token}",
        },
    )


def _jwt_text(response: Response) -> str:
    """The compact JWT of an ``application/jwt`` body (ASCII by RFC 7515 §7.1), or ``""``.

    Not ``response.text``: a hostile ``charset`` (``base64``, ``rot13``, ``idna``…) makes
    httpx's decoding raise exceptions of its own.
    """
    try:
        return response.content.decode("ascii").strip()
    except UnicodeDecodeError:
        return ""  # refused by _verify as not a JWS


def _userinfo_http_error(response: Response) -> OAuthError:
    for challenge in parse_www_authenticate(response.headers.get("www-authenticate", "")):
        if challenge.scheme.lower() in ("bearer", "dpop") and "error" in challenge.params:
            params = challenge.params
            error_cls = InvalidTokenError if params["error"] == "invalid_token" else OAuthError
            return error_cls(
                params["error"], params.get("error_description"), params.get("error_uri")
            )
    try:
        data = _json.loads(response.content)
    except ValueError:
        data = None
    error = error_from_json(data)
    if error is not None:
        return error
    return OAuthError(
        INVALID_USERINFO_RESPONSE,
        f"the UserInfo endpoint answered HTTP {response.status_code}; "
        f"body: {safe_excerpt(response)}",
    )


def process_userinfo_response(
    response: Response,
    *,
    expected_sub: str,
    keys: Keys | None = None,
    issuer: str | IssuerPolicy | None = None,
    client_id: str | None = None,
    algorithms: Iterable[str] = ("RS256",),
    client_secret: str | bytes | None = None,
    require_signed: bool = False,
) -> dict[str, Any]:
    """The claims of a UserInfo response, after checking its ``sub``.

    ``application/json`` is read as a JSON object. ``application/jwt`` is a signed JWT: its
    signature is verified like an ID token's (same ``alg`` allow-list, keys and HMAC rule),
    and it must carry ``iss`` (the issuer) and ``aud`` (including ``client_id``), so
    ``issuer`` and ``client_id`` are required then.

    Args:
        response: the UserInfo endpoint's response.
        expected_sub: the ``sub`` of the ID token; the response's must equal it exactly.
        keys: the provider's keys, for a signed response.
        issuer: the expected issuer (or policy), for a signed response.
        client_id: this client, for a signed response.
        algorithms: the accepted ``userinfo_signed_response_alg`` values.
        client_secret: the key of an HMAC-signed response.
        require_signed: refuse a plain JSON response (the client registered
            ``userinfo_signed_response_alg``).

    Raises:
        InvalidTokenError: the endpoint rejected the access token (``WWW-Authenticate``).
        OAuthError: another error in the challenge or the body, or an HTTP error without
            one (``invalid_userinfo_response``).
        UserInfoError: ``USERINFO_SUB`` when ``sub`` differs (the claims MUST NOT be used),
            ``USERINFO_MALFORMED`` for a body that is not a JSON object, or an ``ID_TOKEN_*``
            reason for a signed response that fails its checks.

    OpenID Connect Core §5.3.2, §5.3.3, §5.3.4; RFC 6750 §3.
    """
    if not isinstance(expected_sub, str) or not expected_sub:
        raise ValueError("expected_sub must be the sub of the ID token")
    if not 200 <= response.status_code < 300:
        raise _userinfo_http_error(response)
    ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/jwt":
        if issuer is None or client_id is None:
            raise ValueError("a signed UserInfo response needs issuer= and client_id=")
        policy = _policy(issuer)
        _, claims, _ = _verify(
            _jwt_text(response),
            keys=keys,
            algorithms=_allow_list(algorithms),
            client_secret=client_secret,
            what="signed UserInfo response",
            fail=UserInfoError,
        )
        if not policy.check(claims.get("iss"), claims):
            raise UserInfoError(ID_TOKEN_ISSUER, "the signed UserInfo response has no expected iss")
        _check_audience(claims, client_id, "signed UserInfo response", UserInfoError)
    else:
        if require_signed:
            raise UserInfoError(
                USERINFO_MALFORMED,
                f"the UserInfo response is not signed (content type {_show(ctype or 'none')})",
            )
        try:
            data = _json.loads(response.content)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise UserInfoError(
                USERINFO_MALFORMED,
                f"the UserInfo response is not a JSON object; body: {safe_excerpt(response)}",
            )
        claims = data
    sub = claims.get("sub")
    if not isinstance(sub, str) or not hmac.compare_digest(
        sub.encode("utf-8"), expected_sub.encode("utf-8")
    ):
        raise UserInfoError(
            USERINFO_SUB, "the sub of the UserInfo response is not the sub of the ID token"
        )
    return claims


# --- RP-Initiated Logout -------------------------------------------------------------------


def build_end_session_url(
    endpoint: str,
    *,
    id_token_hint: str | None = None,
    logout_hint: str | None = None,
    client_id: str | None = None,
    post_logout_redirect_uri: str | None = None,
    state: str | None = None,
    ui_locales: str | Iterable[str] | None = None,
    allow_insecure_transport: bool = False,
    **params: Any,
) -> str:
    """The URL to send the End-User's browser to, to log out at the provider.

    Parameters that are ``None`` are left out; the endpoint's own query is kept (a parameter
    given here replaces one of the same name). With ``post_logout_redirect_uri``, give
    ``id_token_hint`` (recommended) or ``client_id`` so the provider knows the client.

    Raises:
        ValueError: ``post_logout_redirect_uri`` without ``id_token_hint`` nor ``client_id``;
            a non-http(s) endpoint.
        InsecureTransportError: plain http to a non-loopback endpoint (the URL carries the
            ID token).

    OpenID Connect RP-Initiated Logout 1.0 §2, §3.
    """
    check_transport(endpoint, allow_insecure=allow_insecure_transport, what="end_session_endpoint")
    if post_logout_redirect_uri is not None and id_token_hint is None and client_id is None:
        raise ValueError(
            "post_logout_redirect_uri needs id_token_hint (recommended) or client_id, so "
            "that the provider can check it against the client's registration"
        )
    if ui_locales is not None and not isinstance(ui_locales, str):
        ui_locales = " ".join(ui_locales)
    ordered: dict[str, Any] = {
        "id_token_hint": id_token_hint,
        "logout_hint": logout_hint,
        "client_id": client_id,
        "post_logout_redirect_uri": post_logout_redirect_uri,
        "state": state,
        "ui_locales": ui_locales,
        **params,
    }
    url = URL(endpoint)
    query = [(k, v) for k, v in url.params.multi_items() if k not in ordered]
    query.extend((k, str(v)) for k, v in ordered.items() if v is not None)
    if not query:
        return str(url.copy_with(query=None))
    return str(url.copy_with(query=urlencode(query).encode("ascii")))
