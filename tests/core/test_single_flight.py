"""Single-flight renewal: a crowd that finds the token expired causes ONE token request."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import anyio
import anyio.lowlevel
import httpx
import pytest

from authwire import AsyncOAuth2Client, OAuth2Client, OAuthError
from authwire.testing import FakeProvider

EXPIRED = {"access_token": "old", "refresh_token": "rt1", "expires_at": 1}


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_1000_tasks_cause_one_refresh_and_one_update(backend: str) -> None:
    token_requests = 0
    updates: list[dict[str, Any]] = []

    async def main() -> None:
        nonlocal token_requests
        refresh_started = anyio.Event()
        progress = 0
        other_task_progressed = anyio.Event()

        async def handler(request: httpx.Request) -> httpx.Response:
            nonlocal token_requests
            if request.url.path == "/token":
                token_requests += 1
                refresh_started.set()
                # the refresh stays in flight until another task has made progress
                await other_task_progressed.wait()
                return FakeProvider.token(access_token="new", refresh_token="rt2", expires_in=3600)
            return httpx.Response(200, text=request.headers["authorization"])

        async def update_token(token: dict[str, Any], **kwargs: Any) -> None:
            updates.append(dict(token, **kwargs))

        async def bystander() -> None:
            nonlocal progress
            await refresh_started.wait()
            for _ in range(50):
                progress += 1
                await anyio.lowlevel.checkpoint()
            other_task_progressed.set()

        results: list[str] = []
        async with AsyncOAuth2Client(
            "id",
            "secret",
            token=EXPIRED,
            token_endpoint="https://as.test/token",
            update_token=update_token,
            transport=httpx.MockTransport(handler),
        ) as client:

            async def call() -> None:
                response = await client.get("https://api.test/")
                results.append(response.text)

            with anyio.fail_after(60):
                async with anyio.create_task_group() as tg:
                    tg.start_soon(bystander)
                    for _ in range(1000):
                        tg.start_soon(call)
        assert progress == 50
        assert results == ["Bearer new"] * 1000

    anyio.run(main, backend=backend)
    assert token_requests == 1
    assert len(updates) == 1
    assert updates[0]["refresh_token"] == "rt1"  # the old one, as update_token's keyword


def test_16_threads_cause_one_refresh() -> None:
    lock = threading.Lock()
    token_requests = 0
    updates: list[Any] = []
    barrier = threading.Barrier(16, timeout=30)
    release = threading.Event()

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal token_requests
        if request.url.path == "/token":
            with lock:
                token_requests += 1
            release.wait(timeout=0.5)  # hold the refresh while the other threads pile up
            return FakeProvider.token(access_token="new", expires_in=3600)
        return httpx.Response(200, text=request.headers["authorization"])

    with OAuth2Client(
        "id",
        "secret",
        token=EXPIRED,
        token_endpoint="https://as.test/token",
        update_token=lambda token, **kw: updates.append(kw),
        transport=httpx.MockTransport(handler),
    ) as client:

        def call() -> str:
            barrier.wait()
            return client.get("https://api.test/").text

        with ThreadPoolExecutor(16) as pool:
            results = list(pool.map(lambda _: call(), range(16)))
    assert results == ["Bearer new"] * 16
    assert token_requests == 1
    assert updates == [{"refresh_token": "rt1"}]


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_waiters_share_a_failed_refresh_instead_of_retrying_in_a_herd(backend: str) -> None:
    token_requests = 0

    async def main() -> list[str]:
        async def handler(request: httpx.Request) -> httpx.Response:
            nonlocal token_requests
            token_requests += 1
            await anyio.sleep(0.01)
            return httpx.Response(400, json={"error": "invalid_grant"})

        errors: list[str] = []
        async with AsyncOAuth2Client(
            "id",
            "secret",
            token=EXPIRED,
            token_endpoint="https://as.test/token",
            transport=httpx.MockTransport(handler),
        ) as client:

            async def call() -> None:
                try:
                    await client.get("https://api.test/")
                except OAuthError as exc:
                    errors.append(exc.error)

            with anyio.fail_after(30):
                async with anyio.create_task_group() as tg:
                    for _ in range(100):
                        tg.start_soon(call)
            assert client.token["access_token"] == "old"
        return errors

    errors = anyio.run(main, backend=backend)
    assert errors == ["invalid_grant"] * 100
    assert token_requests == 1
