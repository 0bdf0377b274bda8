"""The ``microsoft`` provider value: the Microsoft identity platform's v2.0 endpoints.

The URLs are those of the platform's OpenID configuration document
(https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc, "Fetch the OpenID
configuration document"), with the tenant and the cloud's authority host as placeholders.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from authwire.plugins import Provider, Quirk, oauth2_engine

from ._tenants import CLOUDS, issuer_policy, normalize_tenant

__all__ = ["DEFAULT_SCOPES", "DOCUMENTATION", "ISSUER_TEMPLATE", "MICROSOFT"]

DOCUMENTATION = "https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc"
_DOCS = "https://learn.microsoft.com/entra/identity-platform"
#: What the multi-tenant discovery document publishes as its ``issuer``: ``{tenantid}`` is
#: filled with each ID token's ``tid``.
ISSUER_TEMPLATE = "https://{authority_host}/{tenantid}/v2.0"
#: Sign the user in (``openid profile email``) and get a refresh token (``offline_access``).
DEFAULT_SCOPES = ("openid", "profile", "email", "offline_access")

_BASE = "https://{authority_host}/{tenant}"


def _pin_tenant(client: Any, values: Mapping[str, str]) -> None:
    """Pin the ID token's issuer check to the client's tenant: ``iss`` is
    ``https://{authority_host}/{tid}/v2.0`` whatever the tenant segment, so a tenant ID (or
    ``consumers``) must also fix ``tid`` (:func:`~authwire_microsoft.issuer_policy`;
    https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc). An unknown
    tenant form is a ``ValueError`` naming ``tenant``."""
    engine = oauth2_engine(client)
    tenant, host = values.get("tenant"), values.get("authority_host")
    if engine is not None and tenant is not None and host is not None:
        engine.issuer_policy = issuer_policy(normalize_tenant(tenant), host)


MICROSOFT = Provider(
    name="microsoft",
    title="Microsoft Entra ID",
    authorization_endpoint=f"{_BASE}/oauth2/v2.0/authorize",
    token_endpoint=f"{_BASE}/oauth2/v2.0/token",
    device_authorization_endpoint=f"{_BASE}/oauth2/v2.0/devicecode",
    jwks_uri=f"{_BASE}/discovery/v2.0/keys",
    # the v2.0 sign-out endpoint (v2-protocols-oidc, "Send a sign-out request")
    end_session_endpoint=f"{_BASE}/oauth2/v2.0/logout",
    issuer=ISSUER_TEMPLATE,
    issuer_claims={"tenantid": "tid"},
    parameters={"tenant": "common", "authority_host": CLOUDS["global"].authority_host},
    scope=DEFAULT_SCOPES,
    # the platform's examples send client_id and client_secret in the body
    token_endpoint_auth_method="client_secret_post",
    code_challenge_method="S256",
    configure=_pin_tenant,
    protocols=("oauth2", "openid"),
    flows=(
        "authorization_code",
        "refresh_token",
        "device_code",
        "client_credentials",
        "on_behalf_of",
        "logout",
    ),
    quirks=(
        Quirk(
            "every endpoint has the tenant in its path: common, organizations, consumers, a "
            "tenant ID or a domain",
            f"{_DOCS}/v2-protocols-oidc",
        ),
        Quirk(
            "the multi-tenant issuer is a template, https://login.microsoftonline.com/{tenantid}"
            "/v2.0, filled with each ID token's tid",
            f"{_DOCS}/v2-protocols-oidc",
        ),
        Quirk(
            "national clouds (US Government, China) have their own sign-in hosts: one cloud= "
            "argument",
            f"{_DOCS}/authentication-national-cloud",
        ),
        Quirk(
            "client credentials take exactly one resource's /.default scope",
            f"{_DOCS}/v2-oauth2-client-creds-grant-flow",
        ),
        Quirk(
            "certificate credentials: private_key_jwt signed PS256 with the certificate's "
            "x5t#S256 thumbprint in the header",
            f"{_DOCS}/certificate-credentials",
        ),
        Quirk(
            "on-behalf-of: the JWT bearer grant with requested_token_use=on_behalf_of",
            f"{_DOCS}/v2-oauth2-on-behalf-of-flow",
        ),
        Quirk(
            "the v2.0 sign-out URL takes post_logout_redirect_uri and logout_hint (the "
            "login_hint claim), no ID token",
            f"{_DOCS}/v2-protocols-oidc",
        ),
    ),
    extra={
        "documentation": DOCUMENTATION,
        "clouds": {name: cloud.authority_host for name, cloud in CLOUDS.items()},
    },
)
