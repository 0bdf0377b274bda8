"""Spotify for authwire: the Web API's authorization code (with PKCE) and client credentials.

::

    from authwire_spotify import oauth2_client

    client = oauth2_client(CLIENT_ID, CLIENT_SECRET, redirect_uri="https://app.example/cb")
    url, state = client.create_authorization_url(scope="user-read-email")
    ...
    client.fetch_token(authorization_response=callback_url)

which is the same client as ``OAuth2Client.from_provider("spotify", ...)``. What the plugin
takes care of:

- the endpoints ``https://accounts.spotify.com/authorize`` and
  ``https://accounts.spotify.com/api/token``;
- HTTP Basic client authentication for a confidential client (a secret given), PKCE S256
  with ``client_id`` in the body for a public one (no secret);
- the 2025 redirect URI rules: ``localhost`` and ``http://`` (other than a loopback IP
  literal) refused with a ``ValueError`` when the client is made (the provider's
  ``configure``), and again before a code exchange (:func:`check_redirect_uri`);
- the client credentials grant (app-only tokens): ``grant_type="client_credentials"`` makes
  the client fetch, and fetch again, its own token;
- a refresh answered without a new ``refresh_token`` keeps the old one (the core's rule).

:func:`fetch_current_user` reads ``GET /v1/me``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import authwire  # client classes load on first use: authwire.httpx2 imports no httpx
from authwire.plugins import Provider, Quirk, hookimpl, oauth2_engine

from ._redirect import REDIRECT_URI_RULES, check_redirect_uri

if TYPE_CHECKING:
    import httpx

    from authwire import AsyncOAuth2Client, OAuth2Client

__all__ = [
    "API_URL",
    "REDIRECT_URI_RULES",
    "SPOTIFY",
    "async_fetch_current_user",
    "async_oauth2_client",
    "check_redirect_uri",
    "check_token_request_redirect_uri",
    "fetch_current_user",
    "oauth2_client",
    "register_providers",
]

#: The Web API root.
API_URL = "https://api.spotify.com/v1"

_AUTHORIZATION_GUIDE = (
    "https://developer.spotify.com/documentation/web-api/tutorials/code-pkce-flow"
)


def check_token_request_redirect_uri(
    url: str, headers: dict[str, str], body: str
) -> tuple[str, dict[str, str], str]:
    """``access_token_request`` hook: refuse a code exchange whose ``redirect_uri`` Spotify bans.

    The client's own ``redirect_uri=`` is checked when it is made; this catches a per-call
    ``redirect_uri``, before the code is spent
    (https://developer.spotify.com/documentation/web-api/concepts/redirect_uri).
    """
    for name, value in parse_qsl(body, keep_blank_values=True):
        if name == "redirect_uri":
            check_redirect_uri(value)
    return url, headers, body


def _check_client_redirect_uri(client: Any, values: Mapping[str, str]) -> None:
    """Refuse a client whose ``redirect_uri=`` Spotify bans, before any URL is built
    (https://developer.spotify.com/documentation/web-api/concepts/redirect_uri)."""
    engine = oauth2_engine(client)
    if engine is not None and engine.redirect_uri is not None:
        check_redirect_uri(engine.redirect_uri)


#: accounts.spotify.com, for the Web API.
SPOTIFY = Provider(
    name="spotify",
    title="Spotify",
    authorization_endpoint="https://accounts.spotify.com/authorize",
    token_endpoint="https://accounts.spotify.com/api/token",
    # https://developer.spotify.com/documentation/web-api/tutorials/code-flow: the token
    # request carries "Authorization: Basic <base64 client_id:client_secret>"
    token_endpoint_auth_method="client_secret_basic",
    # https://developer.spotify.com/documentation/web-api/tutorials/code-pkce-flow: S256
    code_challenge_method="S256",
    compliance_hooks={"access_token_request": [check_token_request_redirect_uri]},
    configure=_check_client_redirect_uri,
    extra={"api_url": API_URL, "documentation": _AUTHORIZATION_GUIDE},
    protocols=("oauth2",),
    flows=("authorization_code", "refresh_token", "client_credentials"),
    quirks=(
        Quirk(
            "localhost and plain http redirect URIs are refused; only loopback IP literals "
            "(127.0.0.1, [::1]) may use http",
            REDIRECT_URI_RULES,
        ),
        Quirk(
            "confidential clients authenticate with HTTP Basic at the token endpoint",
            "https://developer.spotify.com/documentation/web-api/tutorials/code-flow",
        ),
        Quirk(
            "public clients (no secret) must use PKCE and send client_id in the body",
            _AUTHORIZATION_GUIDE,
        ),
        Quirk(
            "a refresh may answer without refresh_token: the previous one stays valid",
            "https://developer.spotify.com/documentation/web-api/tutorials/refreshing-tokens",
        ),
    ),
)


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    """Add :data:`SPOTIFY` to the authwire registry (the ``authwire`` entry point)."""
    register(SPOTIFY)


def _kwargs(client_id: str, client_secret: str | None, kwargs: dict[str, Any]) -> dict[str, Any]:
    return {"client_id": client_id, "client_secret": client_secret, **kwargs}


def oauth2_client(client_id: str, client_secret: str | None = None, **kwargs: Any) -> OAuth2Client:
    """An :class:`~authwire.OAuth2Client` for Spotify.

    ``OAuth2Client.from_provider("spotify", client_id=..., client_secret=..., **kwargs)``,
    which runs :func:`check_redirect_uri` on ``redirect_uri=`` (a ``ValueError`` for
    ``localhost`` or a non-loopback ``http://`` URI). With a secret the client uses HTTP
    Basic; without one it is public and uses PKCE. ``grant_type="client_credentials"``
    gives an app-only client that fetches its own token.
    """
    return authwire.OAuth2Client.from_provider(SPOTIFY, **_kwargs(client_id, client_secret, kwargs))


def async_oauth2_client(
    client_id: str, client_secret: str | None = None, **kwargs: Any
) -> AsyncOAuth2Client:
    """:func:`oauth2_client` for :class:`~authwire.AsyncOAuth2Client`."""
    return authwire.AsyncOAuth2Client.from_provider(
        SPOTIFY, **_kwargs(client_id, client_secret, kwargs)
    )


def _profile(response: httpx.Response) -> dict[str, Any]:
    response.raise_for_status()
    data = response.json()
    if not isinstance(data, dict):
        raise ValueError(f"Spotify's /me answered a JSON {type(data).__name__}, not an object")
    return data


def fetch_current_user(client: OAuth2Client, *, api_url: str = API_URL) -> dict[str, Any]:
    """``GET /v1/me``: the user's profile (``id``, ``display_name``; ``email`` with the
    ``user-read-email`` scope). ``httpx.HTTPStatusError`` for an HTTP error."""
    return _profile(client.get(api_url.rstrip("/") + "/me"))


async def async_fetch_current_user(
    client: AsyncOAuth2Client, *, api_url: str = API_URL
) -> dict[str, Any]:
    """:func:`fetch_current_user` for the async client."""
    return _profile(await client.get(api_url.rstrip("/") + "/me"))
