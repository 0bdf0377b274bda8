"""What every token store shares: records, leases, the store protocol, encoding at rest.

A store keeps one token per key, each with a *version* that grows on every write, so that a
renewed token is saved with compare-and-set: only if the record is still the version the
renewer read. Renewal across processes is serialised by a *lease* per key: a lock with an
expiry (its holder may die) and a *fencing value* that grows with every lease taken, so a
holder whose lease expired can never overwrite what a later holder saved.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar, runtime_checkable

from .._exceptions import TokenStoreError
from ..token import OAuth2Token

__all__ = [
    "DEFAULT_LEASE_TTL",
    "Lease",
    "StoredToken",
    "TokenCodec",
    "TokenStore",
    "default_token_key",
    "in_thread",
]

T = TypeVar("T")

DEFAULT_LEASE_TTL = 30.0
"""How long a refresh lease lasts unless the store is told otherwise: far longer than a token
request takes, short enough that a dead holder does not stall the fleet for long."""


@dataclass(frozen=True, slots=True)
class StoredToken:
    """A token as a store holds it, with the version compare-and-set checks.

    Attributes:
        token: The token, a copy the caller may change without changing the store.
        version: Grows on every write of the key; a renewer saves only over the version it
            read, so two renewals never overwrite each other.
    """

    token: OAuth2Token
    version: int

    def __repr__(self) -> str:
        return f"StoredToken(token={self.token!r}, version={self.version})"


@dataclass(frozen=True, slots=True)
class Lease:
    """The right to renew one key's token, until ``expires_at`` (the store's clock).

    Attributes:
        key: The key whose token this lease renews.
        owner: Random per lease, so only its holder can release it.
        fence: Grows with every lease taken on the key: a holder whose lease expired can
            never overwrite what a later holder saved.
        expires_at: When the lease lapses, on the store's clock, so a dead holder does not
            block renewal for ever.
    """

    key: str
    owner: str
    fence: int
    expires_at: float

    def __repr__(self) -> str:
        return f"Lease(key={self.key!r}, fence={self.fence})"


def new_owner() -> str:
    """A lease holder's identity: unique per lease, whatever the host or process."""
    return secrets.token_hex(12)


@runtime_checkable
class TokenStore(Protocol):
    """Where tokens live beyond one client: the sync face, and the async one (``a``-prefixed).

    Every method raises [`TokenStoreUnavailableError`][authwire.TokenStoreUnavailableError] when the
    store cannot
    be reached, and [`TokenStoreError`][authwire.TokenStoreError] for a record it cannot read.
    """

    lease_ttl: float
    """Seconds a refresh lease lasts."""

    def load(self, key: str) -> StoredToken | None:
        """The token stored under ``key`` and its version, or ``None``."""

    def save(self, key: str, token: Mapping[str, Any]) -> StoredToken:
        """Store ``token`` whatever is there (a sign-in, an explicit refresh)."""

    def compare_and_set(
        self, key: str, token: Mapping[str, Any], expected: int | None, lease: Lease | None
    ) -> StoredToken | None:
        """Store ``token`` only if the record is still version ``expected`` (``None``: no
        record) and no later lease than ``lease`` is held; ``None`` when refused."""

    def delete(self, key: str) -> None:
        """Forget the token stored under ``key`` (revocation, sign-out)."""

    def acquire_lease(self, key: str) -> Lease | None:
        """Take the refresh lease on ``key`` if nobody holds it (never waits)."""

    def release_lease(self, lease: Lease) -> None:
        """Give the lease back, if it is still this holder's."""

    async def aload(self, key: str) -> StoredToken | None:
        """Async [`load`][authwire.stores.TokenStore.load]."""

    async def asave(self, key: str, token: Mapping[str, Any]) -> StoredToken:
        """Async [`save`][authwire.stores.TokenStore.save]."""

    async def acompare_and_set(
        self, key: str, token: Mapping[str, Any], expected: int | None, lease: Lease | None
    ) -> StoredToken | None:
        """Async [`compare_and_set`][authwire.stores.TokenStore.compare_and_set]."""

    async def adelete(self, key: str) -> None:
        """Async [`delete`][authwire.stores.TokenStore.delete]."""

    async def aacquire_lease(self, key: str) -> Lease | None:
        """Async [`acquire_lease`][authwire.stores.TokenStore.acquire_lease]."""

    async def arelease_lease(self, lease: Lease) -> None:
        """Async [`release_lease`][authwire.stores.TokenStore.release_lease]."""


def default_token_key(
    token_endpoint: str | None, client_id: str | None, subject: str | None = None
) -> str:
    """The key a client's token is stored under when ``token_key`` is not given.

    Derived from the token endpoint, the client id and (assertion clients) the subject, so two
    differently configured clients never share a token by accident: ``oauth2:`` and the
    first 32 hex digits of the SHA-256 of those three, one per line.
    """
    material = "\n".join((token_endpoint or "", client_id or "", subject or ""))
    return "oauth2:" + hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]


