"""Discord as its documentation shows it, on the emulator kit.

- https://discord.com/developers/docs/topics/oauth2: the authorization URL
  ``https://discord.com/oauth2/authorize``, the token exchange at
  ``https://discord.com/api/oauth2/token`` (``application/x-www-form-urlencoded``, the
  example authenticating with HTTP Basic) answering ``{"access_token":
  "6qrZcUqja7812RVdnEKjpzOL4CvHBFG", "token_type": "Bearer", "expires_in": 604800,
  "refresh_token": "D43f5y0ahjqew82jZ4NViEr2YafMKhue", "scope": "identify"}``; refresh and
  revocation (``/api/oauth2/token/revoke``) the same way; the bot authorization flow
  (``scope=bot``, ``permissions``, ``guild_id``, ``disable_guild_select``) whose token answer
  adds the ``guild`` object;
- https://discord.com/developers/docs/reference#user-agent: clients send
  ``User-Agent: DiscordBot ($url, $versionNumber)``; requests with a library's default one
  are refused here as Discord's edge refuses them (HTTP 403, code 40333);
- https://discord.com/developers/docs/resources/user#get-current-user: ``/users/@me``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from authwire.testing import (
    AUTHORIZATION_CODE,
    Approval,
    Emulator,
    FakeClock,
    Grant,
    Refusal,
    TokenCall,
    json_response,
)

AUTHORIZE = "https://discord.com/oauth2/authorize"
TOKEN = "https://discord.com/api/oauth2/token"
REVOKE = "https://discord.com/api/oauth2/token/revoke"
ME = "https://discord.com/api/users/@me"
CLIENT_ID = "157730590492196864"
CLIENT_SECRET = "dsc-secret-7f3c2a9b"
REDIRECT = "https://nicememe.website/callback"
GUILD = {"id": "290926798626357999", "name": "Test server", "permissions": "0"}


class DiscordEmulator(Emulator):
    def __init__(self, *, clock: FakeClock) -> None:
        super().__init__(
            endpoints={
                "authorization_endpoint": AUTHORIZE,
                "token_endpoint": TOKEN,
                "revocation_endpoint": REVOKE,
            },
            base_url="https://discord.com",
            clock=clock,
            subject="80351110224678912",
            access_token_lifetime=604800,
        )
        self.add_client(CLIENT_ID, CLIENT_SECRET, redirect_uris=[REDIRECT])
        self.grants[AUTHORIZATION_CODE] = self._code
        self._bots: dict[str, dict[str, str]] = {}
        self.route("GET", ME, self._me)

    def approve(
        self,
        authorization_url: str,
        *,
        subject: str | None = None,
        claims: Any = None,
        **extra: str,
    ) -> Approval:
        params = dict(parse_qsl(urlsplit(authorization_url).query))
        approval = super().approve(authorization_url, subject=subject, claims=claims, **extra)
        if "bot" in params.get("scope", "").split() and approval.code is not None:
            self._bots[approval.code] = params
        return approval

    def _code(self, call: TokenCall) -> Grant:
        code = str(call.params.get("code", ""))
        grant = self._authorization_code(call)
        bot = self._bots.get(code)
        if bot is not None:
            grant.extra["guild"] = {
                **GUILD,
                "id": bot.get("guild_id", GUILD["id"]),
                "permissions": bot.get("permissions", "0"),
            }
        return grant

    def handle(self, request: httpx.Request) -> httpx.Response:
        agent = request.headers.get("user-agent", "")
        if request.url.path.startswith("/api/") and not agent.startswith("DiscordBot ("):
            return json_response({"message": "internal network error", "code": 40333}, 403)
        if request.url.path.startswith("/api/oauth2/token") and not request.headers.get(
            "content-type", ""
        ).startswith("application/x-www-form-urlencoded"):
            return json_response({"error": "unsupported_grant_type"}, 400)
        return super().handle(request)

    def _me(self, request: httpx.Request) -> httpx.Response:
        grant = self.bearer_grant(request)
        user: dict[str, Any] = {"id": grant.subject, "username": "nelly", "discriminator": "0"}
        if "email" in grant.scope.split():
            user.update({"email": "nelly@discord.com", "verified": True})
        return json_response(user)

    def error_reply(self, refusal: Refusal, request: httpx.Request) -> httpx.Response:
        if refusal.status == 401 and refusal.error == "invalid_token":
            return json_response(
                {"message": "401: Unauthorized", "code": 0}, 401, headers=refusal.headers
            )
        return super().error_reply(refusal, request)
