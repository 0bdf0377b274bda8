"""Google for authwire: Sign in with Google (OAuth 2 / OpenID Connect) and service accounts.

``pip install "authwire[google]"``, then either the registry::

    from authwire import OAuth2Client

    client = OAuth2Client.from_provider("google", client_id=..., client_secret=...)

or the named constructors of this package::

    from authwire_google import oauth2_client, service_account_client

    client = oauth2_client(client_id, client_secret, offline=True, hosted_domain="example.com")
    robot = service_account_client("key.json", ["https://www.googleapis.com/auth/drive"])
"""

from __future__ import annotations

from collections.abc import Callable

from authwire.plugins import Provider, hookimpl

from ._provider import GOOGLE, async_oauth2_client, oauth2_client
from ._service_account import async_service_account_client, service_account_client

__all__ = [
    "GOOGLE",
    "async_oauth2_client",
    "async_service_account_client",
    "oauth2_client",
    "register_providers",
    "service_account_client",
]


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    """Register :data:`GOOGLE` (the pluggy hook behind ``authwire.providers``)."""
    register(GOOGLE)
