"""Test helpers for users and plugin authors: a scriptable provider over ``MockTransport``.

``FakeProvider`` answers token, revocation, introspection and resource requests the way
you script it, and records every request, so a test can check what the client sent
without a network::

    provider = FakeProvider()
    provider.token_responses.append(FakeProvider.token(access_token="a1", expires_in=3600))
    client = OAuth2Client("id", "secret", token_endpoint=provider.token_endpoint,
                          transport=provider.transport())
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from ._compat import Request, Response, httpx

__all__ = ["FakeClock", "FakeProvider", "RecordedRequest"]


@dataclass(frozen=True)
class RecordedRequest:
    """A request as the provider saw it, with its form body already decoded."""

    method: str
    url: httpx.URL
    headers: httpx.Headers
    content: bytes

    @property
    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.content.decode("utf-8"), keep_blank_values=True))


Responder = Callable[[Request], Response]


@dataclass
class FakeClock:
    """A clock that only moves when told to, or when the client sleeps on it.

    Set it as ``client.oauth.clock`` (or ``clock=`` of :class:`~authwire.OAuth2Auth`): new
    tokens are dated and expiry checks read :attr:`now`, and waits (device-flow polling)
    advance it instead of sleeping; :attr:`sleeps` records every wait. The async
    wait still yields to the event loop once, so it stays a cancellation point.
    """

    now: float = 1_700_000_000.0
    sleeps: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        import anyio.lowlevel

        await anyio.lowlevel.checkpoint()
        self.sleep(seconds)


@dataclass
class FakeProvider:
    """A provider whose answers are scripted; thread-safe, and usable by sync and async clients.

    Token requests take the next item of ``token_responses`` (a :class:`httpx.Response` or a
    callable that makes one), or repeat the last one when a single item is left. Resource
    requests go to ``resource`` (by default: 200 echoing the ``Authorization`` header).
    """

    base_url: str = "https://provider.test"
    token_responses: list[Response | Responder] = field(default_factory=list)
    resource: Responder | None = None
    requests: list[RecordedRequest] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def token_endpoint(self) -> str:
        return f"{self.base_url}/token"

    @property
    def authorization_endpoint(self) -> str:
        return f"{self.base_url}/authorize"

    @property
    def revocation_endpoint(self) -> str:
        return f"{self.base_url}/revoke"

    @property
    def introspection_endpoint(self) -> str:
        return f"{self.base_url}/introspect"

    @staticmethod
    def token(status_code: int = 200, **fields: Any) -> Response:
        """A JSON token response; ``token_type`` defaults to Bearer."""
        fields.setdefault("token_type", "Bearer")
        return Response(status_code, json=fields)

    def token_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.url.path == "/token"]

    def handle(self, request: Request) -> Response:
        recorded = RecordedRequest(
            request.method, request.url, request.headers.copy(), request.read()
        )
        with self._lock:
            self.requests.append(recorded)
            if request.url.path == "/token":
                if not self.token_responses:
                    return Response(500, json={"error": "server_error"})
                answer = (
                    self.token_responses.pop(0)
                    if len(self.token_responses) > 1
                    else self.token_responses[0]
                )
            else:
                answer = None
        if answer is not None:
            return answer(request) if callable(answer) else _copy(answer)
        if request.url.path in ("/revoke",):
            return Response(200)
        if request.url.path == "/introspect":
            return Response(200, json={"active": True})
        if self.resource is not None:
            return self.resource(request)
        return Response(200, json={"authorization": request.headers.get("authorization")})

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)


def _copy(response: Response) -> Response:
    # a Response can be sent once; hand out a fresh one each time
    return Response(
        response.status_code,
        headers=response.headers.copy(),
        content=response.content,
    )


def json_body(response: Response) -> Any:
    return json.loads(response.content)
