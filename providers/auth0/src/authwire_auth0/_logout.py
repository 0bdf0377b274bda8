"""Auth0's two logout endpoints.

``/oidc/logout`` is OpenID Connect RP-Initiated Logout; the provider records it as
``end_session_endpoint``, so ``client.create_logout_url(...)`` builds it even for a tenant
whose discovery document leaves it out (tenants created before 2023-11-14).
``/v2/logout`` is Auth0's older endpoint: ``returnTo`` instead of
``post_logout_redirect_uri``, no ID token hint, and ``federated`` to log out of the
upstream identity provider too. :func:`legacy_logout_url` builds it.

https://auth0.com/docs/authenticate/login/logout/log-users-out-of-auth0,
https://auth0.com/docs/api/authentication/logout/auth-0-logout
"""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import urlencode, urlsplit

__all__ = ["LEGACY_LOGOUT_DOCS", "RP_LOGOUT_DOCS", "legacy_logout_url"]

#: Auth0's page on RP-initiated logout (``/oidc/logout``) and its discovery setting.
RP_LOGOUT_DOCS: Final = "https://auth0.com/docs/authenticate/login/logout/log-users-out-of-auth0"
#: The Authentication API page of ``GET /v2/logout``.
LEGACY_LOGOUT_DOCS: Final = "https://auth0.com/docs/api/authentication/logout/auth-0-logout"


def _tenant_base(client: Any) -> str:
    """``https://{domain}`` of a client built for Auth0, read from its issuer."""
    issuer = client.metadata.get("issuer")
    parts = urlsplit(issuer) if isinstance(issuer, str) else None
    if parts is None or parts.scheme != "https" or not parts.netloc:
        raise ValueError(
            "the client has no Auth0 issuer; build it with authwire_auth0.oauth2_client() "
            "or OAuth2Client.from_provider('auth0', domain=...)"
        )
    return f"https://{parts.netloc}"


def legacy_logout_url(
    client: Any,
    return_to: str | None = None,
    *,
    federated: bool = False,
    send_client_id: bool = True,
) -> str:
    """The ``/v2/logout`` URL to send the user's browser to.

    Args:
        client: an Auth0 client of this package (its issuer gives the domain, its
            ``client_id`` the application).
        return_to: where Auth0 sends the browser afterwards (``returnTo``); it must be one
            of the application's "Allowed Logout URLs" (the tenant's, with
            ``send_client_id=False``). Without it Auth0 uses the first allowed URL.
        federated: also log the user out of their identity provider (``federated``).
        send_client_id: send ``client_id`` (the default), so that ``returnTo`` is checked
            against the application's list rather than the tenant's.

    Prefer RP-initiated logout (``client.create_logout_url(post_logout_redirect_uri=...)``)
    where the application can keep the ID token: it names the session to end.
    """
    params: list[tuple[str, str]] = []
    if send_client_id:
        if not client.client_id:
            raise ValueError("the client has no client_id to send; pass send_client_id=False")
        params.append(("client_id", client.client_id))
    if return_to is not None:
        parts = urlsplit(return_to) if isinstance(return_to, str) else None
        if parts is None or parts.scheme not in ("https", "http") or not parts.netloc:
            raise ValueError(f"return_to must be an absolute http(s) URL, not {return_to!r}")
        params.append(("returnTo", return_to))
    query = urlencode(params)
    if federated:
        # a flag without a value: "?federated"
        query = f"{query}&federated" if query else "federated"
    url = f"{_tenant_base(client)}/v2/logout"
    return f"{url}?{query}" if query else url
