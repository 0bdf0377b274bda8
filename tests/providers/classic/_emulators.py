"""The classic providers for the tests, built with :mod:`authwire.testing`.

Each answers as its own documentation shows, the page cited beside each shape.
"""

from __future__ import annotations

from typing import Any, cast

import httpx

from authwire.testing import Emulator, Grant, Refusal, TokenCall, json_response

CLIENT_ID = "app-7Hq2"
CLIENT_SECRET = "s3cr3t-Wk9pZr"
REDIRECT = "https://app.example/auth/callback"


class Douban(Emulator):
    """www.douban.com/service/auth2 and ``GET https://api.douban.com/v2/user/~me``."""

    ME = "https://api.douban.com/v2/user/~me"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            endpoints={
                "authorization_endpoint": "https://www.douban.com/service/auth2/auth",
                "token_endpoint": "https://www.douban.com/service/auth2/token",
            },
            base_url="https://www.douban.com",
            access_token_lifetime=3920,
            **kwargs,
        )
        self.add_client(CLIENT_ID, CLIENT_SECRET, redirect_uris=[REDIRECT])
        self.route("GET", self.ME, self._me)

    def token_fields(self, grant: Grant, call: TokenCall) -> dict[str, Any]:
        # https://developers.douban.com/wiki/?title=oauth2: access_token, expires_in,
        # refresh_token, douban_user_id; no token_type
        fields = super().token_fields(grant, call)
        del fields["token_type"]
        fields.pop("scope", None)
        fields["douban_user_id"] = "1221"
        return fields

    def error_reply(self, refusal: Refusal, request: httpx.Request) -> httpx.Response:
        # https://developers.douban.com/wiki/?title=api_v2 (错误码): {"msg", "code", "request"}
        codes = {"invalid_grant": (118, "invalid_authorization_code"),
                 "invalid_client": (116, "client_secret_mismatch")}  # fmt: skip
        code, msg = codes.get(refusal.error, (113, "required_parameter_is_missing"))
        if refusal.error == "invalid_grant" and "refresh" in (refusal.description or ""):
            code, msg = 119, "invalid_refresh_token"
        return json_response(
            {"msg": msg, "code": code, "request": f"{request.method} {request.url.path}"}, 400
        )

    def _me(self, request: httpx.Request) -> httpx.Response:
        try:
            grant = self.bearer_grant(request)
        except Refusal:
            return json_response(
                {"msg": "invalid_access_token", "code": 103, "request": "GET /v2/user/~me"}, 400
            )
        return json_response({"id": "1221", "uid": grant.subject, "name": "douban user"})


class Ebay(Emulator):
    """api(.sandbox).ebay.com/identity/v1/oauth2/token and one Sell API call."""

    def __init__(self, *, sandbox: bool = False, **kwargs: Any) -> None:
        self.api = "https://api.sandbox.ebay.com" if sandbox else "https://api.ebay.com"
        auth = "https://auth.sandbox.ebay.com" if sandbox else "https://auth.ebay.com"
        super().__init__(
            endpoints={
                "authorization_endpoint": f"{auth}/oauth2/authorize",
                "token_endpoint": f"{self.api}/identity/v1/oauth2/token",
            },
            base_url=self.api,
            access_token_lifetime=7200,
            rotate_refresh_tokens=False,  # the refresh token is reused for 18 months
            **kwargs,
        )
        self.privileges = f"{self.api}/sell/account/v1/privilege"
        # the RuName stands for the redirect URL (oauth-auth-code-grant-request.html)
        self.add_client(
            CLIENT_ID, CLIENT_SECRET, redirect_uris=["Example_App-ExampleA-Exampl-abcde"]
        )
        self.route("GET", self.privileges, self._privileges)

    def authenticate_client(self, call: TokenCall) -> None:
        # "Authorization: the word Basic followed by your Base64-encoded OAuth credentials"
        super().authenticate_client(call)
        if call.auth_method != "client_secret_basic":
            raise Refusal("invalid_client", "client authentication failed", status=401)

    def token_fields(self, grant: Grant, call: TokenCall) -> dict[str, Any]:
        # oauth-auth-code-grant-request.html / oauth-client-credentials-grant.html samples
        fields = super().token_fields(grant, call)
        fields.pop("scope", None)
        if call.grant_type == "client_credentials":
            fields["token_type"] = "Application Access Token"
        else:
            fields["token_type"] = "User Access Token"
            if "refresh_token" in fields:
                fields["refresh_token_expires_in"] = 47304000
        return fields

    def _privileges(self, request: httpx.Request) -> httpx.Response:
        try:
            self.bearer_grant(request)
        except Refusal:
            return json_response(
                {"errors": [{"errorId": 1001, "message": "Invalid access token"}]}, 401
            )
        return json_response({"sellingLimit": {"amount": {"currency": "USD", "value": "5000.0"}}})


