"""Named constructors: the core clients set up for a Cognito user pool.

``oauth2_client`` signs users in through the user pool's managed login (authorization code
+ PKCE, OpenID Connect); ``client_credentials_client`` is a machine-to-machine app client
calling a resource server.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import authwire  # client classes load on first use: authwire.httpx2 imports no httpx

from ._provider import provider_for
from ._scopes import client_credentials_scope

if TYPE_CHECKING:
    from authwire import AsyncOAuth2Client, OAuth2Client

__all__ = [
    "async_client_credentials_client",
    "async_oauth2_client",
    "client_credentials_client",
    "oauth2_client",
]


def oauth2_client(
    client_id: str,
    client_secret: Any = None,
    *,
    domain: str,
    user_pool_id: str,
    region: str | None = None,
    **kwargs: Any,
) -> OAuth2Client:
    """An :class:`~authwire.OAuth2Client` that signs users in with a Cognito user pool.

    Args:
        client_id: the app client's ID.
        client_secret: its secret, if it has one (sent with HTTP Basic); without one the
            client is public and relies on PKCE (S256, always on).
        domain: the user pool's domain: the prefix domain
            (``mydomain.auth.us-east-1.amazoncognito.com``) or a custom domain.
        user_pool_id: the user pool's ID (``us-east-1_AbCdEf123``): with the Region, it
            makes the issuer the ID tokens are checked against.
        region: the pool's AWS Region; by default the one the pool ID starts with.
        **kwargs: any other ``OAuth2Client`` argument (``redirect_uri``, ``scope`` — the
            default is ``openid email profile`` —, ``token``, ``update_token``) or httpx
            argument.

    The same client as ``OAuth2Client.from_provider("cognito", domain=..., region=...,
    user_pool_id=...)``.
    """
    provider = provider_for(domain, user_pool_id, region)
    return authwire.OAuth2Client.from_provider(
        provider, client_id=client_id, client_secret=client_secret, **kwargs
    )


def async_oauth2_client(
    client_id: str,
    client_secret: Any = None,
    *,
    domain: str,
    user_pool_id: str,
    region: str | None = None,
    **kwargs: Any,
) -> AsyncOAuth2Client:
    """The :class:`~authwire.AsyncOAuth2Client` twin of :func:`oauth2_client`."""
    provider = provider_for(domain, user_pool_id, region)
    return authwire.AsyncOAuth2Client.from_provider(
        provider, client_id=client_id, client_secret=client_secret, **kwargs
    )


def _client_credentials_kwargs(
    client_id: str,
    client_secret: Any,
    domain: str,
    user_pool_id: str,
    region: str | None,
    scopes: str | Iterable[str] | None,
    kwargs: dict[str, Any],
) -> tuple[Any, dict[str, Any]]:
    for name in ("grant_type", "scope"):
        if name in kwargs:
            hint = "pass scopes=" if name == "scope" else "this is the client credentials grant"
            raise TypeError(
                f"{name}= cannot be given to a Cognito client credentials client: {hint}"
            )
    if client_secret is None or (isinstance(client_secret, str) and not client_secret):
        # "An app client can only use the client credentials flow if the app client has a
        # client secret." RESOURCE_SERVERS_DOCS
        raise ValueError("client_secret is required: Cognito's client credentials grant needs one")
    provider = provider_for(domain, user_pool_id, region)
    return provider, {
        "client_id": client_id,
        "client_secret": client_secret,
        "grant_type": "client_credentials",
        "scope": client_credentials_scope(scopes),
        **kwargs,
    }


def client_credentials_client(
    client_id: str,
    client_secret: Any,
    *,
    domain: str,
    user_pool_id: str,
    region: str | None = None,
    scopes: str | Iterable[str] | None = None,
    **kwargs: Any,
) -> OAuth2Client:
    """An :class:`~authwire.OAuth2Client` for a machine-to-machine app client.

    It fetches a token with the client credentials grant on first use and again whenever
    it expires, asking each time for the same ``scopes``.

    Args:
        client_id: the app client's ID.
        client_secret: its secret; required (Cognito allows the grant only to app clients
            with a secret).
        domain: the user pool's domain.
        user_pool_id: the user pool's ID.
        region: its AWS Region; by default the one the pool ID starts with.
        scopes: resource-server scopes, each ``{identifier}/{scope name}`` (see
            :func:`resource_server_scope`); ``None`` lets Cognito grant every custom
            scope the app client is allowed.
        **kwargs: other ``OAuth2Client`` arguments (``update_token``, ``leeway``) and httpx
            arguments.
    """
    provider, options = _client_credentials_kwargs(
        client_id, client_secret, domain, user_pool_id, region, scopes, kwargs
    )
    return authwire.OAuth2Client.from_provider(provider, **options)


def async_client_credentials_client(
    client_id: str,
    client_secret: Any,
    *,
    domain: str,
    user_pool_id: str,
    region: str | None = None,
    scopes: str | Iterable[str] | None = None,
    **kwargs: Any,
) -> AsyncOAuth2Client:
    """The :class:`~authwire.AsyncOAuth2Client` twin of :func:`client_credentials_client`."""
    provider, options = _client_credentials_kwargs(
        client_id, client_secret, domain, user_pool_id, region, scopes, kwargs
    )
    return authwire.AsyncOAuth2Client.from_provider(provider, **options)
