"""Long-lived tokens: Meta has no refresh tokens, it exchanges tokens instead.

- Facebook: ``GET https://graph.facebook.com/{version}/oauth/access_token?grant_type=
  fb_exchange_token&client_id=...&client_secret=...&fb_exchange_token=<short-lived>``
  answers ``{"access_token", "token_type": "bearer", "expires_in": 5183944}`` (about 60
  days; https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived).
- Instagram: ``GET https://graph.instagram.com/access_token?grant_type=ig_exchange_token&
  client_secret=...&access_token=<short-lived>``, and ``GET .../refresh_access_token?
  grant_type=ig_refresh_token&access_token=<long-lived>`` to extend a long-lived token
  (https://developers.facebook.com/docs/instagram-platform/reference/access_token and
  .../refresh_access_token).

Each helper runs the core's token request (so the compliance hooks read the answer and the
client keeps the new token) and returns the new token.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from authwire import MissingTokenError

if TYPE_CHECKING:
    from authwire import AsyncOAuth2Client, OAuth2Client
    from authwire.token import OAuth2Token

__all__ = [
    "INSTAGRAM_GRAPH_URL",
    "async_fetch_instagram_long_lived_token",
    "async_fetch_long_lived_token",
    "async_refresh_instagram_token",
    "fetch_instagram_long_lived_token",
    "fetch_long_lived_token",
    "refresh_instagram_token",
]

#: The Instagram Graph API root.
INSTAGRAM_GRAPH_URL = "https://graph.instagram.com"


def _held(client: OAuth2Client | AsyncOAuth2Client, token: str | None) -> str:
    if token is not None:
        return token
    held = client.token
    value = held.get("access_token") if held is not None else None
    if not isinstance(value, str) or not value:
        raise MissingTokenError(description="no access token to exchange")
    return value


def fetch_long_lived_token(client: OAuth2Client, token: str | None = None) -> OAuth2Token:
    """Exchange ``token`` (default: the client's) for a long-lived Facebook token."""
    return client.fetch_token(
        method="GET", grant_type="fb_exchange_token", fb_exchange_token=_held(client, token)
    )


async def async_fetch_long_lived_token(
    client: AsyncOAuth2Client, token: str | None = None
) -> OAuth2Token:
    """:func:`fetch_long_lived_token` for the async client."""
    return await client.fetch_token(
        method="GET", grant_type="fb_exchange_token", fb_exchange_token=_held(client, token)
    )


def fetch_instagram_long_lived_token(client: OAuth2Client, token: str | None = None) -> OAuth2Token:
    """Exchange a short-lived Instagram token (default: the client's) for a 60-day one."""
    return client.fetch_token(
        f"{INSTAGRAM_GRAPH_URL}/access_token",
        method="GET",
        grant_type="ig_exchange_token",
        access_token=_held(client, token),
    )


async def async_fetch_instagram_long_lived_token(
    client: AsyncOAuth2Client, token: str | None = None
) -> OAuth2Token:
    """:func:`fetch_instagram_long_lived_token` for the async client."""
    return await client.fetch_token(
        f"{INSTAGRAM_GRAPH_URL}/access_token",
        method="GET",
        grant_type="ig_exchange_token",
        access_token=_held(client, token),
    )


def refresh_instagram_token(client: OAuth2Client, token: str | None = None) -> OAuth2Token:
    """Extend a long-lived Instagram token (default: the client's); no client secret."""
    return client.fetch_token(
        f"{INSTAGRAM_GRAPH_URL}/refresh_access_token",
        method="GET",
        auth="none",
        grant_type="ig_refresh_token",
        access_token=_held(client, token),
    )


async def async_refresh_instagram_token(
    client: AsyncOAuth2Client, token: str | None = None
) -> OAuth2Token:
    """:func:`refresh_instagram_token` for the async client."""
    return await client.fetch_token(
        f"{INSTAGRAM_GRAPH_URL}/refresh_access_token",
        method="GET",
        auth="none",
        grant_type="ig_refresh_token",
        access_token=_held(client, token),
    )
