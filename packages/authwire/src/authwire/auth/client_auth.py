"""``OAuth2ClientAuth``: the client's own authentication (RFC 6749 §2.3) as an ``httpx.Auth``.

What ``OAuth2Auth.client_auth()`` gives; loaded on that first call, not with the client.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING

from .._compat import Auth, Request, Response
from ..protocol._transport import check_transport

if TYPE_CHECKING:
    from ..protocol.client_auth import ClientAuthMethod
    from .oauth2 import OAuth2Auth

__all__ = ["OAuth2ClientAuth"]

#: dropped before the method rewrites the body; httpx sets them again for the new one
_LENGTH_HEADERS = frozenset({"content-length", "transfer-encoding"})


class OAuth2ClientAuth(Auth):
    """Client authentication (RFC 6749 §2.3) as an ``httpx.Auth``: what ``client_auth()`` gives.

    Use it as ``auth=`` for the token endpoint (``fetch_token(auth=...)``) or on any request
    to the authorization server. The method runs afresh on each request (an assertion's
    ``jti`` is single-use); the client's credentials are read then, never shown by
    ``repr()``. Credentials never go over plain ``http://`` to a non-loopback host.

    Build it with [`OAuth2Auth.client_auth`][authwire.OAuth2Auth.client_auth] rather than
    directly.

    Args:
        engine: The client whose credentials (and transport policy) are used.
        method: The client authentication method to run on each request.
    """

    requires_request_body = True
    """Tells httpx to read the body first: the method adds to a form body (RFC 6749 §2.3.1)."""

    def __init__(self, engine: OAuth2Auth, method: ClientAuthMethod) -> None:
        self._engine = engine
        self._method = method

    @property
    def auth_method(self) -> str:
        """The method's name, such as ``client_secret_basic`` or ``private_key_jwt``."""
        return self._method.name

    @property
    def client_id(self) -> str | None:
        """The client identifier, read from the client at each request."""
        return self._engine.client_id

    def __repr__(self) -> str:
        return f"OAuth2ClientAuth(client_id={self.client_id!r}, auth_method={self.auth_method!r})"

    def auth_flow(self, request: Request) -> Generator[Request, Response, None]:
        """Authenticate ``request`` with a fresh run of the method, and send it once.

        Refuses plain ``http://`` to a non-loopback host unless the client allows it.
        RFC 6749 §2.3.
        """
        engine = self._engine
        check_transport(
            request.url,
            allow_insecure=engine.allow_insecure_transport,
            what="authorization server",
        )
        content = request.content
        # surrogateescape: any body survives the round trip byte for byte
        text = content.decode("utf-8", "surrogateescape")
        headers = {k: v for k, v in request.headers.items() if k not in _LENGTH_HEADERS}
        url, headers, body = self._method(
            engine._credentials(self._method.name), request.method, str(request.url), headers, text
        )
        yield Request(
            request.method,
            url,
            headers=headers,
            content=content if body == text else body.encode("utf-8", "surrogateescape"),
            extensions=request.extensions,
        )
