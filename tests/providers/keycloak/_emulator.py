"""A Keycloak realm as Keycloak's documentation shows it, on the kit.

The documented examples each answer follows:

- https://www.keycloak.org/securing-apps/oidc-layers ("Available Endpoints"): the realm's
  endpoints below ``{base}/realms/{realm}/protocol/openid-connect/``, the device
  authorization endpoint spelled ``.../auth/device``, and the logout endpoint, which also
  takes a POST of the refresh token with the client's credentials;
- the realm's discovery document (``{issuer}/.well-known/openid-configuration``) in the shape
  Keycloak publishes (``end_session_endpoint``, ``check_session_iframe``, ...);
- https://github.com/keycloak/keycloak-community/blob/main/design/oauth2-device-authorization-grant.md:
  the device answers (``verification_uri`` = ``{issuer}/device``, ``expires_in: 600``,
  ``interval: 5``) and the token answer with ``refresh_expires_in``, ``not-before-policy``,
  ``session_state``;
- https://www.keycloak.org/securing-apps/token-exchange: standard token exchange (V2)
  answers with ``issued_token_type``, ``refresh_expires_in: 0``; the legacy one (V1) answers
  ``{"access_token", "refresh_token", "expires_in"}`` without ``issued_token_type``, takes
  ``requested_subject`` (impersonation); neither supports ``resource``; an ID token is
  answered with ``token_type: "N_A"``;
- the client setting "Use refresh tokens for client credentials grant"
  (https://www.keycloak.org/docs/latest/server_admin/): a refresh token on a client
  credentials answer, which stops working with the service account's session
  ("SSO Session Idle", 30 minutes by default: ``invalid_grant`` "Token is not active").
"""

from __future__ import annotations

from typing import Any

import httpx

from authwire.testing import (
    CLIENT_CREDENTIALS,
    REFRESH_TOKEN,
    TOKEN_EXCHANGE,
    Emulator,
    FakeClock,
    Grant,
    Refusal,
    TokenCall,
)
from authwire.testing.recorded import RecordedRequest

BASE_URL = "https://sso.example.com"
REALM = "acme"
ISSUER = f"{BASE_URL}/realms/{REALM}"
CLIENT_ID = "orders-web"
CLIENT_SECRET = "Zx7c1hQm4kP9sT2vW6yB8nD3fG5jL0aR"
SERVICE_ID = "orders-service"
SERVICE_SECRET = "S3rv1ce-8e2f4a6c1b9d7e5f3a0c2b4d"
DEVICE_ID = "orders-cli"
REDIRECT = "https://app.example/auth/keycloak/callback"
USER_ID = "f1a3c5e7-2b4d-4f6a-8c0e-9d1b3f5a7c9e"
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"
REFRESH_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:refresh_token"
ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token"

#: Keycloak's defaults: access tokens 5 minutes, SSO Session Idle 30 minutes.
ACCESS_LIFETIME = 300
SESSION_IDLE = 1800


def discovery(issuer: str) -> dict[str, Any]:
    """A realm's discovery document, in the shape Keycloak publishes it."""
    oidc = f"{issuer}/protocol/openid-connect"
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{oidc}/auth",
        "token_endpoint": f"{oidc}/token",
        "introspection_endpoint": f"{oidc}/token/introspect",
        "userinfo_endpoint": f"{oidc}/userinfo",
        "end_session_endpoint": f"{oidc}/logout",
        "frontchannel_logout_session_supported": True,
        "frontchannel_logout_supported": True,
        "jwks_uri": f"{oidc}/certs",
        "check_session_iframe": f"{oidc}/login-status-iframe.html",
        "grant_types_supported": [
            "authorization_code",
            "implicit",
            "refresh_token",
            "password",
            "client_credentials",
            "urn:openid:params:grant-type:ciba",
            "urn:ietf:params:oauth:grant-type:device_code",
            "urn:ietf:params:oauth:grant-type:token-exchange",
        ],
        "response_types_supported": ["code", "none", "id_token", "token", "id_token token"],
        "subject_types_supported": ["public", "pairwise"],
        "id_token_signing_alg_values_supported": ["PS384", "RS384", "ES256", "RS256", "HS256"],
        "userinfo_signing_alg_values_supported": ["PS384", "RS384", "ES256", "RS256", "none"],
        "token_endpoint_auth_methods_supported": [
            "private_key_jwt",
            "client_secret_basic",
            "client_secret_post",
            "tls_client_auth",
            "client_secret_jwt",
        ],
        "code_challenge_methods_supported": ["plain", "S256"],
        "revocation_endpoint": f"{oidc}/revoke",
        "device_authorization_endpoint": f"{oidc}/auth/device",
        "backchannel_authentication_endpoint": f"{oidc}/ext/ciba/auth",
    }


