"""A fake server on a real socket: ``http://127.0.0.1:<random port>``, in a thread.

For the tests that need a socket (a client built from a URL alone, a subprocess, a browser
driver); everything else is faster over ``httpx.MockTransport``. Each incoming request is
handed to the handler as a request to ``origin`` (the host being played), so one handler
serves both ways.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

from .._compat import Request, Response

__all__ = ["LoopbackServer"]

Handler = Callable[[Request], Response]
# set by the server, or meaningless once re-sent
_HOP_HEADERS = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length"})
MAX_BODY = 16 * 1024 * 1024
"""Requests a test sends are small; a bigger body means a runaway client."""


class LoopbackServer:
    """Serves ``handler`` on 127.0.0.1 at a port the system picks, until
    [`close()`][authwire.testing.loopback.LoopbackServer.close].

    Args:
        handler: makes a response from a request, as for ``httpx.MockTransport``.
        origin: the ``scheme://host[:port]`` the handler sees requests addressed to
            (``https://login.example.com``); by default the server's own URL.

    Use it as a context manager, or call ``start()`` and ``close()``.

    Attributes:
        url: ``http://127.0.0.1:<port>``, where the server listens.
        origin: what the handler sees requests addressed to.
    """

    def __init__(self, handler: Handler, *, origin: str | None = None) -> None:
        self._handler = handler
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._request_handler())
        self._server.daemon_threads = True
        self._server.block_on_close = False
        port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{port}"
        self.origin = (origin or self.url).rstrip("/")
        self._thread: threading.Thread | None = None

    def start(self) -> LoopbackServer:
        """Serve in a daemon thread (once; a second call does nothing); returns ``self``."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"authwire-loopback-{self.url}",
                daemon=True,
            )
            self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving and free the port; waits at most 5 seconds for the thread."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _request_handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = 5  # an idle keep-alive connection ends its thread

            def _serve(self) -> None:
                headers = [(k, v) for k, v in self.headers.items()]
                body = self._body()
                request = Request(
                    self.command, server.origin + self.path, headers=headers, content=body
                )
                try:
                    response = server._handler(request)
                    content = response.read()
                except Exception as exc:  # the test sees a 500 naming the failure
                    response = Response(500, text=f"emulator error: {type(exc).__name__}: {exc}")
                    content = response.read()
                self.send_response_only(response.status_code, response.reason_phrase)
                for name, value in response.headers.multi_items():
                    if name.lower() not in _HOP_HEADERS:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(content)

            def _body(self) -> bytes:
                if self.headers.get("transfer-encoding", "").lower() == "chunked":
                    chunks = []
                    total = 0
                    while total <= MAX_BODY:
                        size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                        if size == 0:
                            self.rfile.readline()
                            break
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                        total += size
                    return b"".join(chunks)
                length = min(int(self.headers.get("content-length") or 0), MAX_BODY)
                return self.rfile.read(length) if length else b""

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

            def log_message(self, format: str, *args: object) -> None:
                pass  # tests read the emulator's records, not a log

        return _Handler
