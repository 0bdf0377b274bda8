"""Compliance hooks for Notion's OAuth endpoints and its REST API.

- The token, revoke and introspect endpoints take a JSON body, with the client
  authenticated by HTTP Basic (https://developers.notion.com/reference/create-a-token,
  https://developers.notion.com/reference/refresh-a-token): :func:`json_body` turns the
  form body the core builds into the equivalent JSON object.
- Notion reports errors in its own shape, ``{"object": "error", "status": 400, "code":
  "invalid_grant", "message": "..."}`` (https://developers.notion.com/reference/status-codes):
  :func:`notion_error_to_oauth` adds the RFC 6749 §5.2 members so the core raises
  :class:`~authwire.OAuthError` with Notion's code.
- Every API request needs a ``Notion-Version`` header
  (https://developers.notion.com/reference/versioning); :func:`notion_version` adds it to
  requests to ``api.notion.com`` that do not carry one.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

from authwire.plugins import with_json

if TYPE_CHECKING:
    import httpx

__all__ = ["API_HOST", "NOTION_VERSION", "json_body", "notion_error_to_oauth", "notion_version"]

#: The host of Notion's REST API (and of its OAuth endpoints).
API_HOST = "api.notion.com"
#: The API version sent when a request names none (https://developers.notion.com/reference/versioning).
NOTION_VERSION = "2022-06-28"


def json_body(url: str, headers: dict[str, str], body: str) -> tuple[str, dict[str, str], str]:
    """Send the token request's fields as a JSON object instead of a form.

    Client credentials stay out of the body: Notion authenticates the client by HTTP Basic
    (``client_secret_basic``), which the core adds to the headers after this hook.
    """
    fields = dict(parse_qsl(body, keep_blank_values=True))
    fixed = {name: value for name, value in headers.items() if name.lower() != "content-type"}
    fixed["Content-Type"] = "application/json"
    if not any(name.lower() == "notion-version" for name in fixed):
        fixed["Notion-Version"] = NOTION_VERSION
    return url, fixed, json.dumps(fields)


def notion_error_to_oauth(response: httpx.Response) -> httpx.Response:
    """Return ``response`` with a Notion error object given ``error`` / ``error_description``.

    A body that is not a JSON object with ``"object": "error"`` and a string ``code``, or
    that already has ``error``, is returned untouched.
    """
    try:
        data = json.loads(response.content)
    except ValueError:
        return response
    if (
        not isinstance(data, dict)
        or data.get("object") != "error"
        or not isinstance(data.get("code"), str)
        or "error" in data
    ):
        return response
    data["error"] = data["code"]
    if isinstance(data.get("message"), str):
        data["error_description"] = data["message"]
    return with_json(response, data)


def notion_version(
    url: str, headers: dict[str, str], body: bytes | None
) -> tuple[str, dict[str, str], bytes | None]:
    """Add ``Notion-Version`` to a request for ``api.notion.com`` that has none."""
    if urlsplit(url).hostname == API_HOST and not any(
        name.lower() == "notion-version" for name in headers
    ):
        headers = {**headers, "Notion-Version": NOTION_VERSION}
    return url, headers, body
