"""A token endpoint that rotates refresh tokens and refuses a reused one, and an API.

The same logic answers ``httpx.MockTransport`` requests (unit tests) and a real loopback
HTTP server (the fleet tests, where many processes share it). RFC 9700 §4.14.2: a refresh
token is single-use; presenting a spent one is refused with ``invalid_grant``.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

import httpx

__all__ = ["RotatingProvider", "serve"]


@dataclass
class RotatingProvider:
    lifetime: int = 3600
    #: called with the refresh token before answering a refresh (to stall or fail it)
    before_refresh: Callable[[str], bool] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    current_refresh: str = ""
    live_access: dict[str, float] = field(default_factory=dict)
    spent_refresh: set[str] = field(default_factory=set)
    token_requests: int = 0
    issued_at: list[float] = field(default_factory=list)
    reused: int = 0
    invalid_grants: int = 0
    api_calls: int = 0
    api_refusals: int = 0
    api_last: float = 0.0

    def grant(self) -> dict[str, Any]:
        """A first token, as if the user had just signed in."""
        with self.lock:
            return self._issue()

    def _issue(self) -> dict[str, Any]:
        access = "at-" + secrets.token_hex(8)
        refresh = "rt-" + secrets.token_hex(8)
        now = time.time()
        self.live_access[access] = now + self.lifetime
        self.current_refresh = refresh
        self.issued_at.append(now)
        return {
            "access_token": access,
            "refresh_token": refresh,
            "token_type": "Bearer",
            "expires_in": self.lifetime,
        }

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        refresh = form.get("refresh_token", "")
        if form.get("grant_type") != "refresh_token":
            return 400, {"error": "unsupported_grant_type"}
        if self.before_refresh is not None and not self.before_refresh(refresh):
            return -1, {}  # the request is dropped unanswered
        with self.lock:
            self.token_requests += 1
            if refresh != self.current_refresh:
                if refresh in self.spent_refresh:
                    self.reused += 1
                self.invalid_grants += 1
                return 400, {"error": "invalid_grant", "error_description": "refresh token spent"}
            self.spent_refresh.add(refresh)
            return 200, self._issue()

    def api(self, authorization: str | None) -> int:
        token = (authorization or "").removeprefix("Bearer ")
        with self.lock:
            self.api_calls += 1
            self.api_last = time.time()
            expires = self.live_access.get(token)
            if expires is None or expires < time.time():
                self.api_refusals += 1
                return 401
            return 200

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/token":
            status, body = self.token(dict(parse_qsl(request.read().decode())))
            if status < 0:
                raise httpx.ReadTimeout("dropped", request=request)
            return httpx.Response(status, json=body)
        status = self.api(request.headers.get("authorization"))
        if status == 401:
            return httpx.Response(401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        return httpx.Response(200, json={"ok": True})

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)


class _Handler(BaseHTTPRequestHandler):
    provider: RotatingProvider
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _reply(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = dict(parse_qsl(self.rfile.read(length).decode()))
        status, body = self.provider.token(form)
        if status < 0:
            self.close_connection = True
            return
        self._reply(status, json.dumps(body).encode(), {"Content-Type": "application/json"})

    def do_GET(self) -> None:
        status = self.provider.api(self.headers.get("Authorization"))
        if status == 401:
            self._reply(401, b"", {"WWW-Authenticate": 'Bearer error="invalid_token"'})
        else:
            self._reply(200, b'{"ok":true}', {"Content-Type": "application/json"})


def serve(provider: RotatingProvider) -> ThreadingHTTPServer:
    """Serve ``provider`` on 127.0.0.1 (a random port) in a daemon thread."""
    handler = type("Handler", (_Handler,), {"provider": provider})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.request_queue_size = 1024
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
