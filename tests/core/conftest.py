"""One scenario, every client: the ``flavor`` fixture runs a test on the sync client, and on
the async client under asyncio and trio.

A scenario is an ``async def`` taking the client; it wraps each client call in ``await
aw(...)``, which awaits a coroutine (async client) and passes a plain value through (sync
client). On the sync flavor the coroutine is stepped by hand and must finish without ever
suspending, so the sync client really runs without an event loop.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import pytest
import trio

from authwire import AsyncOAuth2Client, OAuth2Client
from authwire.testing import FakeProvider

T = TypeVar("T")


async def aw(value: Awaitable[T] | T) -> T:
    if inspect.isawaitable(value):
        return await value
    return value


class Flavor:
    def __init__(self, name: str) -> None:
        self.name = name
        self.is_async = name != "sync"

    def __repr__(self) -> str:
        return self.name

    @property
    def oauth2_client(self) -> type[OAuth2Client] | type[AsyncOAuth2Client]:
        return AsyncOAuth2Client if self.is_async else OAuth2Client

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


@pytest.fixture(params=["sync", "asyncio", "trio"])
def flavor(request: pytest.FixtureRequest) -> Flavor:
    return Flavor(request.param)


@pytest.fixture
def provider() -> FakeProvider:
    return FakeProvider()


@asynccontextmanager
async def opened(client: Any) -> AsyncIterator[Any]:
    """``async with`` for the async clients, ``with`` for the sync ones."""
    if hasattr(client, "__aenter__"):
        async with client:
            yield client
    else:
        with client:
            yield client
