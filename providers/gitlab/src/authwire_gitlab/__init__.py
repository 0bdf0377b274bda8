"""GitLab for authwire: sign users in with gitlab.com or a self-managed GitLab.

::

    from authwire_gitlab import oauth2_client

    client = oauth2_client(CLIENT_ID, CLIENT_SECRET, redirect_uri="https://app.example/cb")
    mine = oauth2_client(CLIENT_ID, CLIENT_SECRET, host="gitlab.example.com", ...)

which is ``OAuth2Client.from_provider("gitlab", host=..., ...)``, with the ``redirect_uri``
GitLab documents on refresh. What the plugin takes care of:

- the endpoints below ``https://{host}`` (authorize, token, revoke, userinfo, device
  authorization, JWKS), the issuer ``https://{host}`` for ID tokens, PKCE S256,
  ``client_secret_post``, the default scopes ``openid profile email``;
- access tokens that expire after two hours (GitLab 15.0 and later) and are dated by
  ``created_at``, with or without ``expires_in`` (:func:`expiry_from_created_at`), so they
  are refreshed before they expire;
- rotating refresh tokens: each refresh invalidates the old pair, and the core hands every
  new pair to ``update_token``.

:func:`fetch_user` and :func:`fetch_token_info` (and their ``async_`` twins) read the REST
API and Doorkeeper's token info endpoint.
"""

from __future__ import annotations

from collections.abc import Callable

from authwire.plugins import Provider, hookimpl

from ._api import async_fetch_token_info, async_fetch_user, fetch_token_info, fetch_user
from ._hooks import DEFAULT_LIFETIME, expiry_from_created_at, refresh_redirect_uri
from ._provider import (
    DEFAULT_SCOPES,
    GITLAB,
    GITLAB_COM,
    api_root,
    async_oauth2_client,
    gitlab_provider,
    instance_root,
    oauth2_client,
)

__all__ = [
    "DEFAULT_LIFETIME",
    "DEFAULT_SCOPES",
    "GITLAB",
    "GITLAB_COM",
    "api_root",
    "async_fetch_token_info",
    "async_fetch_user",
    "async_oauth2_client",
    "expiry_from_created_at",
    "fetch_token_info",
    "fetch_user",
    "gitlab_provider",
    "instance_root",
    "oauth2_client",
    "refresh_redirect_uri",
    "register_providers",
]


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    """Add :data:`GITLAB` to the authwire registry (the ``authwire`` entry point)."""
    register(GITLAB)
