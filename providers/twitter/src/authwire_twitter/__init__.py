"""Twitter/X for authwire: OAuth 2.0 (authorization code with PKCE) and OAuth 1.0a.

::

    from authwire_twitter import TWITTER, oauth1_client, oauth2_client

    client = oauth2_client("client-id", "client-secret", offline=True,
                           redirect_uri="https://app.example/callback")

    legacy = oauth1_client("api-key", "api-key-secret",
                           redirect_uri="https://app.example/callback")
    legacy.fetch_request_token(TWITTER.oauth1.request_token_url)

The plugin registers the provider as ``twitter`` and, for X's current name, as ``x``.
"""

from __future__ import annotations

from collections.abc import Callable

from authwire.plugins import Provider, hookimpl

from ._clients import async_oauth1_client, async_oauth2_client, oauth1_client, oauth2_client
from ._provider import TWITTER, CallbackNotConfirmedError, X

__all__ = [
    "TWITTER",
    "CallbackNotConfirmedError",
    "X",
    "async_oauth1_client",
    "async_oauth2_client",
    "oauth1_client",
    "oauth2_client",
    "register_providers",
]


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    """Register ``twitter`` and its alias ``x`` (the same endpoints and rules)."""
    register(TWITTER)
    register(X)
