"""Twitch's ``id.twitch.tv`` and a Helix endpoint for the tests (:mod:`authwire.testing`).

As https://dev.twitch.tv/docs/authentication/ documents: token errors are
``{"status": ..., "message": ...}`` (the device flow's pending state included, as
``"authorization_pending"``); the device request names its scopes ``scopes``; ``scope`` in
a token response is a JSON array; app access tokens come without a refresh token;
``/validate`` takes ``Authorization: OAuth <token>``; Helix wants ``Client-Id``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx

from authwire.testing import (
    Emulator,
    Grant,
    Refusal,
    TokenCall,
    json_response,
)

ID = "https://id.twitch.tv/oauth2"
VALIDATE_URL = f"{ID}/validate"
USERS_URL = "https://api.twitch.tv/helix/users"
CLIENT_ID = "hof5gwx0su6owfnys0yan9c87zr6t"
CLIENT_SECRET = "41vpdji4e9gif29md0ouet6fktd2"
PUBLIC_ID = "wbmytr93xzw8zbg0p1izqyzzc5mbiz"
REDIRECT = "http://localhost:3000"


def twitch_error(status: int, message: str) -> httpx.Response:
    return json_response({"status": status, "message": message}, status)


class Twitch(Emulator):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            endpoints={
                "authorization_endpoint": f"{ID}/authorize",
                "token_endpoint": f"{ID}/token",
                "revocation_endpoint": f"{ID}/revoke",
                "device_authorization_endpoint": f"{ID}/device",
            },
            base_url="https://id.twitch.tv",
            access_token_lifetime=14124,  # the documented example's expires_in
            **kwargs,
        )
        self.add_client(CLIENT_ID, CLIENT_SECRET, redirect_uris=[REDIRECT])
        self.add_client(PUBLIC_ID)
        self.route("GET", VALIDATE_URL, self._validate)
        self.route("GET", USERS_URL, self._users)

    def _client_credentials(self, call: TokenCall) -> Grant:
        grant = super()._client_credentials(call)
        grant.refresh = False  # "client credentials ... doesn't include a refresh token"
        return grant

    def token_fields(self, grant: Grant, call: TokenCall) -> dict[str, Any]:
        fields = super().token_fields(grant, call)
        fields["token_type"] = "bearer"
        fields["scope"] = grant.scope.split()  # a JSON array in Twitch's examples
        return fields

    def error_reply(self, refusal: Refusal, request: httpx.Request) -> httpx.Response:
        messages = {
            "invalid_grant": "Invalid authorization code",
            "invalid_client": "invalid client secret",
        }
        return twitch_error(refusal.status, messages.get(refusal.error, refusal.error))

    def _device_endpoint(self, request: httpx.Request) -> httpx.Response:
        # the device request's scopes are in "scopes"; "scope" is not a parameter of it
        pairs = [
            ("scope" if k == "scopes" else k, v)
            for k, v in parse_qsl(request.content.decode(), keep_blank_values=True)
            if k != "scope"
        ]
        renamed = httpx.Request(
            "POST", request.url, headers={"Content-Type": "application/x-www-form-urlencoded"},
            content=urlencode(pairs).encode(),
        )  # fmt: skip
        return super()._device_endpoint(renamed)

    def _validate(self, request: httpx.Request) -> httpx.Response:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        token = value if scheme == "OAuth" else ""
        try:
            grant = self.bearer_grant(
                httpx.Request("GET", request.url, headers={"Authorization": f"Bearer {token}"})
            )
        except Refusal:
            return twitch_error(401, "invalid access token")
        # validate-tokens: the documented answer
        return json_response(
            {
                "client_id": grant.client_id,
                "login": "twitchdev",
                "scopes": grant.scope.split(),
                "user_id": "141981764",
                "expires_in": 5520838,
            }
        )

    def _users(self, request: httpx.Request) -> httpx.Response:
        try:
            grant = self.bearer_grant(request)
        except Refusal:
            return json_response(
                {"error": "Unauthorized", "status": 401, "message": "Invalid OAuth token"}, 401
            )
        if request.headers.get("client-id") != grant.client_id:
            return json_response(
                {
                    "error": "Unauthorized",
                    "status": 401,
                    "message": "Client ID and OAuth token do not match",
                },
                401,
            )
        # https://dev.twitch.tv/docs/api/reference/#get-users
        return json_response(
            {"data": [{"id": "141981764", "login": "twitchdev", "display_name": "TwitchDev"}]}
        )
