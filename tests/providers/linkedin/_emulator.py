"""LinkedIn as its documentation (and what LinkedIn is reported to answer) shows it, on the kit.

- https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2:
  the discovery document at ``https://www.linkedin.com/oauth/.well-known/openid-configuration``
  (issuer ``https://www.linkedin.com/oauth``), the token answer of the OpenID Connect flow
  (``expires_in: 5184000``, ``scope: "email,openid,profile"``, ``id_token``), the ID token
  (``email_verified: "true"`` as a string, ``locale: "en_US"``, no ``nonce``: authlib#763,
  python-social-auth/social-core#833) and UserInfo (``locale`` an object:
  pennersr/django-allauth#3391);
- https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow:
  the web flow, client id and secret in the body; PKCE is not part of it, and a web app's
  ``code_verifier`` is answered ``invalid_client`` (nextauthjs/next-auth#8831);
- https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow-native:
  the native flow's own authorization URL and loopback redirect URIs;
- https://learn.microsoft.com/en-us/linkedin/shared/authentication/programmatic-refresh-tokens:
  refresh tokens for approved partners only (``refresh_token_expires_in``, 365 days, not reset
  by a refresh);
- https://learn.microsoft.com/en-us/linkedin/shared/authentication/client-credentials-flow:
  the 2-legged answer ``{"access_token": ..., "expires_in": 1799}``;
- https://learn.microsoft.com/en-us/linkedin/shared/authentication/token-introspection:
  ``/oauth/v2/introspectToken`` and its answer;
- https://learn.microsoft.com/en-us/linkedin/shared/integrations/people/profile-api and
  .../primary-contact-api: the legacy ``/v2/me`` and ``/v2/emailAddress``.
"""

from __future__ import annotations

from typing import Any

from authwire.testing import (
    AUTHORIZATION_CODE,
    CLIENT_CREDENTIALS,
    Emulator,
    FakeClock,
    Grant,
    Refusal,
    TokenCall,
    json_response,
)
from authwire.testing.recorded import RecordedRequest

ISSUER = "https://www.linkedin.com/oauth"
AUTHORIZE = "https://www.linkedin.com/oauth/v2/authorization"
NATIVE_AUTHORIZE = "https://www.linkedin.com/oauth/native-pkce/authorization"
TOKEN = "https://www.linkedin.com/oauth/v2/accessToken"
INTROSPECT = "https://www.linkedin.com/oauth/v2/introspectToken"
USERINFO = "https://api.linkedin.com/v2/userinfo"
ME = "https://api.linkedin.com/v2/me"
EMAIL = "https://api.linkedin.com/v2/emailAddress"

CLIENT_ID = "78bihyg95w4jjp"
CLIENT_SECRET = "WPL_AP1.Hq2xz7Kd0mTu8sVb.3f1a9c=="
NATIVE_ID = "86native4pkce2"
REDIRECT = "https://app.example/auth/linkedin/callback"
LOOPBACK = "http://127.0.0.1:8765/callback"
MEMBER = "f1CNX59nrd"

DISCOVERY = {
    "issuer": ISSUER,
    "authorization_endpoint": AUTHORIZE,
    "token_endpoint": TOKEN,
    "userinfo_endpoint": USERINFO,
    "jwks_uri": "https://www.linkedin.com/oauth/openid/jwks",
    "response_types_supported": ["code"],
    "subject_types_supported": ["pairwise"],
    "id_token_signing_alg_values_supported": ["RS256"],
    "scopes_supported": ["openid", "profile", "email"],
    "claims_supported": [
        "iss",
        "aud",
        "iat",
        "exp",
        "sub",
        "name",
        "given_name",
        "family_name",
        "picture",
        "email",
        "email_verified",
        "locale",
    ],
}

PICTURE = (
    "https://media.licdn.com/dms/image/C4D03AQFIoK4T52FiFA/profile-displayphoto-shrink_100_100/0"
)


