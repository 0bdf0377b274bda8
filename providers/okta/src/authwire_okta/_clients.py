"""Named constructors: the core clients set up for an Okta authorization server.

``oauth2_client`` signs users in (authorization code + PKCE, OpenID Connect);
``service_client`` is an OAuth service app: client credentials, authenticated with
``private_key_jwt``.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import authwire  # client classes load on first use: authwire.httpx2 imports no httpx
from authwire.rfc7523 import PrivateKeyJWT

from ._provider import DEFAULT_AUTHORIZATION_SERVER, provider_for

if TYPE_CHECKING:
    from authwire import AsyncOAuth2Client, OAuth2Client

__all__ = [
    "async_oauth2_client",
    "async_service_client",
    "oauth2_client",
    "service_client",
]


# Arguments a service client sets itself; passing them too would be ambiguous.
_SERVICE_FIXED = {
    "client_secret": "the private key is the key= argument",
    "token_endpoint_auth_method": "a service app authenticates with private_key_jwt",
    "grant_type": "a service app uses the client credentials grant",
}


def oauth2_client(
    client_id: str,
    client_secret: Any = None,
    *,
    domain: str,
    authorization_server: str | None = DEFAULT_AUTHORIZATION_SERVER,
    **kwargs: Any,
) -> OAuth2Client:
    """An :class:`~authwire.OAuth2Client` that signs users in with Okta.

    Args:
        client_id: the app integration's client ID (``0oa…``).
        client_secret: its secret, sent with HTTP Basic; without one the client is public
            and relies on PKCE (S256, always on).
        domain: the Okta domain (``dev-123456.okta.com``), or the org's custom URL domain.
        authorization_server: a custom authorization server's ID; ``"default"`` (the
            default) is the one every org ships with. ``None`` uses the org authorization
            server, whose access tokens are for the Okta APIs only.
        **kwargs: any other ``OAuth2Client`` argument (``redirect_uri``, ``scope`` — the
            default is ``openid email profile`` —, ``token``, ``update_token``) or httpx
            argument.

    The same client as ``OAuth2Client.from_provider("okta", domain=...,
    authorization_server=...)`` (for ``None``: ``from_provider("okta-org", domain=...)``): the
    endpoints, issuer and JWKS of that one server, so ID tokens are checked against its
    issuer. https://developer.okta.com/docs/concepts/auth-servers/
    """
    provider = provider_for(domain, authorization_server)
    return authwire.OAuth2Client.from_provider(
        provider, client_id=client_id, client_secret=client_secret, **kwargs
    )


def async_oauth2_client(
    client_id: str,
    client_secret: Any = None,
    *,
    domain: str,
    authorization_server: str | None = DEFAULT_AUTHORIZATION_SERVER,
    **kwargs: Any,
) -> AsyncOAuth2Client:
    """The :class:`~authwire.AsyncOAuth2Client` twin of :func:`oauth2_client`."""
    provider = provider_for(domain, authorization_server)
    return authwire.AsyncOAuth2Client.from_provider(
        provider, client_id=client_id, client_secret=client_secret, **kwargs
    )


def _scope(scope: object) -> str:
    if isinstance(scope, str):
        words = scope.split()
    elif isinstance(scope, Iterable):
        words = list(scope)
        for word in words:
            if not isinstance(word, str) or not word or word != word.strip() or " " in word:
                raise ValueError(f"scope: {word!r} is not one scope")
    else:
        raise TypeError("scope must be a str or an iterable of str")
    if not words:
        # Okta answers invalid_scope when no scope is asked for and the server has no
        # default scopes; for the Okta APIs there are none ("Get an access token",
        # https://developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp/main/)
        raise ValueError("scope must name at least one scope (okta.users.read, ...)")
    return " ".join(words)


def _service_kwargs(
    client_id: str,
    key: Any,
    domain: str,
    scope: str | Iterable[str],
    authorization_server: str | None,
    kwargs: dict[str, Any],
) -> tuple[Any, dict[str, Any]]:
    for name in kwargs:
        if name in _SERVICE_FIXED:
            raise TypeError(
                f"{name}= cannot be given to an Okta service client: {_SERVICE_FIXED[name]}"
            )
    if not isinstance(client_id, str) or not client_id:
        raise ValueError("client_id must be the service app's client ID")
    provider = provider_for(domain, authorization_server)
    return provider, {
        "client_id": client_id,
        "client_secret": key,
        "token_endpoint_auth_method": "private_key_jwt",
        "grant_type": "client_credentials",
        "scope": _scope(scope),
        **kwargs,
    }


def _assertion_method(
    provider: Any, key_id: str | None, alg: str | None, password: str | bytes | None
) -> PrivateKeyJWT:
    """The client assertion Okta documents for service apps.

    ``iss`` and ``sub`` = the client ID, ``aud`` = the full URL of the token endpoint,
    ``exp`` at most an hour ahead (here one minute), a fresh ``jti`` each time (Okta
    refuses a replayed one), and the ``kid`` of the registered public key in the header
    ("all keys in the JWKS must have a unique ID"). "Create and sign the JWT" in
    https://developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp/main/
    """
    if key_id is not None and (not isinstance(key_id, str) or not key_id):
        raise ValueError("key_id must be the kid of the public key registered with the app")
    return PrivateKeyJWT(
        provider.token_endpoint,
        headers={"kid": key_id} if key_id else None,
        alg=alg,
        password=password,
    )


def _register(client: Any, method: PrivateKeyJWT) -> None:
    try:
        client.register_client_auth_method(method)  # imports the key now: a bad one fails here
    except BaseException:
        close = client.close
        if not inspect.iscoroutinefunction(close):  # an async client holds nothing open yet
            close()
        raise


def service_client(
    client_id: str,
    key: Any,
    *,
    domain: str,
    scope: str | Iterable[str],
    key_id: str | None = None,
    authorization_server: str | None = None,
    alg: str | None = None,
    password: str | bytes | None = None,
    **kwargs: Any,
) -> OAuth2Client:
    """An :class:`~authwire.OAuth2Client` acting as an Okta OAuth service app.

    It fetches a token with the client credentials grant on first use and again whenever
    it expires (Okta's are fixed at one hour), authenticating with ``private_key_jwt`` —
    the only method Okta accepts from service apps that call the Okta APIs.

    Args:
        client_id: the service app's client ID.
        key: the private key whose public half is registered with the app: PEM, a JWK
            ``dict`` (its ``kid`` is used) or a ``cryptography`` key. RSA and EC keys.
        domain: the Okta domain.
        scope: the scopes to ask for (``okta.users.read``…); required.
        key_id: the ``kid`` of the registered public key, when the key itself has none.
        authorization_server: ``None`` (the default) for the org authorization server,
            which mints tokens for the Okta APIs; a custom server's ID for your own APIs.
        alg: the signing algorithm (RS256/384/512, ES256/384/512); inferred from the key.
        password: the password of an encrypted PEM key.
        **kwargs: other ``OAuth2Client`` arguments (``update_token``, ``leeway``) and httpx
            arguments.

    Raises ``ValueError`` / ``TypeError`` naming a bad argument; a key that cannot sign
    fails here, not at the first request.
    https://developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp/main/
    """
    provider, options = _service_kwargs(client_id, key, domain, scope, authorization_server, kwargs)
    method = _assertion_method(provider, key_id, alg, password)
    client = authwire.OAuth2Client.from_provider(provider, **options)
    _register(client, method)
    return client


def async_service_client(
    client_id: str,
    key: Any,
    *,
    domain: str,
    scope: str | Iterable[str],
    key_id: str | None = None,
    authorization_server: str | None = None,
    alg: str | None = None,
    password: str | bytes | None = None,
    **kwargs: Any,
) -> AsyncOAuth2Client:
    """The :class:`~authwire.AsyncOAuth2Client` twin of :func:`service_client`."""
    provider, options = _service_kwargs(client_id, key, domain, scope, authorization_server, kwargs)
    method = _assertion_method(provider, key_id, alg, password)
    client = authwire.AsyncOAuth2Client.from_provider(provider, **options)
    _register(client, method)
    return client
