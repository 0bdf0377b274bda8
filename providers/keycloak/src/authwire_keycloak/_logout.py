"""Logging a user out of Keycloak.

The realm's logout endpoint, ``.../protocol/openid-connect/logout``, is its
``end_session_endpoint``:

- in a browser, ``client.create_logout_url(post_logout_redirect_uri=...)`` builds the
  OpenID Connect RP-initiated logout URL (Keycloak 18 and later want ``id_token_hint`` or
  ``client_id`` beside ``post_logout_redirect_uri``; authwire sends both when it has them);
- from the server, with no browser, Keycloak also accepts a POST of the session's refresh
  token with the client's credentials, which ends the session (a Keycloak extension kept for
  its adapters: https://www.keycloak.org/securing-apps/oidc-layers#_oidc_available_endpoints).
  :func:`logout` sends it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import authwire

if TYPE_CHECKING:
    import httpx

    from authwire import AsyncOAuth2Client, OAuth2Client

__all__ = ["async_logout", "logout"]


def _request(client: Any, refresh_token: str | None) -> tuple[str, dict[str, str]]:
    endpoint = client.metadata.get("end_session_endpoint")
    if not isinstance(endpoint, str) or not endpoint:
        raise ValueError("the client knows no end_session_endpoint (Keycloak's logout endpoint)")
    if refresh_token is None:
        token = client.token
        refresh_token = token.refresh_token if token is not None else None
    if not isinstance(refresh_token, str) or not refresh_token:
        raise authwire.MissingTokenError(
            description="logging out from the server needs the session's refresh token"
        )
    return endpoint, {"refresh_token": refresh_token}


def _check(response: httpx.Response) -> None:
    """204 (or any 2xx) ends well; an OAuth error body raises :class:`authwire.OAuthError`."""
    if response.is_success:
        return
    try:
        data = json.loads(response.content)
    except ValueError:
        data = None
    if isinstance(data, Mapping) and isinstance(data.get("error"), str):
        description = data.get("error_description")
        raise authwire.OAuthError(
            data["error"], description if isinstance(description, str) else None
        )
    raise authwire.OAuthError(
        "logout_failed", f"Keycloak's logout endpoint answered HTTP {response.status_code}"
    )


def logout(client: OAuth2Client, refresh_token: str | None = None) -> None:
    """End the user's Keycloak session from the server (no browser involved).

    POSTs ``refresh_token`` (the client's current one by default) to the realm's logout
    endpoint with the client's authentication, as Keycloak's logout endpoint accepts it.
    The session's tokens stop working for renewal; the client's own token is left as it is.

    Raises:
        authwire.MissingTokenError: no refresh token to send.
        authwire.OAuthError: Keycloak refused (``invalid_grant`` for an unknown or expired
            refresh token, ``unauthorized_client`` for bad client credentials).
    """
    endpoint, form = _request(client, refresh_token)
    response = client.post(endpoint, data=form, auth=client.client_auth(), withhold_token=True)
    _check(response)


async def async_logout(client: AsyncOAuth2Client, refresh_token: str | None = None) -> None:
    """:func:`logout` for the async client."""
    endpoint, form = _request(client, refresh_token)
    response = await client.post(
        endpoint, data=form, auth=client.client_auth(), withhold_token=True
    )
    _check(response)