class LinkedInEmulator(Emulator):
    """www.linkedin.com and api.linkedin.com.

    Args:
        clock: shared with the clients under test.
        partner: the app is an approved partner, with programmatic refresh tokens.
    """

    def __init__(self, *, clock: FakeClock, partner: bool = False) -> None:
        super().__init__(
            issuer=ISSUER,
            discovery=DISCOVERY,
            endpoints={"introspection_endpoint": INTROSPECT},
            clock=clock,
            subject=MEMBER,
            userinfo={
                "email_verified": True,
                "name": "Paul Greenberg",
                "given_name": "Paul",
                "family_name": "Greenberg",
                "picture": PICTURE,
                "email": "paul@example.com",
                "locale": {"country": "US", "language": "en"},
            },
            access_token_lifetime=5184000,  # 60 days
            rotate_refresh_tokens=False,  # the same refresh token until it expires
        )
        self.partner = partner
        self.add_client(CLIENT_ID, CLIENT_SECRET, redirect_uris=[REDIRECT])
        self.add_client(NATIVE_ID, redirect_uris=[LOOPBACK])
        # the kit's own grants, wrapped with LinkedIn's rules
        self._builtin_code = self.grants[AUTHORIZATION_CODE]
        self._builtin_client_credentials = self.grants[CLIENT_CREDENTIALS]
        self.grants[AUTHORIZATION_CODE] = self._linkedin_code
        self.grants[CLIENT_CREDENTIALS] = self._two_legged
        self.route("GET", NATIVE_AUTHORIZE, self._authorize_page)
        self.route("POST", INTROSPECT, self._introspect)
        self.route("GET", ME, self._me)
        self.route("GET", EMAIL, self._email_address)

    # -- grants ---------------------------------------------------------------------------

    def _linkedin_code(self, call: TokenCall) -> Grant:
        if "code_verifier" in call.params and call.auth_method != "none":
            # a web app's token request with PKCE (reported in nextauthjs/next-auth#8831)
            raise Refusal("invalid_client", "Client authentication failed", status=401)
        grant = self._builtin_code(call)
        assert isinstance(grant, Grant)
        grant.refresh = self.partner
        grant.nonce = None  # LinkedIn's ID tokens never carry the nonce
        return grant

    def _two_legged(self, call: TokenCall) -> Grant:
        grant = self._builtin_client_credentials(call)
        assert isinstance(grant, Grant)
        grant.extra["__two_legged__"] = True
        return grant

    # -- shapes -----------------------------------------------------------------------------

    def token_fields(self, grant: Grant, call: TokenCall) -> dict[str, Any]:
        fields = super().token_fields(grant, call)
        if fields.pop("__two_legged__", False):
            # "{"access_token": "AQV8...", "expires_in": 1799}"
            self._access[fields["access_token"]].expires_at = self.clock() + 1799
            return {"access_token": fields["access_token"], "expires_in": 1799}
        if "scope" in fields:
            fields["scope"] = ",".join(sorted(str(fields["scope"]).split()))
        if "refresh_token" in fields:
            fields["refresh_token_expires_in"] = 31536000
        return fields

    def id_token_claims(self, grant: Grant, access_token: str | None = None) -> dict[str, Any]:
        claims = super().id_token_claims(grant, access_token)
        # the ID token as LinkedIn signs it: email_verified a string, locale "en_US", no
        # at_hash, no auth_time, and no nonce whatever the authorization request sent
        claims["email_verified"] = "true"
        claims["locale"] = "en_US"
        for name in ("at_hash", "auth_time", "nonce"):
            claims.pop(name, None)
        return claims

    # -- the other endpoints ----------------------------------------------------------------------

    def _introspect(self, request: Any) -> Any:
        # "client_id", "client_secret" and "token" in the form
        form = RecordedRequest.of(request).form
        if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            raise Refusal("invalid_client", "Client authentication failed", status=401)
        with self._lock:
            stored = self._access.get(form.get("token", ""))
            now = self.clock()
            if (
                stored is None
                or stored.revoked
                or (stored.expires_at is not None and stored.expires_at <= now)
            ):
                return json_response({"active": False})
            return json_response(
                {
                    "active": True,
                    "client_id": stored.grant.client_id,
                    "authorized_at": 1493055596,
                    "created_at": 1493055596,
                    "status": "active",
                    "expires_at": int(stored.expires_at or now),
                    "scope": ",".join(stored.grant.scope.split()),
                    "auth_type": "3L" if stored.grant.subject == MEMBER else "2L",
                }
            )

    def _needs(self, request: Any, scope: str, path: str) -> Grant:
        grant = self.bearer_grant(request)
        if scope not in grant.scope.split():
            raise Refusal(
                "access_denied",
                status=403,
                headers={"X-LI-Error": f"Not enough permissions to access: GET {path}"},
            )
        return grant

    def _me(self, request: Any) -> Any:
        self._needs(request, "r_liteprofile", "/me")
        return json_response(
            {
                "id": "yrZCpj2Z12",
                "localizedFirstName": "Tina",
                "localizedLastName": "Belcher",
                "firstName": {
                    "localized": {"en_US": "Tina"},
                    "preferredLocale": {"country": "US", "language": "en"},
                },
                "lastName": {
                    "localized": {"en_US": "Belcher"},
                    "preferredLocale": {"country": "US", "language": "en"},
                },
            }
        )

    def _email_address(self, request: Any) -> Any:
        self._needs(request, "r_emailaddress", "/emailAddress")
        assert request.url.params.get("q") == "members"
        assert request.url.params.get("projection") == "(elements*(handle~))"
        return json_response(
            {
                "elements": [
                    {
                        "handle": "urn:li:emailAddress:3775708763",
                        "handle~": {"emailAddress": "hsimpson@linkedin.com"},
                    }
                ]
            }
        )
