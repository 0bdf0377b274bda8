"""Auth0 for authwire: log users in to an Auth0 tenant, and machine-to-machine tokens.

``pip install "authwire[auth0]"``, then the registry::

    from authwire import OAuth2Client

    client = OAuth2Client.from_provider("auth0", domain="dev-abc123.us.auth0.com",
                                        client_id=..., client_secret=...,
                                        audience="https://api.example.com/")

or the named constructors of this package::

    from authwire_auth0 import client_credentials_client, oauth2_client

    client = oauth2_client(CLIENT_ID, CLIENT_SECRET, domain="dev-abc123.us.auth0.com",
                           audience="https://api.example.com/", organization="org_9ybsU1dN2dKfDkBi")
    robot = client_credentials_client(M2M_ID, M2M_SECRET, domain="dev-abc123.us.auth0.com",
                                      audience="https://api.example.com/")

What the plugin takes care of:

- the tenant's endpoints on its Auth0 or custom domain, and its issuer spelled as Auth0
  spells it, ``https://{domain}/`` with the trailing slash;
- Auth0's non-standard ``audience`` parameter, on every authorization URL and on every
  client credentials request — the first and each automatic re-fetch — so access tokens
  are JWTs for your API and not opaque ``/userinfo`` tokens;
- Organizations: ``organization`` on the authorization URL, and the ID token's ``org_id``
  (or ``org_name``) checked against it on every code exchange and refresh;
- logout: RP-initiated (``/oidc/logout``, recorded as the end-session endpoint even for
  tenants that leave it out of discovery) and the legacy ``/v2/logout``
  (:func:`legacy_logout_url`).
"""

from __future__ import annotations

from collections.abc import Callable

from authwire.plugins import Provider, hookimpl

from ._clients import (
    OFFLINE_ACCESS,
    async_client_credentials_client,
    async_oauth2_client,
    client_credentials_client,
    oauth2_client,
    organization_token_request,
)
from ._logout import LEGACY_LOGOUT_DOCS, RP_LOGOUT_DOCS, legacy_logout_url
from ._organizations import (
    ORG_ID,
    ORG_NAME,
    ORGANIZATIONS_DOCS,
    check_organization,
    organization_id_token_check,
)
from ._provider import AUDIENCE_DOCS, AUTH0, DEFAULT_SCOPES, DOCS, QUIRKS, issuer, provider_for

__all__ = [
    "AUDIENCE_DOCS",
    "AUTH0",
    "DEFAULT_SCOPES",
    "DOCS",
    "LEGACY_LOGOUT_DOCS",
    "OFFLINE_ACCESS",
    "ORGANIZATIONS_DOCS",
    "ORG_ID",
    "ORG_NAME",
    "QUIRKS",
    "RP_LOGOUT_DOCS",
    "async_client_credentials_client",
    "async_oauth2_client",
    "check_organization",
    "client_credentials_client",
    "issuer",
    "legacy_logout_url",
    "oauth2_client",
    "organization_id_token_check",
    "organization_token_request",
    "provider_for",
    "register_providers",
]


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    """Register :data:`AUTH0` (the pluggy hook behind ``authwire.providers``)."""
    register(AUTH0)
