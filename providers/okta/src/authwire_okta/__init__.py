"""Okta for authwire: sign users in with an Okta authorization server, and service apps.

``pip install "authwire[okta]"``, then the registry::

    from authwire import OAuth2Client

    client = OAuth2Client.from_provider("okta", domain="dev-123456.okta.com",
                                        client_id=..., client_secret=...)
    # the org authorization server: from_provider("okta-org", domain=...)

or the named constructors of this package::

    from authwire_okta import oauth2_client, service_client

    client = oauth2_client(CLIENT_ID, CLIENT_SECRET, domain="dev-123456.okta.com")
    robot = service_client(SERVICE_ID, PRIVATE_KEY_PEM, domain="dev-123456.okta.com",
                           scope="okta.users.read", key_id="my_key_id")

What the plugin takes care of:

- the two kinds of authorization server, each with its own issuer, endpoints, keys and
  discovery document: a custom server (``authorization_server=``, ``"default"`` unless told
  otherwise; issuer ``https://{domain}/oauth2/{id}``) or the org server
  (``authorization_server=None``; issuer ``https://{domain}``), so ID tokens are checked
  against the issuer of the server that signed them;
- service apps: the client credentials grant authenticated with ``private_key_jwt`` (the
  assertion Okta documents: ``aud`` = the token endpoint, ``kid`` in the header), fetched
  again when the one-hour token expires.
"""

from __future__ import annotations

from collections.abc import Callable

from authwire.plugins import Provider, hookimpl

from ._clients import (
    async_oauth2_client,
    async_service_client,
    oauth2_client,
    service_client,
)
from ._provider import (
    AUTH_SERVERS_DOCS,
    DEFAULT_AUTHORIZATION_SERVER,
    DEFAULT_SCOPES,
    OKTA,
    OKTA_ORG,
    QUIRKS,
    SERVICE_APP_DOCS,
    discovery_url,
    issuer,
    provider_for,
)

__all__ = [
    "AUTH_SERVERS_DOCS",
    "DEFAULT_AUTHORIZATION_SERVER",
    "DEFAULT_SCOPES",
    "OKTA",
    "OKTA_ORG",
    "QUIRKS",
    "SERVICE_APP_DOCS",
    "async_oauth2_client",
    "async_service_client",
    "discovery_url",
    "issuer",
    "oauth2_client",
    "provider_for",
    "register_providers",
    "service_client",
]


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    """Register :data:`OKTA` (custom authorization servers) as ``okta`` and :data:`OKTA_ORG`
    (the org authorization server) as ``okta-org``."""
    register(OKTA)
    register(OKTA_ORG)
