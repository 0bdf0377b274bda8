"""``FileStore``: one user's tokens in one file (a CLI, a desktop script)."""

from __future__ import annotations

import base64
import binascii
import json
import os
import tempfile
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

__all__ = ["FileStore"]

MAX_FILE_BYTES = 16 << 20
"""The most a store file may grow to before it is refused as damaged (many tokens fit)."""


class FileStore(SyncBackedStore):
    """Tokens in a JSON file, replaced atomically, readable by its owner only (mode 0600).

    Every call holds an exclusive lock on ``<path>.lock`` (``flock``) for the few
    microseconds it reads or writes, so the processes of one user on one machine share the
    tokens and their refresh lease safely. POSIX only. ``encryption_key`` seals each token
    with AES-GCM; without it the file holds the tokens in clear text, protected by its mode.

    Args:
        path: The store file; ``<path>.lock`` beside it is the lock file.
        encryption_key: An AES-GCM key of 16, 24 or 32 bytes (or its URL-safe base64) that
            seals each token, bound to its key; ``None`` stores clear text.
        lease_ttl: Seconds a refresh lease lasts: longer than a token request takes.

    Attributes:
        path: The store file.
        lease_ttl: Seconds a refresh lease lasts.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        encryption_key: bytes | str | None = None,
        lease_ttl: float = DEFAULT_LEASE_TTL,
    ) -> None:
        try:
            import fcntl  # noqa: F401
        except ImportError:
            raise RuntimeError("FileStore needs POSIX file locks; use SQLiteStore") from None
        self.path = os.fspath(path)
        if not self.path:
            raise ValueError("path must name a file")
        self.lease_ttl = check_lease_ttl(lease_ttl)
        self._codec = TokenCodec(encryption_key, repr(self))

    def __repr__(self) -> str:
        return f"FileStore({self.path!r})"

    @contextmanager
    def _locked(self) -> Iterator[dict[str, Any]]:
        """The file's content under the lock; changes to it are written back atomically."""
        import fcntl

        try:
            lock = os.open(self.path + ".lock", os.O_CREAT | os.O_RDWR, 0o600)
        except OSError as exc:
            raise TokenStoreUnavailableError(
                f"cannot open the lock file ({exc.strerror})", store=repr(self)
            ) from None
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            state = self._read()
            before = json.dumps(state, sort_keys=True)
            tokens = json.dumps(state["tokens"], sort_keys=True)
            yield state
            if json.dumps(state, sort_keys=True) != before:
                # a lease needs no fsync: a crash forgets it, which is what its expiry does
                self._write(state, durable=json.dumps(state["tokens"], sort_keys=True) != tokens)
        finally:
            os.close(lock)  # closing releases the lock

    def _read(self) -> dict[str, Any]:
        try:
            with open(self.path, "rb") as f:
                data = f.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            return {"tokens": {}, "leases": {}, "fences": {}}
        except OSError as exc:
            raise TokenStoreUnavailableError(
                f"cannot read the file ({exc.strerror})", store=repr(self)
            ) from None
        try:
            if len(data) > MAX_FILE_BYTES:
                raise ValueError("too large")
            state = json.loads(data)
            if not isinstance(state, dict) or not all(
                isinstance(state.get(part), dict) for part in ("tokens", "leases", "fences")
            ):
                raise ValueError("not a token file")
        except (ValueError, UnicodeDecodeError):
            raise TokenStoreError("the file is not a token store file", store=repr(self)) from None
        return state

    def _write(self, state: dict[str, Any], *, durable: bool) -> None:
        directory = os.path.dirname(os.path.abspath(self.path))
        try:
            fd, temp = tempfile.mkstemp(prefix=".authwire-", dir=directory)  # mode 0600
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    json.dump(state, f, separators=(",", ":"))
                    f.flush()
                    if durable:
                        os.fsync(f.fileno())
                os.replace(temp, self.path)
            except BaseException:
                if os.path.exists(temp):
                    os.unlink(temp)
                raise
        except OSError as exc:
            raise TokenStoreUnavailableError(
                f"cannot write the file ({exc.strerror})", store=repr(self)
            ) from None

    def _token(self, key: str, entry: object) -> StoredToken | None:
        if entry is None or (isinstance(entry, dict) and "d" not in entry):
            return None  # never stored, or deleted (its version is kept)
        try:
            if not isinstance(entry, dict):
                raise TypeError("not a record")
            data = base64.b64decode(entry["d"], validate=True)
            version = int(entry["v"])
        except (KeyError, TypeError, ValueError, binascii.Error):
            raise TokenStoreError("a record of the file is damaged", store=repr(self)) from None
        return StoredToken(self._codec.decode(key, data), version)

    def _put(self, state: dict[str, Any], key: str, data: bytes, fence: int) -> int:
        old = state["tokens"].get(key)
        version = (int(old["v"]) if isinstance(old, dict) else 0) + 1
        state["tokens"][key] = {"v": version, "d": base64.b64encode(data).decode(), "f": fence}
        return version

    def load(self, key: str) -> StoredToken | None:
        """The token stored under ``key`` and its version, or ``None``."""
        check_key(key)
        with self._locked() as state:
            entry = state["tokens"].get(key)
        return self._token(key, entry)

    def save(self, key: str, token: Mapping[str, Any]) -> StoredToken:
        """Store ``token`` whatever is there (a sign-in, an explicit refresh)."""
        data = self._codec.encode(check_key(key), token)
        with self._locked() as state:
            version = self._put(state, key, data, 0)
        return StoredToken(self._codec.decode(key, data), version)

    def compare_and_set(
        self, key: str, token: Mapping[str, Any], expected: int | None, lease: Lease | None
    ) -> StoredToken | None:
        """Store ``token`` only over version ``expected`` and no later lease; else ``None``."""
        data = self._codec.encode(check_key(key), token)
        with self._locked() as state:
            current = self._token(key, state["tokens"].get(key))
            if (current.version if current else None) != expected:
                return None
            holder = state["leases"].get(key)
            if (
                isinstance(holder, dict)
                and holder.get("e", 0) > time.time()
                and (lease is None or holder.get("f", 0) > lease.fence)
            ):
                return None  # a later holder renews now: it decides what is stored
            version = self._put(state, key, data, lease.fence if lease else 0)
        return StoredToken(self._codec.decode(key, data), version)

    def delete(self, key: str) -> None:
        """Forget the token stored under ``key``; its version is kept, so it never recurs."""
        check_key(key)
        with self._locked() as state:
            entry = state["tokens"].get(key)
            if isinstance(entry, dict):
                entry.pop("d", None)

    def acquire_lease(self, key: str) -> Lease | None:
        """Take the refresh lease on ``key`` if nobody holds it (never waits)."""
        check_key(key)
        now = time.time()
        with self._locked() as state:
            holder = state["leases"].get(key)
            if isinstance(holder, dict) and holder.get("e", 0) > now:
                return None
            fence = int(state["fences"].get(key, 0)) + 1
            lease = Lease(key, new_owner(), fence, now + self.lease_ttl)
            state["fences"][key] = fence
            state["leases"][key] = {"o": lease.owner, "f": fence, "e": lease.expires_at}
        return lease

    def release_lease(self, lease: Lease) -> None:
        """Give the lease back, if it is still this holder's."""
        with self._locked() as state:
            holder = state["leases"].get(lease.key)
            if isinstance(holder, dict) and holder.get("o") == lease.owner:
                del state["leases"][lease.key]
