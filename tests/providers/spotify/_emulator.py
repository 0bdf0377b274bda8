"""Spotify's accounts service and a sliver of the Web API, as Spotify's documentation shows them.

- https://developer.spotify.com/documentation/web-api/tutorials/code-flow: the code
  exchange with ``Authorization: Basic``, and its answer
  (``access_token``, ``token_type: "Bearer"``, ``scope``, ``expires_in: 3600``,
  ``refresh_token``);
- https://developer.spotify.com/documentation/web-api/tutorials/code-pkce-flow: public
  clients, ``client_id`` and ``code_verifier`` in the body, S256;
- https://developer.spotify.com/documentation/web-api/tutorials/client-credentials-flow:
  ``{"access_token": ..., "token_type": "bearer", "expires_in": 3600}`` (lower-case type, no
  refresh token);
- https://developer.spotify.com/documentation/web-api/tutorials/refreshing-tokens: a refresh
  may come without ``refresh_token`` ("continue using the existing token");
- https://developer.spotify.com/documentation/web-api/concepts/redirect_uri: ``localhost``
  and non-loopback ``http`` redirect URIs are refused; Spotify shows
  "INVALID_CLIENT: Invalid redirect URI" on its own page (spotipy-dev/spotipy#1186,
  n8n-io/n8n#25805 quote it);
- https://developer.spotify.com/documentation/web-api/reference/get-current-users-profile:
  ``GET /v1/me``.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from authwire.testing import (
    CLIENT_CREDENTIALS,
    REFRESH_TOKEN,
    Emulator,
    FakeClock,
    Grant,
    TokenCall,
    json_response,
    text_response,
)

AUTHORIZE = "https://accounts.spotify.com/authorize"
TOKEN = "https://accounts.spotify.com/api/token"
ME = "https://api.spotify.com/v1/me"
MARKETS = "https://api.spotify.com/v1/markets"
REDIRECT = "https://app.example/auth/spotify/callback"
LOOPBACK = "http://127.0.0.1:8765/callback"
CLIENT_ID = "5fe01282e44241328a84e7c5cc169165"
CLIENT_SECRET = "b8f6c1e2d34a4f5e9a0b1c2d3e4f5a6b"
PUBLIC_ID = "0f6d2c3e9a8b4d7e8f1a2b3c4d5e6f70"


def banned(redirect_uri: str | None) -> bool:
    """Spotify's rule, written here independently of the plugin's code."""
    parts = urlsplit(redirect_uri or "")
    if parts.hostname == "localhost":
        return True
    if parts.scheme != "http":
        return False
    try:
        return not ipaddress.ip_address(parts.hostname or "").is_loopback
    except ValueError:
        return True


class Spotify(Emulator):
    """accounts.spotify.com: Basic or PKCE, no refresh token on refresh."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__(
            base_url="https://accounts.spotify.com",
            endpoints={"authorization_endpoint": AUTHORIZE, "token_endpoint": TOKEN},
            clock=clock,
            rotate_refresh_tokens=False,
        )
        self.add_client(CLIENT_ID, CLIENT_SECRET, redirect_uris=[REDIRECT])
        self.add_client(PUBLIC_ID, redirect_uris=[LOOPBACK])
        self.route("GET", ME, self._me)
        self.route("GET", MARKETS, self._markets)

    def _authorize_page(self, request: httpx.Request) -> httpx.Response:
        params = dict(parse_qsl(request.url.query.decode(), keep_blank_values=True))
        if banned(params.get("redirect_uri")):
            return text_response("INVALID_CLIENT: Invalid redirect URI", 400)
        return super()._authorize_page(request)

    def token_fields(self, grant: Grant, call: TokenCall) -> dict[str, Any]:
        fields = super().token_fields(grant, call)
        if call.grant_type == CLIENT_CREDENTIALS:
            fields["token_type"] = "bearer"  # as the client credentials page shows it
            fields.pop("scope", None)
        if call.grant_type == REFRESH_TOKEN:
            fields.pop("refresh_token", None)  # "a new refresh token might be returned" - not here
        return fields

    def _me(self, request: httpx.Request) -> httpx.Response:
        grant = self.bearer_grant(request)
        return json_response(
            {
                "display_name": "JM Wizzler",
                "email": "email@example.com",
                "id": grant.subject,
                "type": "user",
                "uri": f"spotify:user:{grant.subject}",
            }
        )

    def _markets(self, request: httpx.Request) -> httpx.Response:
        self.bearer_grant(request)
        return json_response({"markets": ["CA", "BR", "IT"]})


def spotify(clock: FakeClock | None = None) -> Spotify:
    return Spotify(clock or FakeClock())
