"""Twitch for authwire: user tokens (authorization code, device flow), app tokens (client
credentials), token validation, and the Helix API's ``Client-Id`` header.

::

    from authwire_twitch import oauth2_client, validate_token

    client = oauth2_client(CLIENT_ID, CLIENT_SECRET, scope="user:read:email",
                           redirect_uri="https://app.example/cb")
    url, state = client.create_authorization_url()
    ...
    client.fetch_token(authorization_response=callback_url)
    client.get("https://api.twitch.tv/helix/users")   # Client-Id added
    validate_token(client)                              # at start-up, then hourly

What the plugin takes care of (https://dev.twitch.tv/docs/authentication/):

- the endpoints (``https://id.twitch.tv/oauth2/authorize``, ``/token``, ``/revoke``,
  ``/device``), ``client_secret_post``;
- ``Client-Id`` on every Helix request (the provider's ``configure`` registers
  :func:`client_id_header` with the client's own id, so the named constructors and
  ``OAuth2Client.from_provider("twitch", ...)`` both send it);
- Twitch's error bodies (``{"status": 400, "message": ...}``) raised as
  :class:`~authwire.OAuthError`, which also keeps the device flow polling on
  ``authorization_pending``;
- the device request's ``scopes`` parameter;
- :func:`validate_token`, with the ``OAuth`` scheme the validation endpoint documents.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import authwire  # client classes load on first use: authwire.httpx2 imports no httpx
from authwire import InvalidTokenError
from authwire.plugins import Provider, Quirk, hookimpl, oauth2_engine

from ._hooks import (
    HELIX_HOST,
    VALIDATE_URL,
    client_id_header,
    device_scopes,
    oauth_scheme,
    twitch_error_to_oauth,
)

if TYPE_CHECKING:
    import httpx

    from authwire import AsyncOAuth2Client, OAuth2Client

__all__ = [
    "HELIX_URL",
    "TWITCH",
    "VALIDATE_URL",
    "app_client",
    "async_app_client",
    "async_oauth2_client",
    "async_validate_token",
    "client_id_header",
    "device_scopes",
    "oauth2_client",
    "oauth_scheme",
    "register_providers",
    "twitch_error_to_oauth",
    "validate_token",
]

#: The Helix API root.
HELIX_URL = f"https://{HELIX_HOST}/helix"
_ID = "https://id.twitch.tv/oauth2"
_DOCS = "https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/"


def _client_id_on_helix(client: Any, values: Mapping[str, str]) -> None:
    """Every Helix request needs ``Client-Id`` beside the token
    (https://dev.twitch.tv/docs/api/get-started/): the header carries this client's id."""
    engine = oauth2_engine(client)
    if engine is not None and engine.client_id:
        engine.register_compliance_hook("protected_request", client_id_header(engine.client_id))


#: id.twitch.tv, for user and app access tokens.
TWITCH = Provider(
    name="twitch",
    title="Twitch",
    authorization_endpoint=f"{_ID}/authorize",
    token_endpoint=f"{_ID}/token",
    revocation_endpoint=f"{_ID}/revoke",
    device_authorization_endpoint=f"{_ID}/device",
    # client_id and client_secret are body parameters of every documented token request
    token_endpoint_auth_method="client_secret_post",
    # Twitch's OAuth guide documents no PKCE
    code_challenge_method=None,
    compliance_hooks={
        "access_token_response": [twitch_error_to_oauth],
        "refresh_token_response": [twitch_error_to_oauth],
        "device_authorization_request": [device_scopes],
        "device_authorization_response": [twitch_error_to_oauth],
        "protected_request": [oauth_scheme],
    },
    configure=_client_id_on_helix,
    extra={"helix_url": HELIX_URL, "validate_url": VALIDATE_URL, "documentation": _DOCS},
    protocols=("oauth2",),
    flows=(
        "authorization_code",
        "refresh_token",
        "client_credentials",
        "device_code",
        "revocation",
    ),
    quirks=(
        Quirk(
            "every Helix API request needs a Client-Id header beside the bearer token",
            "https://dev.twitch.tv/docs/api/get-started/",
        ),
        Quirk(
            "apps must validate tokens at start-up and hourly, with Authorization: OAuth <token>",
            "https://dev.twitch.tv/docs/authentication/validate-tokens/",
        ),
        Quirk(
            "token errors are {status, message} without an error member; device polling "
            "sends authorization_pending as the message",
            _DOCS,
        ),
        Quirk("the device authorization request takes scopes, not scope", _DOCS),
    ),
)


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    """Add :data:`TWITCH` to the authwire registry (the ``authwire`` entry point)."""
    register(TWITCH)


def oauth2_client(client_id: str, client_secret: str | None = None, **kwargs: Any) -> OAuth2Client:
    """An :class:`~authwire.OAuth2Client` for Twitch user tokens, sending ``Client-Id`` to
    Helix.

    Without ``client_secret`` the client is public (the device flow of a public app).
    Every other argument (``scope``, ``redirect_uri``, ``token``, ``update_token``, httpx
    arguments) goes to the client.
    """
    return authwire.OAuth2Client.from_provider(
        TWITCH, client_id=client_id, client_secret=client_secret, **kwargs
    )


def async_oauth2_client(
    client_id: str, client_secret: str | None = None, **kwargs: Any
) -> AsyncOAuth2Client:
    """:func:`oauth2_client` for :class:`~authwire.AsyncOAuth2Client`."""
    return authwire.AsyncOAuth2Client.from_provider(
        TWITCH, client_id=client_id, client_secret=client_secret, **kwargs
    )


def app_client(client_id: str, client_secret: str, **kwargs: Any) -> OAuth2Client:
    """A client holding an app access token (client credentials grant): fetched on the
    first request and fetched again when it expires (there is no refresh token)."""
    return oauth2_client(client_id, client_secret, grant_type="client_credentials", **kwargs)


def async_app_client(client_id: str, client_secret: str, **kwargs: Any) -> AsyncOAuth2Client:
    """:func:`app_client` for :class:`~authwire.AsyncOAuth2Client`."""
    return async_oauth2_client(client_id, client_secret, grant_type="client_credentials", **kwargs)


def _validated(response: httpx.Response) -> dict[str, Any]:
    if response.status_code == 401:
        raise InvalidTokenError(description="Twitch says the access token is no longer valid")
    response.raise_for_status()
    data = response.json()
    if not isinstance(data, dict):
        raise ValueError("the validation endpoint did not answer a JSON object")
    return data


def validate_token(client: OAuth2Client) -> dict[str, Any]:
    """``GET https://id.twitch.tv/oauth2/validate`` with the client's token.

    Returns ``client_id``, ``login``, ``scopes``, ``user_id`` and ``expires_in``. A token
    that is no longer valid (revoked, the user disconnected the app) raises
    :class:`~authwire.InvalidTokenError`: end the sessions that use it
    (https://dev.twitch.tv/docs/authentication/validate-tokens/).
    """
    return _validated(client.get(VALIDATE_URL))


async def async_validate_token(client: AsyncOAuth2Client) -> dict[str, Any]:
    """:func:`validate_token` for the async client."""
    return _validated(await client.get(VALIDATE_URL))
