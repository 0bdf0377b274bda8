"""The GitLab provider value and its named constructors (gitlab.com and self-managed)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypedDict
from urllib.parse import urlsplit

import authwire  # client classes load on first use: authwire.httpx2 imports no httpx
from authwire.plugins import Provider, Quirk, oauth2_engine

from ._hooks import expiry_from_created_at, refresh_redirect_uri

if TYPE_CHECKING:
    from authwire import AsyncOAuth2Client, OAuth2Client

__all__ = [
    "DEFAULT_SCOPES",
    "GITLAB",
    "GITLAB_COM",
    "async_oauth2_client",
    "gitlab_provider",
    "oauth2_client",
]

#: The host of GitLab.com, the default ``host``.
GITLAB_COM = "gitlab.com"

#: Sign-in with OpenID Connect: the ID token (``openid``), the profile claims of
#: ``/oauth/userinfo`` (``profile``) and the email address (``email``). Add ``read_user`` for
#: the REST API's ``/api/v4/user``, ``api`` for everything.
DEFAULT_SCOPES = ("openid", "profile", "email")

# The paths below every GitLab instance's root: https://docs.gitlab.com/api/oauth2/ (token,
# revoke, token info, authorize_device), https://docs.gitlab.com/integration/openid_connect_provider/
# (discovery, userinfo; the JWKS URL is the discovery document's jwks_uri).
_PATHS = {
    "authorization_endpoint": "/oauth/authorize",
    "token_endpoint": "/oauth/token",
    "revocation_endpoint": "/oauth/revoke",
    "userinfo_endpoint": "/oauth/userinfo",
    "device_authorization_endpoint": "/oauth/authorize_device",
    "jwks_uri": "/oauth/discovery/keys",
}


class _Endpoints(TypedDict):
    authorization_endpoint: str
    token_endpoint: str
    revocation_endpoint: str
    userinfo_endpoint: str
    device_authorization_endpoint: str
    jwks_uri: str


def _endpoints(root: str) -> _Endpoints:
    return _Endpoints(
        authorization_endpoint=root + _PATHS["authorization_endpoint"],
        token_endpoint=root + _PATHS["token_endpoint"],
        revocation_endpoint=root + _PATHS["revocation_endpoint"],
        userinfo_endpoint=root + _PATHS["userinfo_endpoint"],
        device_authorization_endpoint=root + _PATHS["device_authorization_endpoint"],
        jwks_uri=root + _PATHS["jwks_uri"],
    )


def _refresh_with_redirect_uri(client: Any, values: Mapping[str, str]) -> None:
    """GitLab's documented refresh request carries the client's ``redirect_uri``
    (https://docs.gitlab.com/api/oauth2/): read at each refresh, so a later change counts."""
    engine = oauth2_engine(client)
    if engine is not None:
        engine.register_compliance_hook(
            "refresh_token_request", refresh_redirect_uri(lambda: engine.redirect_uri)
        )


#: GitLab (gitlab.com by default; ``host=`` for a self-managed instance or GitLab Dedicated).
GITLAB = Provider(
    name="gitlab",
    title="GitLab",
    parameters={"host": GITLAB_COM},
    issuer="https://{host}",
    **_endpoints("https://{host}"),
    scope=DEFAULT_SCOPES,
    # the documentation's examples send client_id and client_secret in the body
    token_endpoint_auth_method="client_secret_post",
    code_challenge_method="S256",
    compliance_hooks={
        "access_token_response": [expiry_from_created_at],
        "refresh_token_response": [expiry_from_created_at],
    },
    configure=_refresh_with_redirect_uri,
    protocols=("oauth2", "openid"),
    flows=(
        "authorization_code",
        "refresh_token",
        "device_code",
        "password",
        "revocation",
        "userinfo",
    ),
    quirks=(
        Quirk(
            "expires_in can be missing from the token response: two hours are counted from "
            "created_at",
            "https://gitlab.com/gitlab-org/gitlab/-/issues/360729",
        ),
        Quirk(
            "expires_in is a fixed lifetime: the time left is counted from the token's created_at",
            "https://docs.gitlab.com/api/oauth2/",
        ),
        Quirk(
            "the documented refresh request carries the redirect_uri",
            "https://docs.gitlab.com/api/oauth2/",
        ),
    ),
    extra={
        "api_path": "/api/v4",
        "token_info_path": "/oauth/token/info",
        "documentation": "https://docs.gitlab.com/api/oauth2/",
    },
)


def gitlab_provider(base_url: str) -> Provider:
    """:data:`GITLAB` for an instance served below a path (``https://example.com/gitlab``).

    ``host=`` covers an instance at the root of its host; an instance installed under a
    relative URL root has every endpoint, and its issuer, below that path. ``base_url`` is
    the instance's URL as its users open it (``http`` only for a local instance).
    """
    if not isinstance(base_url, str):
        raise TypeError(f"base_url must be a str, not {type(base_url).__name__}")
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError(
            f"base_url must be an http(s) URL such as https://gitlab.example.com: {base_url!r}"
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError("base_url must be the instance's URL, without query, fragment or user")
    root = f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
    return dataclasses.replace(GITLAB, parameters={}, issuer=root, **_endpoints(root))


def _host(host: object) -> str:
    if not isinstance(host, str) or not host.strip():
        raise ValueError("host must be a GitLab host name such as 'gitlab.example.com'")
    if "://" in host:
        raise ValueError(
            f"host takes a host name, not a URL ({host!r}); for an instance below a path "
            "use gitlab_provider(base_url)"
        )
    return host.strip()


def _kwargs(
    client_id: str,
    client_secret: Any,
    host: str | None,
    provider: Provider | None,
    kwargs: dict[str, Any],
) -> tuple[Provider, dict[str, Any]]:
    if provider is not None and host is not None:
        raise TypeError("give host= or provider=, not both")
    if provider is None:
        chosen = GITLAB.bind(host=_host(host if host is not None else GITLAB_COM))
    elif isinstance(provider, Provider):
        chosen = provider
    else:
        raise TypeError("provider must be an authwire.plugins.Provider (see gitlab_provider())")
    return chosen, {"client_id": client_id, "client_secret": client_secret, **kwargs}


def oauth2_client(
    client_id: str,
    client_secret: Any = None,
    *,
    host: str | None = None,
    provider: Provider | None = None,
    **kwargs: Any,
) -> OAuth2Client:
    """An :class:`~authwire.OAuth2Client` for GitLab.

    Args:
        client_id: the application ID.
        client_secret: its secret; without one the client is public (PKCE only).
        host: the instance's host name: ``gitlab.com`` (the default), or a self-managed
            ``gitlab.example.com``.
        provider: instead of ``host``, a provider from :func:`gitlab_provider` (an
            instance below a path).
        **kwargs: any other ``OAuth2Client`` argument (``redirect_uri``, ``scope`` — the
            default is ``openid profile email`` —, ``token``, ``update_token``) or httpx
            argument.

    The client is ``OAuth2Client.from_provider("gitlab", host=host, ...)``, whose every
    refresh also sends the client's ``redirect_uri``, as GitLab documents.
    """
    chosen, arguments = _kwargs(client_id, client_secret, host, provider, kwargs)
    return authwire.OAuth2Client.from_provider(chosen, **arguments)


def async_oauth2_client(
    client_id: str,
    client_secret: Any = None,
    *,
    host: str | None = None,
    provider: Provider | None = None,
    **kwargs: Any,
) -> AsyncOAuth2Client:
    """The :class:`~authwire.AsyncOAuth2Client` twin of :func:`oauth2_client`."""
    chosen, arguments = _kwargs(client_id, client_secret, host, provider, kwargs)
    return authwire.AsyncOAuth2Client.from_provider(chosen, **arguments)


def api_root(client: Any) -> str:
    """The REST API root of the instance a client talks to (``https://HOST/api/v4``).

    Read from the client's token endpoint, so it follows ``host=`` and :func:`gitlab_provider`.
    """
    token_endpoint = _metadata(client).get("token_endpoint")
    if not isinstance(token_endpoint, str) or not token_endpoint.endswith("/oauth/token"):
        raise ValueError(
            "the client has no GitLab token endpoint (…/oauth/token) to read its host from"
        )
    return token_endpoint[: -len("/oauth/token")] + "/api/v4"


def instance_root(client: Any) -> str:
    """The instance's URL (``https://HOST``, or with its relative URL root)."""
    return api_root(client)[: -len("/api/v4")]


def _metadata(client: Any) -> Mapping[str, Any]:
    metadata = getattr(client, "metadata", None)
    if not isinstance(metadata, Mapping):
        raise TypeError(f"expected an authwire OAuth 2 client, not {type(client).__name__}")
    return metadata
