"""An Atlassian authorization server and API gateway for the tests (:mod:`authwire.testing`).

As documented: the authorization URL must carry ``audience=api.atlassian.com`` and
``prompt=consent``; a refresh token comes only with ``offline_access`` and rotates (a used
one is ``403 invalid_grant``); 3LO tokens work only through ``api.atlassian.com/ex/...``,
the site's cloud id coming from ``accessible-resources``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from authwire.testing import Approval, Emulator, Grant, Refusal, TokenCall, json_response

AUTHORIZE_URL = "https://auth.atlassian.com/authorize"
TOKEN_URL = "https://auth.atlassian.com/oauth/token"
RESOURCES_URL = "https://api.atlassian.com/oauth/token/accessible-resources"
CLIENT_ID = "VBfHxIzkE3jD9vK0mMSBLhcQ2yWyRU2s"
CLIENT_SECRET = "ATOA-atlassian-secret-3f9c2b7e1d"
REDIRECT = "https://app.example/auth/atlassian/callback"
SITE = "https://your-domain.atlassian.net"
# https://developer.atlassian.com/cloud/oauth/getting-started/making-calls-to-api
CLOUD_ID = "1324a887-45db-1bf4-1e99-ef0ff456d421"
RESOURCES = [
    {
        "id": CLOUD_ID,
        "name": "Site name",
        "url": SITE,
        "scopes": ["write:jira-work", "read:jira-user", "manage:jira-configuration"],
        "avatarUrl": "https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/flag.png",
    }
]
MYSELF_URL = f"https://api.atlassian.com/ex/jira/{CLOUD_ID}/rest/api/3/myself"
SITE_MYSELF_URL = f"{SITE}/rest/api/3/myself"


class Atlassian(Emulator):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            endpoints={"authorization_endpoint": AUTHORIZE_URL, "token_endpoint": TOKEN_URL},
            base_url="https://auth.atlassian.com",
            **kwargs,
        )
        self.add_client(CLIENT_ID, CLIENT_SECRET, redirect_uris=[REDIRECT])
        self.route("GET", RESOURCES_URL, self._resources)
        self.route("GET", MYSELF_URL, self._myself)
        # a 3LO token on the site's own domain: 401 (making-calls-to-api)
        self.route("GET", SITE_MYSELF_URL, json_response({"message": "Unauthorized"}, 401))

    def approve(self, authorization_url: str, **kwargs: Any) -> Approval:
        # oauth-2-3lo-apps: audience and prompt are "(required)"
        params = dict(parse_qsl(urlsplit(authorization_url).query))
        if params.get("audience") != "api.atlassian.com":
            raise AssertionError("audience=api.atlassian.com is required")
        if params.get("prompt") != "consent":
            raise AssertionError("prompt=consent is required")
        return super().approve(authorization_url, **kwargs)

    def token_fields(self, grant: Grant, call: TokenCall) -> dict[str, Any]:
        # refresh-tokens: a refresh token only with offline_access
        if "offline_access" not in grant.scope.split():
            grant.refresh = False
        return super().token_fields(grant, call)

    def error_reply(self, refusal: Refusal, request: httpx.Request) -> httpx.Response:
        # refresh-tokens: "403 Forbidden with {"error": "invalid_grant", "error_description":
        # "Unknown or invalid refresh token."}"
        if refusal.error == "invalid_grant":
            return json_response(
                {
                    "error": "invalid_grant",
                    "error_description": "Unknown or invalid refresh token.",
                },
                403,
            )
        return super().error_reply(refusal, request)

    def _resources(self, request: httpx.Request) -> httpx.Response:
        self.bearer_grant(request)
        return json_response(RESOURCES)

    def _myself(self, request: httpx.Request) -> httpx.Response:
        grant = self.bearer_grant(request)
        return json_response({"accountId": grant.subject, "displayName": "Mia Krystof"})
