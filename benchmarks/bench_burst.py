"""(4) Token requests per burst: ``Config.burst`` concurrent requests on one client that holds
an expired token.

Sync clients get one thread per request, all released together by a barrier; async clients
one task per request, released together by an event, under asyncio and under trio. The token
endpoint (a MockTransport) takes ``Config.token_delay`` seconds to answer, so the requests
really overlap the renewal. A single-flight client sends exactly one token request and every
resource request carries the new token; a client without a lock sends one per request.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import anyio
import anyio.lowlevel
import httpx
from joserfc.jwk import RSAKey

from authwire import (
    AssertionClient,
    AsyncAssertionClient,
    AsyncOAuth2Client,
    OAuth2Auth,
    OAuth2Client,
)

from . import _fixtures as fx
from ._harness import Config, Results, Row, at_most, exactly, ratio_rows
from ._peers import authlib_httpx, httpx_auth

_TIMEOUT = 120.0
FRESH = "Bearer " + json.loads(fx.TOKEN_BODY)["access_token"]


@dataclass
class Endpoint:
    """The mock provider of one burst: counts token requests and what resources saw."""

    delay: float
    token_requests: int = 0
    #: set when the (first) token response is on its way back: the waiters' release begins
    answered: bool = False
    authorizations: list[str | None] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _token(self) -> httpx.Response:
        return httpx.Response(
            200, content=fx.TOKEN_BODY, headers={"Content-Type": "application/json"}
        )

    def _resource(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.authorizations.append(request.headers.get("authorization"))
        return httpx.Response(200, content=b"ok")

    def sync_handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/token":
            with self.lock:
                self.token_requests += 1
            time.sleep(self.delay)
            return self._token()
        return self._resource(request)

    async def async_handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/token":
            with self.lock:
                self.token_requests += 1
            await anyio.sleep(self.delay)
            self.answered = True
            return self._token()
        return self._resource(request)

    def sync_transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.sync_handler)

    def async_transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.async_handler)


Make = Callable[[Endpoint], Any]


def _authwire_kwargs(refresh: bool) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "client_id": fx.CLIENT_ID,
        "client_secret": fx.CLIENT_SECRET,
        "token_endpoint": fx.TOKEN_URL,
        "token": fx.expired_token() if refresh else fx.expired_token(None),
    }
    if not refresh:
        kwargs["grant_type"] = "client_credentials"
    return kwargs


def _assertion_kwargs() -> dict[str, Any]:
    return {
        "token_endpoint": fx.TOKEN_URL,
        "issuer": "service@bench.example",
        "subject": "service@bench.example",
        "key": fx.rsa_pem(),
        "token": fx.expired_token(None),
    }


def _authlib_assertion(cls: type, transport: httpx.MockTransport) -> Any:
    # a joserfc key, imported once: with a PEM Authlib would load it again for each of the
    # (many) assertions its lock-free client signs in a burst
    client = cls(
        fx.TOKEN_URL,
        "service@bench.example",
        "service@bench.example",
        key=RSAKey.import_key(fx.rsa_pem()),
        alg="RS256",
        transport=transport,
    )
    client.token = fx.expired_token(None)
    return client


def _httpx_auth(endpoint: Endpoint) -> httpx.Auth:
    auth = httpx_auth.OAuth2ClientCredentials(
        fx.TOKEN_URL,
        fx.CLIENT_ID,
        fx.CLIENT_SECRET,
        client=httpx.Client(transport=endpoint.sync_transport()),
        burst=str(id(endpoint)),  # an extra token parameter: its own cache entry per burst
    )
    # an expired token in httpx-auth's process-wide cache
    httpx_auth.OAuth2.token_cache.tokens[auth.state] = ("stale", time.time() - 600)
    return auth


def sync_clients() -> dict[str, tuple[Make, bool]]:
    """name -> (factory, is authwire)."""
    return {
        "authwire OAuth2Client (refresh_token)": (
            lambda e: OAuth2Client(**_authwire_kwargs(True), transport=e.sync_transport()),
            True,
        ),
        "authwire OAuth2Client (client_credentials)": (
            lambda e: OAuth2Client(**_authwire_kwargs(False), transport=e.sync_transport()),
            True,
        ),
        "authwire OAuth2Auth on httpx.Client": (
            lambda e: httpx.Client(
                auth=OAuth2Auth(
                    fx.expired_token(),
                    client_id=fx.CLIENT_ID,
                    client_secret=fx.CLIENT_SECRET,
                    token_endpoint=fx.TOKEN_URL,
                ),
                transport=e.sync_transport(),
            ),
            True,
        ),
        "authwire AssertionClient": (
            lambda e: AssertionClient(**_assertion_kwargs(), transport=e.sync_transport()),
            True,
        ),
        "Authlib OAuth2Client (refresh_token)": (
            lambda e: authlib_httpx.OAuth2Client(
                fx.CLIENT_ID,
                fx.CLIENT_SECRET,
                token=fx.expired_token(),
                token_endpoint=fx.TOKEN_URL,
                transport=e.sync_transport(),
            ),
            False,
        ),
        "Authlib AssertionClient": (
            lambda e: _authlib_assertion(authlib_httpx.AssertionClient, e.sync_transport()),
            False,
        ),
        "httpx-auth OAuth2ClientCredentials": (
            lambda e: httpx.Client(auth=_httpx_auth(e), transport=e.sync_transport()),
            False,
        ),
    }


def async_clients() -> dict[str, tuple[Make, bool]]:
    return {
        "authwire AsyncOAuth2Client (refresh_token)": (
            lambda e: AsyncOAuth2Client(**_authwire_kwargs(True), transport=e.async_transport()),
            True,
        ),
        "authwire AsyncOAuth2Client (client_credentials)": (
            lambda e: AsyncOAuth2Client(**_authwire_kwargs(False), transport=e.async_transport()),
            True,
        ),
        "authwire OAuth2Auth on httpx.AsyncClient": (
            lambda e: httpx.AsyncClient(
                auth=OAuth2Auth(
                    fx.expired_token(),
                    client_id=fx.CLIENT_ID,
                    client_secret=fx.CLIENT_SECRET,
                    token_endpoint=fx.TOKEN_URL,
                ),
                transport=e.async_transport(),
            ),
            True,
        ),
        "authwire AsyncAssertionClient": (
            lambda e: AsyncAssertionClient(**_assertion_kwargs(), transport=e.async_transport()),
            True,
        ),
        "Authlib AsyncOAuth2Client (refresh_token)": (
            lambda e: authlib_httpx.AsyncOAuth2Client(
                fx.CLIENT_ID,
                fx.CLIENT_SECRET,
                token=fx.expired_token(),
                token_endpoint=fx.TOKEN_URL,
                transport=e.async_transport(),
            ),
            False,
        ),
        "Authlib AsyncAssertionClient": (
            lambda e: _authlib_assertion(authlib_httpx.AsyncAssertionClient, e.async_transport()),
            False,
        ),
        "httpx-auth OAuth2ClientCredentials (sync flow)": (
            lambda e: httpx.AsyncClient(auth=_httpx_auth(e), transport=e.async_transport()),
            False,
        ),
    }


@dataclass
class Outcome:
    token_requests: int
    fresh: int
    errors: int
    unfinished: int
    seconds: float
    #: the longest the event loop went without coming back to a ticking task, once the token
    #: response was back (the waiters' release); tasks only, ``None`` for threads
    stall: float | None = None

    def note(self, burst: int) -> str:
        parts = [f"{self.seconds:.2f} s"]
        if self.stall is not None:
            parts.append(f"longest event-loop stall {self.stall * 1000:.1f} ms")
        if self.fresh != burst:
            parts.append(f"{self.fresh}/{burst} sent the new token")
        if self.errors:
            parts.append(f"{self.errors} errors")
        if self.unfinished:
            parts.append(f"{self.unfinished} unfinished after {_TIMEOUT:g} s")
        return ", ".join(parts)


def burst_threads(client: Any, endpoint: Endpoint, n: int) -> Outcome:
    barrier = threading.Barrier(n, timeout=_TIMEOUT)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            client.get(fx.RESOURCE_URL).raise_for_status()
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(n)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + _TIMEOUT
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    seconds = time.perf_counter() - started
    return Outcome(
        endpoint.token_requests,
        endpoint.authorizations.count(FRESH),
        len(errors),
        sum(thread.is_alive() for thread in threads),
        seconds,
    )


async def burst_tasks(client: Any, endpoint: Endpoint, n: int) -> Outcome:
    """One task per request, released together; a ticking task measures the loop's stalls.

    The ticker yields to the event loop and notes the time between two of its turns: the
    longest such gap once the token response is back is the longest time every other task
    (and I/O) waited while the waiters were released, e.g. 1,000 of them woken at once.
    """
    go = anyio.Event()
    errors: list[BaseException] = []
    done = 0
    longest = 0.0

    async def worker() -> None:
        nonlocal done
        try:
            await go.wait()
            (await client.get(fx.RESOURCE_URL)).raise_for_status()
        except Exception as exc:
            errors.append(exc)
        done += 1

    async def ticker(deadline: float) -> None:
        nonlocal longest
        await go.wait()
        last = time.perf_counter()
        while done < n and last < deadline:
            await anyio.lowlevel.checkpoint()
            now = time.perf_counter()
            if endpoint.answered:
                longest = max(longest, now - last)
            last = now

    started = time.perf_counter()
    with anyio.move_on_after(_TIMEOUT):
        async with anyio.create_task_group() as group:
            for _ in range(n):
                group.start_soon(worker)
            group.start_soon(ticker, started + _TIMEOUT)
            await anyio.lowlevel.checkpoint()
            go.set()
    seconds = time.perf_counter() - started
    return Outcome(
        endpoint.token_requests,
        endpoint.authorizations.count(FRESH),
        len(errors),
        n - done,
        seconds,
        longest if endpoint.answered else None,
    )


def _row(group: str, name: str, is_authwire: bool, outcome: Outcome, burst: int) -> Row:
    return Row(
        group=group,
        impl=name,
        value=float(outcome.token_requests),
        unit="requests",
        target=exactly(1, "token request") if is_authwire else None,
        note=outcome.note(burst),
    )


STALL_REFERENCE = "Authlib AsyncOAuth2Client (refresh_token)"
STALL_TARGETED = "authwire AsyncOAuth2Client (refresh_token)"


def _stall_rows(backend: str, burst: int, stalls: dict[str, list[float]]) -> list[Row]:
    """Median longest stall per client, and its ratio to Authlib's (lower is better)."""
    rows = ratio_rows(
        f"(4) longest event-loop stall releasing {burst} waiters after the refresh, {backend}",
        {name: [s * 1000 for s in values] for name, values in stalls.items()},
        STALL_REFERENCE,
        "ms",
        targets={STALL_TARGETED: at_most(1.0, "Authlib's")} if backend == "asyncio" else {},
    )
    # the reference first: the table reads "authwire's stall / Authlib's"
    return sorted(rows, key=lambda row: row.impl != STALL_REFERENCE)


