"""The Microsoft identity platform's own request shapes: ``.default`` scopes, on-behalf-of,
and the v2.0 sign-out URL.

Pure helpers (no request is sent here) and the two thin shells of the on-behalf-of grant.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from authwire.rfc7523 import JWT_BEARER_GRANT_TYPE

from ._tenants import Cloud

if TYPE_CHECKING:
    from authwire import AsyncOAuth2Client, OAuth2Client, OAuth2Token

__all__ = [
    "ON_BEHALF_OF",
    "async_on_behalf_of",
    "client_credentials_scope",
    "default_scope",
    "logout_url",
    "on_behalf_of",
    "on_behalf_of_params",
]

#: ``requested_token_use`` of the on-behalf-of request
#: (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-on-behalf-of-flow).
ON_BEHALF_OF = "on_behalf_of"
_DEFAULT = "/.default"

# Parameters the on-behalf-of helpers set themselves.
_OBO_FIXED = frozenset({"grant_type", "assertion", "requested_token_use", "scope"})


def default_scope(resource: str) -> str:
    """The ``.default`` scope of ``resource`` (an application ID URI or a Graph root).

    ``default_scope("https://graph.microsoft.com")`` is
    ``"https://graph.microsoft.com/.default"``: "the resource identifier (application ID
    URI) of the resource you want, affixed with the .default suffix"
    (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow).
    """
    if not isinstance(resource, str) or not resource.strip() or any(c.isspace() for c in resource):
        raise ValueError(f"resource must be an application ID URI without spaces, not {resource!r}")
    if resource.endswith(_DEFAULT):
        return resource
    return resource.rstrip("/") + _DEFAULT


def client_credentials_scope(
    scope: str | Iterable[str] | None, resource: str | None, cloud: Cloud
) -> str:
    """The ``scope`` of a client credentials request, checked before anything is sent.

    The platform takes exactly one resource's ``/.default`` scope there ("All scopes
    included must be for a single resource"; a named permission such as ``User.Read`` is
    refused with ``invalid_scope``), so anything else is a ``ValueError`` here. Without
    ``scope`` or ``resource`` it is the cloud's Microsoft Graph: ``{graph}/.default``.
    """
    if scope is not None and resource is not None:
        raise TypeError("give scope= or resource=, not both")
    if scope is None:
        return default_scope(resource if resource is not None else cloud.graph_url)
    from authwire.protocol.rfc6749 import scope_to_string  # httpx-bound: load at call time

    words = (scope_to_string(scope) or "").split()
    if not words:
        raise ValueError("scope must name one resource's /.default scope")
    for word in words:
        if not word.endswith(_DEFAULT) or word == _DEFAULT:
            raise ValueError(
                f"scope {word!r}: client credentials take the resource's /.default scope, "
                f"such as {default_scope(cloud.graph_url)!r} (use resource= to build it)"
            )
    if len(set(words)) != 1:
        raise ValueError(
            "scope names several resources; a client credentials token is for one resource"
        )
    return words[0]


def on_behalf_of_params(assertion: str, scope: str | Iterable[str]) -> dict[str, str]:
    """The body parameters of an on-behalf-of request (besides client authentication).

    ``grant_type`` is the JWT bearer grant, ``assertion`` the access token the middle-tier
    API received, ``requested_token_use=on_behalf_of``, and ``scope`` (required).
    """
    if not isinstance(assertion, str) or not assertion.strip():
        raise ValueError("assertion must be the access token the API received (a non-empty str)")
    from authwire.protocol.rfc6749 import scope_to_string  # httpx-bound: load at call time

    scope_text = scope_to_string(scope)
    if not scope_text or not scope_text.strip():
        raise ValueError("scope is required by the on-behalf-of request")
    return {
        "assertion": assertion,
        "scope": " ".join(scope_text.split()),
        "requested_token_use": ON_BEHALF_OF,
    }


def _check_extra(params: Mapping[str, Any]) -> None:
    fixed = sorted(_OBO_FIXED & params.keys())
    if fixed:
        raise TypeError(f"on_behalf_of() sets {', '.join(fixed)} itself")


def on_behalf_of(
    client: OAuth2Client, assertion: str, scope: str | Iterable[str], **params: Any
) -> OAuth2Token:
    """Trade the access token an API received for one to call another API as that user.

    The on-behalf-of flow: a JWT bearer grant with ``requested_token_use=on_behalf_of``,
    authenticated as the client is (secret or certificate). The new token becomes the
    client's token; with ``offline_access`` in ``scope`` it comes with a refresh token.
    ``params`` go to :meth:`~authwire.OAuth2Client.fetch_token` (``url=``, ``headers=``).
    https://learn.microsoft.com/entra/identity-platform/v2-oauth2-on-behalf-of-flow
    """
    _check_extra(params)
    arguments: dict[str, Any] = {**params, **on_behalf_of_params(assertion, scope)}
    return client.fetch_token(grant_type=JWT_BEARER_GRANT_TYPE, **arguments)


async def async_on_behalf_of(
    client: AsyncOAuth2Client, assertion: str, scope: str | Iterable[str], **params: Any
) -> OAuth2Token:
    """:func:`on_behalf_of` for an :class:`~authwire.AsyncOAuth2Client`."""
    _check_extra(params)
    arguments: dict[str, Any] = {**params, **on_behalf_of_params(assertion, scope)}
    return await client.fetch_token(grant_type=JWT_BEARER_GRANT_TYPE, **arguments)


def logout_url(
    client: OAuth2Client | AsyncOAuth2Client,
    post_logout_redirect_uri: str | None = None,
    *,
    logout_hint: str | None = None,
) -> str:
    """The v2.0 sign-out URL, with the parameters the platform documents and no others.

    ``post_logout_redirect_uri`` must be one of the app's registered redirect URIs.
    ``logout_hint`` skips the account picker; by default it is the ``login_hint`` claim of
    the client's ID token (an optional claim the app registration must ask for), as
    Microsoft asks ("use the value of the login_hint optional claim as the logout_hint").
    No ID token goes into the URL. https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc
    """
    endpoint = client.metadata.get("end_session_endpoint")
    if not isinstance(endpoint, str) or not endpoint:
        raise ValueError("the client has no end_session_endpoint")
    if logout_hint is None and client.token is not None:
        claims = client.token.get("userinfo")
        hint = claims.get("login_hint") if isinstance(claims, Mapping) else None
        logout_hint = hint if isinstance(hint, str) and hint else None
    for name, value in (
        ("post_logout_redirect_uri", post_logout_redirect_uri),
        ("logout_hint", logout_hint),
    ):
        if value is not None and (not isinstance(value, str) or not value):
            raise ValueError(f"{name} must be a non-empty str or None")
    params = {
        name: value
        for name, value in (
            ("post_logout_redirect_uri", post_logout_redirect_uri),
            ("logout_hint", logout_hint),
        )
        if value is not None
    }
    from authwire.protocol.rfc6749 import url_with_params  # httpx-bound: load at call time

    return url_with_params(endpoint, params) if params else endpoint
