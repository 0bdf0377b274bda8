"""Atlassian for authwire: OAuth 2.0 (3LO) apps acting for a user on Jira and Confluence.

::

    from authwire_atlassian import api_url, cloud_id, fetch_accessible_resources, oauth2_client

    client = oauth2_client(CLIENT_ID, CLIENT_SECRET, scope="read:jira-work",
                           redirect_uri="https://app.example/cb")
    url, state = client.create_authorization_url()
    ...
    client.fetch_token(authorization_response=callback_url)
    jira = api_url("jira", cloud_id(fetch_accessible_resources(client)))
    client.get(f"{jira}/rest/api/3/myself")

which is the same client as ``OAuth2Client.from_provider("atlassian", ...)`` except that
the named constructors add ``offline_access`` to the scope (``offline=False`` leaves it out).
What the plugin takes care of
(https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/):

- the endpoints, ``client_secret_post``;
- ``audience=api.atlassian.com`` and ``prompt=consent`` on every authorization URL;
- ``offline_access`` for a refresh token; refresh tokens rotate, and the client hands each
  new one to ``update_token``
  (https://developer.atlassian.com/cloud/oauth/getting-started/refresh-tokens);
- the cloud id of a site from ``accessible-resources``, and the gateway URL built from it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import authwire  # client classes load on first use: authwire.httpx2 imports no httpx
from authwire.plugins import Provider, Quirk, hookimpl

from ._api import (
    ACCESSIBLE_RESOURCES_URL,
    API_GATEWAY,
    api_url,
    async_fetch_accessible_resources,
    cloud_id,
    fetch_accessible_resources,
)

if TYPE_CHECKING:
    from authwire import AsyncOAuth2Client, OAuth2Client

__all__ = [
    "ACCESSIBLE_RESOURCES_URL",
    "API_GATEWAY",
    "ATLASSIAN",
    "api_url",
    "async_fetch_accessible_resources",
    "async_oauth2_client",
    "cloud_id",
    "fetch_accessible_resources",
    "oauth2_client",
    "register_providers",
]

_DOCS = "https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/"
_REFRESH_DOCS = "https://developer.atlassian.com/cloud/oauth/getting-started/refresh-tokens"

#: auth.atlassian.com, for OAuth 2.0 (3LO) integrations of the developer console.
ATLASSIAN = Provider(
    name="atlassian",
    title="Atlassian",
    authorization_endpoint="https://auth.atlassian.com/authorize",
    token_endpoint="https://auth.atlassian.com/oauth/token",
    # the documented token requests carry client_id and client_secret in the body
    token_endpoint_auth_method="client_secret_post",
    # PKCE is not part of Atlassian's 3LO documentation
    code_challenge_method=None,
    # "audience: (required) Set this to api.atlassian.com"; "prompt: (required) Set this
    # to consent so that the screen prompting the user to grant access will display" (_DOCS)
    authorize_params={"audience": "api.atlassian.com", "prompt": "consent"},
    extra={
        "api_gateway": API_GATEWAY,
        "accessible_resources_url": ACCESSIBLE_RESOURCES_URL,
        "documentation": _DOCS,
    },
    protocols=("oauth2",),
    flows=("authorization_code", "refresh_token"),
    quirks=(
        Quirk("the authorization URL needs audience=api.atlassian.com and prompt=consent", _DOCS),
        Quirk(
            "a refresh token only with the offline_access scope; each refresh rotates it",
            _REFRESH_DOCS,
        ),
        Quirk(
            "API calls go through api.atlassian.com/ex/{product}/{cloudid}, the cloud id "
            "coming from accessible-resources",
            "https://developer.atlassian.com/cloud/oauth/getting-started/making-calls-to-api",
        ),
    ),
)


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    """Add :data:`ATLASSIAN` to the authwire registry (the ``authwire`` entry point)."""
    register(ATLASSIAN)


def _with_offline_access(offline: bool, kwargs: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(offline, bool):
        raise TypeError(f"offline must be a bool, not {offline!r}")
    scope = kwargs.get("scope")
    if not offline or scope is None:
        return kwargs
    words = scope.split() if isinstance(scope, str) else [str(s) for s in scope]
    if "offline_access" not in words:
        words.append("offline_access")
    return {**kwargs, "scope": " ".join(words)}


def oauth2_client(
    client_id: str, client_secret: str | None = None, *, offline: bool = True, **kwargs: Any
) -> OAuth2Client:
    """An :class:`~authwire.OAuth2Client` for Atlassian's 3LO.

    ``scope`` lists the product scopes (``read:jira-work``...); with ``offline=True`` (the
    default) ``offline_access`` is added so that the client gets a refresh token and renews
    the 1-hour access token by itself. Every other argument goes to the client.
    """
    return authwire.OAuth2Client.from_provider(
        ATLASSIAN,
        client_id=client_id,
        client_secret=client_secret,
        **_with_offline_access(offline, kwargs),
    )


def async_oauth2_client(
    client_id: str, client_secret: str | None = None, *, offline: bool = True, **kwargs: Any
) -> AsyncOAuth2Client:
    """:func:`oauth2_client` for :class:`~authwire.AsyncOAuth2Client`."""
    return authwire.AsyncOAuth2Client.from_provider(
        ATLASSIAN,
        client_id=client_id,
        client_secret=client_secret,
        **_with_offline_access(offline, kwargs),
    )
