"""One scenario, every client: run a test on the sync client, and on the async client under
asyncio and trio.

A scenario is an ``async def``; it wraps each client call in ``await aw(...)``, which awaits a
coroutine (async client) and passes a plain value through (sync client). On the sync flavor
the coroutine is stepped by hand and must finish without ever suspending, so the sync client
really runs without an event loop.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import trio

from authwire import AssertionClient, AsyncAssertionClient, AsyncOAuth2Client, OAuth2Client

T = TypeVar("T")

FLAVORS = ["sync", "asyncio", "trio"]


async def aw(value: Awaitable[T] | T) -> T:
    if inspect.isawaitable(value):
        return await value
    return value


@asynccontextmanager
async def opened(client: Any) -> AsyncIterator[Any]:
    """``async with`` for the async clients, ``with`` for the sync ones."""
    if hasattr(client, "__aenter__"):
        async with client:
            yield client
    else:
        with client:
            yield client


class Flavor:
    def __init__(self, name: str) -> None:
        self.name = name
        self.is_async = name != "sync"

    def __repr__(self) -> str:
        return self.name

    @property
    def oauth2_client(self) -> type[OAuth2Client] | type[AsyncOAuth2Client]:
        return AsyncOAuth2Client if self.is_async else OAuth2Client

    @property
    def assertion_client(self) -> type[AssertionClient] | type[AsyncAssertionClient]:
        return AsyncAssertionClient if self.is_async else AssertionClient

    def pick(self, sync: T, asynchronous: T) -> T:
        return asynchronous if self.is_async else sync

    def sleep(self, seconds: float) -> Awaitable[None] | None:
        """Really wait: ``await aw(flavor.sleep(s))``."""
        if self.name == "asyncio":
            return asyncio.sleep(seconds)
        if self.name == "trio":
            return trio.sleep(seconds)  # noqa: ASYNC105 - awaited by the caller
        time.sleep(seconds)
        return None

    def run(self, scenario: Callable[[], Coroutine[Any, Any, T]]) -> T:
        if self.name == "asyncio":
            return asyncio.run(scenario())
        if self.name == "trio":
            return trio.run(scenario)
        coro = scenario()
        try:
            coro.send(None)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        coro.close()
        raise AssertionError("a sync scenario suspended: it awaited something real")


class Seen:
    """What a client sent and got, through httpx event hooks that suit the flavor.

    ``paths`` in request order, ``statuses`` as ``(path, status)`` in response order, and the
    last ``content_types`` by path. Pass ``seen.hooks`` as the client's ``event_hooks``.
    """

    def __init__(self, flavor: Flavor) -> None:
        self.paths: list[str] = []
        self.statuses: list[tuple[str, int]] = []
        self.content_types: dict[str, str] = {}

        def on_request(request: Any) -> None:
            self.paths.append(request.url.path)

        def on_response(response: Any) -> None:
            path = response.request.url.path
            self.statuses.append((path, response.status_code))
            self.content_types[path] = response.headers.get("content-type", "")

        async def aon_request(request: Any) -> None:
            on_request(request)

        async def aon_response(response: Any) -> None:
            on_response(response)

        self.hooks = {
            "request": [flavor.pick(on_request, aon_request)],
            "response": [flavor.pick(on_response, aon_response)],
        }

    def count(self, path: str) -> int:
        return self.paths.count(path)