class KeycloakEmulator(Emulator):
    """One realm of a Keycloak server.

    Args:
        base_url: the server's URL (``https://sso.example.com``, ``.../auth`` for Keycloak
            16 and earlier, ``http://localhost:8080``).
        clock: shared with the clients under test.
        legacy_token_exchange: answer token exchange as the legacy (V1) feature does.
        client_credentials_refresh: "Use refresh tokens for client credentials grant" on.
    """

    def __init__(
        self,
        base_url: str = BASE_URL,
        realm: str = REALM,
        *,
        clock: FakeClock,
        legacy_token_exchange: bool = False,
        client_credentials_refresh: bool = False,
    ) -> None:
        issuer = f"{base_url}/realms/{realm}"
        super().__init__(
            issuer=issuer,
            discovery=discovery(issuer),
            base_url=issuer,  # the device verification page: {issuer}/device
            clock=clock,
            subject=USER_ID,
            userinfo={
                "email_verified": True,
                "name": "Alice Example",
                "preferred_username": "alice",
                "given_name": "Alice",
                "family_name": "Example",
                "email": "alice@example.com",
            },
            access_token_lifetime=ACCESS_LIFETIME,
            rotate_refresh_tokens=True,
        )
        self.device_code_lifetime = 600
        self.legacy_token_exchange = legacy_token_exchange
        self.client_credentials_refresh = client_credentials_refresh
        self.ignored: list[str] = []  # parameters Keycloak did not act on
        self.logged_out: list[str] = []
        self._refresh_born: dict[str, float] = {}
        self._device_clients = {DEVICE_ID}
        self._exchange_clients = {SERVICE_ID}
        self.secrets = {CLIENT_ID: CLIENT_SECRET, SERVICE_ID: SERVICE_SECRET}
        self.add_client(CLIENT_ID, CLIENT_SECRET, redirect_uris=[REDIRECT])
        self.add_client(SERVICE_ID, SERVICE_SECRET)
        self.add_client(DEVICE_ID)
        # the kit's own grants, wrapped with Keycloak's rules
        self._builtin_refresh = self.grants[REFRESH_TOKEN]
        self._builtin_client_credentials = self.grants[CLIENT_CREDENTIALS]
        self.grants[REFRESH_TOKEN] = self._keycloak_refresh
        self.grants[CLIENT_CREDENTIALS] = self._keycloak_client_credentials
        self.grants[TOKEN_EXCHANGE] = self._keycloak_exchange
        oidc = f"{issuer}/protocol/openid-connect"
        self.route("POST", f"{oidc}/auth/device", self._keycloak_device)
        self.route("POST", f"{oidc}/logout", self._backchannel_logout)

    # -- shapes -------------------------------------------------------------------------------

    def token_fields(self, grant: Grant, call: TokenCall) -> dict[str, Any]:
        fields = super().token_fields(grant, call)
        refresh = fields.get("refresh_token")
        if isinstance(refresh, str):
            self._refresh_born[refresh] = self.clock()
        fields.setdefault("refresh_expires_in", SESSION_IDLE if refresh else 0)
        fields["not-before-policy"] = 0
        fields["session_state"] = "48dc7735-1762-4bb6-bf1d-6ec21267587d"
        return fields

    def id_token_claims(self, grant: Grant, access_token: str | None = None) -> dict[str, Any]:
        claims = super().id_token_claims(grant, access_token)
        claims.update(typ="ID", azp=grant.client_id, sid="48dc7735-1762-4bb6-bf1d-6ec21267587d")
        return claims

    # -- grants --------------------------------------------------------------------------------

    def _keycloak_refresh(self, call: TokenCall) -> Grant:
        born = self._refresh_born.get(str(call.params.get("refresh_token", "")))
        if born is not None and self.clock() - born > SESSION_IDLE:
            # the session the refresh token belongs to has timed out
            raise Refusal("invalid_grant", "Token is not active")
        grant = self._builtin_refresh(call)
        assert isinstance(grant, Grant)
        return grant

    def _keycloak_client_credentials(self, call: TokenCall) -> Grant:
        grant = self._builtin_client_credentials(call)
        assert isinstance(grant, Grant)
        grant.refresh = self.client_credentials_refresh
        grant.subject = f"service-account-{call.client_id}"
        return grant

    def _keycloak_exchange(self, call: TokenCall) -> Grant:
        params = call.params
        if call.client_id not in self._exchange_clients:
            raise Refusal("unauthorized_client", "Client not allowed to exchange", status=403)
        if "resource" in params:
            self.ignored.append(
                "resource"
            )  # "does not yet have support for the resource parameter"
        requested = str(params.get("requested_token_type") or "")
        subject = self._subject_of(params)
        audience = params.get("audience")
        if self.legacy_token_exchange:
            requested = requested or REFRESH_TOKEN_TYPE
            grant = Grant(
                call.client_id or "",
                str(params.get("scope") or "openid"),
                subject,
                refresh=requested == REFRESH_TOKEN_TYPE,
            )
            grant.extra["__legacy__"] = True
            return grant
        requested = requested or ACCESS_TOKEN_TYPE
        if params.get("subject_token_type") != ACCESS_TOKEN_TYPE:
            raise Refusal(
                "invalid_request", "Parameter 'subject_token_type' should be access token type"
            )
        grant = Grant(
            call.client_id or "",
            str(params.get("scope") or "default-scope1"),
            subject,
            refresh=requested == REFRESH_TOKEN_TYPE,
            id_token=False,
        )
        grant.extra["issued_token_type"] = requested
        if audience is not None:
            grant.extra["__audience__"] = audience
        if requested == ID_TOKEN_TYPE:
            grant.extra["__id_token__"] = True
        return grant

    def _subject_of(self, params: dict[str, Any]) -> str:
        if "subject_token" not in params:
            impersonated = params.get("requested_subject")
            if not self.legacy_token_exchange or not impersonated:
                raise Refusal("invalid_request", "Parameter 'subject_token' is required")
            return str(impersonated)
        bearer = httpx.Request(
            "GET", self.base_url, headers={"Authorization": f"Bearer {params['subject_token']}"}
        )
        try:
            subject = self.bearer_grant(bearer).subject
        except Refusal:
            raise Refusal("invalid_token", "Invalid token") from None
        impersonated = params.get("requested_subject")
        return str(impersonated) if impersonated else subject

    def token_reply(self, fields: Any, call: TokenCall) -> Any:
        fields = dict(fields)
        fields.pop("__audience__", None)
        if fields.pop("__legacy__", False):
            # the legacy answer: access_token, refresh_token, expires_in; no issued_token_type
            kept = ("access_token", "refresh_token", "expires_in")
            fields = {k: v for k, v in fields.items() if k in kept}
        if fields.pop("__id_token__", False):
            # "this parameter may actually contain the ID token"; token_type N_A
            grant = Grant(call.client_id or "", "openid", self.subject)
            fields["access_token"] = self.keys[0].sign(self.id_token_claims(grant))
            fields["token_type"] = "N_A"
            fields.pop("refresh_token", None)
        return super().token_reply(fields, call)

    # -- the device endpoint and logout ----------------------------------------------------------

    def _keycloak_device(self, request: Any) -> Any:
        recorded = RecordedRequest.of(request)
        client_id = recorded.data.get("client_id") or (recorded.basic_auth or ("",))[0]
        if client_id not in self._device_clients:
            raise Refusal(
                "unauthorized_client",
                "Client is not allowed to initiate OAuth 2.0 Device Authorization Grant. "
                "The flow is disabled for the client.",
            )
        return super()._device_endpoint(request)

    def _backchannel_logout(self, request: Any) -> Any:
        # the legacy logout: the refresh token, and the client's credentials
        recorded = RecordedRequest.of(request)
        form = recorded.form
        credentials = recorded.basic_auth or (form.get("client_id"), form.get("client_secret"))
        if credentials not in self.secrets.items():
            raise Refusal("unauthorized_client", "Invalid client credentials", status=401)
        with self._lock:
            stored = self._refresh.get(form.get("refresh_token", ""))
            if stored is None or stored.revoked or stored.used:
                raise Refusal("invalid_grant", "Invalid refresh token")
            stored.revoked = True
            self.logged_out.append(stored.grant.subject)
        return httpx.Response(204)  # Keycloak's answer to a logout: no content
