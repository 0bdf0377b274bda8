"""(8) Token stores: what a store costs on the hot path, and what one renewal costs through it.

Per request with a valid token, a client with a store attached must cost what it costs
without one (the store is not touched: target >= 0.97x). One renewal through a store (read,
lease, read again, token request, compare-and-set, release) is shown beside a renewal
without a store, on the same mock token endpoint, for information.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx

from authwire import OAuth2Client
from authwire.stores import FileStore, MemoryStore, RedisStore, SQLiteStore

from . import _fixtures as fx
from ._harness import CPU, WALL, Config, Results, Row, at_least, run_sync_rounds

NONE = "authwire OAuth2Client, no store"

#: token answers that are due on arrival: every ensure_active_token() renews
_DUE = (
    b'{"access_token": "renewed-' + b"r" * 24 + b'", "token_type": "Bearer", '
    b'"refresh_token": "bench-refresh-token", "expires_at": 1}'
)


def _due_answers(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/token":
        return httpx.Response(200, content=_DUE, headers={"Content-Type": "application/json"})
    return httpx.Response(200, content=b"ok")


@contextlib.contextmanager
def _redis_server(workdir: Path) -> Iterator[str | None]:
    """A throwaway redis-server on 127.0.0.1, or ``None`` when it is not installed."""
    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


def _stores(workdir: Path, redis_url: str | None) -> dict[str, Callable[[], Any]]:
    stores: dict[str, Callable[[], Any]] = {
        "MemoryStore": MemoryStore,
        "FileStore": lambda: FileStore(workdir / f"tokens-{time.monotonic_ns()}.json"),
        "SQLiteStore": lambda: SQLiteStore(workdir / f"tokens-{time.monotonic_ns()}.db"),
    }
    if redis_url is not None:
        stores["RedisStore"] = lambda: RedisStore(redis_url, prefix=f"b{time.monotonic_ns()}:")
    return stores


def _client(store: Any, token: dict[str, Any], transport: httpx.BaseTransport) -> OAuth2Client:
    return OAuth2Client(
        fx.CLIENT_ID,
        fx.CLIENT_SECRET,
        token_endpoint=fx.TOKEN_URL,
        token=token,
        token_store=store,
        transport=transport,
    )


def _hot_path(config: Config, stores: dict[str, Callable[[], Any]]) -> list[Row]:
    clients = {NONE: _client(None, fx.valid_token(), fx.mock_transport())}
    for name, make in stores.items():
        clients[f"authwire OAuth2Client + {name}"] = _client(
            make(), fx.valid_token(), fx.mock_transport()
        )
    try:
        for client in clients.values():
            client.get(fx.RESOURCE_URL).raise_for_status()
        ops = {name: (lambda c=client: c.get(fx.RESOURCE_URL)) for name, client in clients.items()}
        targets = {name: at_least(0.97, "no store") for name in clients if name != NONE}
        return run_sync_rounds(
            config, "(8) request with a valid token, sync, per store", ops, NONE, targets, clock=CPU
        )
    finally:
        for client in clients.values():
            client.close()


def _renewal(config: Config, stores: dict[str, Callable[[], Any]]) -> list[Row]:
    clients = {NONE: _client(None, fx.expired_token(), httpx.MockTransport(_due_answers))}
    for name, make in stores.items():
        clients[f"authwire OAuth2Client + {name}"] = _client(
            make(), fx.expired_token(), httpx.MockTransport(_due_answers)
        )
    try:
        for client in clients.values():
            client.ensure_active_token()
        ops = {name: client.ensure_active_token for name, client in clients.items()}
        notes = {
            name: "load, lease, load, refresh, compare-and-set, release"
            for name in clients
            if name != NONE
        }
        return run_sync_rounds(
            config, "(8) one renewal, sync, per store", ops, NONE, {}, notes, clock=WALL
        )
    finally:
        for client in clients.values():
            client.close()


def _check(stores: dict[str, Callable[[], Any]], results: Results) -> None:
    """Every store renews through its lease and saves what the token endpoint answered."""
    for name, make in stores.items():
        store = make()
        with _client(store, fx.expired_token(), httpx.MockTransport(_due_answers)) as client:
            client.ensure_active_token()
            saved = store.load(client.token_key)
        if saved is None or saved.token.get("access_token") != "renewed-" + "r" * 24:
            raise AssertionError(f"{name} did not hold the renewed token")
    results.checks.append(f"(8) stores: {', '.join(stores)} saved each renewal")


def run(config: Config, results: Results) -> None:
    with tempfile.TemporaryDirectory() as tmp, _redis_server(Path(tmp)) as redis_url:
        if redis_url is None:
            results.notes.append("(8) redis-server is not installed: RedisStore not measured")
        stores = _stores(Path(tmp), redis_url)
        _check(stores, results)
        results.extend(_hot_path(config, stores))
        results.extend(_renewal(config, stores))
