"""An Auth0 tenant for the tests, built with :mod:`authwire.testing`.

It plays what Auth0 documents, each behaviour cited beside its code: the issuer with a
trailing slash; ``audience`` deciding between a JWT access token for an API and an opaque
one good for ``/userinfo`` only; organizations (``organization`` on ``/authorize`` and on
client credentials, ``org_id`` / ``org_name`` in the tokens); refresh tokens only with
``offline_access``; RP-initiated logout at ``/oidc/logout`` and the legacy ``/v2/logout``.
An API of the reader's (``API_URL``) validates access tokens the way Auth0 tells APIs to.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx

from authwire.testing import (
    AUTHORIZATION_CODE,
    CLIENT_CREDENTIALS,
    REFRESH_TOKEN,
    Approval,
    Emulator,
    FakeClock,
    Grant,
    RecordedRequest,
    Refusal,
    TokenCall,
    json_response,
    text_response,
)

DOMAIN = "dev-abc123.us.auth0.com"
CUSTOM_DOMAIN = "login.example.com"
CLIENT_ID = "ENDmmAJsbwI1hOG1KPJddQ8LHjV6kLkV"
CLIENT_SECRET = "auth0-web-secret-Zp4vQ8nT1wXy3"
M2M_ID = "CS2MNgcX1VZFCJaEzfKw2VPAAS0gzhqP"
M2M_SECRET = "auth0-m2m-secret-Q7rT2uV9wXy5k"
REDIRECT = "https://app.test/callback"
SIGNED_OUT = "https://app.test/signed-out"
HOME = "https://app.test/"
#: The API of the organization examples (https://auth0.com/docs/manage-users/organizations/using-tokens)
API = "https://example-api/"
#: Where that API really answers.
API_URL = "https://api.app.test/orders"
#: The user of the organization examples.
USER = "auth0|602c0dcab993d10073daf680"
ORG_ID = "org_9ybsU1dN2dKfDkBi"
OTHER_ORG_ID = "org_vIK75NKFvaozQsFy"
ORGANIZATIONS = {ORG_ID: "acme", OTHER_ORG_ID: "globex"}


def management_api(domain: str = DOMAIN) -> str:
    """The Management API's identifier, ``https://{domain}/api/v2/``."""
    return f"https://{domain}/api/v2/"


def discovery_document(domain: str = DOMAIN, *, rp_logout: bool = True) -> dict[str, Any]:
    """The tenant's ``/.well-known/openid-configuration``.

    The endpoints of the Authentication API (https://auth0.com/docs/api/authentication)
    under the issuer ``https://{domain}/``; ``end_session_endpoint`` only when "RP-Initiated
    Logout End Session Endpoint Discovery" is on, the default for tenants created on or
    after 2023-11-14 (https://auth0.com/docs/authenticate/login/logout/log-users-out-of-auth0).
    """
    document: dict[str, Any] = {
        "issuer": f"https://{domain}/",
        "authorization_endpoint": f"https://{domain}/authorize",
        "token_endpoint": f"https://{domain}/oauth/token",
        "device_authorization_endpoint": f"https://{domain}/oauth/device/code",
        "userinfo_endpoint": f"https://{domain}/userinfo",
        "jwks_uri": f"https://{domain}/.well-known/jwks.json",
        "revocation_endpoint": f"https://{domain}/oauth/revoke",
        "scopes_supported": [
            "openid",
            "profile",
            "offline_access",
            "name",
            "given_name",
            "family_name",
            "nickname",
            "email",
            "email_verified",
            "picture",
            "created_at",
            "identities",
            "phone",
            "address",
        ],
        "response_types_supported": [
            "code",
            "token",
            "id_token",
            "code token",
            "code id_token",
            "token id_token",
            "code token id_token",
        ],
        "code_challenge_methods_supported": ["S256", "plain"],
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["public"],
        "token_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
            "private_key_jwt",
        ],
        "claims_supported": [
            "aud",
            "auth_time",
            "created_at",
            "email",
            "email_verified",
            "exp",
            "family_name",
            "given_name",
            "iat",
            "identities",
            "iss",
            "name",
            "nickname",
            "phone_number",
            "picture",
            "sub",
        ],
        "request_uri_parameter_supported": False,
        "request_parameter_supported": False,
        "id_token_signing_alg_values_supported": ["HS256", "RS256", "PS256"],
    }
    if rp_logout:
        document["end_session_endpoint"] = f"https://{domain}/oidc/logout"
    return document


