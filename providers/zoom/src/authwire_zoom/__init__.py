"""Zoom for authwire: user-authorized apps (authorization code, refresh) and
Server-to-Server OAuth apps (the ``account_credentials`` grant).

::

    from authwire_zoom import oauth2_client, server_to_server_client

    # a Server-to-Server OAuth app: the token is fetched on first use, again after an hour
    s2s = server_to_server_client(CLIENT_ID, CLIENT_SECRET, account_id=ACCOUNT_ID)
    s2s.get("https://api.zoom.us/v2/users/me")

    # a user-managed app
    client = oauth2_client(CLIENT_ID, CLIENT_SECRET, redirect_uri="https://app.example/cb")

What the plugin takes care of (https://developers.zoom.us/docs/integrations/oauth/,
https://developers.zoom.us/docs/internal-apps/s2s-oauth/):

- the endpoints, HTTP Basic client authentication, PKCE S256;
- ``grant_type=account_credentials`` with ``account_id`` for Server-to-Server apps, fetched
  again when the one-hour token expires (there is no refresh token): provider
  ``zoom-s2s``, ``OAuth2Client.from_provider("zoom-s2s", account_id=..., ...)`` being
  :func:`server_to_server_client`;
- refresh for user tokens: each refresh returns a new refresh token, handed to
  ``update_token``;
- Zoom's ``reason`` member as the error's description.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import authwire  # client classes load on first use: authwire.httpx2 imports no httpx
from authwire.plugins import Provider, Quirk, hookimpl, oauth2_engine

from ._hooks import ACCOUNT_CREDENTIALS, account_credentials, reason_to_description

if TYPE_CHECKING:
    from authwire import AsyncOAuth2Client, OAuth2Client

__all__ = [
    "ACCOUNT_CREDENTIALS",
    "API_URL",
    "ZOOM",
    "ZOOM_S2S",
    "account_credentials",
    "async_oauth2_client",
    "async_server_to_server_client",
    "oauth2_client",
    "reason_to_description",
    "register_providers",
    "server_to_server_client",
]

#: The REST API root.
API_URL = "https://api.zoom.us/v2"
_OAUTH_DOCS = "https://developers.zoom.us/docs/integrations/oauth/"
_S2S_DOCS = "https://developers.zoom.us/docs/internal-apps/s2s-oauth/"

#: zoom.us, for user-managed and Server-to-Server OAuth apps.
ZOOM = Provider(
    name="zoom",
    title="Zoom",
    authorization_endpoint="https://zoom.us/oauth/authorize",
    token_endpoint="https://zoom.us/oauth/token",
    revocation_endpoint="https://zoom.us/oauth/revoke",
    # "Authorization: Basic base64(client_id:client_secret)" on every token request
    token_endpoint_auth_method="client_secret_basic",
    code_challenge_method="S256",
    compliance_hooks={
        "access_token_response": [reason_to_description],
        "refresh_token_response": [reason_to_description],
    },
    extra={"api_url": API_URL, "documentation": _OAUTH_DOCS},
    protocols=("oauth2",),
    flows=("authorization_code", "refresh_token", "account_credentials", "revocation"),
    quirks=(
        Quirk(
            "Server-to-Server apps use grant_type=account_credentials with account_id, "
            "not client_credentials; no refresh token",
            _S2S_DOCS,
        ),
        Quirk("client authentication is HTTP Basic on every token request", _OAUTH_DOCS),
        Quirk("error bodies explain themselves in reason, not error_description", _OAUTH_DOCS),
        Quirk("each refresh returns a new refresh token; keep the newest", _OAUTH_DOCS),
    ),
)


def _account_credentials(client: Any, values: Mapping[str, str]) -> None:
    """A Server-to-Server app fetches its token with ``grant_type=account_credentials`` and
    its ``account_id`` (https://developers.zoom.us/docs/internal-apps/s2s-oauth/): the
    client credentials grant unless another grant type was given, each request rewritten
    by :func:`account_credentials`, so the core fetches on first use and after expiry."""
    engine = oauth2_engine(client)
    if engine is None:
        return
    engine.register_compliance_hook(
        "access_token_request", account_credentials(values["account_id"])
    )
    if not engine.metadata.get("grant_type"):
        engine.metadata["grant_type"] = "client_credentials"


#: Zoom Server-to-Server OAuth apps: ``account_id=`` is required, the token comes from
#: ``grant_type=account_credentials``, fetched on first use.
ZOOM_S2S = dataclasses.replace(
    ZOOM,
    name="zoom-s2s",
    title="Zoom (Server-to-Server OAuth)",
    authorization_endpoint=None,
    parameters={"account_id": None},
    configure=_account_credentials,
    extra={"api_url": API_URL, "documentation": _S2S_DOCS},
    flows=("account_credentials", "revocation"),
    quirks=tuple(q for q in ZOOM.quirks if "refresh token; keep" not in q.summary),
)


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    """Add :data:`ZOOM` and :data:`ZOOM_S2S` to the authwire registry (the entry point)."""
    register(ZOOM)
    register(ZOOM_S2S)


def oauth2_client(client_id: str, client_secret: str | None = None, **kwargs: Any) -> OAuth2Client:
    """An :class:`~authwire.OAuth2Client` for a user-managed (or admin-managed) Zoom app.

    Equal to ``OAuth2Client.from_provider("zoom", client_id=..., client_secret=...,
    **kwargs)``.
    """
    return authwire.OAuth2Client.from_provider(
        ZOOM, client_id=client_id, client_secret=client_secret, **kwargs
    )


def async_oauth2_client(
    client_id: str, client_secret: str | None = None, **kwargs: Any
) -> AsyncOAuth2Client:
    """:func:`oauth2_client` for :class:`~authwire.AsyncOAuth2Client`."""
    return authwire.AsyncOAuth2Client.from_provider(
        ZOOM, client_id=client_id, client_secret=client_secret, **kwargs
    )


def server_to_server_client(
    client_id: str, client_secret: str, *, account_id: str, **kwargs: Any
) -> OAuth2Client:
    """A client for a Server-to-Server OAuth app of the account ``account_id``.

    The token (one hour, no refresh token) is fetched on the first request and fetched
    again when it expires; ``client.fetch_token()`` fetches one now.
    """
    account_credentials(account_id)  # checks account_id before a client exists
    return authwire.OAuth2Client.from_provider(
        ZOOM_S2S,
        client_id=client_id,
        client_secret=client_secret,
        account_id=account_id,
        grant_type="client_credentials",
        **kwargs,
    )


def async_server_to_server_client(
    client_id: str, client_secret: str, *, account_id: str, **kwargs: Any
) -> AsyncOAuth2Client:
    """:func:`server_to_server_client` for :class:`~authwire.AsyncOAuth2Client`."""
    account_credentials(account_id)
    return authwire.AsyncOAuth2Client.from_provider(
        ZOOM_S2S,
        client_id=client_id,
        client_secret=client_secret,
        account_id=account_id,
        grant_type="client_credentials",
        **kwargs,
    )
