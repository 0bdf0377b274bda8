"""An Okta org for the tests: its org authorization server and a custom one, on one domain.

Built with :mod:`authwire.testing`. Each authorization server is an :class:`Emulator` with
its own issuer, signing key and discovery document, answering under its own paths of the
org's domain; :class:`OktaOrg` sends each request to the server whose paths it names, and
the rest (the Okta APIs) to the org server. The answers follow Okta's documented examples,
cited beside each.
"""

from __future__ import annotations

import secrets
import time
from typing import Any
from urllib.parse import urlsplit

import httpx

from authwire.testing import (
    CLIENT_CREDENTIALS,
    Approval,
    Emulator,
    FakeClock,
    Grant,
    Refusal,
    SigningKey,
    TokenCall,
    json_response,
)

DOMAIN = "dev-123456.okta.com"
CUSTOM = "default"
# a web app integration; an OAuth service app whose public key is registered with Okta
CLIENT_ID = "0oa5km1v306LXN57y5d7"
CLIENT_SECRET = "okta-web-secret-Zp4vQ8nT1wXy"
SERVICE_ID = "0oar95zt9zIpYuz6A0h7"
REDIRECT = "https://app.test/authorization-code/callback"
SIGNED_OUT = "https://app.test/signed-out"
USER = "00uid4BxXw6I6TV4m0g3"
#: The Okta scopes granted to the service app (its "Okta API Scopes" tab).
GRANTED_OKTA_SCOPES = ("okta.users.read", "okta.apps.read")


def server_base(server: str | None, domain: str = DOMAIN) -> str:
    """``https://{domain}/oauth2/{server}`` or, for the org server, ``https://{domain}/oauth2``."""
    return f"https://{domain}/oauth2" + ("" if server is None else f"/{server}")


def issuer_of(server: str | None, domain: str = DOMAIN) -> str:
    return f"https://{domain}" + ("" if server is None else f"/oauth2/{server}")


def discovery_document(server: str | None, domain: str = DOMAIN) -> dict[str, Any]:
    """A server's OpenID Connect metadata as Okta publishes it.

    The members of "Retrieve the OpenID Connect metadata", for the org server
    (https://developer.okta.com/docs/api/openapi/okta-oauth/oauth/orgas) and for a custom
    server (https://developer.okta.com/docs/api/openapi/okta-oauth/oauth/customas/getwellknownopenidconfigurationcustomas),
    with the values an org publishes (``okta_post_message`` among the response modes,
    ``ver`` and ``amr`` among the claims).
    """
    base = server_base(server, domain)
    return {
        "issuer": issuer_of(server, domain),
        "authorization_endpoint": f"{base}/v1/authorize",
        "token_endpoint": f"{base}/v1/token",
        "userinfo_endpoint": f"{base}/v1/userinfo",
        "registration_endpoint": f"https://{domain}/oauth2/v1/clients",
        "jwks_uri": f"{base}/v1/keys",
        "response_types_supported": [
            "code",
            "id_token",
            "code id_token",
            "code token",
            "id_token token",
            "code id_token token",
        ],
        "response_modes_supported": ["query", "fragment", "form_post", "okta_post_message"],
        "grant_types_supported": [
            "authorization_code",
            "implicit",
            "refresh_token",
            "password",
            "client_credentials",
            "urn:ietf:params:oauth:grant-type:device_code",
        ],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": [
            "openid",
            "email",
            "profile",
            "address",
            "phone",
            "offline_access",
            "groups",
        ],
        "token_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
            "client_secret_jwt",
            "private_key_jwt",
            "none",
        ],
        "claims_supported": [
            "iss",
            "ver",
            "sub",
            "aud",
            "iat",
            "exp",
            "jti",
            "auth_time",
            "amr",
            "idp",
            "nonce",
            "name",
            "nickname",
            "preferred_username",
            "email",
            "email_verified",
        ],
        "code_challenge_methods_supported": ["S256"],
        "introspection_endpoint": f"{base}/v1/introspect",
        "introspection_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
            "client_secret_jwt",
            "private_key_jwt",
            "none",
        ],
        "revocation_endpoint": f"{base}/v1/revoke",
        "revocation_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
            "client_secret_jwt",
            "private_key_jwt",
            "none",
        ],
        "end_session_endpoint": f"{base}/v1/logout",
        "request_parameter_supported": True,
        "request_object_signing_alg_values_supported": ["HS256", "HS384", "HS512", "RS256"],
    }


