"""Cognito's sign-out endpoint, which is not OpenID Connect RP-initiated logout.

``GET https://{domain}/logout`` takes ``client_id`` and ``logout_uri`` (one of the app
client's "Allowed sign-out URLs"), or instead ``redirect_uri`` plus the parameters of a new
sign-in. It knows no ``id_token_hint`` nor ``post_logout_redirect_uri``, and the user pool's
discovery document has no ``end_session_endpoint``: ``client.create_logout_url()`` has
nothing to build. :func:`logout_url` builds Cognito's URL instead.

https://docs.aws.amazon.com/cognito/latest/developerguide/logout-endpoint.html
"""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import urlencode, urlsplit

__all__ = ["LOGOUT_DOCS", "logout_url"]

#: Cognito's page on ``GET /logout``.
LOGOUT_DOCS: Final = (
    "https://docs.aws.amazon.com/cognito/latest/developerguide/logout-endpoint.html"
)


def _domain_base(client: Any) -> str:
    """``https://{domain}`` of a client built for Cognito, read from its token endpoint."""
    endpoint = client.metadata.get("token_endpoint")
    parts = urlsplit(endpoint) if isinstance(endpoint, str) else None
    if (
        parts is None
        or parts.scheme != "https"
        or not parts.netloc
        or parts.path != "/oauth2/token"
    ):
        raise ValueError(
            "the client has no Cognito token endpoint; build it with "
            "authwire_cognito.oauth2_client() or OAuth2Client.from_provider('cognito', ...)"
        )
    return f"https://{parts.netloc}"


def logout_url(client: Any, logout_uri: str) -> str:
    """The ``/logout`` URL that ends the user's Cognito session and returns to ``logout_uri``.

    Args:
        client: a Cognito client of this package (its token endpoint gives the domain, its
            ``client_id`` the app client).
        logout_uri: where Cognito sends the browser afterwards; it must be one of the app
            client's "Allowed sign-out URLs".

    Cognito signs the user out of the user pool only, not of a federated identity provider.
    """
    if not client.client_id:
        raise ValueError("the client has no client_id; Cognito's /logout requires it")
    parts = urlsplit(logout_uri) if isinstance(logout_uri, str) else None
    if parts is None or not parts.scheme or not (parts.netloc or parts.path):
        raise ValueError(f"logout_uri must be an absolute URL, not {logout_uri!r}")
    query = urlencode({"client_id": client.client_id, "logout_uri": logout_uri})
    return f"{_domain_base(client)}/logout?{query}"
