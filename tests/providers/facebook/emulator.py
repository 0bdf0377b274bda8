"""Meta (Facebook Login, Graph API, Instagram Login) as its documentation shows it, on the kit.

- https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow: the
  versioned dialog ``https://www.facebook.com/v21.0/dialog/oauth`` and the code exchange at
  ``https://graph.facebook.com/v21.0/oauth/access_token`` answering ``{"access_token",
  "token_type", "expires_in"}`` (no ``scope``, no refresh token);
- https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived:
  ``GET .../oauth/access_token?grant_type=fb_exchange_token&client_id&client_secret&
  fb_exchange_token`` answering ``{"access_token", "token_type": "bearer", "expires_in":
  5183944}``;
- https://developers.facebook.com/docs/graph-api/securing-requests: with "Require App Secret"
  on, a Graph call without the right ``appsecret_proof`` is refused;
- https://developers.facebook.com/docs/graph-api/guides/error-handling: the nested error
  object ``{"error": {"message", "type": "OAuthException", "code", "error_subcode",
  "fbtrace_id"}}``;
- pre-v2.3 answers (``legacy=True``): ``text/plain`` ``access_token=...&expires=...``;
- Business Login for Instagram (.../instagram-api-with-instagram-login/business-login): the
  code exchange at ``https://api.instagram.com/oauth/access_token`` answering
  ``{"data": [{"access_token", "user_id", "permissions"}]}``, then ``GET
  https://graph.instagram.com/access_token?grant_type=ig_exchange_token`` and
  ``/refresh_access_token?grant_type=ig_refresh_token`` (.../reference/access_token,
  .../reference/refresh_access_token), and the API reading ``access_token`` from the query.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any
from urllib.parse import urlencode

import httpx

from authwire.testing import (
    AUTHORIZATION_CODE,
    Emulator,
    FakeClock,
    Grant,
    Refusal,
    TokenCall,
    json_response,
    text_response,
)

VERSION = "v21.0"
DIALOG = f"https://www.facebook.com/{VERSION}/dialog/oauth"
TOKEN = f"https://graph.facebook.com/{VERSION}/oauth/access_token"
ME = f"https://graph.facebook.com/{VERSION}/me"
APP_ID = "990602627938098"
APP_SECRET = "eb8c7d0f3a1b2c4d5e6f708192a3b4c5"
REDIRECT = "https://app.example/auth/facebook/callback"
LONG_LIVED = 5183944

IG_AUTHORIZE = "https://www.instagram.com/oauth/authorize"
IG_TOKEN = "https://api.instagram.com/oauth/access_token"
IG_EXCHANGE = "https://graph.instagram.com/access_token"
IG_REFRESH = "https://graph.instagram.com/refresh_access_token"
IG_ME = f"https://graph.instagram.com/{VERSION}/me"
IG_APP_ID = "97563852873"
IG_SECRET = "ig5e8c7d0f3a1b2c4d5e6f708192a3b4"
IG_USER = "17841405793187218"


def graph_error(
    message: str, kind: str = "OAuthException", code: int = 100, status: int = 400, **more: Any
) -> httpx.Response:
    return json_response(
        {"error": {"message": message, "type": kind, "code": code, "fbtrace_id": "A1b2C3", **more}},
        status,
    )


def _token_of(request: httpx.Request, *, header: bool = True) -> str | None:
    auth = request.headers.get("authorization", "")
    if header and auth.lower().startswith("bearer "):
        return auth[7:]
    return request.url.params.get("access_token")


class MetaEmulator(Emulator):
    """www.facebook.com and graph.facebook.com (``instagram=False``), or Instagram Login."""

    def __init__(
        self,
        *,
        clock: FakeClock,
        legacy: bool = False,
        require_proof: bool = True,
        instagram: bool = False,
    ) -> None:
        if instagram:
            endpoints = {"authorization_endpoint": IG_AUTHORIZE, "token_endpoint": IG_TOKEN}
            subject = IG_USER
        else:
            endpoints = {"authorization_endpoint": DIALOG, "token_endpoint": TOKEN}
            subject = "10158000000000001"
        super().__init__(
            endpoints=endpoints,
            base_url="https://graph.facebook.com",
            clock=clock,
            subject=subject,
            access_token_lifetime=3600,  # short-lived: "about an hour or two"
            rotate_refresh_tokens=False,
        )
        self.legacy = legacy
        self.require_proof = require_proof
        self.instagram = instagram
        if instagram:
            self.add_client(IG_APP_ID, IG_SECRET, redirect_uris=[REDIRECT])
            self.route("GET", IG_EXCHANGE, self._ig_exchange)
            self.route("GET", IG_REFRESH, self._ig_refresh)
            self.route("GET", IG_ME, self._ig_me)
        else:
            self.add_client(APP_ID, APP_SECRET, redirect_uris=[REDIRECT])
            self.grants["fb_exchange_token"] = self._fb_exchange
            self.route("GET", TOKEN, self._token_by_get)
            self.route("GET", ME, self._me)
        self.grants[AUTHORIZATION_CODE] = self._code

    def _code(self, call: TokenCall) -> Grant:
        grant = self._authorization_code(call)
        grant.refresh = False  # Meta issues no refresh tokens
        return grant

    def _fb_exchange(self, call: TokenCall) -> Grant:
        stored = self._access.get(str(call.params.get("fb_exchange_token", "")))
        if stored is None or stored.revoked or stored.grant.client_id != call.client_id:
            raise Refusal("invalid_grant", "Error validating access token")
        if stored.expires_at is not None and stored.expires_at <= self.clock():
            raise Refusal("invalid_grant", "Session has expired")
        return Grant(call.client_id or "", stored.grant.scope, stored.grant.subject, refresh=False)

    def _token_by_get(self, request: httpx.Request) -> httpx.Response:
        # the documented calls are GETs with query parameters: read them as a form
        form = httpx.Request(
            "POST",
            request.url.copy_with(query=None),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            content=urlencode(list(request.url.params.multi_items())).encode(),
        )
        return self._token_endpoint(form)

    def token_fields(self, grant: Grant, call: TokenCall) -> dict[str, Any]:
        fields = super().token_fields(grant, call)
        fields.pop("scope", None)
        if call.grant_type == "fb_exchange_token":
            self._access[fields["access_token"]].expires_at = self.clock() + LONG_LIVED
            fields["expires_in"] = LONG_LIVED
        fields["token_type"] = "bearer"
        if self.instagram:
            return {
                "data": [
                    {
                        "access_token": fields["access_token"],
                        "user_id": grant.subject,
                        "permissions": grant.scope,
                    }
                ]
            }
        return fields

    def token_reply(self, fields: Any, call: TokenCall) -> httpx.Response:
        if self.legacy:
            body = urlencode(
                {"access_token": fields["access_token"], "expires": fields["expires_in"]}
            )
            return text_response(body)
        return super().token_reply(fields, call)

    def error_reply(self, refusal: Refusal, request: httpx.Request) -> httpx.Response:
        if refusal.error == "invalid_grant":
            return graph_error(
                refusal.description or "This authorization code has been used.",
                error_subcode=36009,
            )
        return graph_error(refusal.description or refusal.error, status=refusal.status)

    # -- the Graph API ----------------------------------------------------------------------

    def _grant_of(self, token: str | None) -> Grant | None:
        stored = self._access.get(token or "")
        if stored is None or stored.revoked:
            return None
        if stored.expires_at is not None and stored.expires_at <= self.clock():
            return None
        return stored.grant

    def _me(self, request: httpx.Request) -> httpx.Response:
        token = _token_of(request)
        with self._lock:
            grant = self._grant_of(token)
        if grant is None or token is None:
            return graph_error("Invalid OAuth access token.", code=190, status=401)
        if self.require_proof:
            expected = hmac.new(APP_SECRET.encode(), token.encode(), hashlib.sha256).hexdigest()
            proof = request.url.params.get("appsecret_proof")
            if proof is None:
                return graph_error(
                    "API calls from the server require an appsecret_proof argument",
                    kind="GraphMethodException",
                )
            if not hmac.compare_digest(proof, expected):
                return graph_error("Invalid appsecret_proof provided in the API argument")
        return json_response({"id": grant.subject, "name": "Jan Doe"})

    # -- Instagram ----------------------------------------------------------------------------

    def _ig_exchange(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        if (
            params.get("grant_type") != "ig_exchange_token"
            or params.get("client_secret") != IG_SECRET
        ):
            return graph_error("Invalid client_secret or grant_type")
        with self._lock:
            grant = self._grant_of(params.get("access_token"))
        if grant is None:
            return graph_error("Invalid OAuth access token.", code=190)
        token = self.issue_token(grant.client_id, subject=grant.subject, lifetime=LONG_LIVED)
        return json_response(
            {"access_token": token, "token_type": "bearer", "expires_in": LONG_LIVED}
        )

    def _ig_refresh(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        if params.get("grant_type") != "ig_refresh_token":
            return graph_error("grant_type must be ig_refresh_token")
        with self._lock:
            grant = self._grant_of(params.get("access_token"))
        if grant is None:
            return graph_error("Invalid OAuth access token.", code=190)
        token = self.issue_token(grant.client_id, subject=grant.subject, lifetime=LONG_LIVED)
        return json_response(
            {"access_token": token, "token_type": "bearer", "expires_in": LONG_LIVED}
        )

    def _ig_me(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            grant = self._grant_of(_token_of(request, header=False))
        if grant is None:
            return graph_error("Invalid OAuth access token - Cannot parse access token", code=190)
        return json_response({"user_id": grant.subject, "username": "jandoe"})
