"""The Keycloak provider value, per-realm providers, and the named constructors.

Every Keycloak endpoint lives below a realm: ``{base_url}/realms/{realm}/protocol/openid-connect/…``
with the realm's issuer ``{base_url}/realms/{realm}`` and its discovery document at
``{issuer}/.well-known/openid-configuration``. ``base_url`` is the server's URL: a host
(``https://sso.example.com``) for Keycloak 17 and later, the same with ``/auth`` for the older
WildFly distribution, ``http://localhost:8080`` for a development server.
https://www.keycloak.org/securing-apps/oidc-layers
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypedDict
from urllib.parse import urlsplit

import authwire  # client classes load on first use: authwire.httpx2 imports no httpx
from authwire.plugins import Provider, Quirk

from ._hooks import drop_client_credentials_refresh_token, exchange_token_type

if TYPE_CHECKING:
    from authwire import AsyncOAuth2Client, OAuth2Client

__all__ = [
    "DEFAULT_SCOPES",
    "KEYCLOAK",
    "async_oauth2_client",
    "keycloak_provider",
    "oauth2_client",
]

#: OpenID Connect sign-in; Keycloak adds the realm's default client scopes (``profile``,
#: ``email``, ``roles``...) by itself.
DEFAULT_SCOPES = ("openid", "profile", "email")

# The realm endpoints, as "Available Endpoints" lists them (note Keycloak's spelling of the
# device authorization endpoint: .../auth/device).
_PATHS = {
    "authorization_endpoint": "/protocol/openid-connect/auth",
    "token_endpoint": "/protocol/openid-connect/token",
    "userinfo_endpoint": "/protocol/openid-connect/userinfo",
    "jwks_uri": "/protocol/openid-connect/certs",
    "end_session_endpoint": "/protocol/openid-connect/logout",
    "revocation_endpoint": "/protocol/openid-connect/revoke",
    "introspection_endpoint": "/protocol/openid-connect/token/introspect",
    "device_authorization_endpoint": "/protocol/openid-connect/auth/device",
}

# a realm name is one path segment
_BAD_REALM = re.compile(r"[/?#%\\{}\s]")


class _Endpoints(TypedDict):
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    end_session_endpoint: str
    revocation_endpoint: str
    introspection_endpoint: str
    device_authorization_endpoint: str


def _endpoints(issuer: str) -> _Endpoints:
    return _Endpoints(
        authorization_endpoint=issuer + _PATHS["authorization_endpoint"],
        token_endpoint=issuer + _PATHS["token_endpoint"],
        userinfo_endpoint=issuer + _PATHS["userinfo_endpoint"],
        jwks_uri=issuer + _PATHS["jwks_uri"],
        end_session_endpoint=issuer + _PATHS["end_session_endpoint"],
        revocation_endpoint=issuer + _PATHS["revocation_endpoint"],
        introspection_endpoint=issuer + _PATHS["introspection_endpoint"],
        device_authorization_endpoint=issuer + _PATHS["device_authorization_endpoint"],
    )


#: A Keycloak realm at the root of ``https://{host}`` (Keycloak 17 and later). For another
#: base URL (``/auth``, ``http://localhost:8080``) use :func:`keycloak_provider`.
KEYCLOAK = Provider(
    name="keycloak",
    title="Keycloak",
    parameters={"host": None, "realm_name": None},
    issuer="https://{host}/realms/{realm_name}",
    **_endpoints("https://{host}/realms/{realm_name}"),
    scope=DEFAULT_SCOPES,
    # Keycloak's default client authenticator takes the secret in a Basic header or the body;
    # its own examples use the header
    token_endpoint_auth_method="client_secret_basic",
    code_challenge_method="S256",
    compliance_hooks={
        "access_token_response": [exchange_token_type, drop_client_credentials_refresh_token],
    },
    protocols=("oauth2", "openid"),
    flows=(
        "authorization_code",
        "refresh_token",
        "client_credentials",
        "device_code",
        "token_exchange",
        "revocation",
        "introspection",
        "userinfo",
        "logout",
    ),
    quirks=(
        Quirk(
            "legacy token exchange answers without issued_token_type: filled in from the request",
            "https://www.keycloak.org/securing-apps/token-exchange",
        ),
        Quirk(
            "token exchange ignores the resource parameter: refused before sending",
            "https://www.keycloak.org/securing-apps/token-exchange",
        ),
        Quirk(
            "a client credentials refresh token dies with the service account's session: "
            "the grant is re-run instead",
            "https://www.keycloak.org/docs/latest/server_admin/",
        ),
    ),
    extra={
        "documentation": "https://www.keycloak.org/securing-apps/oidc-layers",
        "token_exchange": "https://www.keycloak.org/securing-apps/token-exchange",
    },
)


def _check_realm(realm: object) -> str:
    if not isinstance(realm, str) or not realm or _BAD_REALM.search(realm):
        raise ValueError(
            "realm must be a realm's name (one path segment: no '/', '?', '#', '%' or "
            f"spaces), not {realm!r}"
        )
    return realm


def _root(base_url: object) -> str:
    if not isinstance(base_url, str):
        raise TypeError(f"base_url must be a str, not {type(base_url).__name__}")
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError(
            f"base_url must be the Keycloak server's http(s) URL, such as "
            f"https://sso.example.com: {base_url!r}"
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError("base_url must be the server's URL, without query, fragment or user")
    path = parts.path.rstrip("/")
    if "/realms/" in f"{path}/":
        raise ValueError(
            f"base_url is the server's URL, not a realm's ({base_url!r}): give the part "
            "before /realms/ as base_url and the realm's name as realm"
        )
    return f"{parts.scheme}://{parts.netloc}{path}"


def keycloak_provider(base_url: str, realm: str) -> Provider:
    """:data:`KEYCLOAK` for one realm of the server at ``base_url``.

    ``base_url`` is the server's URL without the realm: ``https://sso.example.com``, with
    ``/auth`` for Keycloak 16 and earlier, or ``http://localhost:8080`` for a development
    server (``http`` is refused by the clients for any host but a loopback one unless they
    get ``allow_insecure_transport=True``). ``realm`` is the realm's name.

    The result has every endpoint and the issuer filled, so ``OAuth2Client.from_provider(
    keycloak_provider(...), client_id=...)`` needs no discovery round trip.
    """
    issuer = f"{_root(base_url)}/realms/{_check_realm(realm)}"
    return dataclasses.replace(KEYCLOAK, parameters={}, issuer=issuer, **_endpoints(issuer))


def _kwargs(
    client_id: str,
    client_secret: Any,
    base_url: str,
    realm: str,
    idp_hint: str | None,
    kwargs: dict[str, Any],
) -> tuple[Provider, dict[str, Any]]:
    provider = keycloak_provider(base_url, realm)
    arguments: dict[str, Any] = {"client_id": client_id, "client_secret": client_secret, **kwargs}
    if idp_hint is not None:
        if not isinstance(idp_hint, str) or not idp_hint:
            raise ValueError("idp_hint must be the alias of one of the realm's identity providers")
        given: Mapping[str, str] = arguments.get("authorize_params") or {}
        if "kc_idp_hint" in given and given["kc_idp_hint"] != idp_hint:
            raise ValueError("give idp_hint= or authorize_params['kc_idp_hint'], not both")
        arguments["authorize_params"] = {**given, "kc_idp_hint": idp_hint}
    return provider, arguments


def oauth2_client(
    client_id: str,
    client_secret: Any = None,
    *,
    base_url: str,
    realm: str,
    idp_hint: str | None = None,
    **kwargs: Any,
) -> OAuth2Client:
    """An :class:`~authwire.OAuth2Client` for one realm of a Keycloak server.

    Args:
        client_id: the client's ID in the realm.
        client_secret: its secret ("Client authentication" on); without one the client is
            public (PKCE only).
        base_url: the server's URL: ``https://sso.example.com``, ``.../auth`` for Keycloak
            16 and earlier.
        realm: the realm's name.
        idp_hint: the alias of an identity provider of the realm; sent as Keycloak's
            ``kc_idp_hint`` so the login page goes straight to it.
        **kwargs: any other ``OAuth2Client`` argument (``redirect_uri``, ``scope``,
            ``grant_type="client_credentials"`` for a service account, ``token``,
            ``update_token``) or httpx argument.

    The same client as ``OAuth2Client.from_provider(keycloak_provider(base_url, realm), ...)``.
    """
    provider, arguments = _kwargs(client_id, client_secret, base_url, realm, idp_hint, kwargs)
    return authwire.OAuth2Client.from_provider(provider, **arguments)


def async_oauth2_client(
    client_id: str,
    client_secret: Any = None,
    *,
    base_url: str,
    realm: str,
    idp_hint: str | None = None,
    **kwargs: Any,
) -> AsyncOAuth2Client:
    """The :class:`~authwire.AsyncOAuth2Client` twin of :func:`oauth2_client`."""
    provider, arguments = _kwargs(client_id, client_secret, base_url, realm, idp_hint, kwargs)
    return authwire.AsyncOAuth2Client.from_provider(provider, **arguments)
