"""How the client classes send: redirects that keep credentials home, per-call options.

Two rules, shared by every client (OAuth 1, OAuth 2, assertion; sync and async):

* A request to the authorization server's own endpoints (token, revocation, introspection,
  device authorization, PAR, userinfo, discovery, JWKS, OAuth 1 temporary and token
  credentials) never follows a redirect: the drivers refuse the 30x with
  `authwire.RedirectRefusedError`. Such requests are sent with ``_send_endpoint``.
* A resource request that follows redirects (``follow_redirects=True``) gets its
  credentials applied afresh at each hop that stays on the origin it was sent to (a new
  DPoP proof, a new OAuth 1 signature; http → https on the same host counts as staying),
  and no credential at all — header, query, body or proof — once a hop leaves it. httpx
  alone would strip only the ``Authorization`` header and re-send a body that carries a
  token or a PLAINTEXT signature. Each hop is rebuilt from the request as the caller made
  it, before any credential was added.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._compat import (
    URL,
    USE_CLIENT_DEFAULT,
    AsyncClient,
    Client,
    Request,
    Response,
    build_redirect_request,
    httpx,
)

__all__ = [
    "AsyncSending",
    "SyncSending",
    "lock_wait",
    "request_options",
    "stays_home",
    "with_client_headers",
]

#: Keyword arguments of a token-endpoint call that are httpx's, not form parameters
#: (Authlib passes them to httpx too).
_HTTPX_OPTIONS = ("timeout", "extensions", "cookies", "follow_redirects")

_DEFAULT_PORTS = {"http": 80, "https": 443}


def request_options(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Take httpx's per-request arguments out of a call's ``kwargs`` (the rest are params).

    ``follow_redirects=True`` is refused: requests to the authorization server never
    follow redirects, which would carry the client's credentials elsewhere.
    """
    options = {name: kwargs.pop(name) for name in _HTTPX_OPTIONS if name in kwargs}
    if options.pop("follow_redirects", False):
        raise ValueError(
            "follow_redirects=True is refused for requests to the authorization server: "
            "a redirect would re-send the client's credentials (secret, code, refresh token) "
            "to wherever it points; point the client at the final endpoint URL instead"
        )
    extensions = options.get("extensions")
    if extensions is not None and not isinstance(extensions, Mapping):
        raise TypeError(f"extensions must be a mapping, not {type(extensions).__name__}")
    if "timeout" in options:
        try:
            options["timeout"] = httpx.Timeout(options["timeout"])
        except (TypeError, ValueError) as exc:
            raise TypeError(f"timeout: {exc}") from None
    return options