class Fitbit(Emulator):
    """www.fitbit.com / api.fitbit.com OAuth 2 and the profile call."""

    PROFILE = "https://api.fitbit.com/1/user/-/profile.json"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            endpoints={
                "authorization_endpoint": "https://www.fitbit.com/oauth2/authorize",
                "token_endpoint": "https://api.fitbit.com/oauth2/token",
                "revocation_endpoint": "https://api.fitbit.com/oauth2/revoke",
            },
            base_url="https://api.fitbit.com",
            access_token_lifetime=28800,
            **kwargs,
        )
        self.add_client(CLIENT_ID, CLIENT_SECRET, redirect_uris=[REDIRECT])
        self.route("GET", self.PROFILE, self._profile)

    def token_fields(self, grant: Grant, call: TokenCall) -> dict[str, Any]:
        # https://dev.fitbit.com/build/reference/web-api/authorization/oauth2-token (response)
        fields = super().token_fields(grant, call)
        fields["user_id"] = "GGNJL9"
        return fields

    def error_reply(self, refusal: Refusal, request: httpx.Request) -> httpx.Response:
        # https://dev.fitbit.com/build/reference/web-api/troubleshooting-guide/error-messages/
        message = refusal.description or refusal.error
        return json_response(
            {"errors": [{"errorType": refusal.error, "message": message}], "success": False},
            refusal.status,
        )

    def _profile(self, request: httpx.Request) -> httpx.Response:
        try:
            grant = self.bearer_grant(request)
        except Refusal as refusal:
            return self.error_reply(refusal, request)
        return json_response({"user": {"encodedId": "GGNJL9", "displayName": grant.subject}})


class Mailchimp(Emulator):
    """login.mailchimp.com/oauth2."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            endpoints={
                "authorization_endpoint": "https://login.mailchimp.com/oauth2/authorize",
                "token_endpoint": "https://login.mailchimp.com/oauth2/token",
            },
            base_url="https://login.mailchimp.com",
            **kwargs,
        )
        self.add_client(CLIENT_ID, CLIENT_SECRET, redirect_uris=[REDIRECT])

    def token_fields(self, grant: Grant, call: TokenCall) -> dict[str, Any]:
        # https://mailchimp.com/developer/marketing/guides/access-user-data-oauth-2/:
        # {"access_token": "...", "expires_in": 0, "scope": null}; tokens never expire
        fields = super().token_fields(Grant(grant.client_id, grant.scope, grant.subject), call)
        return {"access_token": fields["access_token"], "expires_in": 0, "scope": None}


class Plentymarkets(Emulator):
    """A plentymarkets system's ``/rest/login`` and ``/rest/login/refresh`` (legacy shapes)."""

    HOST = "shop.plentymarkets-cloud01.com"

    def __init__(self, **kwargs: Any) -> None:
        base = f"https://{self.HOST}"
        super().__init__(
            endpoints={"token_endpoint": f"{base}/rest/login"},
            base_url=base,
            access_token_lifetime=86400,
            **kwargs,
        )
        self.login_url = f"{base}/rest/login"
        self.refresh_url = f"{base}/rest/login/refresh"
        self.orders_url = f"{base}/rest/orders"
        self.grants["password"] = self._password
        self.route("POST", self.refresh_url, self._refresh_route)
        self.route("GET", self.orders_url, self._orders)

    def _password(self, call: TokenCall) -> Grant:
        # "username" / "password" of a back end user (authentication/details)
        if call.params.get("username") != "api-user" or call.params.get("password") != "pw-1":
            raise Refusal("invalid_grant", "wrong credentials", status=401)
        # plentymarkets has no OAuth client: the grant belongs to "no client" (None)
        return Grant(cast(str, call.client_id), subject="api-user", refresh=True)

    def _token_endpoint(self, request: httpx.Request) -> httpx.Response:
        # /rest/login logs in; a refresh has its own route (authentication/details)
        if b"grant_type=refresh_token" in request.content:
            return json_response({"error": {"message": "The username field is required."}}, 422)
        return super()._token_endpoint(request)

    def _refresh_route(self, request: httpx.Request) -> httpx.Response:
        return super()._token_endpoint(request)

    def token_reply(self, fields: Any, call: TokenCall) -> httpx.Response:
        # the legacy reference: accessToken, tokenType ("Bearer"), expiresIn, refreshToken
        camel = {"access_token": "accessToken", "token_type": "tokenType",
                 "expires_in": "expiresIn", "refresh_token": "refreshToken"}  # fmt: skip
        return json_response({camel.get(k, k): v for k, v in fields.items()})

    def _orders(self, request: httpx.Request) -> httpx.Response:
        try:
            self.bearer_grant(request)
        except Refusal:
            return json_response({"error": "Unauthenticated."}, 401)
        return json_response({"page": 1, "totalsCount": 0, "entries": []})


class Weibo(Emulator):
    """api.weibo.com/oauth2 and ``GET /2/users/show.json``."""

    SHOW = "https://api.weibo.com/2/users/show.json"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            endpoints={
                "authorization_endpoint": "https://api.weibo.com/oauth2/authorize",
                "token_endpoint": "https://api.weibo.com/oauth2/access_token",
            },
            base_url="https://api.weibo.com",
            access_token_lifetime=157679999,
            **kwargs,
        )
        self.add_client(CLIENT_ID, CLIENT_SECRET, redirect_uris=[REDIRECT])
        self.route("GET", self.SHOW, self._show)

    def token_fields(self, grant: Grant, call: TokenCall) -> dict[str, Any]:
        # https://open.weibo.com/wiki/Oauth2/access_token: access_token, expires_in,
        # remind_in (a string), uid; no token_type, no refresh token for web apps
        fields = super().token_fields(Grant(grant.client_id, "", grant.subject), call)
        return {
            "access_token": fields["access_token"],
            "expires_in": fields["expires_in"],
            "remind_in": str(fields["expires_in"]),
            "uid": "12341234",
        }

    def _show(self, request: httpx.Request) -> httpx.Response:
        # https://open.weibo.com/wiki/2/users/show: access_token is a request parameter;
        # without it: error 21301 (https://open.weibo.com/wiki/Error_code)
        token = request.url.params.get("access_token")
        if not token or not self.is_active(token):
            return json_response(
                {"error": "auth faild!", "error_code": 21301, "request": "/2/users/show.json"},
                403,
            )
        return json_response({"id": 12341234, "screen_name": "weibo user"})
