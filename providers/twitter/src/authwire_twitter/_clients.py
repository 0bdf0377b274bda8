"""Named constructors: the core clients set up for X, exactly as ``from_provider`` builds them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import authwire  # client classes load on first use: authwire.httpx2 imports no httpx

from ._provider import OFFLINE_SCOPE, TWITTER

if TYPE_CHECKING:
    from authwire import AsyncOAuth1Client, AsyncOAuth2Client, OAuth1Client, OAuth2Client

__all__ = ["async_oauth1_client", "async_oauth2_client", "oauth1_client", "oauth2_client"]


def with_offline_scope(scope: str | Iterable[str] | None) -> str:
    """``scope`` (the provider's default when ``None``) with ``offline.access`` added once."""
    if scope is None:
        scope = TWITTER.scope
    items = scope.split() if isinstance(scope, str) else [str(s) for s in scope]
    if OFFLINE_SCOPE not in items:
        items.append(OFFLINE_SCOPE)
    return " ".join(items)


def _oauth2_arguments(
    client_id: str, client_secret: str | None, offline: bool, kwargs: dict[str, Any]
) -> dict[str, Any]:
    if "code_challenge_method" in kwargs and kwargs["code_challenge_method"] is None:
        raise ValueError(
            "X requires PKCE on the authorization-code grant: leave code_challenge_method "
            "as 'S256' (or use 'plain')"
        )
    arguments: dict[str, Any] = {"client_id": client_id, **kwargs}
    if client_secret is not None:
        arguments["client_secret"] = client_secret
    if offline:
        arguments["scope"] = with_offline_scope(kwargs.get("scope"))
    return arguments


def oauth2_client(
    client_id: str, client_secret: str | None = None, *, offline: bool = False, **kwargs: Any
) -> OAuth2Client:
    """An ``OAuth2Client`` for X's OAuth 2.0 authorization code flow with PKCE.

    With a ``client_secret`` (a confidential client: web app, automated app or bot) the
    client authenticates with HTTP Basic; without one (native app, single-page app) it sends
    ``client_id`` in the body. ``offline=True`` adds the ``offline.access`` scope, without
    which X issues no refresh token and the access token dies after two hours. Every other
    keyword (``redirect_uri``, ``scope``, ``token``, ``update_token``, httpx arguments) goes
    to :meth:`OAuth2Client.from_provider` unchanged.
    """
    return authwire.OAuth2Client.from_provider(
        TWITTER, **_oauth2_arguments(client_id, client_secret, offline, kwargs)
    )


def async_oauth2_client(
    client_id: str, client_secret: str | None = None, *, offline: bool = False, **kwargs: Any
) -> AsyncOAuth2Client:
    """The ``AsyncOAuth2Client`` twin of :func:`oauth2_client`."""
    return authwire.AsyncOAuth2Client.from_provider(
        TWITTER, **_oauth2_arguments(client_id, client_secret, offline, kwargs)
    )


def oauth1_client(client_id: str, client_secret: str, **kwargs: Any) -> OAuth1Client:
    """An ``OAuth1Client`` for X's OAuth 1.0a (HMAC-SHA1): ``client_id`` is the app's API key,
    ``client_secret`` its API key secret.

    The client refuses a request-token response without ``oauth_callback_confirmed=true``
    (:class:`CallbackNotConfirmedError`). The endpoint URLs are on ``TWITTER.oauth1``; pass
    them to ``fetch_request_token``, ``create_authorization_url`` and ``fetch_access_token``.
    Other keywords (``redirect_uri``, ``token``, ``token_secret``, httpx arguments) go to
    :meth:`OAuth1Client.from_provider` unchanged.
    """
    return authwire.OAuth1Client.from_provider(
        TWITTER, client_id=client_id, client_secret=client_secret, **kwargs
    )


def async_oauth1_client(client_id: str, client_secret: str, **kwargs: Any) -> AsyncOAuth1Client:
    """The ``AsyncOAuth1Client`` twin of :func:`oauth1_client`."""
    return authwire.AsyncOAuth1Client.from_provider(
        TWITTER, client_id=client_id, client_secret=client_secret, **kwargs
    )
