"""``SQLiteStore``: tokens shared by the processes of one host, in one SQLite file."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from .._exceptions import TokenStoreError, TokenStoreUnavailableError
from ._base import (
    DEFAULT_LEASE_TTL,
    Lease,
    StoredToken,
    SyncBackedStore,
    TokenCodec,
    check_key,
    check_lease_ttl,
    new_owner,
)

__all__ = ["SQLiteStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS authwire_tokens (
    key TEXT PRIMARY KEY,
    version INTEGER NOT NULL DEFAULT 0,
    data BLOB,
    fence INTEGER NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_fence INTEGER NOT NULL DEFAULT 0,
    lease_expires REAL NOT NULL DEFAULT 0
)
"""


class SQLiteStore(SyncBackedStore):
    """Tokens in a SQLite database: many processes on one host, one refresh per expiry.

    The database runs in WAL mode (readers never wait for the writer); every write is one
    ``BEGIN IMMEDIATE`` transaction, so compare-and-set and taking the lease are atomic
    across processes. Lease expiry uses the host's wall clock, which every process shares.
    ``busy_timeout`` bounds how long a call waits for another's write; beyond it the call
    raises [`TokenStoreUnavailableError`][authwire.TokenStoreUnavailableError]. The file is
    created with mode 0600.

    Args:
        path: The database file (not ``:memory:``: use
            [`MemoryStore`][authwire.stores.MemoryStore] for that).
        encryption_key: An AES-GCM key of 16, 24 or 32 bytes (or its URL-safe base64) that
            seals each token, bound to its key; ``None`` stores clear text.
        lease_ttl: Seconds a refresh lease lasts: longer than a token request takes.
        busy_timeout: Seconds a call waits for another process's write before it fails.

    Attributes:
        path: The database file.
        lease_ttl: Seconds a refresh lease lasts.
        busy_timeout: Seconds a call waits for another process's write.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        encryption_key: bytes | str | None = None,
        lease_ttl: float = DEFAULT_LEASE_TTL,
        busy_timeout: float = 10.0,
    ) -> None:
        self.path = os.fspath(path)
        if not self.path or self.path == ":memory:":
            raise ValueError("path must name a database file (use MemoryStore for memory)")
        self.lease_ttl = check_lease_ttl(lease_ttl)
        if isinstance(busy_timeout, bool) or not isinstance(busy_timeout, int | float):
            raise TypeError("busy_timeout must be a number of seconds")
        self.busy_timeout = float(busy_timeout)
        self._codec = TokenCodec(encryption_key, repr(self))
        self._local = threading.local()
        with self._transaction() as db:
            db.execute(_SCHEMA)

    def __repr__(self) -> str:
        return f"SQLiteStore({self.path!r})"

    def _connect(self) -> sqlite3.Connection:
        # one connection per thread and process (a connection must not cross a fork)
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is not None and self._local.pid == os.getpid():
            return db
        if not os.path.exists(self.path):
            fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600)
            os.close(fd)
        db = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        self._local.db, self._local.pid = db, os.getpid()
        return db

    @contextmanager
    def _transaction(self, write: bool = True) -> Iterator[sqlite3.Connection]:
        try:
            db = self._connect()
            db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            self._local.db = None
            raise TokenStoreUnavailableError(
                f"the database cannot be used ({exc})", store=repr(self)
            ) from None
        except sqlite3.DatabaseError as exc:
            self._local.db = None
            raise TokenStoreError(f"the database is damaged ({exc})", store=repr(self)) from None

    def _record(self, key: str, data: Any, version: int) -> StoredToken | None:
        if data is None:
            return None
        return StoredToken(self._codec.decode(key, bytes(data)), version)

    def load(self, key: str) -> StoredToken | None:
        """The token stored under ``key`` and its version, or ``None``."""
        check_key(key)
        with self._transaction(write=False) as db:
            row = db.execute(
                "SELECT data, version FROM authwire_tokens WHERE key = ?", (key,)
            ).fetchone()
        return None if row is None else self._record(key, row[0], row[1])

    def _write(self, db: sqlite3.Connection, key: str, data: bytes, fence: int) -> int:
        db.execute(
            "INSERT INTO authwire_tokens (key, version, data, fence) VALUES (?, 1, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET version = version + 1, data = excluded.data, "
            "fence = max(fence, excluded.fence)",
            (key, data, fence),
        )
        row = db.execute("SELECT version FROM authwire_tokens WHERE key = ?", (key,)).fetchone()
        return int(row[0])

    def save(self, key: str, token: Mapping[str, Any]) -> StoredToken:
        """Store ``token`` whatever is there (a sign-in, an explicit refresh)."""
        data = self._codec.encode(check_key(key), token)
        with self._transaction() as db:
            version = self._write(db, key, data, 0)
        return StoredToken(self._codec.decode(key, data), version)

    def compare_and_set(
        self, key: str, token: Mapping[str, Any], expected: int | None, lease: Lease | None
    ) -> StoredToken | None:
        """Store ``token`` only over version ``expected`` and no later lease (one transaction)."""
        data = self._codec.encode(check_key(key), token)
        with self._transaction() as db:
            row = db.execute(
                "SELECT version, data, lease_owner, lease_fence, lease_expires "
                "FROM authwire_tokens WHERE key = ?",
                (key,),
            ).fetchone()
            current = row[0] if row is not None and row[1] is not None else None
            if current != expected:
                return None
            if (
                row is not None
                and row[2] is not None
                and row[4] > time.time()
                and (lease is None or row[3] > lease.fence)
            ):
                return None  # a later holder renews now: it decides what is stored
            version = self._write(db, key, data, lease.fence if lease else 0)
        return StoredToken(self._codec.decode(key, data), version)

    def delete(self, key: str) -> None:
        """Forget the token stored under ``key``; its version is kept, so it never recurs."""
        check_key(key)
        with self._transaction() as db:
            db.execute("UPDATE authwire_tokens SET data = NULL WHERE key = ?", (key,))

    def acquire_lease(self, key: str) -> Lease | None:
        """Take the refresh lease on ``key`` if nobody holds it (never waits)."""
        check_key(key)
        now = time.time()
        owner = new_owner()
        with self._transaction() as db:
            db.execute(
                "INSERT INTO authwire_tokens (key, version) VALUES (?, 0) "
                "ON CONFLICT(key) DO NOTHING",
                (key,),
            )
            row = db.execute(
                "SELECT lease_owner, lease_fence, lease_expires FROM authwire_tokens WHERE key = ?",
                (key,),
            ).fetchone()
            if row[0] is not None and row[2] > now:
                return None
            fence = int(row[1]) + 1
            expires = now + self.lease_ttl
            db.execute(
                "UPDATE authwire_tokens SET lease_owner = ?, lease_fence = ?, "
                "lease_expires = ? WHERE key = ?",
                (owner, fence, expires, key),
            )
        return Lease(key, owner, fence, expires)

    def release_lease(self, lease: Lease) -> None:
        """Give the lease back, if it is still this holder's."""
        with self._transaction() as db:
            db.execute(
                "UPDATE authwire_tokens SET lease_owner = NULL, lease_expires = 0 "
                "WHERE key = ? AND lease_owner = ?",
                (lease.key, lease.owner),
            )
