"""An Amazon Cognito user pool for the tests, built with :mod:`authwire.testing`.

Two hosts, as Cognito has them: the OAuth 2.0 endpoints and ``/logout`` on the user pool's
domain, the issuer, discovery document and JWKS on ``cognito-idp.{region}.amazonaws.com``.
The answers are the examples of the Amazon Cognito Developer Guide, cited beside each.
"""

from __future__ import annotations

import time
from typing import Any

import httpx

from authwire.testing import (
    AUTHORIZATION_CODE,
    CLIENT_CREDENTIALS,
    REFRESH_TOKEN,
    Emulator,
    FakeClock,
    Grant,
    Refusal,
    TokenCall,
    text_response,
)

REGION = "us-east-1"
USER_POOL_ID = "us-east-1_AbCdEf123"
DOMAIN = "mydomain.auth.us-east-1.amazoncognito.com"
CUSTOM_DOMAIN = "auth.example.com"
ISSUER = f"https://cognito-idp.{REGION}.amazonaws.com/{USER_POOL_ID}"
# the app client of the Token endpoint examples (client_id djc98u3jiedmi283eu928, secret
# abcdef01234567890): https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html
CLIENT_ID = "djc98u3jiedmi283eu928"
CLIENT_SECRET = "abcdef01234567890"
PUBLIC_CLIENT_ID = "ad398u21ijw3s9w3939"
M2M_ID = "1example23456789"
M2M_SECRET = "m2m-secret-0example1example2"
REDIRECT = "https://app.test/callback"
SIGNED_OUT = "https://app.test/signed-out"
#: A resource server and its custom scopes, as in "Defining resource servers"
#: (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-define-resource-servers.html)
PHOTOS = "com.example.photos"
ALLOWED_SCOPES = (f"{PHOTOS}/read", f"{PHOTOS}/write")
SUB = "aaaaaaaa-bbbb-cccc-dddd-example"


