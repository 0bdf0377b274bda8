"""``AsyncOAuth2Client``: the async twin of ``OAuth2Client`` (asyncio and trio).

In a module of its own so that a sync program never loads it; the shared, non-I/O part is
`authwire.client.oauth2._OAuth2ClientBase`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Iterable, Mapping
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, Self, Unpack

from .._compat import AsyncClient, Request, Response, reopenable
from .._drivers import Flow, T
from ..token import OAuth2Token
from ._sending import AsyncSending, lock_wait, request_options
from .oauth2 import _NO_OPTIONS, _OAuth2ClientBase, _withhold

if TYPE_CHECKING:
    from ..auth.device import Progress
    from ..protocol.rfc8628 import DeviceAuthorization
    from ._arguments import OAuth2Options

__all__ = ["AsyncOAuth2Client"]


def _applied(kwargs: dict[str, Any]) -> dict[str, Any]:
    """``kwargs`` for httpx's own ``request``: ``withhold_token`` taken out and applied."""
    if kwargs.pop("withhold_token", False):
        _withhold(kwargs)
    return kwargs


class AsyncOAuth2Client(_OAuth2ClientBase, AsyncSending):
    """The async twin of [`OAuth2Client`][authwire.OAuth2Client] (asyncio and trio).

    ``update_token`` and compliance hooks may be plain or coroutine functions.
    """

    _is_async = True

    _httpx_class = AsyncClient

    async def _drive(self, flow: Flow[T], options: Mapping[str, Any] = _NO_OPTIONS) -> T:
        async def send(request: Request) -> Response:
            return await self._send_endpoint(request, options)

        return await self._oauth.run_async(flow, send, lock_wait(self, options))

    async def close(self) -> None:
        """Same as `aclose()` (Authlib's async clients are closed with ``await client.close()``)."""
        await self.aclose()

    async def fetch_token(
        self,
        url: str | None = None,
        body: str = "",
        method: str = "POST",
        headers: Mapping[str, str] | None = None,
        auth: Any = None,
        grant_type: str | None = None,
        state: str | None = None,
        **kwargs: Any,
    ) -> OAuth2Token:
        """Async [`OAuth2Client.fetch_token`][authwire.OAuth2Client.fetch_token]."""
        options = request_options(kwargs)
        return await self._drive(
            self._oauth.fetch_token_flow(
                url, body, method, headers, auth, grant_type, state, **kwargs
            ),
            options,
        )

    def token_from_fragment(
        self, authorization_response: str, state: str | None = None
    ) -> OAuth2Token:
        """Keep the token of an implicit-grant callback; not awaited, as Authlib's (legacy).

        As [`OAuth2Client.token_from_fragment`][authwire.OAuth2Client.token_from_fragment].
        It sends no request. An ID token in the fragment that needs the provider's JWKS
        fetched raises ``TypeError`` naming ``await client.fetch_token(authorization_response=
        ...)``, with the pending request kept for it. Legacy (RFC 9700 §2.1.2).
        """
        return self._oauth.token_from_fragment(authorization_response, state)

    async def refresh_token(
        self,
        url: str | None = None,
        refresh_token: str | None = None,
        body: str = "",
        auth: Any = None,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> OAuth2Token:
        """Async [`OAuth2Client.refresh_token`][authwire.OAuth2Client.refresh_token]."""
        options = request_options(kwargs)
        return await self._drive(
            self._oauth.refresh_token_flow(url, refresh_token, body, auth, headers, **kwargs),
            options,
        )

    @classmethod
    async def from_issuer(
        cls,
        issuer: str,
        client_id: str | None = None,
        client_secret: Any = None,
        *,
        kind: str = "openid",
        **kwargs: Unpack[OAuth2Options],
    ) -> Self:
        """Async [`OAuth2Client.from_issuer`]
        [authwire.OAuth2Client.from_issuer]: ``await AsyncOAuth2Client.from_issuer(...)``."""
        client = cls(client_id, client_secret, **kwargs)
        try:
            await client._drive(client._oauth.discover_flow(issuer, kind=kind))
        except BaseException:
            await client.aclose()
            raise
        reopenable(client)  # ``async with await ....from_issuer(...) as client:`` still works
        return client

    async def push_authorization_request(
        self,
        url: str | None = None,
        state: str | None = None,
        code_verifier: str | None = None,
        **kwargs: Any,
    ) -> tuple[str, str]:
        """Async [`OAuth2Client.push_authorization_request`]
        [authwire.OAuth2Client.push_authorization_request]."""
        options = request_options(kwargs)
        return await self._drive(
            self._oauth.push_authorization_request_flow(url, state, code_verifier, **kwargs),
            options,
        )

    async def start_authorization(
        self, state: str | None = None, code_verifier: str | None = None, **kwargs: Any
    ) -> tuple[str, str]:
        """Async [`OAuth2Client.start_authorization`][authwire.OAuth2Client.start_authorization]."""
        options = request_options(kwargs)
        return await self._drive(
            self._oauth.start_authorization_flow(state, code_verifier, **kwargs), options
        )

    async def request_device_authorization(
        self, url: str | None = None, scope: str | Iterable[str] | None = None, **kwargs: Any
    ) -> DeviceAuthorization:
        """Async [`OAuth2Client.request_device_authorization`]
        [authwire.OAuth2Client.request_device_authorization]."""
        options = request_options(kwargs)
        return await self._drive(
            self._oauth.device_authorization_flow(url, scope, **kwargs), options
        )

    async def poll_device_token(
        self,
        authorization: DeviceAuthorization,
        progress: Progress | None = None,
        **kwargs: Any,
    ) -> OAuth2Token:
        """Async [`OAuth2Client.poll_device_token`]
        [authwire.OAuth2Client.poll_device_token]; cancel it with a cancel scope."""
        options = request_options(kwargs)
        return await self._drive(
            self._oauth.poll_device_token_flow(authorization, progress, **kwargs), options
        )

    async def exchange_token(
        self,
        subject_token: str,
        subject_token_type: str | None = None,
        **kwargs: Any,
    ) -> OAuth2Token:
        """Async [`OAuth2Client.exchange_token`][authwire.OAuth2Client.exchange_token]."""
        options = request_options(kwargs)
        return await self._drive(
            self._oauth.exchange_token_flow(subject_token, subject_token_type, **kwargs), options
        )

    async def userinfo(self, url: str | None = None) -> dict[str, Any]:
        """Async [`OAuth2Client.userinfo`][authwire.OAuth2Client.userinfo]."""
        return await self._drive(self._oauth.userinfo_flow(url))

    async def ensure_active_token(self, token: Mapping[str, Any] | None = None) -> bool:
        """Async [`OAuth2Client.ensure_active_token`][authwire.OAuth2Client.ensure_active_token]."""
        if token is not None:
            self.token = token
        await self._drive(self._oauth.ensure_token_flow())
        return True

    async def revoke_token(
        self,
        url: str | None = None,
        token: str | Mapping[str, Any] | None = None,
        token_type_hint: str | None = None,
        body: str | None = None,
        auth: Any = None,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> Response:
        """Async [`OAuth2Client.revoke_token`][authwire.OAuth2Client.revoke_token]."""
        options = request_options(kwargs)
        return await self._drive(
            self._oauth.revoke_token_flow(
                url, token, token_type_hint, body, auth, headers, **kwargs
            ),
            options,
        )

    async def introspect_token(
        self,
        url: str | None = None,
        token: str | Mapping[str, Any] | None = None,
        token_type_hint: str | None = None,
        body: str | None = None,
        auth: Any = None,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> Response:
        """Async [`OAuth2Client.introspect_token`][authwire.OAuth2Client.introspect_token]."""
        options = request_options(kwargs)
        return await self._drive(
            self._oauth.introspect_token_flow(
                url, token, token_type_hint, body, auth, headers, **kwargs
            ),
            options,
        )

    async def request(
        self, method: str, url: Any, *, withhold_token: bool = False, **kwargs: Any
    ) -> Response:
        """As ``httpx.AsyncClient.request``; ``withhold_token=True`` sends no token."""
        if withhold_token:
            _withhold(kwargs)
        return await super().request(method, url, **kwargs)

    def _verb(self, method: str, url: Any, kwargs: dict[str, Any]) -> Awaitable[Response]:
        """What a verb awaits: httpx's own ``request`` when no subclass overrides ``request``
        (one coroutine fewer per request), else the override, as httpx's verbs do."""
        if type(self).request is _REQUEST:
            return super().request(method, url, **_applied(kwargs))
        return self.request(method, url, **kwargs)

    @asynccontextmanager
    async def stream(
        self, method: str, url: Any, *, withhold_token: bool = False, **kwargs: Any
    ) -> AsyncIterator[Response]:
        """As ``httpx.AsyncClient.stream``, with the token; ``withhold_token=True`` sends none."""
        if withhold_token:
            _withhold(kwargs)
        async with super().stream(method, url, **kwargs) as response:
            yield response

    async def get(self, url: Any, **kwargs: Any) -> Response:
        """Send a ``GET`` request with the token; ``withhold_token=True`` sends none."""
        return await self._verb("GET", url, kwargs)

    async def options(self, url: Any, **kwargs: Any) -> Response:
        """Send a ``OPTIONS`` request with the token; ``withhold_token=True`` sends none."""
        return await self._verb("OPTIONS", url, kwargs)

    async def head(self, url: Any, **kwargs: Any) -> Response:
        """Send a ``HEAD`` request with the token; ``withhold_token=True`` sends none."""
        return await self._verb("HEAD", url, kwargs)

    async def post(self, url: Any, **kwargs: Any) -> Response:
        """Send a ``POST`` request with the token; ``withhold_token=True`` sends none."""
        return await self._verb("POST", url, kwargs)

    async def put(self, url: Any, **kwargs: Any) -> Response:
        """Send a ``PUT`` request with the token; ``withhold_token=True`` sends none."""
        return await self._verb("PUT", url, kwargs)

    async def patch(self, url: Any, **kwargs: Any) -> Response:
        """Send a ``PATCH`` request with the token; ``withhold_token=True`` sends none."""
        return await self._verb("PATCH", url, kwargs)

    async def delete(self, url: Any, **kwargs: Any) -> Response:
        """Send a ``DELETE`` request with the token; ``withhold_token=True`` sends none."""
        return await self._verb("DELETE", url, kwargs)


#: ``AsyncOAuth2Client.request``: the verbs call httpx's own ``request`` directly unless a
#: subclass overrides it (then they go through the override, as httpx's verbs do): one
#: coroutine fewer per request, which the sync client, whose calls are cheap, does not need
_REQUEST = AsyncOAuth2Client.request
