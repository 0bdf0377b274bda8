"""A Notion for the tests, built with :mod:`authwire.testing`.

It answers as Notion's documentation shows, each behaviour cited beside its code: the token
endpoint takes a JSON body with HTTP Basic client authentication and answers the documented
token object (workspace fields, no ``expires_in``); errors are Notion error objects; the API
refuses a request without ``Notion-Version``.
"""

from __future__ import annotations

from typing import Any

import httpx

from authwire.testing import Emulator, Grant, Refusal, TokenCall, json_response

API = "https://api.notion.com/v1"
AUTHORIZE_URL = f"{API}/oauth/authorize"
TOKEN_URL = f"{API}/oauth/token"
REVOKE_URL = f"{API}/oauth/revoke"
INTROSPECT_URL = f"{API}/oauth/introspect"
ME_URL = f"{API}/users/me"
CLIENT_ID = "463558a3-725e-4f37-b6d3-0889894f68de"
CLIENT_SECRET = "secret_Qx1T5cB4z2nLq8vFmK7wYpR3dH6jA9eU"
REDIRECT = "https://app.example/auth/notion/callback"

# https://developers.notion.com/reference/create-a-token (the documented response; the
# workspace values are those of Notion's example, "Ada's Notion Workspace")
WORKSPACE_FIELDS: dict[str, Any] = {
    "bot_id": "b3414d65-1224-4f6a-8b4c-cc9d8773d601",
    "workspace_name": "Ada's Notion Workspace",
    "workspace_icon": "https://website.domain/images/image.png",
    "workspace_id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
    "owner": {
        "type": "user",
        "user": {
            "object": "user",
            "id": "4ab97c1f-1f19-4bd4-9f4e-3a1b8c2d9e0f",
            "name": "Ada Lovelace",
            "avatar_url": None,
            "type": "person",
            "person": {"email": "ada@example.com"},
        },
    },
    "duplicated_template_id": None,
}


def notion_error(status: int, code: str, message: str) -> httpx.Response:
    """A Notion error object (https://developers.notion.com/reference/status-codes)."""
    return json_response(
        {"object": "error", "status": status, "code": code, "message": message}, status
    )


class Notion(Emulator):
    """api.notion.com's OAuth endpoints and ``GET /v1/users/me``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            endpoints={
                "authorization_endpoint": AUTHORIZE_URL,
                "token_endpoint": TOKEN_URL,
                "revocation_endpoint": REVOKE_URL,
                "introspection_endpoint": INTROSPECT_URL,
            },
            base_url="https://api.notion.com",
            access_token_lifetime=None,  # the documented response has no expires_in
            **kwargs,
        )
        self.add_client(CLIENT_ID, CLIENT_SECRET, redirect_uris=[REDIRECT])
        self.route("GET", ME_URL, self._me)

    def _json_only(self, request: httpx.Request) -> httpx.Response | None:
        # "Body application/json" on create-a-token / refresh-a-token; a body Notion cannot
        # decode as JSON is "invalid_json" (status codes page)
        if "application/json" not in request.headers.get("content-type", ""):
            return notion_error(
                400, "invalid_json", "The request body could not be decoded as JSON."
            )
        return None

    def _token_endpoint(self, request: httpx.Request) -> httpx.Response:
        return self._json_only(request) or super()._token_endpoint(request)

    def _revocation_endpoint(self, request: httpx.Request) -> httpx.Response:
        return self._json_only(request) or super()._revocation_endpoint(request)

    def _introspection_endpoint(self, request: httpx.Request) -> httpx.Response:
        return self._json_only(request) or super()._introspection_endpoint(request)

    def authenticate_client(self, call: TokenCall) -> None:
        # "Basic authentication header of the form Basic <encoded-value>" (create-a-token)
        super().authenticate_client(call)
        if call.auth_method != "client_secret_basic":
            raise Refusal("unauthorized", "client credentials must use HTTP Basic", status=401)

    def token_fields(self, grant: Grant, call: TokenCall) -> dict[str, Any]:
        fields = super().token_fields(grant, call)
        fields["token_type"] = "bearer"
        fields.update(WORKSPACE_FIELDS)
        fields["request_id"] = "7b1f0ad6-5a3e-4f4b-9d0e-2f1c4b6a8e91"
        return fields

    def error_reply(self, refusal: Refusal, request: httpx.Request) -> httpx.Response:
        message = refusal.description or refusal.error
        return notion_error(refusal.status, refusal.error, message)

    def _me(self, request: httpx.Request) -> httpx.Response:
        # https://developers.notion.com/reference/versioning: the header is required
        if "notion-version" not in request.headers:
            return notion_error(
                400, "missing_version", "Notion-Version header failed validation: should be defined"
            )
        try:
            self.bearer_grant(request)
        except Refusal:
            return notion_error(401, "unauthorized", "API token is invalid.")
        # https://developers.notion.com/reference/get-self
        return json_response(
            {
                "object": "user",
                "id": "16d84278-ab0e-484c-9bdd-b35da3bd8905",
                "name": "pied piper",
                "avatar_url": None,
                "type": "bot",
                "bot": {"owner": {"type": "user"}, "workspace_name": "Ada's Notion Workspace"},
            }
        )
