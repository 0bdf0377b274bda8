"""Building a fake server's answers: JSON, forms, OAuth error objects, odd status codes.

Provider emulators answer with their provider's documented examples; these helpers keep
those answers short to write. ``status=`` and ``headers=`` are free, so that a provider that
sends its errors with HTTP 200 (GitHub) or a form body under a JSON ``Content-Type`` can be
played exactly.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from .._compat import Request, Response

__all__ = [
    "NO_STORE",
    "Answer",
    "form_response",
    "json_response",
    "oauth_error",
    "text_response",
]

Answer = Response | Callable[[Request], Response]
"""An answer of a fake server: a response, or a callable that makes one from the request."""

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
"""RFC 6749 §5.1: token responses must not be cached."""


def json_response(
    body: Any,
    status: int = 200,
    *,
    headers: Mapping[str, str] | None = None,
    content_type: str = "application/json",
) -> Response:
    """``body`` as JSON with ``status``; ``content_type`` may be a provider's odd spelling."""
    merged = {"Content-Type": content_type, **(headers or {})}
    return Response(status, headers=merged, content=json.dumps(body).encode("utf-8"))


def form_response(
    fields: Mapping[str, str | int],
    status: int = 200,
    *,
    headers: Mapping[str, str] | None = None,
    content_type: str = "application/x-www-form-urlencoded",
) -> Response:
    """``fields`` form-encoded (GitHub's default token format, OAuth 1.0a's answers)."""
    merged = {"Content-Type": content_type, **(headers or {})}
    body = urlencode({k: str(v) for k, v in fields.items()}).encode("ascii")
    return Response(status, headers=merged, content=body)


def text_response(
    text: str,
    status: int = 200,
    *,
    headers: Mapping[str, str] | None = None,
    content_type: str = "text/plain; charset=utf-8",
) -> Response:
    """A plain text (or HTML) body: what a proxy or a broken server answers."""
    merged = {"Content-Type": content_type, **(headers or {})}
    return Response(status, headers=merged, content=text.encode("utf-8"))


def oauth_error(
    error: str,
    description: str | None = None,
    *,
    status: int = 400,
    uri: str | None = None,
    headers: Mapping[str, str] | None = None,
    **fields: Any,
) -> Response:
    """An RFC 6749 §5.2 error object; ``fields`` add a provider's own members.

    ``status`` is free (``401`` for ``invalid_client`` as §5.2 suggests, ``200`` for a
    provider that answers errors with success).
    """
    body: dict[str, Any] = {"error": error}
    if description is not None:
        body["error_description"] = description
    if uri is not None:
        body["error_uri"] = uri
    body.update(fields)
    return json_response(body, status, headers={**NO_STORE, **(headers or {})})
