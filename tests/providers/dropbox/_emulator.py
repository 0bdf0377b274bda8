"""Dropbox's OAuth endpoints and two RPCs, as Dropbox's documentation shows them.

- https://developers.dropbox.com/oauth-guide: ``/oauth2/authorize`` (``token_access_type``,
  PKCE), ``/oauth2/token`` (HTTP Basic with app key and secret, or ``client_id`` +
  ``code_verifier``); the code exchange answers ``access_token``, ``expires_in: 14400``,
  ``token_type: "bearer"``, ``scope``, ``account_id``, ``uid`` and, for offline access only,
  ``refresh_token``;
- https://dropbox.tech/developers/using-oauth-2-0-with-offline-access: ``online`` (the
  default) gives no refresh token; a refresh answers ``access_token``, ``expires_in`` and
  ``token_type``, never a new ``refresh_token``;
- https://www.dropbox.com/developers/documentation/http/documentation#auth-token-revoke:
  ``POST /2/auth/token/revoke``, Bearer-authorized, no arguments; it disables the access token
  and its refresh token (SwiftyDropbox's ``tokenRevoke`` reference says so); an RPC refuses a
  form ``Content-Type`` with a text error, and a bad token with 401 ``invalid_access_token``
  (https://www.dropbox.com/developers/documentation/http/documentation#error-handling);
- ``POST /2/users/get_current_account``.
"""

from __future__ import annotations

from typing import Any

import httpx

from authwire.testing import (
    Approval,
    Emulator,
    FakeClock,
    Grant,
    Refusal,
    TokenCall,
    json_response,
    text_response,
)

AUTHORIZE = "https://www.dropbox.com/oauth2/authorize"
TOKEN = "https://api.dropboxapi.com/oauth2/token"
REVOKE = "https://api.dropboxapi.com/2/auth/token/revoke"
ACCOUNT = "https://api.dropboxapi.com/2/users/get_current_account"
REDIRECT = "https://app.example/auth/dropbox/callback"
APP_KEY = "q2w3e4r5t6y7u8i"
APP_SECRET = "z9x8c7v6b5n4m3l"
PUBLIC_KEY = "p0o9i8u7y6t5r4e"
ACCOUNT_ID = "dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc"


class Dropbox(Emulator):
    def __init__(self, clock: FakeClock) -> None:
        super().__init__(
            base_url="https://api.dropboxapi.com",
            endpoints={"authorization_endpoint": AUTHORIZE, "token_endpoint": TOKEN},
            clock=clock,
            access_token_lifetime=14400,
            rotate_refresh_tokens=False,
        )
        self.add_client(APP_KEY, APP_SECRET, redirect_uris=[REDIRECT])
        self.add_client(PUBLIC_KEY, redirect_uris=[REDIRECT])
        self.route("POST", REVOKE, self._revoke)
        self.route("POST", ACCOUNT, self._account)

    def approve(self, authorization_url: str, **kwargs: Any) -> Approval:
        approval = super().approve(authorization_url, **kwargs)
        query = httpx.URL(authorization_url).params
        offline = query.get("token_access_type") == "offline"
        with self._lock:
            assert approval.code is not None
            self._codes[approval.code].grant.refresh = offline  # "online" is the default
        return approval

    def token_fields(self, grant: Grant, call: TokenCall) -> dict[str, Any]:
        fields = super().token_fields(grant, call)
        fields["token_type"] = "bearer"
        if call.grant_type == "authorization_code":
            fields.update(account_id=ACCOUNT_ID, uid="12345")
        return fields

    def _rpc_errors(self, request: httpx.Request) -> httpx.Response | None:
        try:
            self.bearer_grant(request)
        except Refusal:
            return json_response(
                {
                    "error_summary": "invalid_access_token/",
                    "error": {".tag": "invalid_access_token"},
                },
                401,
            )
        content_type = request.headers.get("content-type")
        if content_type is not None and not content_type.startswith("application/json"):
            return text_response(
                'Error in call to API function "auth/token/revoke": Bad HTTP "Content-Type" '
                f'header: "{content_type}".  Expecting one of "application/json", '
                '"application/json; charset=utf-8", "text/plain; charset=dropbox-cors-hack".',
                400,
            )
        return None

    def _revoke(self, request: httpx.Request) -> httpx.Response:
        refused = self._rpc_errors(request)
        if refused is not None:
            return refused
        grant = self.bearer_grant(request)
        with self._lock:
            for store in (self._access, self._refresh):
                for record in store.values():
                    if (record.grant.client_id, record.grant.subject) == (
                        grant.client_id,
                        grant.subject,
                    ):
                        record.revoked = True
        return json_response(None)

    def _account(self, request: httpx.Request) -> httpx.Response:
        refused = self._rpc_errors(request)
        if refused is not None:
            return refused
        grant = self.bearer_grant(request)
        return json_response(
            {
                "account_id": ACCOUNT_ID,
                "name": {"display_name": "Franz Ferdinand (Personal)"},
                "email": "franz@dropbox.com",
                "email_verified": True,
                "team_member_id": None,
                "subject": grant.subject,
            }
        )


def dropbox() -> Dropbox:
    return Dropbox(FakeClock())
