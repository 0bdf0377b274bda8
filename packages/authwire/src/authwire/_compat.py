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
]

RequestNotRead = httpx.RequestNotRead
ResponseNotRead = httpx.ResponseNotRead
USE_CLIENT_DEFAULT = httpx.USE_CLIENT_DEFAULT
UseClientDefault = type(httpx.USE_CLIENT_DEFAULT)
