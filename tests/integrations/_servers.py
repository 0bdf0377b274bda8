"""Run an example app on a real server on 127.0.0.1, in a thread of the test process.

Starlette / FastAPI on uvicorn; Flask and Django (WSGI) on the framework's own development
server (Werkzeug's for Flask, ``django.core.servers.basehttp`` for Django). The listening
socket is bound before the server starts, so the URL is known and no port race exists. Every
wait is bounded.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

START_TIMEOUT = 10.0
STOP_TIMEOUT = 10.0


class ServerError(RuntimeError):
    """The app server did not start or stop in time."""


def _listening_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    return sock


def _wait(ready: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not ready():
        if time.monotonic() > deadline:
            raise ServerError(f"{what} did not start within {START_TIMEOUT:.0f} s")
        time.sleep(0.02)


@contextlib.contextmanager
def run_asgi(app: Any) -> Iterator[str]:
    """Serve an ASGI app with uvicorn; yields its base URL (``http://127.0.0.1:PORT``)."""
    import uvicorn

    sock = _listening_socket()
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="uvicorn", daemon=True
    )
    thread.start()
    try:
        _wait(lambda: server.started or not thread.is_alive(), "uvicorn")
        if not server.started:
            raise ServerError("uvicorn exited before it started serving")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(STOP_TIMEOUT)
        sock.close()
        if thread.is_alive():
            raise ServerError(f"uvicorn did not stop within {STOP_TIMEOUT:.0f} s")


@contextlib.contextmanager
def run_wsgi(server_factory: Callable[[socket.socket], Any], name: str) -> Iterator[str]:
    """Serve with a WSGI server built on our socket (``serve_forever``/``shutdown``)."""
    sock = _listening_socket()
    port = sock.getsockname()[1]
    server = server_factory(sock)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, name=name, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(STOP_TIMEOUT)
        sock.close()
        if thread.is_alive():
            raise ServerError(f"{name} did not stop within {STOP_TIMEOUT:.0f} s")
