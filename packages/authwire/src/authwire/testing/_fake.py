"""The simplest fakes: a clock that moves when told, and a provider whose answers are scripted.

``FakeProvider`` answers token, revocation, introspection and resource requests the way
you script it, and records every request, so a test can check what the client sent
without a network::

    provider = FakeProvider()
    provider.token_responses.append(FakeProvider.token(access_token="a1", expires_in=3600))
    client = OAuth2Client("id", "secret", token_endpoint=provider.token_endpoint,
                          transport=provider.transport())

For a provider with real behaviour (codes, PKCE, refresh rotation, ID tokens, device codes,
discovery), see [`Emulator`][authwire.testing.Emulator], built on the same machinery.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .._compat import Request, Response
from .recorded import RecordedRequest
from .routes import MockServer

__all__ = ["FakeClock", "FakeProvider", "Responder", "json_body"]

Responder = Callable[[Request], Response]
"""A handler that makes a response from a request, as for ``httpx.MockTransport``."""


@dataclass
class FakeClock:
    """A clock that only moves when told to, or when the client sleeps on it.

    Set it as ``client.oauth.clock`` (or ``clock=`` of [`OAuth2Auth`][authwire.OAuth2Auth]): new
    tokens are dated and expiry checks read ``now``, and waits (device-flow polling) advance
    it instead of sleeping. The async wait still yields to the event loop once, so it stays
    a cancellation point.

    Attributes:
        now: the current time, in seconds since the epoch; set it to jump.
        sleeps: every wait asked for, in seconds, so a test can check the polling pace.
    """

    now: float = 1_700_000_000.0
    sleeps: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock on without recording a sleep."""
        self.now += seconds

    def sleep(self, seconds: float) -> None:
        """Record the wait and move the clock on, without sleeping."""
        self.sleeps.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        """`sleep`, after one checkpoint, so a cancellation still lands here."""
        import anyio.lowlevel

        await anyio.lowlevel.checkpoint()
        self.sleep(seconds)


class FakeProvider(MockServer):
    """A provider whose answers are scripted; thread-safe, and usable by sync and async clients.

    Token requests (to ``/token`` on any host) take the next item of ``token_responses``
    (a `httpx.Response` or a callable that makes one), or repeat the last one when a
    single item is left. ``/revoke`` answers 200, ``/introspect`` ``{"active": true}``.
    Other requests go to ``resource`` (by default: 200 echoing the ``Authorization``
    header). Routes and scripts of [`MockServer`][authwire.testing.MockServer] come first.

    Args:
        base_url: what relative route URLs and the endpoint properties are built on.
        token_responses: the token endpoint's answers, in order.
        resource: answers every other request (a protected resource).
        requests: a list to log requests to, shared with the test; a new one by default.

    Attributes:
        token_responses: the token endpoint's answers still to give (append to script more).
        resource: answers every other request, or ``None`` for the echo.
    """

    def __init__(
        self,
        base_url: str = "https://provider.test",
        token_responses: list[Response | Responder] | None = None,
        resource: Responder | None = None,
        requests: list[RecordedRequest] | None = None,
    ) -> None:
        super().__init__(base_url)
        self.token_responses: list[Response | Responder] = (
            token_responses if token_responses is not None else []
        )
        self.resource = resource
        if requests is not None:
            self.requests = requests

    def __repr__(self) -> str:
        return f"FakeProvider(base_url={self.base_url!r})"

    @property
    def token_endpoint(self) -> str:
        """``<base_url>/token``, to give a client."""
        return f"{self.base_url}/token"

    @property
    def authorization_endpoint(self) -> str:
        """``<base_url>/authorize``, to give a client (nothing answers it)."""
        return f"{self.base_url}/authorize"

    @property
    def revocation_endpoint(self) -> str:
        """``<base_url>/revoke``, to give a client."""
        return f"{self.base_url}/revoke"

    @property
    def introspection_endpoint(self) -> str:
        """``<base_url>/introspect``, to give a client."""
        return f"{self.base_url}/introspect"

    @staticmethod
    def token(status_code: int = 200, **fields: Any) -> Response:
        """A JSON token response; ``token_type`` defaults to Bearer."""
        fields.setdefault("token_type", "Bearer")
        return Response(status_code, json=fields)

    def token_requests(self) -> list[RecordedRequest]:
        """The requests to ``/token`` so far, in order."""
        with self._lock:
            return [r for r in self.requests if r.url.path == "/token"]

    def fallback(self, request: Request) -> Response:
        path = request.url.path
        if path == "/token":
            with self._lock:
                if not self.token_responses:
                    return Response(500, json={"error": "server_error"})
                answer = (
                    self.token_responses.pop(0)
                    if len(self.token_responses) > 1
                    else self.token_responses[0]
                )
            return answer(request) if callable(answer) else _copy(answer)
        if path == "/revoke":
            return Response(200)
        if path == "/introspect":
            return Response(200, json={"active": True})
        if self.resource is not None:
            return self.resource(request)
        return Response(200, json={"authorization": request.headers.get("authorization")})


def _copy(response: Response) -> Response:
    # a Response can be sent once; hand out a fresh one each time
    return Response(
        response.status_code,
        headers=response.headers.copy(),
        content=response.content,
    )


def json_body(response: Response) -> Any:
    """The response's body parsed as JSON, whatever its ``Content-Type`` says."""
    return json.loads(response.content)
