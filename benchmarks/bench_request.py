"""(1) An authorised request with a valid token: sync, asyncio and trio; MockTransport and
a keep-alive loopback server.

The floor is bare httpx sending the same ``Authorization: Bearer ...`` as a static client
header: whatever an auth library adds on top of that is its cost on the hot path.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import httpx

from authwire import AsyncOAuth2Client, OAuth2Auth, OAuth2Client

from . import _fixtures as fx
from ._harness import CPU, WALL, Config, Results, Row, at_least, run_async_rounds, run_sync_rounds
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


def run(config: Config, results: Results, *, loopback: bool = True) -> None:
    check_sync(results)
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
