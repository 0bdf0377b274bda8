"""The one seam to the HTTP library.

Every other module takes the HTTP names it needs from here. Which library that is depends
on the package this module was loaded into, never on what happens to be installed:
``authwire._compat`` binds ``httpx``, ``authwire.httpx2._compat`` (the same source, loaded
again by :mod:`authwire._binding`) binds ``httpx2``, pydantic's maintained fork with the same
API. The few touches of a library's internals live here too, for both.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable
from contextlib import aclosing
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx
    from httpx import URL, AsyncClient, Auth, Client, Headers, QueryParams, Request, Response
else:
    # A second binding is loaded through authwire._binding, which is imported first (by
    # authwire.httpx2); without it this is the default binding, and _binding stays unloaded.
    _binding = sys.modules.get(f"{__name__.split('.')[0]}._binding")
    httpx = importlib.import_module(_binding.library_for(__name__) if _binding else "httpx")
    URL = httpx.URL
    AsyncClient = httpx.AsyncClient
    Auth = httpx.Auth
    Client = httpx.Client
    Headers = httpx.Headers
    QueryParams = httpx.QueryParams
    Request = httpx.Request
    Response = httpx.Response

__all__ = [
    "URL",
    "USE_CLIENT_DEFAULT",
    "AsyncClient",
    "Auth",
    "Client",
    "Headers",
    "InvalidURL",
    "QueryParams",
    "Request",
    "RequestNotRead",
    "Response",
    "ResponseNotRead",
    "UseClientDefault",
    "aread_at_most",
    "build_redirect_request",
    "httpx",
    "read_at_most",
    "reopenable",
]

InvalidURL = httpx.InvalidURL
RequestNotRead = httpx.RequestNotRead
ResponseNotRead = httpx.ResponseNotRead
USE_CLIENT_DEFAULT = httpx.USE_CLIENT_DEFAULT
UseClientDefault = type(httpx.USE_CLIENT_DEFAULT)


def _declared_length(response: Response) -> int | None:
    value = response.headers.get("content-length", "")
    return int(value) if value.isdigit() and len(value) < 20 else None


def read_at_most(response: Response, limit: int) -> bool:
    """Read ``response`` unless its body is longer than ``limit`` bytes (then close it).

    Returns whether it was read. The declared length is checked first, then the decoded
    length as it streams, so an endless or decompression-bomb body costs at most ``limit``
    bytes (plus one chunk). The read body is kept where ``response.content`` finds it.
    """
    if hasattr(response, "_content"):
        return len(response.content) <= limit
    declared = _declared_length(response)
    if declared is not None and declared > limit:
        response.close()
        return False
    chunks: list[bytes] = []
    total = 0
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > limit:
            response.close()
            return False
        chunks.append(chunk)
    response._content = b"".join(chunks)
    return True


def _pieces(decoded: bytes | Iterable[bytes]) -> Iterable[bytes]:
    # httpx's content decoders return bytes, httpx2's yield them
    return (decoded,) if isinstance(decoded, bytes) else decoded


async def aread_at_most(response: Response, limit: int) -> bool:
    """Async twin of :func:`read_at_most`.

    The raw stream is iterated under :func:`contextlib.aclosing` and decoded here, so that
    stopping early closes the stream's async generator at once: left to the garbage
    collector, trio reports it as never exhausted.
    """
    if hasattr(response, "_content"):
        return len(response.content) <= limit
    declared = _declared_length(response)
    if declared is not None and declared > limit:
        await response.aclose()
        return False
    stream = response.stream
    if not isinstance(stream, httpx.AsyncByteStream):
        raise RuntimeError("an async read of a sync response")
    decoder = response._get_content_decoder()
    response.is_stream_consumed = True
    chunks: list[bytes] = []
    total = 0
    try:
        async with aclosing(aiter(stream)) as raw:  # type: ignore[type-var]
            async for part in raw:
                for chunk in _pieces(decoder.decode(part)):
                    total += len(chunk)
                    if total > limit:
                        return False
                    chunks.append(chunk)
        chunks.extend(_pieces(decoder.flush()))
    finally:
        await response.aclose()
    response._content = b"".join(chunks)
    return len(response._content) <= limit


def build_redirect_request(
    client: Client | AsyncClient, request: Request, response: Response
) -> Request:
    """The request that follows ``response``'s redirect, as httpx itself would build it.

    Method (303, and POST after 301/302, become GET), URL (relative ``Location`` joined),
    headers (``Authorization`` dropped off-origin, cookies from the client's jar) and body
    by httpx's own rules; ``request`` is the caller's request before any credential.
    """
    return client._build_redirect_request(request, response)


def reopenable(client: Client | AsyncClient) -> None:
    """Let a client that has already sent a request still be used in a ``with`` block.

    httpx marks a client as opened by its first request and refuses ``with`` after that;
    ``from_issuer`` sends the discovery request before it hands the client over, and the
    caller must still be able to write ``with OAuth2Client.from_issuer(...) as client:``.
    Entering it later opens its transports, which tolerate having served requests.
    """
    ClientState = importlib.import_module(f"{httpx.__name__}._client").ClientState

    if client._state is ClientState.OPENED:
        client._state = ClientState.UNOPENED
