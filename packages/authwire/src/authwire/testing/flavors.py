"""One scenario, every client: run a test on the sync client and on the async client.

A scenario is an ``async def`` that wraps each client call in ``await aw(...)``: that awaits
a coroutine (async client) and passes a plain value through (sync client). On the ``sync``
flavor the coroutine is stepped by hand and must finish without ever suspending, so the
sync client really runs without an event loop; the async flavors run it under asyncio and,
when it is installed, trio::

    from authwire.testing import Flavor, aw, each_flavor, opened

    @each_flavor
    def test_sign_in(flavor: Flavor) -> None:
        async def scenario() -> None:
            client = flavor.oauth2_client.from_provider("acme", client_id="app",
                                                        transport=emulator.transport())
            async with opened(client):
                token = await aw(client.fetch_token(grant_type="client_credentials"))
            assert token["token_type"] == "Bearer"

        flavor.run(scenario)
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any, TypeVar

__all__ = ["FLAVORS", "Flavor", "aw", "each_flavor", "opened"]

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

FLAVORS: tuple[str, ...] = (
    ("sync", "asyncio", "trio")
    if importlib.util.find_spec("trio") is not None
    else ("sync", "asyncio")
)
"""The flavors available here: ``sync``, ``asyncio``, and ``trio`` when trio is installed."""


async def aw(value: Awaitable[T] | T) -> T:
    """``await`` ``value`` if it is awaitable (async client), else return it (sync client)."""
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
    """One way to run a scenario: ``"sync"``, ``"asyncio"`` or ``"trio"``.

    The client properties give this flavor's class of the binding the flavor was made for
    (``authwire`` or ``authwire.httpx2``); [`pick()`][authwire.testing.flavors.Flavor.pick]
    chooses between a plugin's sync and async constructors.

    Args:
        name: ``"sync"``, ``"asyncio"`` or ``"trio"``.

    Attributes:
        name: ``"sync"``, ``"asyncio"`` or ``"trio"``; also its ``repr``, so test ids read
            well.
        is_async: whether the scenario awaits (asyncio and trio).
    """

    def __init__(self, name: str) -> None:
        if name not in ("sync", "asyncio", "trio"):
            raise ValueError(f"a flavor is 'sync', 'asyncio' or 'trio', not {name!r}")
        self.name = name
        self.is_async = name != "sync"

    def __repr__(self) -> str:
        return self.name

    def _client(self, module: str, name: str) -> Any:
        return getattr(importlib.import_module(module, __package__), name)

    @property
    def oauth2_client(self) -> Any:
        """``OAuth2Client`` or ``AsyncOAuth2Client``."""
        module = self.pick("..client.oauth2", "..client.async_oauth2")
        return self._client(module, self.pick("OAuth2Client", "AsyncOAuth2Client"))

    @property
    def oauth1_client(self) -> Any:
        """``OAuth1Client`` or ``AsyncOAuth1Client``."""
        return self._client("..client.oauth1", self.pick("OAuth1Client", "AsyncOAuth1Client"))

    @property
    def assertion_client(self) -> Any:
        """``AssertionClient`` or ``AsyncAssertionClient``."""
        return self._client(
            "..client.assertion", self.pick("AssertionClient", "AsyncAssertionClient")
        )

    def pick(self, sync: T, asynchronous: T) -> T:
        """``asynchronous`` on an async flavor, ``sync`` on the sync one."""
        return asynchronous if self.is_async else sync

    def run(self, scenario: Callable[[], Coroutine[Any, Any, T]]) -> T:
        """Run ``scenario`` to its end on this flavor and return its result."""
        if self.name == "asyncio":
            return asyncio.run(scenario())
        if self.name == "trio":
            trio = importlib.import_module("trio")
            result: T = trio.run(scenario)
            return result
        coro = scenario()
        try:
            coro.send(None)
        except StopIteration as stop:
            value: T = stop.value
            return value
        coro.close()
        raise AssertionError("a sync scenario suspended: it awaited something real")


def each_flavor(test: F) -> F:
    """Parametrize a pytest test over [`FLAVORS`][authwire.testing.flavors.FLAVORS]: it takes a
    ``flavor`` argument.

    ``@each_flavor`` on ``def test_x(flavor: Flavor)`` runs it once per flavor, with ids
    ``[sync]``, ``[asyncio]``, ``[trio]``.
    """
    import pytest

    flavors = [Flavor(name) for name in FLAVORS]
    marked: F = pytest.mark.parametrize("flavor", flavors, ids=list(FLAVORS))(test)
    return marked
