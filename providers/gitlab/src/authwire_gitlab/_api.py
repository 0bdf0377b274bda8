"""Small helpers over GitLab's REST API and Doorkeeper's token info endpoint.

Each one sends its request through the given client, so the token is presented and renewed
as for any other request, and reads the instance's URL from the client's token endpoint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._provider import api_root, instance_root

if TYPE_CHECKING:
    import httpx

    from authwire import AsyncOAuth2Client, OAuth2Client

__all__ = ["async_fetch_token_info", "async_fetch_user", "fetch_token_info", "fetch_user"]


def _object(response: httpx.Response, what: str) -> dict[str, Any]:
    response.raise_for_status()
    data = response.json()
    if not isinstance(data, dict):
        raise ValueError(f"GitLab's {what} answered a JSON {type(data).__name__}, not an object")
    return data


def fetch_user(client: OAuth2Client) -> dict[str, Any]:
    """``GET /api/v4/user``: the signed-in user (``id``, ``username``, ``name``, ``email``...).

    Needs the ``read_user`` (or ``api``) scope; GitLab answers 403 without it, raised as
    ``httpx.HTTPStatusError``. https://docs.gitlab.com/api/users/
    """
    return _object(client.get(api_root(client) + "/user"), "/api/v4/user")


async def async_fetch_user(client: AsyncOAuth2Client) -> dict[str, Any]:
    """:func:`fetch_user` for the async client."""
    return _object(await client.get(api_root(client) + "/user"), "/api/v4/user")


def fetch_token_info(client: OAuth2Client) -> dict[str, Any]:
    """``GET /oauth/token/info``: the current token's scopes, application and lifetime.

    Doorkeeper's answer: ``resource_owner_id``, ``scope`` (a list), ``expires_in`` (seconds
    left, ``null`` for a token that does not expire), ``application.uid``, ``created_at``.
    https://docs.gitlab.com/api/oauth2/#retrieve-the-token-information
    """
    return _object(client.get(instance_root(client) + "/oauth/token/info"), "/oauth/token/info")


async def async_fetch_token_info(client: AsyncOAuth2Client) -> dict[str, Any]:
    """:func:`fetch_token_info` for the async client."""
    response = await client.get(instance_root(client) + "/oauth/token/info")
    return _object(response, "/oauth/token/info")