def run(config: Config, results: Results) -> None:
    n = config.burst
    group = f"(4) burst of {n}, expired token, sync (threads)"
    for name, (make, is_authwire) in sync_clients().items():
        endpoint = Endpoint(config.token_delay)
        client = make(endpoint)
        try:
            outcome = burst_threads(client, endpoint, n)
        finally:
            client.close()
        if is_authwire and (outcome.fresh != n or outcome.errors):
            raise AssertionError(f"{name}: {outcome}")
        results.add(_row(group, name, is_authwire, outcome, n))
    for backend in ("asyncio", "trio"):

        async def main(backend: str = backend) -> None:
            group = f"(4) burst of {n}, expired token, {backend}"
            clients = async_clients()
            stalls: dict[str, list[float]] = {name: [] for name in clients}
            first: dict[str, Outcome] = {}
            # rounds of one burst per client, rotated, for the stall's median; the token
            # request count is the first round's (and single flight is checked in every one)
            for r in range(config.stall_rounds):
                names = list(clients)
                for name in names[r % len(names) :] + names[: r % len(names)]:
                    make, is_authwire = clients[name]
                    endpoint = Endpoint(config.token_delay)
                    client = make(endpoint)
                    try:
                        outcome = await burst_tasks(client, endpoint, n)
                    finally:
                        await client.aclose()
                    if is_authwire and (
                        outcome.fresh != n or outcome.errors or outcome.token_requests != 1
                    ):
                        raise AssertionError(f"{name}: {outcome}")
                    first.setdefault(name, outcome)
                    if outcome.stall is not None:
                        stalls[name].append(outcome.stall)
            for name, (_, is_authwire) in clients.items():
                results.add(_row(group, name, is_authwire, first[name], n))
            # a client whose token request never reached the async endpoint (httpx-auth sends
            # it with its own sync client, blocking the loop throughout) has no release stall
            measured = {name: values for name, values in stalls.items() if values}
            if STALL_REFERENCE in measured and STALL_TARGETED in measured:
                rounds = min(len(values) for values in measured.values())
                results.extend(
                    _stall_rows(backend, n, {k: v[:rounds] for k, v in measured.items()})
                )

        anyio.run(main, backend=backend)
    results.checks.append(
        f"(4) every authwire burst: all {n} requests succeeded and carried the new token"
    )