class Auth0Tenant(Emulator):
    """One Auth0 tenant on ``domain``.

    Args:
        rp_logout_discovery: whether the discovery document lists ``/oidc/logout`` (a
            tenant created before 2023-11-14 leaves it out by default); the endpoint
            answers either way.
        organization_names: "Allow Organization Names in Authentication API": names
            accepted by ``organization``, and ``org_name`` added to the tokens
            (https://auth0.com/docs/manage-users/organizations/configure-organizations/use-org-name-authentication-api).
    """

    def __init__(
        self,
        *,
        domain: str = DOMAIN,
        clock: FakeClock | None = None,
        rp_logout_discovery: bool = True,
        organization_names: bool = False,
        lenient: bool = False,
    ) -> None:
        self.domain = domain
        #: the tenant's clock, to move time in a test
        self.time = clock or FakeClock()
        self.organization_names = organization_names
        self.apis = {API, management_api(domain)}
        self.allowed_logout_urls = {CLIENT_ID: [HOME, SIGNED_OUT]}
        self._code_audience: dict[str, str | None] = {}
        self._refresh_audience: dict[str, str | None] = {}
        #: JWT access tokens issued for an API: token -> (grant, expiry)
        self.api_tokens: dict[str, tuple[Grant, float]] = {}
        super().__init__(
            issuer=f"https://{domain}/",
            discovery=discovery_document(domain, rp_logout=rp_logout_discovery),
            endpoints={"end_session_endpoint": f"https://{domain}/oidc/logout"},
            clock=self.time,
            subject=USER,
            # the profile claims of the organization ID token example
            userinfo={
                "nickname": "firstName.lastName",
                "name": "firstName.lastName@email.com",
                "picture": "https://s.gravatar.com/avatar/638",
                "updated_at": "2021-03-23T11:34:14.566z",
                "email": "username@exampleco.com",
                "email_verified": True,
            },
            # the client credentials example answers "expires_in": 86400
            # (https://auth0.com/docs/secure/tokens/access-tokens/get-access-tokens)
            access_token_lifetime=86400,
            # refresh token rotation is off unless the application turns it on
            rotate_refresh_tokens=False,
        )
        self.lenient = lenient
        if not lenient:  # lenient: any client is accepted, as the documentation's are
            self.add_client(CLIENT_ID, CLIENT_SECRET, redirect_uris=[REDIRECT])
            self.add_client(M2M_ID, M2M_SECRET)
        self.route("GET", self.endpoint("userinfo_endpoint"), self._auth0_userinfo)
        self.route("GET", f"https://{domain}/oidc/logout", self._oidc_logout)
        self.route("GET", f"https://{domain}/v2/logout", self._legacy_logout)
        self.route("GET", API_URL, self._api)
        self.route("GET", f"https://{domain}/api/v2/users", self._management_users)

    # -- the authorization request ---------------------------------------------------------

    def _organization(self, value: str) -> dict[str, str]:
        if value in ORGANIZATIONS:
            org_id = value
        elif self.organization_names and value.lower() in ORGANIZATIONS.values():
            org_id = next(k for k, v in ORGANIZATIONS.items() if v == value.lower())
        else:
            raise AssertionError(f"no organization {value!r} in this tenant")
        claims = {"org_id": org_id}
        if self.organization_names:
            claims["org_name"] = ORGANIZATIONS[org_id]
        return claims

    def approve(
        self,
        authorization_url: str,
        *,
        subject: str | None = None,
        claims: Mapping[str, Any] | None = None,
        **extra: str,
    ) -> Approval:
        """Log in; ``audience`` and ``organization`` of the URL shape the tokens.

        ``claims`` win over the organization's: a test passes another ``org_id`` to play a
        login that ended in another organization (the Organization Picker).
        """
        params = dict(parse_qsl(urlsplit(authorization_url).query))
        audience = params.get("audience")
        if audience is not None and audience not in self.apis:
            raise AssertionError(f"no API {audience!r} in this tenant")
        org_claims = self._organization(params["organization"]) if "organization" in params else {}
        approval = super().approve(
            authorization_url, subject=subject, claims={**org_claims, **(claims or {})}, **extra
        )
        assert approval.code is not None
        self._code_audience[approval.code] = audience
        return approval

    # -- the token endpoint -----------------------------------------------------------------

    def _audience(self, call: TokenCall) -> str | None:
        if call.grant_type == AUTHORIZATION_CODE:
            return self._code_audience.get(str(call.params.get("code")))
        if call.grant_type == REFRESH_TOKEN:
            return self._refresh_audience.get(str(call.params.get("refresh_token")))
        audience = call.params.get("audience")
        return None if audience is None else str(audience)

    def token_fields(self, grant: Grant, call: TokenCall) -> dict[str, Any]:
        audience = self._audience(call)
        if audience is not None and audience not in self.apis:
            raise Refusal("access_denied", f"Service not found: {audience}", status=403)
        if call.grant_type == AUTHORIZATION_CODE:
            # a refresh token only with offline_access
            # (https://auth0.com/docs/secure/tokens/refresh-tokens/get-refresh-tokens)
            grant.refresh = "offline_access" in grant.scope.split()
        if call.grant_type == CLIENT_CREDENTIALS:
            organization = call.params.get("organization")
            if organization is not None:
                grant.claims.update(self._organization(str(organization)))
        wants_id_token = grant.id_token
        if wants_id_token is None:
            wants_id_token = "openid" in grant.scope.split()
        grant.id_token = False  # signed below, over the access token actually sent
        fields = super().token_fields(grant, call)
        grant.id_token = None
        if audience is not None:
            fields["access_token"] = self._api_token(grant, call, audience)
        if wants_id_token:
            fields["id_token"] = self.keys[0].sign(
                self.id_token_claims(grant, fields["access_token"])
            )
        if "refresh_token" in fields:
            self._refresh_audience[fields["refresh_token"]] = audience
        return fields

    def _api_token(self, grant: Grant, call: TokenCall, audience: str) -> str:
        """A JWT access token for ``audience``, shaped as the examples of
        https://auth0.com/docs/manage-users/organizations/using-tokens show."""
        now = int(self.clock())
        expires = now + int(self.access_token_lifetime or 86400)
        machine = call.grant_type == CLIENT_CREDENTIALS
        scopes = grant.scope.split()
        claims: dict[str, Any] = {
            "iss": f"https://{self.domain}/",
            "sub": f"{grant.client_id}@clients" if machine else grant.subject,
            "aud": audience
            if "openid" not in scopes
            else [audience, f"https://{self.domain}/userinfo"],
            "iat": now,
            "exp": expires,
            "azp": grant.client_id,
            "scope": grant.scope,
        }
        for name in ("org_id", "org_name"):
            if name in grant.claims:
                claims[name] = grant.claims[name]
        if machine:
            claims["gty"] = "client-credentials"
        token = self.keys[0].sign(claims, {"typ": "JWT"})
        self.api_tokens[token] = (grant, float(expires))
        return token

    # -- resource servers -------------------------------------------------------------------

    def validate_api_token(self, request: httpx.Request, audience: str) -> dict[str, Any]:
        """What an API does with a bearer token (https://auth0.com/docs/secure/tokens/access-tokens/validate-access-tokens):
        a JWT signed by the tenant, ``iss`` the tenant, ``aud`` containing the API, not
        expired. An opaque token is not for it. Raises :class:`Refusal` (401)."""
        token = RecordedRequest.of(request).bearer or ""
        challenge = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
        if token not in self.api_tokens:
            raise Refusal("invalid_token", "not a JWT for this API", status=401, headers=challenge)
        claims = self.keys[0].verify(token)
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if claims["iss"] != f"https://{self.domain}/" or audience not in audiences:
            raise Refusal("invalid_token", "wrong audience", status=401, headers=challenge)
        if claims["exp"] <= self.clock():
            raise Refusal("invalid_token", "expired", status=401, headers=challenge)
        return claims

    def _api(self, request: httpx.Request) -> httpx.Response:
        claims = self.validate_api_token(request, API)
        return json_response({"orders": [], "for": claims["sub"], "org_id": claims.get("org_id")})

    def _management_users(self, request: httpx.Request) -> httpx.Response:
        self.validate_api_token(request, management_api(self.domain))
        return json_response([{"user_id": USER, "email": "username@exampleco.com"}])

    def _auth0_userinfo(self, request: httpx.Request) -> httpx.Response:
        # /userinfo takes the opaque token, and a JWT whose aud includes .../userinfo
        token = RecordedRequest.of(request).bearer or ""
        if token in self.api_tokens:
            claims = self.keys[0].verify(token)
            audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
            if f"https://{self.domain}/userinfo" not in audiences:
                raise Refusal("invalid_token", status=401)
            subject = str(claims["sub"])
        else:
            subject = self.bearer_grant(request).subject
        return json_response({"sub": subject, **self.userinfo})

    # -- logout -----------------------------------------------------------------------------

    def _allowed(self, client_id: str | None, url: str) -> bool:
        if self.lenient:
            return True
        allowed = self.allowed_logout_urls.get(client_id or "", [])
        return url in allowed

    def _oidc_logout(self, request: httpx.Request) -> httpx.Response:
        """``/oidc/logout``: ``post_logout_redirect_uri`` must be an allowed logout URL of
        the application the ID token hint (or ``client_id``) names."""
        params = dict(request.url.params)
        target = params.get("post_logout_redirect_uri")
        client_id = params.get("client_id")
        if client_id is None and "id_token_hint" in params:
            client_id = str(self.keys[0].verify(params["id_token_hint"])["aud"])
        if target is None:
            return text_response("You have been logged out.")
        if not self._allowed(client_id, target):
            return text_response("Invalid post_logout_redirect_uri", status=400)
        query = urlencode({"state": params["state"]}) if "state" in params else ""
        return httpx.Response(302, headers={"Location": f"{target}?{query}" if query else target})

    def _legacy_logout(self, request: httpx.Request) -> httpx.Response:
        """``/v2/logout``: ``returnTo`` must be allowed; with ``client_id`` and no
        ``returnTo`` the first allowed URL of the application
        (https://auth0.com/docs/api/authentication/logout/auth-0-logout)."""
        params = dict(request.url.params)
        client_id = params.get("client_id")
        target = params.get("returnTo")
        if target is None:
            allowed = self.allowed_logout_urls.get(client_id or "")
            if not allowed:
                return text_response("Bad Request", status=400)
            target = allowed[0]
        elif not self._allowed(client_id, target):
            return text_response("Bad Request: returnTo is not an allowed logout URL", status=400)
        return httpx.Response(302, headers={"Location": target})


def for_docs() -> Auth0Tenant:
    """The tenant the documentation's examples talk to (``docs/providers/auth0.md``): its
    clock frozen at the time of the call, any client and logout URL accepted."""
    tenant = Auth0Tenant(clock=FakeClock(now=time.time()), lenient=True)
    tenant.apis.add("https://api.example.com/")  # the API the pages log users in for
    return tenant
