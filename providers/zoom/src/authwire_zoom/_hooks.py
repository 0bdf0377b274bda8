"""Compliance hooks for Zoom's token endpoint (``https://zoom.us/oauth/token``).

- Server-to-Server OAuth apps get their token with ``grant_type=account_credentials`` and
  the app's ``account_id``, the client authenticated by HTTP Basic; there is no refresh
  token and a token lives one hour (https://developers.zoom.us/docs/internal-apps/s2s-oauth/).
  :func:`account_credentials` turns the core's client-credentials request into that one, so
  the core fetches the token on first use and again when it expires.
- Zoom's error bodies put the explanation in ``reason`` (``{"reason": "Invalid Token!",
  "error": "invalid_request"}``, https://developers.zoom.us/docs/integrations/oauth/):
  :func:`reason_to_description` copies it to ``error_description``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode

from authwire.plugins import with_json

if TYPE_CHECKING:
    import httpx

__all__ = ["ACCOUNT_CREDENTIALS", "account_credentials", "reason_to_description"]

#: Zoom's grant type for Server-to-Server OAuth apps.
ACCOUNT_CREDENTIALS = "account_credentials"


RequestHook = Callable[[str, dict[str, str], str], tuple[str, dict[str, str], str]]


def account_credentials(account_id: str) -> RequestHook:
    """An ``access_token_request`` hook sending a client-credentials request as
    ``grant_type=account_credentials&account_id=<account_id>``.

    A request with any other grant type is left alone.
    """
    if not isinstance(account_id, str) or not account_id.strip():
        raise ValueError("account_id must be the app's non-empty Account ID")

    def hook(url: str, headers: dict[str, str], body: str) -> tuple[str, dict[str, str], str]:
        pairs = parse_qsl(body, keep_blank_values=True)
        if ("grant_type", "client_credentials") not in pairs:
            return url, headers, body
        kept = [(k, v) for k, v in pairs if k not in ("grant_type", "account_id")]
        fixed = [("grant_type", ACCOUNT_CREDENTIALS), ("account_id", account_id), *kept]
        return url, headers, urlencode(fixed)

    return hook


def reason_to_description(response: httpx.Response) -> httpx.Response:
    """Return ``response`` with Zoom's ``reason`` copied to ``error_description``.

    Only for an error object (with ``error``) that has a string ``reason`` and no
    ``error_description``; anything else is returned untouched.
    """
    try:
        data = json.loads(response.content)
    except ValueError:
        return response
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("error"), str)
        or not isinstance(data.get("reason"), str)
        or "error_description" in data
    ):
        return response
    data["error_description"] = data["reason"]
    return with_json(response, data)
