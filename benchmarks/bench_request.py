"""(1) An authorised request with a valid token: sync, asyncio and trio; MockTransport and
a keep-alive loopback server; 10,000 concurrent asyncio tasks on one client; and the auth
step alone for plain ``http://`` to a loopback host against ``https://``.

The floor is bare httpx sending the same ``Authorization: Bearer ...`` as a static client
header: whatever an auth library adds on top of that is its cost on the hot path.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import tracemalloc
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

import anyio
import httpx

from authwire import AsyncOAuth2Client, OAuth2Auth, OAuth2Client

from . import _fixtures as fx
from ._harness import (
    CPU,
    WALL,
    Config,
    Results,
    Row,
    Target,
    at_least,
    run_async_rounds,
    run_sync_rounds,
)
from ._peers import authlib_httpx, httpx_auth
from ._server import loopback_server

FLOOR = "httpx, static header (floor)"
AW_CLIENT = "authwire OAuth2Client"
AW_AUTH = "authwire OAuth2Auth on httpx.Client"
AUTHLIB = "Authlib OAuth2Client"
HTTPX_AUTH = "httpx-auth OAuth2ClientCredentials"

Factory = Callable[[httpx.BaseTransport | httpx.AsyncBaseTransport | None], Any]


def _static_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {fx.ACCESS_TOKEN}"}


def _httpx_auth_flow() -> httpx.Auth:
    # httpx-auth keeps tokens in a process-wide cache; its token request goes through its
    # own client, here on the mock token endpoint, so it runs once and is then cached.
    token_client = httpx.Client(
        transport=httpx.MockTransport(
            lambda request: httpx.Response(
                200,
                json={"access_token": fx.ACCESS_TOKEN, "token_type": "Bearer", "expires_in": 3600},
            )
        )
    )
    return httpx_auth.OAuth2ClientCredentials(
        fx.TOKEN_URL, fx.CLIENT_ID, fx.CLIENT_SECRET, client=token_client
    )


def sync_factories() -> dict[str, Factory]:
    def kw(transport: Any) -> dict[str, Any]:
        return {} if transport is None else {"transport": transport}

    return {
        FLOOR: lambda t: httpx.Client(headers=_static_headers(), **kw(t)),
        AW_CLIENT: lambda t: OAuth2Client(token=fx.valid_token(), **kw(t)),
        AW_AUTH: lambda t: httpx.Client(auth=OAuth2Auth(fx.valid_token()), **kw(t)),
        AUTHLIB: lambda t: authlib_httpx.OAuth2Client(token=fx.valid_token(), **kw(t)),
        HTTPX_AUTH: lambda t: httpx.Client(auth=_httpx_auth_flow(), **kw(t)),
    }


def async_factories() -> dict[str, Factory]:
    def kw(transport: Any) -> dict[str, Any]:
        return {} if transport is None else {"transport": transport}

    return {
        FLOOR: lambda t: httpx.AsyncClient(headers=_static_headers(), **kw(t)),
        AW_CLIENT: lambda t: AsyncOAuth2Client(token=fx.valid_token(), **kw(t)),
        AW_AUTH: lambda t: httpx.AsyncClient(auth=OAuth2Auth(fx.valid_token()), **kw(t)),
        AUTHLIB: lambda t: authlib_httpx.AsyncOAuth2Client(token=fx.valid_token(), **kw(t)),
        HTTPX_AUTH: lambda t: httpx.AsyncClient(auth=_httpx_auth_flow(), **kw(t)),
    }


def _targets(label: str) -> dict[str, Any]:
    # the target (1) is on MockTransport; loopback figures are for information
    target = at_least(0.95, "bare httpx")
    return {AW_CLIENT: target, AW_AUTH: target} if label.endswith("MockTransport") else {}


# -- equivalence: every implementation sends the same Authorization header -----------------


def check_sync(results: Results) -> None:
    expected = f"Bearer {fx.ACCESS_TOKEN}"
    for name, make in sync_factories().items():
        recorder = fx.Recorder()
        with make(recorder.transport()) as client:
            response = client.get(fx.RESOURCE_URL)
            response.raise_for_status()
        if recorder.authorization != [expected]:
            raise AssertionError(f"{name} sent {recorder.authorization!r}, not {expected!r}")
    results.checks.append("(1) sync: every client sent the same bearer header")


async def check_async(results: Results, backend: str) -> None:
    expected = f"Bearer {fx.ACCESS_TOKEN}"
    for name, make in async_factories().items():
        recorder = fx.Recorder()
        async with make(recorder.transport()) as client:
            response = await client.get(fx.RESOURCE_URL)
            response.raise_for_status()
        if recorder.authorization != [expected]:
            raise AssertionError(f"{name} sent {recorder.authorization!r}, not {expected!r}")
    results.checks.append(f"(1) {backend}: every client sent the same bearer header")


def _check_echo(name: str, body: str) -> None:
    expected = f"Bearer {fx.ACCESS_TOKEN}"
    if body != expected:
        raise AssertionError(f"{name} over loopback sent {body!r}, not {expected!r}")


# -- timing --------------------------------------------------------------------------------


def _sync_group(
    config: Config, label: str, url: str, transport: Callable[[], Any] | None
) -> list[Row]:
    clients = {
        name: make(transport() if transport else None) for name, make in sync_factories().items()
    }
    try:
        if transport is None:
            for name, client in clients.items():
                _check_echo(name, client.get(f"{url}/echo").text)
        ops: dict[str, Callable[[], object]] = {
            name: (lambda c=client: c.get(f"{url}/resource")) for name, client in clients.items()
        }
        clock = CPU if transport else WALL
        return run_sync_rounds(config, label, ops, FLOOR, _targets(label), clock=clock)
    finally:
        for client in clients.values():
            client.close()


async def _async_group(
    config: Config, label: str, url: str, transport: Callable[[], Any] | None
) -> list[Row]:
    clients = {
        name: make(transport() if transport else None) for name, make in async_factories().items()
    }
    try:
        if transport is None:
            for name, client in clients.items():
                _check_echo(name, (await client.get(f"{url}/echo")).text)
        ops: dict[str, Callable[[], Awaitable[object]]] = {
            name: (lambda c=client: c.get(f"{url}/resource")) for name, client in clients.items()
        }
        clock = CPU if transport else WALL
        return await run_async_rounds(config, label, ops, FLOOR, _targets(label), clock=clock)
    finally:
        for client in clients.values():
            await client.aclose()


# -- the auth step alone: loopback http:// against https:// -----------------------------------

HTTPS_AUTH = "authwire OAuth2Auth, https://api.example.test"
LOOPBACK_AUTH = "authwire OAuth2Auth, http://127.0.0.1"
LOCALHOST_AUTH = "authwire OAuth2Auth, http://localhost"


def auth_step(url: str) -> Callable[[], object]:
    """One request through ``OAuth2Auth.sync_auth_flow``: the header set, a 200 answered.

    The request is built once, so the figure is the auth layer's own cost per request.
    """
    auth = OAuth2Auth(fx.valid_token())
    request = httpx.Request("GET", url)
    response = httpx.Response(200, request=request)

    def op() -> object:
        flow = auth.sync_auth_flow(request)
        sent = next(flow)
        with contextlib.suppress(StopIteration):
            flow.send(response)
        return sent.headers["Authorization"]

    return op


def _auth_step_group(config: Config, results: Results) -> None:
    ops = {
        HTTPS_AUTH: auth_step(f"{fx.API}/resource"),
        LOOPBACK_AUTH: auth_step("http://127.0.0.1:8080/resource"),
        LOCALHOST_AUTH: auth_step("http://localhost:8080/resource"),
    }
    expected = f"Bearer {fx.ACCESS_TOKEN}"
    for name, op in ops.items():
        if op() != expected:
            raise AssertionError(f"{name} set {op()!r}, not {expected!r}")
    results.checks.append("(1) auth step: https and loopback http set the same bearer header")
    target = at_least(0.9, "the https path")
    results.extend(
        run_sync_rounds(
            config,
            "(1) auth step per request, loopback http:// vs https:// (no transport)",
            ops,
            HTTPS_AUTH,
            {LOOPBACK_AUTH: target, LOCALHOST_AUTH: target},
        )
    )


# -- 10,000 concurrent asyncio tasks on one client ---------------------------------------------

CONCURRENT_FLOOR = "httpx.AsyncClient, static header (floor)"
CONCURRENT_CLIENT = "authwire AsyncOAuth2Client"
CONCURRENT_AUTH = "authwire OAuth2Auth on httpx.AsyncClient"


def _gather_batch(client: Any, n: int) -> Callable[[], Awaitable[object]]:
    url = f"{fx.API}/resource"

    async def one() -> None:
        (await client.get(url)).raise_for_status()

    async def batch() -> object:
        return await asyncio.gather(*(one() for _ in range(n)))

    return batch


async def _traced_growth(batch: Callable[[], Awaitable[object]], batches: int) -> float:
    """KiB still held after ``batches`` more batches than a first, warming one (tracemalloc)."""
    tracemalloc.start()
    try:
        await batch()  # caches, pools, lazy imports
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(batches):
            await batch()
        gc.collect()
        return (tracemalloc.get_traced_memory()[0] - before) / 1024
    finally:
        tracemalloc.stop()


async def _concurrent_group(config: Config, results: Results) -> None:
    n = config.concurrent_tasks
    clients = {
        CONCURRENT_FLOOR: httpx.AsyncClient(
            headers=_static_headers(), transport=fx.mock_transport()
        ),
        CONCURRENT_CLIENT: AsyncOAuth2Client(token=fx.valid_token(), transport=fx.mock_transport()),
        CONCURRENT_AUTH: httpx.AsyncClient(
            auth=OAuth2Auth(fx.valid_token()), transport=fx.mock_transport()
        ),
    }
    try:
        batches = {name: _gather_batch(client, n) for name, client in clients.items()}
        group = f"(1) {n:,} concurrent requests on one client, asyncio, MockTransport"
        target = at_least(0.97, "bare httpx")
        rounds = await run_async_rounds(
            replace(config, rounds=config.concurrent_rounds, min_rounds=1),
            group,
            batches,
            CONCURRENT_FLOOR,
            {CONCURRENT_CLIENT: target, CONCURRENT_AUTH: target},
        )
        for row in rounds:  # one operation was a batch of n requests: report requests/s
            row.value = None if row.value is None else row.value * n
        results.extend(rounds)
        growth_target = Target(
            "<= 16 KiB (no growth: under 1 byte per request)", lambda value: value <= 16
        )
        for name in (CONCURRENT_FLOOR, CONCURRENT_CLIENT, CONCURRENT_AUTH):
            kib = await _traced_growth(batches[name], config.concurrent_growth_batches)
            results.add(
                Row(
                    group=(
                        f"(1) memory held after {config.concurrent_growth_batches} more batches "
                        f"of {n:,} concurrent requests, asyncio (tracemalloc)"
                    ),
                    impl=name,
                    value=kib,
                    unit="KiB",
                    target=None if name == CONCURRENT_FLOOR else growth_target,
                )
            )
    finally:
        for client in clients.values():
            await client.aclose()
    results.checks.append(f"(1) {n:,} concurrent requests: every one answered 200")


def run(config: Config, results: Results, *, loopback: bool = True) -> None:
    check_sync(results)
    _auth_step_group(config, results)
    asyncio.run(_concurrent_group(config, results))
    results.extend(
        _sync_group(config, "(1) request, sync, MockTransport", fx.API, fx.mock_transport)
    )
    for backend in ("asyncio", "trio"):

        async def main(backend: str = backend) -> None:
            await check_async(results, backend)
            results.extend(
                await _async_group(
                    config, f"(1) request, {backend}, MockTransport", fx.API, fx.mock_transport
                )
            )

        anyio.run(main, backend=backend)
    if not loopback:
        return
    with loopback_server() as base:
        results.extend(_sync_group(config, "(1) request, sync, loopback keep-alive", base, None))
        for backend in ("asyncio", "trio"):

            async def main_loopback(backend: str = backend) -> None:
                results.extend(
                    await _async_group(
                        config, f"(1) request, {backend}, loopback keep-alive", base, None
                    )
                )

            anyio.run(main_loopback, backend=backend)
        results.checks.append("(1) loopback: every client sent the same bearer header")
