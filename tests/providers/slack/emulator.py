"""Slack as its documentation shows it, on the emulator kit.

- https://docs.slack.dev/reference/methods/oauth.v2.access: the answer for bot and user
  scopes (``"ok": true``, ``access_token`` ``xoxb-...`` with ``token_type: "bot"``,
  ``scope: "commands,incoming-webhook"``, ``bot_user_id``, ``app_id``, ``team``,
  ``enterprise``, and ``authed_user`` with ``id``, ``scope``, ``access_token`` ``xoxp-...``,
  ``token_type: "user"``); errors as HTTP 200 ``{"ok": false, "error": "invalid_code"}``;
- https://docs.slack.dev/authentication/using-token-rotation: with rotation each token has
  ``expires_in: 43200`` and a ``refresh_token`` (``xoxe-1-...``); a refresh through
  ``oauth.v2.access`` (``grant_type=refresh_token``) answers the new pair at the top level;
- https://docs.slack.dev/reference/methods/auth.revoke: ``{"ok": true, "revoked": true}``,
  revoking the token that makes the call;
- https://docs.slack.dev/reference/methods/auth.test: ``{"ok": true, "url": ..., "team": ...,
  "user": ..., "team_id": ..., "user_id": ...}``; ``{"ok": false, "error": "invalid_auth"}``;
- https://slack.com/.well-known/openid-configuration (issuer ``https://slack.com``),
  https://docs.slack.dev/reference/methods/openid.connect.token (``{"ok": true,
  "access_token": "xoxp-1234", "token_type": "Bearer", "id_token": ...}``, the ID token's
  ``https://slack.com/team_id`` claims) and
  https://docs.slack.dev/reference/methods/openid.connect.userInfo (``"ok": true`` beside
  the claims).
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

AUTHORIZE = "https://slack.com/oauth/v2/authorize"
ACCESS = "https://slack.com/api/oauth.v2.access"
AUTH_TEST = "https://slack.com/api/auth.test"
AUTH_REVOKE = "https://slack.com/api/auth.revoke"
CLIENT_ID = "2141029472.691202649728"
CLIENT_SECRET = "e1b9e11dfcd19c1982d5de12921e17e8c"
REDIRECT = "https://app.example/slack/oauth_redirect"
TEAM = {"id": "T9TK3CUKW", "name": "Slack Softball Team"}
USER = "U1234"

DISCOVERY = {
    "issuer": "https://slack.com",
    "authorization_endpoint": "https://slack.com/openid/connect/authorize",
    "token_endpoint": "https://slack.com/api/openid.connect.token",
    "userinfo_endpoint": "https://slack.com/api/openid.connect.userInfo",
    "jwks_uri": "https://slack.com/openid/connect/keys",
    "scopes_supported": ["openid", "profile", "email"],
    "response_types_supported": ["code"],
    "response_modes_supported": ["query"],
    "grant_types_supported": ["authorization_code"],
    "subject_types_supported": ["public"],
    "id_token_signing_alg_values_supported": ["RS256"],
    "claims_supported": ["sub", "auth_time", "iss"],
    "claims_parameter_supported": False,
    "request_parameter_supported": False,
    "request_uri_parameter_supported": True,
    "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
}
OIDC_CLAIMS = {
    "https://slack.com/team_id": "T0R7GR",
    "https://slack.com/user_id": "U0R7JM",
    "email": "krane@example.com",
    "email_verified": True,
    "name": "krane",
    "given_name": "Bront",
    "family_name": "Labradoodle",
    "locale": "en-US",
    "https://slack.com/team_name": "kraneflannel",
}


def slack_error(error: str) -> httpx.Response:
    """Slack's error shape: HTTP 200, ``ok: false`` (docs.slack.dev/apis/web-api/#responses)."""
    return json_response({"ok": False, "error": error}, 200)