def check_lease_ttl(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 3600:
        raise ValueError("lease_ttl must be a number of seconds above 0 and at most 3600")
    return float(value)


def check_key(key: object) -> str:
    if not isinstance(key, str) or not key or len(key) > 512:
        raise ValueError("token_key must be a non-empty str of at most 512 characters")
    return key


class TokenCodec:
    """A token as bytes at rest: JSON, sealed with AES-GCM when an ``encryption_key`` is given.

    The record's key is the associated data: a sealed record moved under another key does not
    open. A wrong key, or a plain record read by an encrypting store (and the reverse), is a
    [`TokenStoreError`][authwire.TokenStoreError], never an empty store.
    """

    _SEALED = b"\x01aw"

    def __init__(self, encryption_key: bytes | str | None, store: str) -> None:
        self.store = store
        self._aead: Any = None
        if encryption_key is None:
            return
        key = encryption_key
        if isinstance(key, str):
            try:
                key = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
            except ValueError:
                raise ValueError("encryption_key must be bytes or URL-safe base64") from None
        if not isinstance(key, bytes) or len(key) not in (16, 24, 32):
            raise ValueError("encryption_key must be 16, 24 or 32 bytes (AES-GCM)")
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._aead = AESGCM(key)

    @property
    def encrypted(self) -> bool:
        return self._aead is not None

    def encode(self, key: str, token: Mapping[str, Any]) -> bytes:
        if not isinstance(token, Mapping):
            raise TypeError(f"token must be a mapping, not {type(token).__name__}")
        # dated now: a stored ``expires_in`` alone would restart its clock at every load
        token = OAuth2Token.from_dict(token)
        try:
            data = json.dumps(dict(token), separators=(",", ":"), allow_nan=False).encode()
        except (TypeError, ValueError) as exc:
            raise ValueError(f"the token cannot be stored as JSON: {exc}") from None
        if self._aead is None:
            return data
        nonce = os.urandom(12)
        sealed: bytes = self._aead.encrypt(nonce, data, key.encode())
        return self._SEALED + nonce + sealed

    def decode(self, key: str, data: bytes) -> OAuth2Token:
        if data.startswith(self._SEALED):
            if self._aead is None:
                raise TokenStoreError(
                    "the stored token is encrypted and this store has no encryption_key",
                    store=self.store,
                )
            from cryptography.exceptions import InvalidTag

            body = data[len(self._SEALED) :]
            try:
                data = self._aead.decrypt(body[:12], body[12:], key.encode())
            except (InvalidTag, ValueError):
                raise TokenStoreError(
                    "the stored token cannot be decrypted: wrong encryption_key, or a "
                    "damaged record",
                    store=self.store,
                ) from None
        elif self._aead is not None:
            raise TokenStoreError(
                "the stored token is not encrypted, and this store requires it "
                "(encryption_key is set): delete it or store it again",
                store=self.store,
            )
        try:
            value = json.loads(data)
        except (ValueError, UnicodeDecodeError):
            value = None
        if not isinstance(value, dict):
            raise TokenStoreError(
                "the stored token is damaged (not a JSON object)", store=self.store
            )
        return OAuth2Token(value)


async def in_thread(fn: Callable[..., T], *args: Any) -> T:
    """Run a blocking store call in a worker thread (asyncio and trio alike)."""
    import anyio.to_thread

    return await anyio.to_thread.run_sync(lambda: fn(*args))


class SyncBackedStore:
    """The async face of a store whose work is blocking: each call runs in a worker thread.

    Subclasses implement the sync face; asyncio and trio both get the async one from here.
    """

    def load(self, key: str) -> StoredToken | None:
        raise NotImplementedError

    def save(self, key: str, token: Mapping[str, Any]) -> StoredToken:
        raise NotImplementedError

    def compare_and_set(
        self, key: str, token: Mapping[str, Any], expected: int | None, lease: Lease | None
    ) -> StoredToken | None:
        raise NotImplementedError

    def delete(self, key: str) -> None:
        raise NotImplementedError

    def acquire_lease(self, key: str) -> Lease | None:
        raise NotImplementedError

    def release_lease(self, lease: Lease) -> None:
        raise NotImplementedError

    async def aload(self, key: str) -> StoredToken | None:
        """`load`, in a worker thread so the event loop never blocks on the store."""
        return await in_thread(self.load, key)

    async def asave(self, key: str, token: Mapping[str, Any]) -> StoredToken:
        """`save`, in a worker thread so the event loop never blocks on the store."""
        return await in_thread(self.save, key, token)

    async def acompare_and_set(
        self, key: str, token: Mapping[str, Any], expected: int | None, lease: Lease | None
    ) -> StoredToken | None:
        """`compare_and_set`, in a worker thread so the event loop never blocks."""
        return await in_thread(self.compare_and_set, key, token, expected, lease)

    async def adelete(self, key: str) -> None:
        """`delete`, in a worker thread so the event loop never blocks on the store."""
        await in_thread(self.delete, key)

    async def aacquire_lease(self, key: str) -> Lease | None:
        """`acquire_lease`, in a worker thread so the event loop never blocks."""
        return await in_thread(self.acquire_lease, key)

    async def arelease_lease(self, lease: Lease) -> None:
        """`release_lease`, in a worker thread so the event loop never blocks."""
        await in_thread(self.release_lease, lease)
