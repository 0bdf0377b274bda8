"""Dropbox for authwire: short-lived access tokens, refresh tokens with offline access.

::

    from authwire_dropbox import oauth2_client, revoke

    client = oauth2_client(APP_KEY, APP_SECRET, redirect_uri="https://app.example/cb")
    url, state = client.create_authorization_url()   # token_access_type=offline
    ...
    client.fetch_token(authorization_response=callback_url)
    ...
    revoke(client)   # POST /2/auth/token/revoke with the access token as Bearer

which is the same client as ``OAuth2Client.from_provider("dropbox", ...)``. What the plugin
takes care of:

- the endpoints ``https://www.dropbox.com/oauth2/authorize`` and
  ``https://api.dropboxapi.com/oauth2/token``; HTTP Basic with the app key and secret, or
  PKCE S256 for an app without its secret;
- ``token_access_type=offline`` on every authorization URL, without which Dropbox issues
  only a short-lived (about four hours) access token and no refresh token;
- refresh answers carry no ``refresh_token``: the one from the code exchange is kept;
- revocation is an API call (``/2/auth/token/revoke``, authorized by the access token
  itself), not RFC 7009: :func:`revoke`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import authwire  # client classes load on first use: authwire.httpx2 imports no httpx
from authwire.plugins import Provider, Quirk, hookimpl

if TYPE_CHECKING:
    import httpx

    from authwire import AsyncOAuth2Client, OAuth2Client

__all__ = [
    "API_URL",
    "DROPBOX",
    "REVOKE_URL",
    "TOKEN_ACCESS_TYPES",
    "async_fetch_current_account",
    "async_oauth2_client",
    "async_revoke",
    "fetch_current_account",
    "oauth2_client",
    "register_providers",
    "revoke",
]

#: The RPC API root.
API_URL = "https://api.dropboxapi.com/2"
#: https://www.dropbox.com/developers/documentation/http/documentation#auth-token-revoke
REVOKE_URL = f"{API_URL}/auth/token/revoke"
#: ``offline`` (a refresh token too) or ``online`` (a short-lived access token only).
TOKEN_ACCESS_TYPES = ("offline", "online")

_OAUTH_GUIDE = "https://developers.dropbox.com/oauth-guide"
_OFFLINE_ACCESS = "https://dropbox.tech/developers/using-oauth-2-0-with-offline-access"

#: www.dropbox.com and api.dropboxapi.com, for the Dropbox API v2.
DROPBOX = Provider(
    name="dropbox",
    title="Dropbox",
    authorization_endpoint="https://www.dropbox.com/oauth2/authorize",
    token_endpoint="https://api.dropboxapi.com/oauth2/token",
    token_endpoint_auth_method="client_secret_basic",
    code_challenge_method="S256",
    # https://dropbox.tech/developers/using-oauth-2-0-with-offline-access: without
    # token_access_type=offline there is no refresh token
    authorize_params={"token_access_type": "offline"},
    extra={"api_url": API_URL, "revoke_url": REVOKE_URL, "documentation": _OAUTH_GUIDE},
    protocols=("oauth2",),
    flows=("authorization_code", "refresh_token", "revocation"),
    quirks=(
        Quirk(
            "a refresh token comes only with token_access_type=offline on the authorization URL",
            _OFFLINE_ACCESS,
        ),
        Quirk(
            "refresh answers carry no refresh_token: keep the one from the code exchange",
            _OFFLINE_ACCESS,
        ),
        Quirk(
            "revocation is the Bearer-authorized RPC /2/auth/token/revoke, not RFC 7009",
            "https://www.dropbox.com/developers/documentation/http/documentation#auth-token-revoke",
        ),
    ),
)


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    """Add :data:`DROPBOX` to the authwire registry (the ``authwire`` entry point)."""
    register(DROPBOX)


def _kwargs(
    client_id: str, client_secret: str | None, token_access_type: str, kwargs: dict[str, Any]
) -> dict[str, Any]:
    if token_access_type not in TOKEN_ACCESS_TYPES:
        raise ValueError(
            f"token_access_type must be 'offline' or 'online', not {token_access_type!r} "
            "(Dropbox retired 'legacy' long-lived tokens)"
        )
    given = dict(kwargs.pop("authorize_params", None) or {})
    if "token_access_type" in given:
        raise TypeError(
            "give token_access_type= or authorize_params['token_access_type'], not both"
        )
    given["token_access_type"] = token_access_type
    return {
        "client_id": client_id,
        "client_secret": client_secret,
        "authorize_params": given,
        **kwargs,
    }


def oauth2_client(
    client_id: str,
    client_secret: str | None = None,
    *,
    token_access_type: str = "offline",
    **kwargs: Any,
) -> OAuth2Client:
    """An :class:`~authwire.OAuth2Client` for Dropbox (``client_id`` is the app key).

    ``OAuth2Client.from_provider("dropbox", ...)``. ``token_access_type="online"`` asks for
    a short-lived access token only (no refresh token). Without ``client_secret`` the
    client is public and uses PKCE.
    """
    return authwire.OAuth2Client.from_provider(
        DROPBOX, **_kwargs(client_id, client_secret, token_access_type, kwargs)
    )


def async_oauth2_client(
    client_id: str,
    client_secret: str | None = None,
    *,
    token_access_type: str = "offline",
    **kwargs: Any,
) -> AsyncOAuth2Client:
    """:func:`oauth2_client` for :class:`~authwire.AsyncOAuth2Client`."""
    return authwire.AsyncOAuth2Client.from_provider(
        DROPBOX, **_kwargs(client_id, client_secret, token_access_type, kwargs)
    )


def _revoked(response: httpx.Response) -> None:
    # an RPC without arguments answers 200 with the JSON "null"; errors are 4xx/5xx
    response.raise_for_status()


def revoke(client: OAuth2Client, *, url: str = REVOKE_URL) -> None:
    """Revoke the client's access token, and with it its refresh token (``/2/auth/token/revoke``).

    Dropbox's revocation is an RPC authorized by the token itself (``Authorization: Bearer``,
    no body), so the client sends it like any API call: an expired access token is refreshed
    first. The client keeps its (now dead) token; drop it afterwards. Raises
    ``httpx.HTTPStatusError`` when Dropbox refuses.
    """
    _revoked(client.post(url))


async def async_revoke(client: AsyncOAuth2Client, *, url: str = REVOKE_URL) -> None:
    """:func:`revoke` for the async client."""
    _revoked(await client.post(url))


def _account(response: httpx.Response) -> dict[str, Any]:
    response.raise_for_status()
    data = response.json()
    if not isinstance(data, dict):
        raise ValueError(
            f"Dropbox's get_current_account answered a JSON {type(data).__name__}, not an object"
        )
    return data


def fetch_current_account(client: OAuth2Client, *, api_url: str = API_URL) -> dict[str, Any]:
    """``POST /2/users/get_current_account`` (an RPC without arguments): the user's account."""
    return _account(client.post(api_url.rstrip("/") + "/users/get_current_account"))


async def async_fetch_current_account(
    client: AsyncOAuth2Client, *, api_url: str = API_URL
) -> dict[str, Any]:
    """:func:`fetch_current_account` for the async client."""
    return _account(await client.post(api_url.rstrip("/") + "/users/get_current_account"))