class SlackEmulator(Emulator):
    """slack.com: OAuth v2 installation, the Web API methods used here, and (``openid=True``)
    Sign in with Slack."""

    def __init__(self, *, clock: FakeClock, rotation: bool = False, openid: bool = False) -> None:
        lifetime = 43200 if rotation else None
        if openid:
            super().__init__(
                issuer="https://slack.com",
                discovery=DISCOVERY,
                clock=clock,
                subject="U0R7JM",
                userinfo=OIDC_CLAIMS,
                access_token_lifetime=lifetime,
            )
        else:
            super().__init__(
                endpoints={"authorization_endpoint": AUTHORIZE, "token_endpoint": ACCESS},
                base_url="https://slack.com",
                clock=clock,
                subject=USER,
                access_token_lifetime=lifetime,
            )
        self.rotation = rotation
        self.openid = openid
        self._user_scopes: dict[str, str] = {}
        self.add_client(CLIENT_ID, CLIENT_SECRET, redirect_uris=[REDIRECT])
        self.grants[AUTHORIZATION_CODE] = self._code
        self.route("POST", AUTH_TEST, self._auth_test)
        self.route("GET", AUTH_TEST, self._auth_test)
        self.route("POST", AUTH_REVOKE, self._auth_revoke)

    # -- the user side: remember user_scope with the code ---------------------------------

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
        assert approval.code is not None
        self._user_scopes[approval.code] = params.get("user_scope", "")
        return approval

    def _code(self, call: TokenCall) -> Grant:
        code = str(call.params.get("code", ""))
        grant = self._authorization_code(call)
        grant.refresh = self.rotation
        if self.openid:
            return grant
        grant.claims = {**grant.claims, "user_scope": self._user_scopes.get(code, "")}
        return grant

    # -- Slack's shapes ---------------------------------------------------------------------

    def token_fields(self, grant: Grant, call: TokenCall) -> dict[str, Any]:
        if self.openid:
            fields = super().token_fields(grant, call)
            return {"ok": True, **fields}
        if call.grant_type == AUTHORIZATION_CODE:
            return self._installation(grant, call)
        # a refresh: the kind of the refreshed token comes back at the top level
        grant.refresh = True
        fields = super().token_fields(grant, call)
        kind = grant.claims.get("kind", "bot")
        fields["token_type"] = kind
        fields.update({"ok": True, "app_id": "A0KRD7HC3", "team": TEAM, "enterprise": None})
        if kind == "bot":
            fields["bot_user_id"] = "U0KRQLJ9H"
        return fields

    def _installation(self, grant: Grant, call: TokenCall) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "ok": True,
            "app_id": "A0KRD7HC3",
            "team": TEAM,
            "enterprise": None,
            "is_enterprise_install": False,
        }
        user_scope = str(grant.claims.get("user_scope", ""))
        if grant.scope:  # bot scopes: the bot token at the top level
            bot = Grant(grant.client_id, grant.scope, grant.subject, refresh=self.rotation)
            bot.claims = {"kind": "bot"}
            fields = super().token_fields(bot, call)
            fields["token_type"] = "bot"
            answer.update(fields)
            answer["bot_user_id"] = "U0KRQLJ9H"
        if user_scope:  # user scopes: the user token under authed_user
            user = Grant(grant.client_id, user_scope, grant.subject, refresh=self.rotation)
            user.claims = {"kind": "user"}
            fields = super().token_fields(user, call)
            fields["token_type"] = "user"
            answer["authed_user"] = {"id": grant.subject, **fields}
        return answer

    def error_reply(self, refusal: Refusal, request: httpx.Request) -> httpx.Response:
        # every Slack method, the token endpoints included, answers errors with HTTP 200
        if refusal.error == "invalid_token":
            return slack_error("invalid_auth")
        return slack_error(refusal.error)

    def _userinfo_endpoint(self, request: httpx.Request) -> httpx.Response:
        grant = self.bearer_grant(request)
        return json_response({"ok": True, "sub": grant.subject, **self.userinfo})

    # -- Web API methods ----------------------------------------------------------------------

    def _auth_test(self, request: httpx.Request) -> httpx.Response:
        grant = self.bearer_grant(request)
        return json_response(
            {
                "ok": True,
                "url": "https://subarachnoid.slack.com/",
                "team": "Subarachnoid Workspace",
                "user": "grace",
                "team_id": "T12345678",
                "user_id": grant.subject,
            }
        )

    def _auth_revoke(self, request: httpx.Request) -> httpx.Response:
        bearer = request.headers.get("authorization", "")
        if not bearer.lower().startswith("bearer "):
            return slack_error("not_authed")
        self.bearer_grant(request)
        token = bearer.split(" ", 1)[1]
        with self._lock:
            self._access[token].revoked = True
        return json_response({"ok": True, "revoked": True})
