"""Fixtures: every store kind, the Redis ones on a real redis-server started here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from authwire.stores import FileStore, MemoryStore, RedisStore, SQLiteStore
from tests._redis import RedisServer, running_redis

STORE_KINDS = ["memory", "file", "sqlite", "redis"]


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with running_redis(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """``make_store(kind, **options)``: a store of that kind, empty at the test's start.

    Several stores of one kind made in one test share their data (two processes' views).
    """
    made: list[Any] = []
    flushed = False

    def make(kind: str, **options: Any) -> Any:
        if kind == "memory":
            options.pop("encryption_key", None)
            store: Any = MemoryStore(**options)
        elif kind == "file":
            store = FileStore(tmp_path / "tokens.json", **options)
        elif kind == "sqlite":
            store = SQLiteStore(tmp_path / "tokens.db", **options)
        elif kind == "redis":
            nonlocal flushed
            server: RedisServer = request.getfixturevalue("redis_server")
            if not flushed:
                server.flush()
                flushed = True
            store = RedisStore(server.url, **options)
        else:
            raise AssertionError(kind)
        made.append(store)
        return store

    yield make
    for store in made:
        close = getattr(store, "close", None)
        if close is not None:
            close()
