"""What every store promises: versions, compare-and-set, leases with fencing, at rest."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import pytest

from authwire import TokenStoreError, TokenStoreUnavailableError
from authwire.stores import FileStore, Lease, RedisStore, SQLiteStore, StoredToken, TokenStore

from .conftest import STORE_KINDS

TOKEN = {"access_token": "at-secret-1", "refresh_token": "rt-secret-1", "expires_at": 2_000_000_000}
KEY = "oauth2:test"
MakeStore = Callable[..., Any]


@pytest.mark.parametrize("kind", STORE_KINDS)
def test_versions_grow_with_every_write(kind: str, make_store: MakeStore) -> None:
    store = make_store(kind)
    assert isinstance(store, TokenStore)
    assert store.load(KEY) is None
    first = store.save(KEY, TOKEN)
    assert isinstance(first, StoredToken)
    assert first.token == TOKEN
    second = store.save(KEY, {**TOKEN, "access_token": "at-secret-2"})
    assert second.version > first.version
    loaded = store.load(KEY)
    assert loaded is not None
    assert loaded.version == second.version
    assert loaded.token["access_token"] == "at-secret-2"
    assert loaded.token.expires_at == TOKEN["expires_at"]
    assert store.load("oauth2:other") is None


@pytest.mark.parametrize("kind", STORE_KINDS)
def test_compare_and_set_only_over_the_version_read(kind: str, make_store: MakeStore) -> None:
    store = make_store(kind)
    created = store.compare_and_set(KEY, TOKEN, None, None)
    assert created is not None
    assert store.compare_and_set(KEY, TOKEN, None, None) is None  # exists now
    assert store.compare_and_set(KEY, TOKEN, created.version + 7, None) is None
    updated = store.compare_and_set(KEY, {**TOKEN, "access_token": "at-2"}, created.version, None)
    assert updated is not None
    assert updated.version > created.version
    # a writer that read the first version can never overwrite the newer token
    assert store.compare_and_set(KEY, TOKEN, created.version, None) is None
    loaded = store.load(KEY)
    assert loaded is not None
    assert loaded.token["access_token"] == "at-2"


@pytest.mark.parametrize("kind", STORE_KINDS)
def test_delete_then_a_stale_version_never_matches(kind: str, make_store: MakeStore) -> None:
    store = make_store(kind)
    old = store.save(KEY, TOKEN)
    store.delete(KEY)
    assert store.load(KEY) is None
    store.delete(KEY)  # twice is fine
    assert store.compare_and_set(KEY, TOKEN, old.version, None) is None
    again = store.compare_and_set(KEY, TOKEN, None, None)
    assert again is not None
    assert again.version > old.version


@pytest.mark.parametrize("kind", STORE_KINDS)
def test_one_lease_at_a_time_and_fences_grow(kind: str, make_store: MakeStore) -> None:
    store = make_store(kind)
    other_view = make_store(kind)  # another process's store object, same data
    first = store.acquire_lease(KEY)
    assert isinstance(first, Lease)
    assert store.acquire_lease(KEY) is None
    if kind != "memory":
        assert other_view.acquire_lease(KEY) is None
    assert store.acquire_lease("oauth2:other") is not None  # leases are per key
    store.release_lease(first)
    second = store.acquire_lease(KEY)
    assert second is not None
    assert second.fence > first.fence
    store.release_lease(first)  # not the holder any more: no effect
    assert store.acquire_lease(KEY) is None
    store.release_lease(second)


@pytest.mark.parametrize("kind", STORE_KINDS)
def test_an_expired_holder_cannot_overwrite_its_successor(kind: str, make_store: MakeStore) -> None:
    store = make_store(kind, lease_ttl=0.3)
    start = store.save(KEY, TOKEN)
    stalled = store.acquire_lease(KEY)
    assert stalled is not None
    time.sleep(0.5)  # the stalled holder's lease runs out
    successor = store.acquire_lease(KEY)
    assert successor is not None
    assert successor.fence > stalled.fence
    # while the successor holds the lease, the stalled holder's save is refused...
    assert (
        store.compare_and_set(KEY, {**TOKEN, "access_token": "late"}, start.version, stalled)
        is None
    )
    # ... and a writer without a lease too
    assert store.compare_and_set(KEY, TOKEN, start.version, None) is None
    saved = store.compare_and_set(KEY, {**TOKEN, "access_token": "new"}, start.version, successor)
    assert saved is not None
    store.release_lease(successor)
    # once the successor saved, the stalled holder's version is stale for good
    assert (
        store.compare_and_set(KEY, {**TOKEN, "access_token": "late"}, start.version, stalled)
        is None
    )
    loaded = store.load(KEY)
    assert loaded is not None
    assert loaded.token["access_token"] == "new"


@pytest.mark.parametrize("kind", STORE_KINDS)
@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_the_async_face(kind: str, backend: str, make_store: MakeStore) -> None:
    store = make_store(kind)

    async def main() -> None:
        assert await store.aload(KEY) is None
        created = await store.acompare_and_set(KEY, TOKEN, None, None)
        assert created is not None
        lease = await store.aacquire_lease(KEY)
        assert lease is not None
        assert await store.aacquire_lease(KEY) is None
        updated = await store.acompare_and_set(
            KEY, {**TOKEN, "access_token": "at-2"}, created.version, lease
        )
        assert updated is not None
        assert await store.acompare_and_set(KEY, TOKEN, created.version, lease) is None
        await store.arelease_lease(lease)
        assert (await store.asave(KEY, TOKEN)).version > updated.version
        loaded = await store.aload(KEY)
        assert loaded is not None
        assert loaded.token == TOKEN
        await store.adelete(KEY)
        assert await store.aload(KEY) is None
        if isinstance(store, RedisStore):
            await store.aclose()

    anyio.run(main, backend=backend)


# -- at rest ------------------------------------------------------------------------------

KEY_BYTES = bytes(range(32))


def _raw(kind: str, store: Any, tmp_path: Path) -> bytes:
    if kind == "file":
        return (tmp_path / "tokens.json").read_bytes()
    if kind == "sqlite":
        return (tmp_path / "tokens.db").read_bytes() + b"".join(
            p.read_bytes() for p in tmp_path.glob("tokens.db-wal")
        )
    import redis

    with redis.Redis.from_url(store.url) as client:
        hashes = [k for k in client.scan_iter() if client.type(k) == b"hash"]
        return b"".join(v for k in hashes for v in client.hvals(k))


@pytest.mark.parametrize("kind", ["file", "sqlite", "redis"])
def test_encryption_at_rest(kind: str, make_store: MakeStore, tmp_path: Path) -> None:
    store = make_store(kind, encryption_key=KEY_BYTES)
    store.save(KEY, TOKEN)
    raw = _raw(kind, store, tmp_path)
    assert raw  # the record is there ...
    assert b"at-secret-1" not in raw  # ... sealed
    assert b"rt-secret-1" not in raw
    loaded = store.load(KEY)
    assert loaded is not None
    assert loaded.token == TOKEN

    wrong = make_store(kind, encryption_key=bytes(32))
    with pytest.raises(TokenStoreError, match="wrong encryption_key"):
        wrong.load(KEY)
    plain = make_store(kind)
    with pytest.raises(TokenStoreError, match="encrypted and this store has no encryption_key"):
        plain.load(KEY)
    plain.save("oauth2:plain", TOKEN)
    with pytest.raises(TokenStoreError, match="not encrypted"):
        store.load("oauth2:plain")


@pytest.mark.parametrize("kind", ["file", "sqlite", "redis"])
def test_a_record_sealed_for_one_key_does_not_open_under_another(
    kind: str, make_store: MakeStore
) -> None:
    store = make_store(kind, encryption_key=KEY_BYTES)
    codec = store._codec
    sealed = codec.encode("oauth2:alice", TOKEN)
    assert codec.decode("oauth2:alice", sealed) == TOKEN
    with pytest.raises(TokenStoreError, match="cannot be decrypted"):
        codec.decode("oauth2:mallory", sealed)


@pytest.mark.parametrize(
    ("key", "message"),
    [(b"short", "16, 24 or 32 bytes"), ("!!not base64!!", "base64"), (42, "16, 24 or 32")],
)
def test_bad_encryption_keys_are_refused_at_construction(
    key: Any, message: str, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match=message):
        SQLiteStore(tmp_path / "t.db", encryption_key=key)


def test_a_base64_encryption_key_is_accepted(tmp_path: Path) -> None:
    import base64

    text = base64.urlsafe_b64encode(KEY_BYTES).decode().rstrip("=")
    a = FileStore(tmp_path / "t.json", encryption_key=text)
    a.save(KEY, TOKEN)
    b = FileStore(tmp_path / "t.json", encryption_key=KEY_BYTES)
    loaded = b.load(KEY)
    assert loaded is not None
    assert loaded.token == TOKEN


@pytest.mark.parametrize("kind", ["file", "sqlite"])
def test_files_are_readable_by_their_owner_only(
    kind: str, make_store: MakeStore, tmp_path: Path
) -> None:
    store = make_store(kind)
    store.save(KEY, TOKEN)
    name = "tokens.json" if kind == "file" else "tokens.db"
    mode = stat.S_IMODE(os.stat(tmp_path / name).st_mode)
    assert mode == 0o600, oct(mode)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".authwire-")]  # no temp left


def test_a_damaged_file_is_an_error_never_an_empty_store(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    store = FileStore(path)
    store.save(KEY, TOKEN)
    path.write_text("{not json")
    with pytest.raises(TokenStoreError, match="not a token store file"):
        store.load(KEY)
    path.write_text('{"tokens": {"oauth2:test": {"v": 1, "d": "%%%"}}, "leases": {}, "fences": {}}')
    with pytest.raises(TokenStoreError, match="damaged"):
        store.load(KEY)


def test_an_unreadable_database_is_a_typed_error(tmp_path: Path) -> None:
    path = tmp_path / "tokens.db"
    store = SQLiteStore(path)
    store.save(KEY, TOKEN)
    path.write_bytes(b"garbage" * 1000)
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"tokens.db{suffix}").unlink(missing_ok=True)
    fresh = SQLiteStore.__new__(SQLiteStore)  # as another process would open it
    with pytest.raises(TokenStoreError):
        SQLiteStore.__init__(fresh, path)


def test_redis_down_is_a_typed_error_naming_the_store_at_once() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    store = RedisStore(f"redis://user:hunter2pass@127.0.0.1:{port}/0", socket_timeout=2)
    started = time.monotonic()
    with pytest.raises(TokenStoreUnavailableError) as caught:
        store.load(KEY)
    assert time.monotonic() - started < 5
    assert f"127.0.0.1:{port}" in str(caught.value)
    assert "hunter2pass" not in str(caught.value)
    assert "hunter2pass" not in repr(store)

    async def main() -> None:
        with pytest.raises(TokenStoreUnavailableError):
            await store.aacquire_lease(KEY)
        await store.aclose()

    anyio.run(main)
    for backend in ("trio",):

        async def via_thread() -> None:
            with pytest.raises(TokenStoreUnavailableError):
                await store.aload(KEY)

        anyio.run(via_thread, backend=backend)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: SQLiteStore(p / "t.db", lease_ttl=0), "lease_ttl"),
        (lambda p: FileStore(p / "t.json", lease_ttl=True), "lease_ttl"),
        (lambda p: SQLiteStore(":memory:"), "MemoryStore"),
        (lambda p: RedisStore(), "url= or client="),
        (lambda p: RedisStore(42), "url must be a str"),
    ],
)
def test_bad_store_arguments(make: Callable[[Path], Any], message: str, tmp_path: Path) -> None:
    with pytest.raises((TypeError, ValueError), match=message):
        make(tmp_path)


@pytest.mark.parametrize("key", ["", None, 42, "x" * 513])
def test_bad_keys(key: Any) -> None:
    from authwire.stores import MemoryStore

    with pytest.raises(ValueError, match="token_key"):
        MemoryStore().load(key)