def discovery_document(domain: str = DOMAIN) -> dict[str, Any]:
    """The pool's ``/.well-known/openid-configuration``, on the Cognito service host.

    The endpoints of the user pool endpoints reference
    (https://docs.aws.amazon.com/cognito/latest/developerguide/federation-endpoints.html):
    the OAuth 2.0 ones on the pool's domain, the JWKS beside the issuer.
    """
    return {
        "issuer": ISSUER,
        "authorization_endpoint": f"https://{domain}/oauth2/authorize",
        "token_endpoint": f"https://{domain}/oauth2/token",
        "userinfo_endpoint": f"https://{domain}/oauth2/userInfo",
        "revocation_endpoint": f"https://{domain}/oauth2/revoke",
        "jwks_uri": f"{ISSUER}/.well-known/jwks.json",
        "response_types_supported": ["code", "token"],
        "scopes_supported": ["openid", "email", "phone", "profile"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
    }


class CognitoUserPool(Emulator):
    """One user pool with a domain, a web app client, a public one and an M2M one."""

    def __init__(
        self, *, domain: str = DOMAIN, clock: FakeClock | None = None, lenient: bool = False
    ) -> None:
        self.domain = domain
        #: the pool's clock, to move time in a test
        self.time = clock or FakeClock()
        self.sign_out_urls = {CLIENT_ID: [SIGNED_OUT], PUBLIC_CLIENT_ID: [SIGNED_OUT]}
        self.refresh_tokens: set[str] = set()
        super().__init__(
            issuer=ISSUER,
            discovery=discovery_document(domain),
            clock=self.time,
            subject=SUB,
            # the userInfo endpoint's sample response
            # (https://docs.aws.amazon.com/cognito/latest/developerguide/userinfo-endpoint.html)
            userinfo={
                "name": "Jane Doe",
                "given_name": "Jane",
                "family_name": "Doe",
                "preferred_username": "j.doe",
                "email": "janedoe@example.com",
            },
            access_token_lifetime=3600,
            # "The token endpoint returns refresh_token only when the grant_type is
            # authorization_code" (Token endpoint page): no rotation
            rotate_refresh_tokens=False,
        )
        self.lenient = lenient
        if not lenient:  # lenient: any client is accepted, as the documentation's are
            self.add_client(CLIENT_ID, CLIENT_SECRET, redirect_uris=[REDIRECT])
            self.add_client(PUBLIC_CLIENT_ID, redirect_uris=[REDIRECT])
            self.add_client(M2M_ID, M2M_SECRET)
        self.grants[CLIENT_CREDENTIALS] = self._cognito_client_credentials
        self.route("POST", self.endpoint("revocation_endpoint"), self._cognito_revoke)
        self.route("GET", f"https://{domain}/logout", self._logout)

    def token_fields(self, grant: Grant, call: TokenCall) -> dict[str, Any]:
        # the samples answer access_token, id_token, refresh_token (code exchange only),
        # token_type and expires_in; no scope member
        fields = super().token_fields(grant, call)
        fields.pop("scope", None)
        if call.grant_type in (AUTHORIZATION_CODE, REFRESH_TOKEN) and "refresh_token" in fields:
            self.refresh_tokens.add(fields["refresh_token"])
        return fields

    def id_token_claims(self, grant: Grant, access_token: str | None = None) -> dict[str, Any]:
        # an ID token says token_use "id" and carries the user name
        # (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html)
        claims = super().id_token_claims(grant, access_token)
        claims.update({"token_use": "id", "cognito:username": "j.doe", "email_verified": True})
        return claims

    def _cognito_client_credentials(self, call: TokenCall) -> Grant:
        """Only custom scopes, each allowed for the client; none asked means all of them
        (Token endpoint page, ``scope``; resource servers page: "If a client requests a
        disallowed scope at runtime, an error is returned")."""
        if call.auth_method == "none":
            raise Refusal("unauthorized_client")
        asked = str(call.params.get("scope", "")).split()
        if any(scope not in ALLOWED_SCOPES for scope in asked):
            raise Refusal("invalid_scope")  # Cognito's bare {"error":"invalid_scope"}
        scope = " ".join(asked or ALLOWED_SCOPES)
        return Grant(call.client_id or "", scope, call.client_id or "", refresh=False)

    def _cognito_revoke(self, request: httpx.Request) -> httpx.Response:
        """Refresh tokens only: "HTTP 400 and error unsupported_token_type is returned if
        the token sent in the revocation request is not a refresh token"
        (https://docs.aws.amazon.com/cognito/latest/developerguide/revocation-endpoint.html)."""
        token = dict(httpx.QueryParams(request.read().decode("utf-8"))).get("token", "")
        if token and token not in self.refresh_tokens and self.is_active(token):
            raise Refusal("unsupported_token_type")
        return self._revocation_endpoint(request)

    def _logout(self, request: httpx.Request) -> httpx.Response:
        """``GET /logout``: ``client_id``, and ``logout_uri`` among the client's sign-out
        URLs; "Amazon Cognito requires either a logout_uri or a redirect_uri parameter"
        (https://docs.aws.amazon.com/cognito/latest/developerguide/logout-endpoint.html)."""
        params = dict(request.url.params)
        client_id = params.get("client_id")
        if client_id is None:
            return text_response("Required String parameter 'client_id' is not present", 400)
        target = params.get("logout_uri")
        if target is None:
            if "redirect_uri" in params:
                return httpx.Response(
                    302,
                    headers={
                        "Location": f"https://{self.domain}/login?{request.url.query.decode()}"
                    },
                )
            return text_response("logout_uri or redirect_uri is required", 400)
        if not self.lenient and target not in self.sign_out_urls.get(client_id, []):
            return text_response("logout_uri is not an allowed sign-out URL", 400)
        return httpx.Response(302, headers={"Location": target})


def for_docs() -> CognitoUserPool:
    """The user pool the documentation's examples talk to (``docs/providers/cognito.md``):
    its clock frozen at the time of the call, any client and sign-out URL accepted."""
    return CognitoUserPool(clock=FakeClock(now=time.time()), lenient=True)
