"""The machinery every fake server shares: routes, scripted answers, the request log.

[`MockServer`][authwire.testing.routes.MockServer] answers a request with, in order: the next answer
scripted for its route
([`script()`][authwire.testing.routes.MockServer.script]), else the route's handler
([`route()`][authwire.testing.routes.MockServer.route]), else
[`fallback()`][authwire.testing.routes.MockServer.fallback] (404). Every request is recorded first,
as a
[`RecordedRequest`][authwire.testing.RecordedRequest]. It serves through ``httpx.MockTransport`` —
sync and async clients alike — and, with [`serve()`][authwire.testing.routes.MockServer.serve], on
loopback sockets.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar, overload

from .._compat import Request, Response, httpx
from .loopback import LoopbackServer
from .recorded import RecordedRequest
from .replies import Answer, json_response

if TYPE_CHECKING:
    from ..plugins import Provider

__all__ = ["MockServer", "Served", "route_key"]

H = TypeVar("H", bound=Callable[[Request], Response])
_PORTS = {"http": 80, "https": 443}


def _origin(url: httpx.URL) -> str:
    port = url.port
    netloc = url.host if port in (None, _PORTS.get(url.scheme)) else f"{url.host}:{port}"
    return f"{url.scheme}://{netloc}"


def route_key(method: str, url: str | httpx.URL) -> tuple[str, str]:
    """``("POST", "https://host/path")``: how routes are matched (no query, default port
    dropped, host lowercased, method uppercased)."""
    parsed = httpx.URL(str(url))
    return method.upper(), _origin(parsed) + (parsed.path or "/")


class MockServer:
    """Routes by method and URL, scripted answers, and a log of every request.

    Args:
        base_url: what relative route URLs (``"/token"``) are resolved against.

    Attributes:
        requests: every request received, in order, for a test to assert on.

    Thread-safe: one re-entrant lock (``_lock``) covers the log and the scripts; handlers
    run outside it (one may wait for another request), and take it to change shared state.
    """

    def __init__(self, base_url: str = "https://provider.test") -> None:
        self.base_url = base_url.rstrip("/")
        self.requests: list[RecordedRequest] = []
        self._routes: dict[tuple[str, str], Callable[[Request], Response]] = {}
        self._scripts: dict[tuple[str, str], deque[Answer]] = {}
        self._lock = threading.RLock()
        self._served: dict[str, str] = {}

    # -- declaring answers ------------------------------------------------------------------

    def url(self, path_or_url: str) -> str:
        """An absolute URL: ``path_or_url`` resolved against
        [`base_url`][authwire.testing.routes.MockServer.base_url]."""
        if "://" in path_or_url:
            return path_or_url
        return self.base_url + "/" + path_or_url.lstrip("/")

    @overload
    def route(self, method: str, url: str) -> Callable[[H], H]: ...
    @overload
    def route(self, method: str, url: str, answer: Answer) -> None: ...

    def route(self, method: str, url: str, answer: Answer | None = None) -> Callable[[H], H] | None:
        """Answer ``method url`` with ``answer`` (a response, copied for each call, or a
        callable); used bare, a decorator. A later route for the same key replaces it."""
        key = route_key(method, self.url(url))
        if answer is not None:
            self._routes[key] = _callable(answer)
            return None

        def decorate(handler: H) -> H:
            self._routes[key] = handler
            return handler

        return decorate

    def script(self, method: str, url: str, *answers: Answer) -> None:
        """Answer the next calls to ``method url`` with ``answers``, in order, before its
        route: one call each (an error, an odd status, a slow-down), then the route again."""
        key = route_key(method, self.url(url))
        with self._lock:
            self._scripts.setdefault(key, deque()).extend(answers)

    def scripted(self, method: str, url: str) -> int:
        """How many scripted answers for ``method url`` are still unused."""
        with self._lock:
            return len(self._scripts.get(route_key(method, self.url(url)), ()))

    # -- serving ----------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        """Record ``request`` and answer it (the ``httpx.MockTransport`` handler)."""
        recorded = RecordedRequest.of(request)
        key = route_key(request.method, request.url)
        with self._lock:
            self.requests.append(recorded)
            queue = self._scripts.get(key)
            handler = _callable(queue.popleft()) if queue else self._routes.get(key)
        # outside the lock: a test's handler may wait for another request to arrive
        return (handler or self.fallback)(request)

    def fallback(self, request: Request) -> Response:
        """The answer to a request no route takes: a 404 naming it (override to change)."""
        return json_response(
            {
                "error": "not_found",
                "error_description": f"no route for {request.method} "
                f"{request.url.copy_with(query=None)}",
            },
            404,
        )

    def transport(self) -> httpx.MockTransport:
        """A transport for ``transport=`` of a sync or an async client."""
        return httpx.MockTransport(self.handle)

    @contextmanager
    def serve(self, *origins: str) -> Iterator[Served]:
        """Serve on loopback sockets: one ``http://127.0.0.1:<port>`` server per origin.

        ``origins`` default to every origin the routes use and
        [`base_url`][authwire.testing.routes.MockServer.base_url]'s. Each
        server hands requests on as addressed to its origin;
        [`Served`][authwire.testing.routes.Served] maps URLs and
        providers over to the sockets. While serving, URLs the server renders itself (an
        emulator's discovery document, its issuer) name the loopback addresses.
        """
        wanted = list(dict.fromkeys(origins or self._origins()))
        servers = [LoopbackServer(self.handle, origin=origin) for origin in wanted]
        try:
            for server in servers:
                server.start()
            with self._lock:
                self._served = {s.origin: s.url for s in servers}
            yield Served({s.origin: s.url for s in servers})
        finally:
            with self._lock:
                self._served = {}
            for server in servers:
                server.close()

    def public(self, url: str) -> str:
        """``url`` as clients reach it now: its loopback address while
        [`serve()`][authwire.testing.routes.MockServer.serve] runs."""
        for origin, local in self._served.items():
            if url == origin or url.startswith(origin + "/"):
                return local + url[len(origin) :]
        return url

    def _origins(self) -> list[str]:
        found = [_origin(httpx.URL(self.base_url))]
        found.extend(_origin(httpx.URL(url)) for _, url in self._routes)
        return found

    # -- reading the log --------------------------------------------------------------------

    def sent(self, url: str, method: str | None = None) -> list[RecordedRequest]:
        """The recorded requests to ``url`` (any query), optionally only ``method`` ones."""
        _, target = route_key(method or "GET", self.url(url))
        with self._lock:
            return [
                r
                for r in self.requests
                if route_key(r.method, r.url)[1] == target
                and (method is None or r.method == method.upper())
            ]


@dataclasses.dataclass(frozen=True)
class Served:
    """Where [`MockServer.serve()`][authwire.testing.routes.MockServer.serve] listens.

    Attributes:
        addresses: each served origin → its ``http://127.0.0.1:<port>``, to point a client
            that cannot be given a transport at the loopback server.
    """

    addresses: Mapping[str, str]

    def url(self, url: str) -> str:
        """``url`` (on a served origin) rewritten to its loopback address."""
        for origin, local in self.addresses.items():
            if url == origin or url.startswith(origin + "/"):
                return local + url[len(origin) :]
        raise ValueError(f"{url!r} is on no served origin ({', '.join(self.addresses)})")

    def rebase(self, provider: Provider) -> Provider:
        """A copy of a *bound* ``provider`` whose URLs on served origins point at the
        sockets (the issuer and its spellings included)."""
        from ..plugins.validation import ENDPOINT_FIELDS

        if not provider.is_bound:
            raise ValueError("rebase() takes a bound provider: provider.bind(...) first")
        changes: dict[str, Any] = {}
        for name in (*ENDPOINT_FIELDS, "issuer"):
            value = getattr(provider, name)
            if value is not None:
                changes[name] = self._maybe(value)
        changes["accepted_issuers"] = tuple(self._maybe(s) for s in provider.accepted_issuers)
        if provider.oauth1 is not None:
            urls: dict[str, Any] = {k: self._maybe(v) for k, v in provider.oauth1._urls().items()}
            changes["oauth1"] = dataclasses.replace(provider.oauth1, **urls)
        return dataclasses.replace(provider, **changes)

    def _maybe(self, url: str) -> str:
        try:
            return self.url(url)
        except ValueError:
            return url


def _callable(answer: Answer) -> Callable[[Request], Response]:
    if isinstance(answer, Response):
        return lambda _request: _copy(answer)
    if callable(answer):
        return answer
    raise TypeError(f"an answer is an httpx.Response or a callable, not {type(answer).__name__}")


def _copy(response: Response) -> Response:
    # a Response can be sent once; hand out a fresh one each time
    return Response(response.status_code, headers=response.headers.copy(), content=response.content)


def rendered(value: Any, public: Callable[[str], str]) -> Any:
    """``value`` (a JSON document) with every URL string passed through ``public``."""
    if isinstance(value, str):
        return public(value) if "://" in value else value
    if isinstance(value, Mapping):
        return {k: rendered(v, public) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [rendered(v, public) for v in value]
    return value
