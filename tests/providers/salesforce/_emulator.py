"""Salesforce (a login host and an org's instance) as its documentation shows it, on the kit.

- https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm:
  the web server flow's token answer — ``access_token``, ``signature`` (Base64 HMAC-SHA256 of
  ``id`` + ``issued_at`` keyed with the consumer secret), ``scope``, ``instance_url``, ``id``,
  ``token_type: "Bearer"``, ``issued_at`` (milliseconds, a string), ``refresh_token``; no
  ``expires_in``; the refresh answer is the same without a refresh token;
- https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm: the JWT
  bearer flow — ``iss`` the consumer key, ``sub`` a pre-authorized username, ``aud``
  ``https://login.salesforce.com`` / ``https://test.salesforce.com``, RS256 with the
  certificate uploaded to the connected app; the answer ``{"access_token", "scope",
  "instance_url", "id", "token_type"}``; refusals ``invalid_grant`` "audience is invalid",
  "user hasn't approved this consumer" (as Salesforce answers them, quoted on
  salesforce.stackexchange.com);
- https://help.salesforce.com/s/articleView?id=sf.remoteaccess_using_openid.htm: the
  identity URL's answer;
- the REST API's answer to an expired session: 401 with
  ``[{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]`` and no
  ``WWW-Authenticate`` challenge
  (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from email.utils import formatdate
from typing import Any

from authwire.testing import (
    JWT_BEARER,
    Emulator,
    FakeClock,
    Grant,
    Refusal,
    SigningKey,
    TokenCall,
    decode_jwt,
    json_response,
)

LOGIN = "https://login.salesforce.com"
SANDBOX = "https://test.salesforce.com"
INSTANCE = "https://acme.my.salesforce.com"
ORG_ID = "00Dxx0000001gPLEAY"
USER_ID = "005xx000001SwiUAAS"
USERNAME = "integration@acme.com"
CONSUMER_KEY = "3MVG9lKcPoNINVBIPJjdw1J9LLM82HnFVVX19KY1uA5mu0QqEWhqKpoW3svG3X"
CONSUMER_SECRET = "6C1F3D2B0A8E4F9C7D5B3A1E8F6D4C2B0A9E7F5D3C1B8A6F4E2D0C9B7A5E3F1"
REDIRECT = "https://app.example/auth/salesforce/callback"
API_VERSION = "v62.0"
EXPIRED_SESSION = [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]

#: The certificate's key of the connected app (its private half is the client's).
APP_KEY = SigningKey.shared("RS256")


def identity_url(login: str = LOGIN) -> str:
    return f"{login}/id/{ORG_ID}/{USER_ID}"


def signature(identity: str, issued_at: str, secret: str = CONSUMER_SECRET) -> str:
    digest = hmac.new(secret.encode(), (identity + issued_at).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class SalesforceEmulator(Emulator):
    """A Salesforce login host and the org's instance.

    Args:
        login: the login host's URL (``https://login.salesforce.com``, the sandbox one, or a
            My Domain).
        clock: shared with the clients under test.
        session_timeout: the org's session timeout: a token dies this long after issue.
        answer_delay: seconds between issuing a token and the answer reaching the client.
        tamper_id: change the ``id`` of every answer after it was signed (a man in the
            middle pointing the client at another identity).
    """

    def __init__(
        self,
        login: str = LOGIN,
        *,
        clock: FakeClock,
        session_timeout: int = 7200,
        answer_delay: int = 0,
        tamper_id: bool = False,
    ) -> None:
        oauth2 = f"{login}/services/oauth2"
        super().__init__(
            issuer=login,
            endpoints={
                "authorization_endpoint": f"{oauth2}/authorize",
                "token_endpoint": f"{oauth2}/token",
                "revocation_endpoint": f"{oauth2}/revoke",
                "introspection_endpoint": f"{oauth2}/introspect",
                "userinfo_endpoint": f"{oauth2}/userinfo",
                "jwks_uri": f"{login}/id/keys",
            },
            clock=clock,
            subject=identity_url(login),
            userinfo={
                "user_id": USER_ID,
                "organization_id": ORG_ID,
                "preferred_username": USERNAME,
                "email": USERNAME,
                "email_verified": True,
            },
            access_token_lifetime=session_timeout,  # the session lives this long...
            rotate_refresh_tokens=False,  # ...and the refresh token is kept
        )
        self.login = login
        self.fake_clock = clock
        self.answer_delay = answer_delay
        self.tamper_id = tamper_id
        self.pre_authorized = {USERNAME}
        self.audiences = {LOGIN, SANDBOX}
        self.add_client(CONSUMER_KEY, CONSUMER_SECRET, redirect_uris=[REDIRECT])
        # the JWT bearer flow's requests carry no client authentication (the assertion's iss
        # names the connected app): they reach the grant as an anonymous public client
        self.add_client("")
        self.grants[JWT_BEARER] = self._jwt_bearer_flow
        self.route("GET", identity_url(login), self._identity)
        self.route("GET", f"{INSTANCE}/services/data/{API_VERSION}/", self._versions)
        self.route("GET", f"{INSTANCE}/services/data/{API_VERSION}/limits", self._limits)

    # -- the JWT bearer flow --------------------------------------------------------------------

    def _jwt_bearer_flow(self, call: TokenCall) -> Grant:
        assertion = str(call.params.get("assertion", ""))
        try:
            claims = APP_KEY.verify(assertion)
        except Exception:
            raise Refusal("invalid_grant", "invalid assertion") from None
        if decode_jwt(assertion).header.get("alg") != "RS256":
            raise Refusal("invalid_grant", "invalid assertion")
        if claims.get("iss") != CONSUMER_KEY:
            raise Refusal("invalid_client_id", "client identifier invalid")
        if claims.get("aud") not in self.audiences:
            raise Refusal("invalid_grant", "audience is invalid")
        exp = claims.get("exp")
        if not isinstance(exp, int) or exp <= self.clock():
            raise Refusal("invalid_grant", "expired authorization code")
        if claims.get("sub") not in self.pre_authorized:
            raise Refusal("invalid_grant", "user hasn't approved this consumer")
        call.client_id = CONSUMER_KEY
        # the scopes of the user's earlier approvals, here those of the documentation's answer
        return Grant(CONSUMER_KEY, "web openid api id", self.subject, refresh=False, id_token=False)

    # -- shapes -----------------------------------------------------------------------------------

    def token_fields(self, grant: Grant, call: TokenCall) -> dict[str, Any]:
        fields = super().token_fields(grant, call)
        fields.pop("expires_in", None)  # Salesforce sends none
        fields["instance_url"] = INSTANCE
        fields["id"] = identity_url(self.login)
        if call.grant_type != JWT_BEARER:
            issued = str(int(self.clock() * 1000))  # milliseconds, as a string
            fields["issued_at"] = issued
            fields["signature"] = signature(fields["id"], issued)
        if self.tamper_id:
            fields["id"] = f"{self.login}/id/{ORG_ID}/005xx00000EVILUSR"
        return fields

    def token_reply(self, fields: Any, call: TokenCall) -> Any:
        if self.answer_delay:
            self.fake_clock.advance(self.answer_delay)
        response = super().token_reply(fields, call)
        response.headers["Date"] = formatdate(self.clock(), usegmt=True)
        return response

    # -- the org's API and the identity URL ------------------------------------------------------

    def _session(self, request: Any) -> Grant | None:
        try:
            return self.bearer_grant(request)
        except Refusal:
            return None

    def _expired(self) -> Any:
        # INVALID_SESSION_ID: 401, and no WWW-Authenticate challenge
        return json_response(EXPIRED_SESSION, 401)

    def _versions(self, request: Any) -> Any:
        if self._session(request) is None:
            return self._expired()
        base = f"/services/data/{API_VERSION}"
        return json_response({"limits": f"{base}/limits", "sobjects": f"{base}/sobjects"})

    def _limits(self, request: Any) -> Any:
        if self._session(request) is None:
            return self._expired()
        return json_response({"DailyApiRequests": {"Max": 15000, "Remaining": 14998}})

    def _identity(self, request: Any) -> Any:
        if self._session(request) is None:
            return json_response("Bad_OAuth_Token", 403)
        return json_response(
            {
                "id": identity_url(self.login),
                "asserted_user": True,
                "user_id": USER_ID,
                "organization_id": ORG_ID,
                "username": USERNAME,
                "display_name": "Integration User",
                "active": True,
                "user_type": "STANDARD",
                "urls": {
                    "rest": f"{INSTANCE}/services/data/v{{version}}/",
                    "sobjects": f"{INSTANCE}/services/data/v{{version}}/sobjects/",
                },
            }
        )
