"""Redis stopped and restarted during a run: typed errors while down, recovery, nothing lost.

This Redis persists (append-only file, fsync on every write) so that "nothing lost" means
what a production Redis gives: the stored token is still there after the restart.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest

from authwire import AsyncOAuth2Client, OAuth2Client, TokenStoreUnavailableError
from authwire.stores import RedisStore
from tests._redis import RedisServer

from ._rotating import RotatingProvider

TOKEN_ENDPOINT = "https://as.test/token"
API = "https://api.test/data"


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path, persistent=True)
    server.start()
    yield server
    server.stop()


def test_sync_client_through_a_redis_restart(redis: RedisServer) -> None:
    provider = RotatingProvider(lifetime=2)
    store = RedisStore(redis.url, socket_timeout=2)
    store.save("k", provider.grant())
    with OAuth2Client(
        "id",
        "secret",
        token_endpoint=TOKEN_ENDPOINT,
        token_store=store,
        token_key="k",
        leeway=0.5,
        transport=provider.transport(),
    ) as client:
        assert client.get(API).status_code == 200  # loaded from Redis
        held = client.token
        assert held is not None
        before = store.load("k")
        assert before is not None

        redis.stop()
        # a valid token in memory needs no store: calls go on while Redis is down
        assert client.get(API).status_code == 200
        time.sleep(1.6)  # the token falls due
        for _ in range(3):
            started = time.monotonic()
            with pytest.raises(TokenStoreUnavailableError, match="RedisStore") as caught:
                client.get(API)
            assert time.monotonic() - started < 5  # at once, not after a retry storm
            assert caught.value.error == "token_store_unavailable"
        assert client.token is held  # the old token is kept
        assert provider.token_requests == 0  # nobody refreshed without the lease

        redis.start()  # same port, same data
        after_restart = store.load("k")
        assert after_restart == before  # nothing saved was lost
        assert client.get(API).status_code == 200
        assert provider.token_requests == 1
        assert provider.invalid_grants == 0
        saved = store.load("k")
        assert saved is not None
        assert saved.version > before.version
        assert client.token is not None
        assert saved.token["refresh_token"] == client.token["refresh_token"]
    store.close()


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_async_client_through_a_redis_restart(redis: RedisServer, backend: str) -> None:
    provider = RotatingProvider(lifetime=2)
    store = RedisStore(redis.url, socket_timeout=2)
    store.save("k", provider.grant())

    async def main() -> None:
        async with AsyncOAuth2Client(
            "id",
            "secret",
            token_endpoint=TOKEN_ENDPOINT,
            token_store=store,
            token_key="k",
            leeway=0.5,
            transport=provider.transport(),
        ) as client:
            assert (await client.get(API)).status_code == 200
            redis.stop()
            await anyio.sleep(1.6)
            with pytest.raises(TokenStoreUnavailableError):
                await client.get(API)
            redis.start()
            assert (await client.get(API)).status_code == 200
        await store.aclose()

    anyio.run(main, backend=backend)
    assert provider.token_requests == 1
    assert provider.invalid_grants == 0
    store.close()
