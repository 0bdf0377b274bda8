"""Reddit's OAuth 2 endpoints and ``/api/v1/me``, as Reddit's wiki describes them.

- https://github.com/reddit-archive/reddit/wiki/OAuth2: ``/api/v1/authorize`` with
  ``duration`` (``temporary``, the default: a one-hour token and no refresh token;
  ``permanent``: a refresh token too); ``/api/v1/access_token`` with HTTP Basic (client id as
  user, secret as password; installed apps have no secret: an empty password); the answer
  ``{"access_token", "token_type": "bearer", "expires_in": 3600, "scope", "refresh_token"}``;
  a refresh answer without a new refresh token; ``/api/v1/revoke_token``; "requests must be
  made to https://oauth.reddit.com", not www.reddit.com;
- https://github.com/reddit-archive/reddit/wiki/OAuth2#application-only-oauth: the
  ``https://oauth.reddit.com/grants/installed_client`` grant with a ``device_id`` of 20-30
  characters, and ``client_credentials`` for confidential clients;
- https://github.com/reddit-archive/reddit/wiki/API#rules: a unique User-Agent; default
  agents are drastically rate-limited (answered here ``429 {"message": "Too Many Requests",
  "error": 429}``, Reddit's error body shape).
"""

from __future__ import annotations

from typing import Any

import httpx

from authwire.testing import (
    Approval,
    Emulator,
    FakeClock,
    Grant,
    RecordedRequest,
    Refusal,
    TokenCall,
    json_response,
)

AUTHORIZE = "https://www.reddit.com/api/v1/authorize"
TOKEN = "https://www.reddit.com/api/v1/access_token"
REVOKE = "https://www.reddit.com/api/v1/revoke_token"
ME = "https://oauth.reddit.com/api/v1/me"
WWW_ME = "https://www.reddit.com/api/v1/me"
INSTALLED = "https://oauth.reddit.com/grants/installed_client"
REDIRECT = "https://app.example/auth/reddit/callback"
WEB_ID = "p-jcoLKBynTLew"
WEB_SECRET = "gko_LXELoV07ZBNUXrvWZfzE3aI"
APP_ID = "Xc8w-installed"
AGENT = "web:com.example.app:v1.0 (by /u/example_dev)"
_DEFAULT_AGENTS = ("python-httpx/", "python-httpx2/", "python-requests/", "python-urllib/")


class Reddit(Emulator):
    def __init__(self, clock: FakeClock) -> None:
        super().__init__(
            base_url="https://www.reddit.com",
            endpoints={
                "authorization_endpoint": AUTHORIZE,
                "token_endpoint": TOKEN,
                "revocation_endpoint": REVOKE,
            },
            clock=clock,
            rotate_refresh_tokens=False,
        )
        self.add_client(WEB_ID, WEB_SECRET, redirect_uris=[REDIRECT])
        self.add_client(APP_ID, "", redirect_uris=[REDIRECT])  # installed: empty secret
        self.grants[INSTALLED] = self._installed_client
        self.route("GET", ME, self._me)
        self.route(
            "GET", WWW_ME, lambda _r: json_response({"message": "Forbidden", "error": 403}, 403)
        )

    def handle(self, request: httpx.Request) -> httpx.Response:
        agent = request.headers.get("user-agent", "")
        if not agent or agent.lower().startswith(_DEFAULT_AGENTS):
            with self._lock:
                self.requests.append(RecordedRequest.of(request))
            return json_response({"message": "Too Many Requests", "error": 429}, 429)
        return super().handle(request)

    def approve(self, authorization_url: str, **kwargs: Any) -> Approval:
        approval = super().approve(authorization_url, **kwargs)
        permanent = httpx.URL(authorization_url).params.get("duration") == "permanent"
        with self._lock:
            assert approval.code is not None
            self._codes[approval.code].grant.refresh = permanent
        return approval

    def token_fields(self, grant: Grant, call: TokenCall) -> dict[str, Any]:
        fields = super().token_fields(grant, call)
        fields["token_type"] = "bearer"
        return fields

    def _installed_client(self, call: TokenCall) -> Grant:
        device_id = str(call.params.get("device_id", ""))
        if not 20 <= len(device_id) <= 30:
            raise Refusal("invalid_request", "device_id")
        return Grant(call.client_id or "", "*", subject=call.client_id or "", refresh=False)

    def _me(self, request: httpx.Request) -> httpx.Response:
        grant = self.bearer_grant(request)
        return json_response({"name": grant.subject, "id": "t2_1w72", "is_employee": False})


def reddit() -> Reddit:
    return Reddit(FakeClock())
