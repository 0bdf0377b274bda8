"""Keycloak for authwire: sign users in, run service accounts, exchange tokens, log out.

::

    from authwire_keycloak import oauth2_client

    client = oauth2_client(
        CLIENT_ID, CLIENT_SECRET, base_url="https://sso.example.com", realm="acme",
        redirect_uri="https://app.example/cb",
    )

which is ``OAuth2Client.from_provider(keycloak_provider(base_url, realm), ...)``; the
registered provider ``"keycloak"`` takes ``host=`` and ``realm_name=`` instead. What the
plugin takes care of:

- the realm's endpoints below ``{base_url}/realms/{realm}/protocol/openid-connect/``
  (``auth``, ``token``, ``userinfo``, ``certs``, ``logout``, ``revoke``,
  ``token/introspect``, and the device authorization endpoint ``auth/device``), its issuer
  ``{base_url}/realms/{realm}`` (``/auth`` before the realms on Keycloak 16 and earlier);
- token exchange with Keycloak's parameters (:func:`exchange_token`), and the
  ``issued_token_type`` its legacy implementation leaves out (:func:`exchange_token_type`);
- client credentials tokens renewed by the grant, not by the refresh token Keycloak may add
  (:func:`drop_client_credentials_refresh_token`);
- ``kc_idp_hint`` (``idp_hint=``), and logout: the browser URL (``create_logout_url``) or the
  session ended from the server (:func:`logout`).
"""

from __future__ import annotations

from collections.abc import Callable

from authwire.plugins import Provider, hookimpl

from ._exchange import ID_TOKEN_TYPE, async_exchange_token, exchange_token
from ._hooks import (
    ACCESS_TOKEN_TYPE,
    REFRESH_TOKEN_TYPE,
    TOKEN_EXCHANGE_GRANT,
    drop_client_credentials_refresh_token,
    exchange_token_type,
)
from ._logout import async_logout, logout
from ._provider import (
    DEFAULT_SCOPES,
    KEYCLOAK,
    async_oauth2_client,
    keycloak_provider,
    oauth2_client,
)

__all__ = [
    "ACCESS_TOKEN_TYPE",
    "DEFAULT_SCOPES",
    "ID_TOKEN_TYPE",
    "KEYCLOAK",
    "REFRESH_TOKEN_TYPE",
    "TOKEN_EXCHANGE_GRANT",
    "async_exchange_token",
    "async_logout",
    "async_oauth2_client",
    "drop_client_credentials_refresh_token",
    "exchange_token",
    "exchange_token_type",
    "keycloak_provider",
    "logout",
    "oauth2_client",
    "register_providers",
]


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    """Add :data:`KEYCLOAK` to the authwire registry (the ``authwire`` entry point)."""
    register(KEYCLOAK)
