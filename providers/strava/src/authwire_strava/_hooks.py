"""Strava's token endpoint errors, turned into RFC 6749 §5.2 error objects.

Strava answers a refused token request with its API's ``Fault`` shape
(https://developers.strava.com/docs/reference/#api-models-Fault), not an OAuth error::

    {"message": "Bad Request",
     "errors": [{"resource": "RefreshToken", "field": "refresh_token", "code": "invalid"}]}

The core reads only ``error`` / ``error_description``, so without this hook a bad code or
a spent refresh token is a bare ``TokenResponseError``; with it, ``OAuthError.error`` says
``invalid_grant`` (or ``invalid_client``), and the description keeps Strava's details.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from authwire.plugins import with_json

if TYPE_CHECKING:
    import httpx

__all__ = ["fault_to_oauth_error"]

#: Fault resources that name the grant (a code or a refresh token) or the client.
_GRANT_RESOURCES = frozenset({"AuthorizationCode", "RefreshToken", "Authorize"})
_CLIENT_RESOURCES = frozenset({"Application"})


def _error_code(errors: list[Any], status: int) -> str:
    resources = {e.get("resource") for e in errors if isinstance(e, dict)}
    if resources & _CLIENT_RESOURCES or status == 401:
        return "invalid_client"
    if resources & _GRANT_RESOURCES:
        return "invalid_grant"
    return "invalid_request"


def _describe(message: Any, errors: list[Any]) -> str:
    parts = [str(message)] if isinstance(message, str) and message else []
    for entry in errors[:5]:
        if isinstance(entry, dict):
            fields = (entry.get("resource"), entry.get("field"), entry.get("code"))
            parts.append(" ".join(str(f) for f in fields if isinstance(f, str) and f))
    return "; ".join(p for p in parts if p)[:300]


def fault_to_oauth_error(response: httpx.Response) -> httpx.Response:
    """Return ``response`` with a Strava ``Fault`` body rewritten as an OAuth error object.

    Only an HTTP error whose JSON object has ``errors`` (a list) and no ``error`` is changed;
    a token, an OAuth error and anything unreadable are returned untouched.
    """
    if response.status_code < 400:
        return response
    try:
        data = json.loads(response.content)
    except ValueError:
        return response
    if not isinstance(data, dict) or "error" in data or not isinstance(data.get("errors"), list):
        return response
    errors: list[Any] = data["errors"]
    body = {
        "error": _error_code(errors, response.status_code),
        "error_description": _describe(data.get("message"), errors),
    }
    return with_json(response, body)
