"""Notion for authwire: public connections (OAuth 2.0) acting in a user's workspace.

::

    from authwire_notion import oauth2_client, workspace

    client = oauth2_client(CLIENT_ID, CLIENT_SECRET, redirect_uri="https://app.example/cb")
    url, state = client.create_authorization_url()
    ...
    token = client.fetch_token(authorization_response=callback_url)
    workspace(token).name            # "Ada's Notion Workspace"

which is the same client as ``OAuth2Client.from_provider("notion", ...)``. What the plugin
takes care of:

- the endpoints, ``owner=user`` on the authorization URL and HTTP Basic client
  authentication (https://developers.notion.com/docs/authorization);
- a JSON token request body (code exchange, refresh, revoke, introspect) where the core
  sends a form (https://developers.notion.com/reference/create-a-token);
- Notion's error objects (``{"object": "error", "code": ...}``) raised as
  :class:`~authwire.OAuthError` (https://developers.notion.com/reference/status-codes);
- ``Notion-Version`` on every API request (https://developers.notion.com/reference/versioning).

The token keeps every field Notion returns (``workspace_id``, ``workspace_name``,
``workspace_icon``, ``bot_id``, ``owner``, ``duplicated_template_id``); :func:`workspace`
reads them. Notion gives no ``expires_in``: the token is used until it is refused or
refreshed with ``client.refresh_token()``, which rotates the refresh token
(https://developers.notion.com/reference/refresh-a-token).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import authwire  # client classes load on first use: authwire.httpx2 imports no httpx
from authwire.plugins import Provider, Quirk, hookimpl

from ._hooks import API_HOST, NOTION_VERSION, json_body, notion_error_to_oauth, notion_version

if TYPE_CHECKING:
    import httpx

    from authwire import AsyncOAuth2Client, OAuth2Client

__all__ = [
    "API_URL",
    "NOTION",
    "NOTION_VERSION",
    "NotionWorkspace",
    "async_fetch_bot_user",
    "async_oauth2_client",
    "fetch_bot_user",
    "json_body",
    "notion_error_to_oauth",
    "notion_version",
    "oauth2_client",
    "register_providers",
    "workspace",
]

#: The REST API root.
API_URL = f"https://{API_HOST}/v1"

_DOCS = "https://developers.notion.com/docs/authorization"

#: api.notion.com, for public connections.
NOTION = Provider(
    name="notion",
    title="Notion",
    authorization_endpoint=f"{API_URL}/oauth/authorize",
    token_endpoint=f"{API_URL}/oauth/token",
    revocation_endpoint=f"{API_URL}/oauth/revoke",
    introspection_endpoint=f"{API_URL}/oauth/introspect",
    token_endpoint_auth_method="client_secret_basic",
    # Notion documents no PKCE for public connections
    code_challenge_method=None,
    # "owner=user": the connection is installed by the user (authorization guide, step 1)
    authorize_params={"owner": "user"},
    compliance_hooks={
        "access_token_request": [json_body],
        "access_token_response": [notion_error_to_oauth],
        "refresh_token_request": [json_body],
        "refresh_token_response": [notion_error_to_oauth],
        "revoke_token_request": [json_body],
        "introspect_token_request": [json_body],
        "protected_request": [notion_version],
    },
    extra={"api_url": API_URL, "documentation": _DOCS},
    protocols=("oauth2",),
    flows=("authorization_code", "refresh_token", "revocation", "introspection"),
    quirks=(
        Quirk(
            "the token endpoint takes a JSON body, with the client authenticated by HTTP Basic",
            "https://developers.notion.com/reference/create-a-token",
        ),
        Quirk(
            "errors come as Notion error objects (object, status, code, message), not RFC 6749",
            "https://developers.notion.com/reference/status-codes",
        ),
        Quirk(
            "every API request needs a Notion-Version header",
            "https://developers.notion.com/reference/versioning",
        ),
        Quirk(
            "the token carries workspace_id, workspace_name, bot_id and owner; no expires_in",
            "https://developers.notion.com/reference/create-a-token",
        ),
        Quirk(
            "refreshing issues a new refresh token and disables the old one",
            "https://developers.notion.com/reference/refresh-a-token",
        ),
    ),
)


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    """Add :data:`NOTION` to the authwire registry (the ``authwire`` entry point)."""
    register(NOTION)


@dataclass(frozen=True, slots=True)
class NotionWorkspace:
    """The workspace fields of a Notion token response.

    ``bot_id`` identifies this authorization (store tokens by it); ``workspace_id`` is
    not unique across tokens (https://developers.notion.com/reference/create-a-token).
    """

    id: str
    name: str | None
    icon: str | None
    bot_id: str
    owner: Mapping[str, Any]
    duplicated_template_id: str | None


def _optional_str(token: Mapping[str, Any], key: str) -> str | None:
    value = token.get(key)
    return value if isinstance(value, str) else None


def workspace(token: Mapping[str, Any]) -> NotionWorkspace:
    """The :class:`NotionWorkspace` of a token Notion issued.

    Raises ``ValueError`` when ``workspace_id`` or ``bot_id`` is missing (not a Notion
    public connection's token).
    """
    if not isinstance(token, Mapping):
        raise TypeError(f"token must be a mapping, not {type(token).__name__}")
    workspace_id = token.get("workspace_id")
    bot_id = token.get("bot_id")
    if not isinstance(workspace_id, str) or not isinstance(bot_id, str):
        raise ValueError("the token has no workspace_id / bot_id: not from Notion's token endpoint")
    owner = token.get("owner")
    return NotionWorkspace(
        id=workspace_id,
        name=_optional_str(token, "workspace_name"),
        icon=_optional_str(token, "workspace_icon"),
        bot_id=bot_id,
        owner=owner if isinstance(owner, Mapping) else {},
        duplicated_template_id=_optional_str(token, "duplicated_template_id"),
    )


def _object(response: httpx.Response) -> dict[str, Any]:
    response.raise_for_status()
    data = response.json()
    if not isinstance(data, dict):
        raise ValueError(f"Notion answered a JSON {type(data).__name__}, not an object")
    return data


def fetch_bot_user(client: OAuth2Client) -> dict[str, Any]:
    """``GET /v1/users/me``: the connection's bot user, with its owner.

    https://developers.notion.com/reference/get-self. Raises ``httpx.HTTPStatusError``
    for an HTTP error and ``ValueError`` when the answer is not a JSON object.
    """
    return _object(client.get(f"{API_URL}/users/me"))


async def async_fetch_bot_user(client: AsyncOAuth2Client) -> dict[str, Any]:
    """:func:`fetch_bot_user` for the async client."""
    return _object(await client.get(f"{API_URL}/users/me"))


def oauth2_client(client_id: str, client_secret: str | None = None, **kwargs: Any) -> OAuth2Client:
    """An :class:`~authwire.OAuth2Client` for a Notion public connection.

    Equal to ``OAuth2Client.from_provider("notion", client_id=..., client_secret=...,
    **kwargs)``; every other argument (``redirect_uri``, ``token``, ``update_token``, httpx
    arguments) goes to the client.
    """
    return authwire.OAuth2Client.from_provider(
        NOTION, client_id=client_id, client_secret=client_secret, **kwargs
    )


def async_oauth2_client(
    client_id: str, client_secret: str | None = None, **kwargs: Any
) -> AsyncOAuth2Client:
    """:func:`oauth2_client` for :class:`~authwire.AsyncOAuth2Client`."""
    return authwire.AsyncOAuth2Client.from_provider(
        NOTION, client_id=client_id, client_secret=client_secret, **kwargs
    )
