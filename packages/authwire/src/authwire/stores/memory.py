"""``MemoryStore``: tokens shared by the clients of one process."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import Any

from ..token import OAuth2Token
from ._base import DEFAULT_LEASE_TTL, Lease, StoredToken, check_key, check_lease_ttl, new_owner

__all__ = ["MemoryStore"]


class MemoryStore:
    """Tokens in this process's memory, shared by every client given the same store.

    What a client does without a store, made shareable: several clients (or one per user of a
    web app) keyed by ``token_key``, renewing single-flight per key across them. Nothing
    survives the process: use [`FileStore`][authwire.stores.FileStore] or a database-backed store
    for that. Its calls never block, so the async face runs them inline.

    Args:
        lease_ttl: Seconds a refresh lease lasts: longer than a token request takes.

    Attributes:
        lease_ttl: Seconds a refresh lease lasts.
    """

    def __init__(self, *, lease_ttl: float = DEFAULT_LEASE_TTL) -> None:
        self.lease_ttl = check_lease_ttl(lease_ttl)
        self._lock = threading.Lock()
        self._records: dict[str, StoredToken] = {}
        #: every key's last version, kept after a delete: a stale version never matches again
        self._versions: dict[str, int] = {}
        self._leases: dict[str, Lease] = {}
        self._fences: dict[str, int] = {}

    def __repr__(self) -> str:
        return f"MemoryStore({len(self._records)} tokens)"

    def _live_lease(self, key: str, now: float) -> Lease | None:
        lease = self._leases.get(key)
        if lease is not None and lease.expires_at <= now:
            del self._leases[key]
            return None
        return lease

    def load(self, key: str) -> StoredToken | None:
        """The token stored under ``key`` and its version, or ``None``."""
        with self._lock:
            record = self._records.get(check_key(key))
        if record is None:
            return None
        # a copy: the caller may change its token without changing the store's
        return StoredToken(OAuth2Token(dict(record.token)), record.version)

    def save(self, key: str, token: Mapping[str, Any]) -> StoredToken:
        """Store ``token`` whatever is there (a sign-in, an explicit refresh)."""
        copy = OAuth2Token(dict(token))
        with self._lock:
            stored = self._put(check_key(key), copy)
        return StoredToken(OAuth2Token(dict(copy)), stored.version)

    def _put(self, key: str, token: OAuth2Token) -> StoredToken:
        stored = StoredToken(token, self._versions.get(key, 0) + 1)
        self._versions[key] = stored.version
        self._records[key] = stored
        return stored

    def compare_and_set(
        self, key: str, token: Mapping[str, Any], expected: int | None, lease: Lease | None
    ) -> StoredToken | None:
        """Store ``token`` only over version ``expected`` and no later lease; else ``None``."""
        copy = OAuth2Token(dict(token))
        with self._lock:
            record = self._records.get(check_key(key))
            if (record.version if record else None) != expected:
                return None
            holder = self._live_lease(key, time.monotonic())
            if holder is not None and (lease is None or holder.fence > lease.fence):
                return None
            stored = self._put(key, copy)
        return StoredToken(OAuth2Token(dict(copy)), stored.version)

    def delete(self, key: str) -> None:
        """Forget the token stored under ``key`` (revocation, sign-out)."""
        with self._lock:
            self._records.pop(check_key(key), None)

    def acquire_lease(self, key: str) -> Lease | None:
        """Take the refresh lease on ``key`` if nobody holds it (never waits)."""
        now = time.monotonic()
        with self._lock:
            if self._live_lease(check_key(key), now) is not None:
                return None
            fence = self._fences.get(key, 0) + 1
            self._fences[key] = fence
            lease = Lease(key, new_owner(), fence, now + self.lease_ttl)
            self._leases[key] = lease
        return lease

    def release_lease(self, lease: Lease) -> None:
        """Give the lease back, if it is still this holder's."""
        with self._lock:
            if self._leases.get(lease.key) == lease:
                del self._leases[lease.key]

    async def aload(self, key: str) -> StoredToken | None:
        """`load`, inline: it never blocks."""
        return self.load(key)

    async def asave(self, key: str, token: Mapping[str, Any]) -> StoredToken:
        """`save`, inline: it never blocks."""
        return self.save(key, token)

    async def acompare_and_set(
        self, key: str, token: Mapping[str, Any], expected: int | None, lease: Lease | None
    ) -> StoredToken | None:
        """`compare_and_set`, inline: it never blocks."""
        return self.compare_and_set(key, token, expected, lease)

    async def adelete(self, key: str) -> None:
        """`delete`, inline: it never blocks."""
        self.delete(key)

    async def aacquire_lease(self, key: str) -> Lease | None:
        """`acquire_lease`, inline: it never blocks."""
        return self.acquire_lease(key)

    async def arelease_lease(self, lease: Lease) -> None:
        """`release_lease`, inline: it never blocks."""
        self.release_lease(lease)