class OktaServer(Emulator):
    """One Okta authorization server (the org server when ``server`` is ``None``)."""

    def __init__(
        self,
        server: str | None,
        *,
        domain: str = DOMAIN,
        clock: FakeClock,
        service_key: SigningKey | None = None,
        lenient: bool = False,
    ) -> None:
        self.server = server
        self.domain = domain
        self.service_key = service_key
        super().__init__(
            issuer=issuer_of(server, domain),
            discovery=discovery_document(server, domain),
            # each authorization server has its own signing key
            keys=[SigningKey.generate("RS256")],
            clock=clock,
            subject=USER,
            # the UserInfo example of the OpenID Connect & OAuth 2.0 API reference
            # (https://developer.okta.com/docs/reference/api/oidc/#userinfo)
            userinfo={
                "name": "John Doe",
                "preferred_username": "john.doe@example.com",
                "email": "john.doe@example.com",
                "email_verified": True,
            },
            access_token_lifetime=3600,
            # refresh token rotation is the default of new Okta app integrations
            rotate_refresh_tokens=True,
        )
        if not lenient:  # lenient: any client is accepted, as the documentation's are
            self.add_client(CLIENT_ID, CLIENT_SECRET, redirect_uris=[REDIRECT])
            if service_key is not None:
                self.add_client(SERVICE_ID, jwt_key=service_key)
        self.grants[CLIENT_CREDENTIALS] = self._okta_client_credentials
        if server is not None:
            # RFC 8414 metadata at the form Okta calls current, besides the legacy one:
            # https://developer.okta.com/docs/api/openapi/okta-oauth/oauth/tag/CustomAS/
            document = self.metadata()
            for path in (
                f"https://{domain}/.well-known/oauth-authorization-server/oauth2/{server}",
                f"https://{domain}/oauth2/{server}/.well-known/oauth-authorization-server",
            ):
                self.route("GET", path, json_response(document))

    def id_token_claims(self, grant: Grant, access_token: str | None = None) -> dict[str, Any]:
        # the "ID token payload" example of the API reference carries ver, jti and amr
        # (https://developer.okta.com/docs/reference/api/oidc/#id-token-payload)
        claims = super().id_token_claims(grant, access_token)
        claims.update(ver=1, jti="ID." + secrets.token_urlsafe(15), amr=["pwd"])
        return claims

    def _okta_client_credentials(self, call: TokenCall) -> Grant:
        """Service apps: the assertion Okta documents, and the Okta scopes they were granted.

        https://developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp/main/:
        ``aud`` must be the full URL of the token endpoint; the scopes must be in the app's
        grants collection; without a scope the org server has no default to give.
        """
        assertion = call.client_assertion
        if call.client_id == SERVICE_ID or (assertion is not None and self.service_key is None):
            if assertion is None:  # only private_key_jwt authenticates a service app
                raise Refusal("invalid_client", "No client credentials found.", status=401)
            if assertion.claims.get("aud") != self.endpoint("token_endpoint"):
                raise Refusal(
                    "invalid_client",
                    "The audience claim for client_assertion must be the endpoint invoked "
                    "for the request.",
                    status=401,
                )
            if self.service_key is not None and assertion.header.get("kid") != self.service_key.kid:
                raise Refusal("invalid_client", "The client_assertion kid is unknown.", status=401)
        scope = str(call.params.get("scope", "")).split()
        if not scope:
            raise Refusal(
                "invalid_scope",
                "The authorization server resource does not have any configured default "
                "scopes, 'scope' must be provided.",
            )
        if self.server is None and not set(scope) <= set(GRANTED_OKTA_SCOPES):
            raise Refusal("invalid_scope", "The requested scope is invalid, unknown, or malformed.")
        return Grant(call.client_id or "", " ".join(scope), call.client_id or "", refresh=False)


class OktaOrg:
    """The org's domain: the org server, the ``default`` custom server, the Okta APIs."""

    def __init__(
        self, *, clock: FakeClock | None = None, domain: str = DOMAIN, lenient: bool = False
    ) -> None:
        self.clock = clock or FakeClock()
        self.domain = domain
        self.service_key = SigningKey.generate("RS256", kid="my_key_id")
        self.org = OktaServer(
            None,
            domain=domain,
            clock=self.clock,
            service_key=None if lenient else self.service_key,
            lenient=lenient,
        )
        self.custom = OktaServer(CUSTOM, domain=domain, clock=self.clock, lenient=lenient)

        @self.org.route("GET", f"https://{domain}/api/v1/users")
        def list_users(request: httpx.Request) -> httpx.Response:
            # Okta APIs take org-server tokens with the right Okta scope; the List Users
            # response is an array of user objects
            # (https://developer.okta.com/docs/reference/api/users/)
            grant = self.org.bearer_grant(request)
            if "okta.users.read" not in grant.scope.split():
                return json_response(
                    {"errorCode": "E0000006", "errorSummary": "You do not have permission."},
                    403,
                )
            return json_response(
                [
                    {
                        "id": USER,
                        "status": "ACTIVE",
                        "profile": {
                            "firstName": "John",
                            "lastName": "Doe",
                            "email": "john.doe@example.com",
                            "login": "john.doe@example.com",
                        },
                    }
                ]
            )

    def server(self, name: str | None) -> OktaServer:
        return self.org if name is None else self.custom

    def approve(self, authorization_url: str, **kwargs: Any) -> Approval:
        """The user signs in at whichever server the authorization URL names."""
        path = urlsplit(authorization_url).path
        server = self.custom if path.startswith(f"/oauth2/{CUSTOM}/") else self.org
        return server.approve(authorization_url, **kwargs)

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.startswith(f"/oauth2/{CUSTOM}/") or path.endswith(f"/oauth2/{CUSTOM}"):
            return self.custom.handle(request)
        return self.org.handle(request)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)


def for_docs() -> OktaOrg:
    """The org the documentation's examples talk to (``docs/providers/okta.md``).

    Its clock is the time of the call, frozen, so ID tokens are valid for real clocks; it
    accepts any client and any service app key, as the examples' credentials come from
    the reader.
    """
    return OktaOrg(clock=FakeClock(now=time.time()), lenient=True)
