"""Zoom's ``zoom.us/oauth`` and ``GET /v2/users/me`` for the tests (:mod:`authwire.testing`).

As Zoom documents (https://developers.zoom.us/docs/integrations/oauth/,
https://developers.zoom.us/docs/internal-apps/s2s-oauth/): HTTP Basic client
authentication; Server-to-Server apps use ``grant_type=account_credentials`` with
``account_id`` (one-hour token, no refresh token); each refresh of a user token returns a
new refresh token; errors carry ``reason`` beside ``error``.
"""

from __future__ import annotations

from typing import Any

import httpx

from authwire.testing import Emulator, Grant, Refusal, TokenCall, json_response

AUTHORIZE_URL = "https://zoom.us/oauth/authorize"
TOKEN_URL = "https://zoom.us/oauth/token"
ME_URL = "https://api.zoom.us/v2/users/me"
CLIENT_ID = "Tdl0xCHTTvqbBsvZHaTRaQ"
CLIENT_SECRET = "zoom-client-secret-Q8pX2vN5"
ACCOUNT_ID = "pJ7XsQ1RT2m9bOZ5aK8wVg"
REDIRECT = "https://app.example/auth/zoom/callback"
REASONS = {
    "invalid_grant": "Invalid authorization code",
    "unsupported_grant_type": "unsupported grant type",
    "invalid_client": "Invalid client_id or client_secret",
}


class Zoom(Emulator):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            endpoints={
                "authorization_endpoint": AUTHORIZE_URL,
                "token_endpoint": TOKEN_URL,
                "revocation_endpoint": "https://zoom.us/oauth/revoke",
            },
            base_url="https://zoom.us",
            **kwargs,
        )
        self.add_client(CLIENT_ID, CLIENT_SECRET, redirect_uris=[REDIRECT])
        del self.grants["client_credentials"]  # Zoom's S2S grant is account_credentials
        self.grants["account_credentials"] = self._account_credentials
        self.route("GET", ME_URL, self._me)

    def authenticate_client(self, call: TokenCall) -> None:
        super().authenticate_client(call)
        if call.auth_method != "client_secret_basic":
            raise Refusal("invalid_client", status=401)

    def _account_credentials(self, call: TokenCall) -> Grant:
        if call.params.get("account_id") != ACCOUNT_ID:
            raise Refusal("invalid_request", "Invalid account_id")
        # "The token's time to live is one hour. There is no refresh token."
        return Grant(
            call.client_id or "", scope="user:read:admin", subject=ACCOUNT_ID, refresh=False
        )

    def token_fields(self, grant: Grant, call: TokenCall) -> dict[str, Any]:
        fields = super().token_fields(grant, call)
        fields["token_type"] = "bearer"
        if call.grant_type == "account_credentials":
            fields["api_url"] = "https://api.zoom.us"
        return fields

    def error_reply(self, refusal: Refusal, request: httpx.Request) -> httpx.Response:
        reason = REASONS.get(refusal.error) or refusal.description or refusal.error
        return json_response({"reason": reason, "error": refusal.error}, refusal.status)

    def _me(self, request: httpx.Request) -> httpx.Response:
        try:
            grant = self.bearer_grant(request)
        except Refusal:
            return json_response({"code": 124, "message": "Invalid access token."}, 401)
        return json_response({"id": grant.subject, "account_id": ACCOUNT_ID, "type": 1})
