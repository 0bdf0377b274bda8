"""JSON Web Key Sets: fetching a provider's signing keys and choosing among them, sans-IO.

:class:`JWKSCache` holds the keys published at a ``jwks_uri`` (or a static set) and decides
when they must be fetched again; the caller sends the request it builds and hands back the
response. Nothing here opens a socket, sleeps or reads a clock: every method that depends on
the time takes ``now`` (seconds since the epoch).

When to fetch (:meth:`JWKSCache.needs_fetch`):

* never fetched, or the keys are older than ``max_age``;
* a token names a ``kid`` the set does not hold (the provider rotated its keys);
* but never sooner than ``min_interval`` after the previous attempt, so a stream of tokens
  naming random ``kid`` values cannot make the client hammer the provider.

Which keys may verify a token (:meth:`JWKSCache.select`): only keys of the set, never a key
the token points at or carries (``jku``, ``x5u``, ``jwk``, ``x5c``; RFC 8725 §3.10), and only
keys whose type, curve, ``use``, ``key_ops`` and ``alg`` fit the token's ``alg``. Symmetric
(``oct``) members of a published set are never candidates: an HMAC-signed ID token is keyed
with the client secret only (OpenID Connect Core §10.1).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from joserfc.errors import JoseError
from joserfc.jwk import ECKey, JWKRegistry, Key, KeySet, OKPKey, RSAKey

from .._compat import Request, Response
from .._exceptions import OAuthError
from . import _json
from ._transport import check_transport
from .rfc6749 import safe_excerpt

__all__ = [
    "DEFAULT_MAX_AGE",
    "DEFAULT_MIN_INTERVAL",
    "INVALID_JWKS",
    "JWKSCache",
    "key_requirements",
]

#: Seconds that must pass between two fetches of the same set, whatever the tokens say.
DEFAULT_MIN_INTERVAL = 30.0
#: Seconds after which a fetched set is considered stale and fetched again.
DEFAULT_MAX_AGE = 3600.0
#: The ``error`` of the :class:`OAuthError` raised for an unusable JWK Set.
INVALID_JWKS = "invalid_jwks"

_JWKS_MEDIA_TYPES = "application/jwk-set+json, application/json"

# RSA moduli a published key may have: RFC 7518 §3.3 and §3.5 require 2048 bits or more, and
# a signature (as long as the modulus) of more than 2048 bytes is refused anyway.
_RSA_BITS = range(2048, 16384 + 1)

# JWS alg -> (kty, allowed curves or None). RFC 7518 §3.1, RFC 8037 §3.1, RFC 8812 §3.2,
# RFC 9864 §2.2. "none" and the HMAC algorithms have no entry: no published key serves them.
_REQUIREMENTS: dict[str, tuple[str, frozenset[str] | None]] = {
    **{f"RS{n}": ("RSA", None) for n in (256, 384, 512)},
    **{f"PS{n}": ("RSA", None) for n in (256, 384, 512)},
    "ES256": ("EC", frozenset({"P-256"})),
    "ES384": ("EC", frozenset({"P-384"})),
    "ES512": ("EC", frozenset({"P-521"})),
    "ES256K": ("EC", frozenset({"secp256k1"})),
    "EdDSA": ("OKP", frozenset({"Ed25519", "Ed448"})),
    "Ed25519": ("OKP", frozenset({"Ed25519"})),
    "Ed448": ("OKP", frozenset({"Ed448"})),
}


def key_requirements(alg: str) -> tuple[str, frozenset[str] | None] | None:
    """The key type (and curves) a JWS ``alg`` verifies with; ``None`` for HMAC, ``none``.

    RFC 7518 §3.1, RFC 8037 §3.1, RFC 9864 §2.2.
    """
    return _REQUIREMENTS.get(alg)


@dataclass(frozen=True, slots=True)
class _Entry:
    """One usable member of a set, with the metadata as published (before joserfc adds a
    thumbprint ``kid`` to keys that have none)."""

    key: Key
    kid: str | None
    use: str | None
    alg: str | None
    key_ops: tuple[str, ...] | None


def _curve(key: Key) -> str | None:
    if isinstance(key, ECKey | OKPKey):
        try:
            return key.curve_name
        except (KeyError, ValueError):
            return None
    return None


def _rsa_size_ok(member: Mapping[str, Any]) -> bool:
    """Whether an RSA member's modulus ``n`` has a usable size (RFC 7518 §3.3).

    Checked before joserfc imports it, which would warn (``SecurityWarning``) about a short
    key and still use it. A malformed ``n`` is left for the import to refuse.
    """
    n = member.get("n")
    if not isinstance(n, str):
        return True
    try:
        raw = base64.urlsafe_b64decode(n + "=" * (-len(n) % 4))
    except (ValueError, binascii.Error):
        return True
    return int.from_bytes(raw, "big").bit_length() in _RSA_BITS


def _import_entries(members: Iterable[object]) -> list[_Entry]:
    """The members a verifier can use; the others are skipped as RFC 7517 §5 asks."""
    entries: list[_Entry] = []
    for member in members:
        if not isinstance(member, dict):
            continue
        kid, use, alg, ops = (member.get(n) for n in ("kid", "use", "alg", "key_ops"))
        if member.get("kty") == "oct":
            continue  # a shared secret has no place in a published set (see module notes)
        if member.get("kty") == "RSA" and not _rsa_size_ok(member):
            continue
        if not isinstance(kid, str | None) or not isinstance(use, str | None):
            continue
        if not isinstance(alg, str | None):
            continue
        if ops is not None and not (
            isinstance(ops, list) and all(isinstance(op, str) for op in ops)
        ):
            continue
        try:
            key = JWKRegistry.import_key(dict(member))
        except (JoseError, ValueError, TypeError, KeyError):
            continue  # unknown kty, missing members, values out of range: RFC 7517 §5
        if not isinstance(key, RSAKey | ECKey | OKPKey):
            continue
        entries.append(_Entry(key, kid, use, alg, None if ops is None else tuple(ops)))
    return entries


def _entries_from(jwks: Mapping[str, Any] | KeySet | Iterable[Key]) -> list[_Entry]:
    if isinstance(jwks, Mapping):
        members = jwks.get("keys")
        if not isinstance(members, list):
            raise ValueError("jwks must be a JWK Set: a mapping with a 'keys' array")
        entries = _import_entries(members)
        if not entries:
            raise ValueError("jwks holds no usable public signature key")
        return entries
    keys = list(jwks)
    for key in keys:
        if not isinstance(key, RSAKey | ECKey | OKPKey):
            raise ValueError(
                f"jwks may hold RSA, EC and OKP keys only, not {type(key).__name__} "
                "(an HMAC-signed token is verified with the client secret)"
            )
    return [_entry_of(key) for key in keys]


def _entry_of(key: Key) -> _Entry:
    def text(name: str) -> str | None:
        value = key.get(name)
        return value if isinstance(value, str) else None

    ops = key.get("key_ops")
    return _Entry(
        key,
        text("kid"),
        text("use"),
        text("alg"),
        tuple(str(op) for op in ops) if isinstance(ops, list) else None,
    )


class JWKSCache:
    """A provider's JWK Set, remembered between tokens, with the rules for fetching it.

    Args:
        jwks_uri: where the set is published (``jwks_uri`` of the provider metadata); must
            be https (or http to a loopback host).
        jwks: a static set instead of a URI: a JWK Set ``dict``, a joserfc ``KeySet`` or
            a list of joserfc keys. A static cache never asks to be fetched.
        min_interval: seconds that must pass between two fetches (default 30).
        max_age: seconds after which fetched keys are stale (default 3600).
        allow_insecure_transport: allow plain http to a non-loopback ``jwks_uri``.

    Raises:
        ValueError: neither or both of ``jwks_uri`` and ``jwks`` given, a bad interval, or a
            static set with no usable key.

    Use::

        if cache.needs_fetch(unverified_header(token).get("kid"), now):
            cache.process_response(send(cache.build_request()), now)
        keys = cache.select(header)

    RFC 7517 §5, OpenID Connect Core §10.1.1, RFC 8725 §3.10.
    """

    __slots__ = (
        "_attempted_at",
        "_entries",
        "_fetched_at",
        "_key_set",
        "jwks_uri",
        "max_age",
        "min_interval",
    )

    def __init__(
        self,
        jwks_uri: str | None = None,
        *,
        jwks: Mapping[str, Any] | KeySet | Iterable[Key] | None = None,
        min_interval: float = DEFAULT_MIN_INTERVAL,
        max_age: float = DEFAULT_MAX_AGE,
        allow_insecure_transport: bool = False,
    ) -> None:
        if (jwks_uri is None) == (jwks is None):
            raise ValueError("give exactly one of jwks_uri (fetched) and jwks (static)")
        if min_interval < 0 or max_age <= 0 or min_interval > max_age:
            raise ValueError("need 0 <= min_interval <= max_age and max_age > 0 (seconds)")
        if jwks_uri is not None:
            check_transport(jwks_uri, allow_insecure=allow_insecure_transport, what="jwks_uri")
        self.jwks_uri = jwks_uri
        self.min_interval = float(min_interval)
        self.max_age = float(max_age)
        self._entries: tuple[_Entry, ...] = ()
        self._key_set: KeySet | None = None
        self._fetched_at: float | None = None
        self._attempted_at: float | None = None
        if jwks is not None:
            self._store(_entries_from(jwks))

    # --- state -----------------------------------------------------------------------------

    @property
    def is_static(self) -> bool:
        """Whether the keys were given rather than fetched (then never fetched)."""
        return self.jwks_uri is None

    @property
    def keys(self) -> KeySet | None:
        """The usable keys as a joserfc ``KeySet``; ``None`` before the first fetch."""
        return self._key_set

    @property
    def fetched_at(self) -> float | None:
        """When the current keys were fetched; ``None`` if never (or static)."""
        return self._fetched_at

    def has_kid(self, kid: str) -> bool:
        """Whether a key of the set is published with this ``kid``. RFC 7517 §4.5."""
        return any(entry.kid == kid for entry in self._entries)

    def _store(self, entries: list[_Entry]) -> KeySet:
        key_set = KeySet([entry.key for entry in entries])
        self._entries = tuple(entries)
        self._key_set = key_set
        return key_set

    def needs_fetch(self, kid: str | None, now: float) -> bool:
        """Whether to fetch the set before verifying a token whose header names ``kid``.

        ``True`` when the set was never fetched, is older than ``max_age``, or does not hold
        ``kid`` — and at least ``min_interval`` seconds have passed since the last attempt
        (a clock that went backwards counts as enough). Always ``False`` for a static set.

        OpenID Connect Core §10.1.1 (signing key rotation).
        """
        if self.jwks_uri is None:
            return False
        attempted = self._attempted_at
        if attempted is not None and 0 <= now - attempted < self.min_interval:
            return False
        fetched = self._fetched_at
        if fetched is None or not 0 <= now - fetched < self.max_age:
            return True
        return kid is not None and not self.has_kid(kid)

    # --- I/O steps -------------------------------------------------------------------------

    def build_request(self) -> Request:
        """The GET request for the set. RFC 7517 §5, OpenID Connect Discovery §3."""
        if self.jwks_uri is None:
            raise ValueError("a static JWKSCache has no jwks_uri to fetch")
        return Request("GET", self.jwks_uri, headers={"Accept": _JWKS_MEDIA_TYPES})

    def process_response(self, response: Response, now: float) -> KeySet:
        """Store the keys of a ``jwks_uri`` response; returns them.

        The attempt is remembered (for ``min_interval``) whatever its outcome. Members that
        are not usable public signature keys are skipped (RFC 7517 §5).

        Raises:
            OAuthError: ``invalid_jwks`` for an HTTP error, a body that is not a JWK Set, or
                a set with no usable key; the keys held before are kept.

        RFC 7517 §5.
        """
        if self.jwks_uri is None:
            raise ValueError("a static JWKSCache does not process responses")
        self._attempted_at = now
        status = response.status_code
        if not 200 <= status < 300:
            raise OAuthError(
                INVALID_JWKS,
                f"the jwks_uri answered HTTP {status}; body: {safe_excerpt(response)}",
            )
        try:
            data = _json.loads(response.content)
        except ValueError:  # also too deep, NaN/Infinity, bad UTF-8
            data = None
        members = data.get("keys") if isinstance(data, dict) else None
        if not isinstance(members, list):
            raise OAuthError(
                INVALID_JWKS,
                "the jwks_uri did not return a JWK Set (a JSON object with a 'keys' array); "
                f"body: {safe_excerpt(response)}",
            )
        entries = _import_entries(members)
        if not entries:
            raise OAuthError(
                INVALID_JWKS,
                f"the JWK Set at the jwks_uri holds no usable public signature key "
                f"({len(members)} members)",
            )
        key_set = self._store(entries)
        self._fetched_at = now
        return key_set

    # --- selection -------------------------------------------------------------------------

    def select(self, header: Mapping[str, Any]) -> list[Key]:
        """The keys of the set that may verify a JWS with this protected header.

        A candidate has the ``kid`` of the header (when it names one), the key type and
        curve of its ``alg``, ``use`` ``sig`` or none, ``key_ops`` with ``verify`` or none,
        and ``alg`` equal to the header's or none. ``jku``, ``x5u``, ``jwk`` and ``x5c`` in
        the header are ignored: keys come from the set only. HMAC and ``none`` have no
        candidates.

        RFC 7515 §4.1, RFC 7517 §4.2-§4.5, RFC 8725 §3.10.
        """
        alg = header.get("alg")
        if not isinstance(alg, str):
            return []
        wanted = _REQUIREMENTS.get(alg)
        if wanted is None:
            return []
        kty, curves = wanted
        kid = header.get("kid")
        if kid is not None and not isinstance(kid, str):
            return []
        found: list[Key] = []
        for entry in self._entries:
            if kid is not None and entry.kid != kid:
                continue
            if entry.key.key_type != kty:
                continue
            if curves is not None and _curve(entry.key) not in curves:
                continue
            if entry.use not in (None, "sig"):
                continue
            if entry.key_ops is not None and "verify" not in entry.key_ops:
                continue
            if entry.alg is not None and entry.alg != alg:
                continue
            found.append(entry.key)
        return found

    def __repr__(self) -> str:
        source = repr(self.jwks_uri) if self.jwks_uri is not None else "static"
        return f"JWKSCache({source}, keys={len(self._entries)}, fetched_at={self._fetched_at!r})"
