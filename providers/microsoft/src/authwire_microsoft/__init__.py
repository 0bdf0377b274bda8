"""Microsoft Entra ID for authwire: the Microsoft identity platform (v2.0 endpoints).

``pip install "authwire[microsoft]"``, then::

    from authwire_microsoft import oauth2_client

    client = oauth2_client(CLIENT_ID, CLIENT_SECRET, tenant="organizations",
                           redirect_uri="https://app.example/auth/callback")

which is ``OAuth2Client.from_provider("microsoft", tenant="organizations", ...)`` with the
issuer check pinned to the tenant. What the plugin takes care of:

- the tenant segment (``common``, ``organizations``, ``consumers``, a tenant ID or a domain)
  in every endpoint, and the national clouds (``cloud="us_government"``, ``"china"``);
- the multi-tenant issuer template ``https://login.microsoftonline.com/{tenantid}/v2.0``,
  filled with each ID token's ``tid`` before it is compared;
- client credentials with one resource's ``/.default`` scope
  (:func:`client_credentials_client`);
- certificate credentials: ``private_key_jwt`` with the ``x5t#S256`` header, from a PEM
  certificate and key (:class:`ClientCertificate`);
- the on-behalf-of flow (:func:`on_behalf_of`), and the v2.0 sign-out URL
  (:func:`logout_url`).
"""

from __future__ import annotations

from collections.abc import Callable

from authwire.plugins import Provider, hookimpl

from ._certificate import ClientCertificate, thumbprint_sha1, thumbprint_sha256
from ._clients import (
    async_client_credentials_client,
    async_oauth2_client,
    client_credentials_client,
    oauth2_client,
)
from ._flows import (
    ON_BEHALF_OF,
    async_on_behalf_of,
    client_credentials_scope,
    default_scope,
    logout_url,
    on_behalf_of,
    on_behalf_of_params,
)
from ._provider import DEFAULT_SCOPES, ISSUER_TEMPLATE, MICROSOFT
from ._tenants import (
    CLOUDS,
    CONSUMERS_TENANT_ID,
    TENANT_ALIASES,
    Cloud,
    cloud_for,
    issuer_policy,
    normalize_tenant,
)

__all__ = [
    "CLOUDS",
    "CONSUMERS_TENANT_ID",
    "DEFAULT_SCOPES",
    "ISSUER_TEMPLATE",
    "MICROSOFT",
    "ON_BEHALF_OF",
    "TENANT_ALIASES",
    "ClientCertificate",
    "Cloud",
    "async_client_credentials_client",
    "async_oauth2_client",
    "async_on_behalf_of",
    "client_credentials_client",
    "client_credentials_scope",
    "cloud_for",
    "default_scope",
    "issuer_policy",
    "logout_url",
    "normalize_tenant",
    "oauth2_client",
    "on_behalf_of",
    "on_behalf_of_params",
    "register_providers",
    "thumbprint_sha1",
    "thumbprint_sha256",
]


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    """Add :data:`MICROSOFT` to the authwire registry (the ``authwire`` entry point)."""
    register(MICROSOFT)