def _origin(url: URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port or _DEFAULT_PORTS.get(url.scheme)


def stays_home(sent: URL, target: URL) -> bool:
    """Whether a redirect from ``sent`` to ``target`` keeps the credentials' origin.

    Same scheme, host and port; or the upgrade from ``http`` to ``https`` on the same host
    and default ports (never the reverse).
    """
    if _origin(sent) == _origin(target):
        return True
    return (
        sent.scheme == "http"
        and target.scheme == "https"
        and sent.host == target.host
        and _origin(sent)[2] == 80
        and _origin(target)[2] == 443
    )


def _pristine(request: Request) -> Request:
    """A copy of ``request`` as the caller made it (auth flows change it in place)."""
    return Request(
        request.method,
        request.url,
        headers=request.headers.copy(),
        stream=request.stream,
        extensions=dict(request.extensions),
    )


def _next_hop(
    client: Client | AsyncClient, pristine: Request, response: Response, history: list[Response]
) -> tuple[Request, bool]:
    """The next request of a redirect chain, and whether it may carry credentials."""
    if len(history) > client.max_redirects:
        raise httpx.TooManyRedirects("Exceeded maximum allowed redirects.", request=pristine)
    target = build_redirect_request(client, pristine, response)
    if isinstance(target.stream, httpx.ByteStream):
        target.read()  # a 307/308 body, loaded as the caller's was: auth flows may read it
    return target, stays_home(pristine.url, target.url)


def _follows(client: Client | AsyncClient, follow_redirects: Any) -> bool:
    """Whether a send follows redirects, decided as httpx decides it."""
    return bool(
        client.follow_redirects if follow_redirects is USE_CLIENT_DEFAULT else follow_redirects
    )


def _prepared(request: Request, options: Mapping[str, Any]) -> Request:
    """``request`` with a call's httpx options (see `request_options`)."""
    if not options:
        return request
    timeout = options.get("timeout")
    if timeout is not None:
        request.extensions["timeout"] = timeout.as_dict()
    extensions = options.get("extensions")
    if extensions:
        request.extensions.update(extensions)
    cookies = options.get("cookies")
    if cookies:
        httpx.Cookies(cookies).set_cookie_header(request)
    return request


#: Default headers of the client that never go to the authorization server: they carry
#: the caller's own credentials for other requests, or the engine sets its own.
_NOT_INHERITED = frozenset({"authorization", "proxy-authorization", "cookie", "dpop"})


def with_client_headers(client: Client | AsyncClient, request: Request) -> Request:
    """``request`` with the client's default headers under its own, as httpx would merge them.

    A request to the authorization server is built by the engine, not by
    ``client.build_request``, so without this it would lack the caller's ``headers=``
    (``User-Agent``, a gateway's API key) and httpx's defaults (``Accept-Encoding``). The
    request's own headers win; credentials in the defaults (see ``_NOT_INHERITED``) stay
    behind.
    """
    own = request.headers
    inherited = [
        (name, value)
        for name, value in client.headers.multi_items()
        if name not in own and name.lower() not in _NOT_INHERITED
    ]
    if inherited:
        merged = httpx.Headers(inherited)
        merged.update(own)
        request.headers = merged
    return request


def lock_wait(client: Client | AsyncClient, options: Mapping[str, Any]) -> float | None:
    """How long a call may wait for another request's renewal: its pool timeout."""
    timeout: httpx.Timeout = options.get("timeout") or client.timeout
    return timeout.pool


class SyncSending(Client):
    """`httpx.Client` whose ``send`` keeps the redirect rules above."""

    def send(
        self,
        request: Request,
        *,
        stream: bool = False,
        auth: Any = USE_CLIENT_DEFAULT,
        follow_redirects: Any = USE_CLIENT_DEFAULT,
    ) -> Response:
        """As ``httpx.Client.send``; a redirect off the request's origin drops its credentials.

        Each hop that stays on the origin is authenticated afresh; one that leaves it is
        sent with no credential at all: header, query, body or DPoP proof.
        """
        if auth is None or not _follows(self, follow_redirects):
            return super().send(
                request, stream=stream, auth=auth, follow_redirects=follow_redirects
            )
        history: list[Response] = []
        while True:
            pristine = _pristine(request)
            response = super().send(request, stream=True, auth=auth, follow_redirects=False)
            if response.next_request is None:
                break
            history.append(response)
            try:
                response.read()
                request, home = _next_hop(self, pristine, response, history)
            finally:
                response.close()
            auth = auth if home else None
        response.history = history
        if not stream:
            try:
                response.read()
            except BaseException:
                response.close()
                raise
        return response

    def _send_endpoint(self, request: Request, options: Mapping[str, Any]) -> Response:
        """Send to the authorization server: no redirect followed, body left to the driver.

        The client's default headers go too (see `with_client_headers`).
        """
        request = _prepared(with_client_headers(self, request), options)
        return self.send(request, auth=None, follow_redirects=False, stream=True)


class AsyncSending(AsyncClient):
    """`httpx.AsyncClient` whose ``send`` keeps the redirect rules above."""

    async def send(
        self,
        request: Request,
        *,
        stream: bool = False,
        auth: Any = USE_CLIENT_DEFAULT,
        follow_redirects: Any = USE_CLIENT_DEFAULT,
    ) -> Response:
        """As ``httpx.AsyncClient.send``; a redirect off the origin drops its credentials.

        Each hop that stays on the origin is authenticated afresh; one that leaves it is
        sent with no credential at all: header, query, body or DPoP proof.
        """
        # a coroutine function still, as httpx's (code tells async clients apart by it)
        if auth is None or not _follows(self, follow_redirects):
            return await super().send(
                request, stream=stream, auth=auth, follow_redirects=follow_redirects
            )
        history: list[Response] = []
        while True:
            pristine = _pristine(request)
            response = await super().send(request, stream=True, auth=auth, follow_redirects=False)
            if response.next_request is None:
                break
            history.append(response)
            try:
                await response.aread()
                request, home = _next_hop(self, pristine, response, history)
            finally:
                await response.aclose()
            auth = auth if home else None
        response.history = history
        if not stream:
            try:
                await response.aread()
            except BaseException:
                await response.aclose()
                raise
        return response

    async def _send_endpoint(self, request: Request, options: Mapping[str, Any]) -> Response:
        """Async twin of `SyncSending._send_endpoint`."""
        request = _prepared(with_client_headers(self, request), options)
        return await self.send(request, auth=None, follow_redirects=False, stream=True)
