"""The one seam to the HTTP library.

Every other module takes the httpx names it needs from here, so that a binding for another
httpx-compatible package (pydantic's ``httpx2``) only has to provide this module.
"""

from __future__ import annotations

import httpx
from httpx import URL, AsyncClient, Auth, Client, Headers, QueryParams, Request, Response

__all__ = [
    "URL",
    "USE_CLIENT_DEFAULT",
    "AsyncClient",
    "Auth",
    "Client",
    "Headers",
    "QueryParams",
    "Request",
    "RequestNotRead",
    "Response",
    "ResponseNotRead",
    "UseClientDefault",
    "httpx",
    "reopenable",
]

RequestNotRead = httpx.RequestNotRead
ResponseNotRead = httpx.ResponseNotRead
USE_CLIENT_DEFAULT = httpx.USE_CLIENT_DEFAULT
UseClientDefault = type(httpx.USE_CLIENT_DEFAULT)


def reopenable(client: Client | AsyncClient) -> None:
    """Let a client that has already sent a request still be used in a ``with`` block.

    httpx marks a client as opened by its first request and refuses ``with`` after that;
    ``from_issuer`` sends the discovery request before it hands the client over, and the
    caller must still be able to write ``with OAuth2Client.from_issuer(...) as client:``.
    Entering it later opens its transports, which tolerate having served requests.
    """
    from httpx._client import ClientState

    if client._state is ClientState.OPENED:
        client._state = ClientState.UNOPENED
