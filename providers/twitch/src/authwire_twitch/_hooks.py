"""Compliance hooks for Twitch's OAuth endpoints (``id.twitch.tv``) and the Helix API.

- Twitch answers token errors as ``{"status": 400, "message": "Invalid authorization
  code"}``, without RFC 6749's ``error`` member; while the user has not yet approved a
  device request the message is the RFC 8628 code itself (``authorization_pending``)
  (https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/#device-code-grant-flow).
  :func:`twitch_error_to_oauth` adds ``error`` / ``error_description``, so the core raises
  :class:`~authwire.OAuthError` and keeps polling.
- The device authorization request names the scopes ``scopes``, not ``scope``
  (same page): :func:`device_scopes`.
- The validation endpoint takes ``Authorization: OAuth <token>``
  (https://dev.twitch.tv/docs/authentication/validate-tokens/): :func:`oauth_scheme`.
- Every Helix request needs ``Client-Id`` beside the token
  (https://dev.twitch.tv/docs/api/get-started/): :func:`client_id_header` builds the hook
  for one client id.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit

from authwire.plugins import with_json

if TYPE_CHECKING:
    import httpx

__all__ = [
    "HELIX_HOST",
    "VALIDATE_URL",
    "client_id_header",
    "device_scopes",
    "oauth_scheme",
    "twitch_error_to_oauth",
]

HELIX_HOST = "api.twitch.tv"
VALIDATE_URL = "https://id.twitch.tv/oauth2/validate"

#: RFC 6749 / RFC 8628 codes Twitch sends as the message itself.
_CODES = frozenset(
    {"authorization_pending", "slow_down", "access_denied", "expired_token", "invalid_grant"}
)

ProtectedHook = Callable[
    [str, dict[str, str], "bytes | None"], tuple[str, dict[str, str], "bytes | None"]
]


def _error_code(status: object, message: str) -> str:
    lowered = message.strip().lower()
    if lowered in _CODES:
        return lowered
    if "client" in lowered and status in (401, 403):
        return "invalid_client"
    if lowered.startswith("invalid") and ("code" in lowered or "refresh token" in lowered):
        return "invalid_grant"
    if status in (401, 403):
        return "invalid_client"
    return "invalid_request"


def twitch_error_to_oauth(response: httpx.Response) -> httpx.Response:
    """Return ``response`` with a Twitch error (``status`` + ``message``) given ``error``.

    The RFC code is the message when it is one (``authorization_pending``, ``slow_down``...),
    else ``invalid_grant`` for an invalid code / refresh token, ``invalid_client`` for a 401
    or 403, ``invalid_request`` otherwise; ``error_description`` is Twitch's message. Any
    other body is returned untouched.
    """
    try:
        data = json.loads(response.content)
    except ValueError:
        return response
    if not isinstance(data, dict) or "access_token" in data:
        return response
    message = data.get("message")
    if not isinstance(message, str):
        return response
    existing = data.get("error")
    if isinstance(existing, str) and existing.islower() and " " not in existing:
        return response  # already an RFC 6749 error code
    data["error"] = _error_code(data.get("status"), message)
    data["error_description"] = message
    return with_json(response, data)


def device_scopes(url: str, headers: dict[str, str], body: str) -> tuple[str, dict[str, str], str]:
    """Send the device authorization request's ``scope`` as ``scopes``."""
    pairs = [
        ("scopes" if name == "scope" else name, value)
        for name, value in parse_qsl(body, keep_blank_values=True)
    ]
    return url, headers, urlencode(pairs)


def oauth_scheme(
    url: str, headers: dict[str, str], body: bytes | None
) -> tuple[str, dict[str, str], bytes | None]:
    """Present the token as ``Authorization: OAuth <token>`` to the validation endpoint."""
    if url.split("?", 1)[0] != VALIDATE_URL:
        return url, headers, body
    fixed = dict(headers)
    for name, value in headers.items():
        if name.lower() == "authorization" and value.lower().startswith("bearer "):
            fixed[name] = "OAuth " + value[7:]
    return url, fixed, body


def client_id_header(client_id: str) -> ProtectedHook:
    """A ``protected_request`` hook adding ``Client-Id: <client_id>`` to Helix requests."""
    if not isinstance(client_id, str) or not client_id:
        raise ValueError("client_id must be a non-empty str")

    def add_client_id(
        url: str, headers: dict[str, str], body: bytes | None
    ) -> tuple[str, dict[str, str], bytes | None]:
        if urlsplit(url).hostname == HELIX_HOST and not any(
            name.lower() == "client-id" for name in headers
        ):
            headers = {**headers, "Client-Id": client_id}
        return url, headers, body

    return add_client_id
