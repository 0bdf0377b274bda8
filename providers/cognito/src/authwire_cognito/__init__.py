"""Amazon Cognito for authwire: sign users in with a user pool, and machine-to-machine tokens.

``pip install "authwire[cognito]"``, then the registry::

    from authwire import OAuth2Client

    client = OAuth2Client.from_provider(
        "cognito", domain="mydomain.auth.us-east-1.amazoncognito.com",
        region="us-east-1", user_pool_id="us-east-1_AbCdEf123", client_id=..., client_secret=...,
    )

or the named constructors of this package::

    from authwire_cognito import client_credentials_client, oauth2_client

    client = oauth2_client(CLIENT_ID, CLIENT_SECRET, domain="auth.example.com",
                           user_pool_id="us-east-1_AbCdEf123")
    robot = client_credentials_client(M2M_ID, M2M_SECRET, domain="auth.example.com",
                                      user_pool_id="us-east-1_AbCdEf123",
                                      scopes=["com.example.photos/read"])

What the plugin takes care of:

- the two hosts of a user pool: the OAuth 2.0 endpoints on its domain (prefix or custom),
  the issuer, discovery document and JWKS on ``cognito-idp.{region}.amazonaws.com``, so ID
  tokens are checked against the pool's real issuer (the Region defaults to the one the
  pool ID starts with);
- the client credentials grant: a client secret required, and scopes in Cognito's
  resource-server form ``{identifier}/{scope name}``, checked before Cognito would answer
  a bare ``invalid_scope``;
- sign-out: Cognito's ``/logout`` is not RP-initiated logout (``client_id`` and
  ``logout_uri``, no ID token hint): :func:`logout_url` builds it.
"""

from __future__ import annotations

from collections.abc import Callable

from authwire.plugins import Provider, hookimpl

from ._clients import (
    async_client_credentials_client,
    async_oauth2_client,
    client_credentials_client,
    oauth2_client,
)
from ._logout import LOGOUT_DOCS, logout_url
from ._provider import (
    COGNITO,
    DEFAULT_SCOPES,
    ENDPOINTS_DOCS,
    QUIRKS,
    issuer,
    provider_for,
    region_of,
)
from ._scopes import RESOURCE_SERVERS_DOCS, client_credentials_scope, resource_server_scope

__all__ = [
    "COGNITO",
    "DEFAULT_SCOPES",
    "ENDPOINTS_DOCS",
    "LOGOUT_DOCS",
    "QUIRKS",
    "RESOURCE_SERVERS_DOCS",
    "async_client_credentials_client",
    "async_oauth2_client",
    "client_credentials_client",
    "client_credentials_scope",
    "issuer",
    "logout_url",
    "oauth2_client",
    "provider_for",
    "region_of",
    "register_providers",
    "resource_server_scope",
]


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    """Register :data:`COGNITO` (the pluggy hook behind ``authwire.providers``)."""
    register(COGNITO)
