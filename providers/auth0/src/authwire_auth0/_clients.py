"""Named constructors: the core clients set up for an Auth0 tenant.

``oauth2_client`` logs users in (authorization code + PKCE, OpenID Connect), optionally for
an API (``audience``) and into one organization (``organization``);
``client_credentials_client`` is a machine-to-machine application calling an API.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qsl, urlencode

import authwire  # client classes load on first use: authwire.httpx2 imports no httpx

from ._organizations import organization_param
from ._provider import DEFAULT_SCOPES, provider_for

if TYPE_CHECKING:
    from authwire import AsyncOAuth2Client, OAuth2Client

__all__ = [
    "OFFLINE_ACCESS",
    "async_client_credentials_client",
    "async_oauth2_client",
    "client_credentials_client",
    "oauth2_client",
    "organization_token_request",
]

#: The scope that makes Auth0 issue a refresh token.
OFFLINE_ACCESS: Final = "offline_access"

Hook = Callable[..., Any]


def _audience(audience: object, *, required: bool) -> str | None:
    if audience is None and not required:
        return None
    if not isinstance(audience, str) or not audience.strip():
        raise ValueError(
            "audience must be the API Identifier of an API registered in the tenant "
            f"(like 'https://api.example.com/'), not {audience!r}"
        )
    return audience


def _scope_with_offline(scope: object) -> list[str]:
    if scope is None:
        words = list(DEFAULT_SCOPES)
    elif isinstance(scope, str):
        words = scope.split()
    elif isinstance(scope, Iterable):
        words = [str(word) for word in scope]
    else:
        raise TypeError("scope must be a str or an iterable of str")
    if OFFLINE_ACCESS not in words:
        words.append(OFFLINE_ACCESS)
    return words


def _merge_authorize_params(
    given: Mapping[str, str] | None, organization: str | None
) -> dict[str, str] | None:
    if given is not None and not isinstance(given, Mapping):
        raise TypeError("authorize_params must be a mapping of str to str")
    merged = dict(given or {})
    if organization is not None:
        if merged.get("organization", organization) != organization:
            raise ValueError(
                "organization is given twice, as organization= and in authorize_params, "
                "with different values"
            )
        merged["organization"] = organization
    return merged or None


def _oauth2_kwargs(
    client_id: str,
    client_secret: Any,
    domain: str,
    audience: str | None,
    organization: str | None,
    offline: bool,
    kwargs: dict[str, Any],
) -> tuple[Any, dict[str, Any], str | None]:
    if not isinstance(offline, bool):
        raise TypeError("offline must be a bool")
    provider = provider_for(domain)
    audience = _audience(audience, required=False)
    org = None if organization is None else organization_param(organization)
    options: dict[str, Any] = {"client_id": client_id, "client_secret": client_secret, **kwargs}
    if audience is not None:
        # "audience" is client metadata: the core adds it to every authorization URL (and
        # to every unattended token request).
        # https://auth0.com/docs/secure/tokens/access-tokens/get-access-tokens
        options["audience"] = audience
    params = _merge_authorize_params(options.pop("authorize_params", None), org)
    if params is not None:
        options["authorize_params"] = params
    if offline:
        options["scope"] = _scope_with_offline(options.get("scope"))
    return provider, options, org


def oauth2_client(
    client_id: str,
    client_secret: Any = None,
    *,
    domain: str,
    audience: str | None = None,
    organization: str | None = None,
    offline: bool = False,
    **kwargs: Any,
) -> OAuth2Client:
    """An :class:`~authwire.OAuth2Client` that logs users in with Auth0.

    Args:
        client_id: the application's Client ID.
        client_secret: its Client Secret (sent in the body, ``client_secret_post``);
            without one the client is public (a native or single-page app: PKCE only).
        domain: the tenant's domain (``dev-abc123.us.auth0.com``) or custom domain.
        audience: the API Identifier of the API the access token is for. Sent as Auth0's
            non-standard ``audience`` parameter on every authorization URL; without it
            Auth0 issues an opaque access token good for ``/userinfo`` only.
        organization: log the user in to this organization (ID ``org_…`` or name): sent as
            ``organization`` on every authorization URL, and every ID token (code exchange
            and refresh) must then carry that ``org_id`` (or ``org_name``), else
            :class:`~authwire.IDTokenError`.
        offline: add ``offline_access`` to the scopes, so that Auth0 issues a refresh
            token (the API must allow offline access).
        **kwargs: any other ``OAuth2Client`` argument (``redirect_uri``, ``scope`` — the
            default is ``openid profile email`` —, ``token``, ``update_token``,
            ``authorize_params``) or httpx argument.

    The same client as ``OAuth2Client.from_provider("auth0", domain=..., audience=...,
    authorize_params={"organization": ...})``, the organization check included.
    """
    provider, options, _ = _oauth2_kwargs(
        client_id, client_secret, domain, audience, organization, offline, kwargs
    )
    return authwire.OAuth2Client.from_provider(provider, **options)


def async_oauth2_client(
    client_id: str,
    client_secret: Any = None,
    *,
    domain: str,
    audience: str | None = None,
    organization: str | None = None,
    offline: bool = False,
    **kwargs: Any,
) -> AsyncOAuth2Client:
    """The :class:`~authwire.AsyncOAuth2Client` twin of :func:`oauth2_client`."""
    provider, options, _ = _oauth2_kwargs(
        client_id, client_secret, domain, audience, organization, offline, kwargs
    )
    return authwire.AsyncOAuth2Client.from_provider(provider, **options)


def organization_token_request(organization: str) -> Hook:
    """An ``access_token_request`` hook: ``organization`` on client credentials requests.

    Auth0 takes ``organization`` on the client credentials grant to mint a token for that
    organization (machine-to-machine access for organizations); the hook adds it to each
    such request that lacks it — the first fetch and every automatic re-fetch. Requests of
    other grants pass unchanged. https://auth0.com/docs/manage-users/organizations/using-tokens
    """
    expected = organization_param(organization)

    def add_auth0_organization(
        url: str, headers: dict[str, str], body: str
    ) -> tuple[str, dict[str, str], str]:
        form = parse_qsl(body, keep_blank_values=True)
        if ("grant_type", "client_credentials") not in form or any(
            name == "organization" for name, _ in form
        ):
            return url, headers, body
        extra = urlencode({"organization": expected})
        return url, headers, f"{body}&{extra}" if body else extra

    return add_auth0_organization


def _client_credentials_kwargs(
    client_id: str,
    client_secret: Any,
    domain: str,
    audience: str,
    organization: str | None,
    kwargs: dict[str, Any],
) -> tuple[Any, dict[str, Any], str | None]:
    if "grant_type" in kwargs:
        raise TypeError("grant_type= cannot be given: this is the client credentials grant")
    if client_secret is None or (isinstance(client_secret, str) and not client_secret):
        raise ValueError(
            "client_secret is required: machine-to-machine applications are confidential"
        )
    provider = provider_for(domain)
    options: dict[str, Any] = {
        "client_id": client_id,
        "client_secret": client_secret,
        "grant_type": "client_credentials",
        # sent on the first fetch and on every automatic re-fetch (the core's rule for
        # grant metadata given at construction); without it Auth0 answers with an opaque
        # token, or refuses.
        # https://auth0.com/docs/secure/tokens/access-tokens/get-access-tokens
        "audience": _audience(audience, required=True),
        **kwargs,
    }
    options.setdefault("scope", None)  # Auth0 grants the API permissions given to the app
    org = None if organization is None else organization_param(organization)
    return provider, options, org


def client_credentials_client(
    client_id: str,
    client_secret: Any,
    *,
    domain: str,
    audience: str,
    organization: str | None = None,
    **kwargs: Any,
) -> OAuth2Client:
    """An :class:`~authwire.OAuth2Client` for a machine-to-machine application.

    It fetches a token with the client credentials grant on first use and again whenever
    it expires, sending ``audience`` (and ``organization``) each time.

    Args:
        client_id: the machine-to-machine application's Client ID.
        client_secret: its Client Secret.
        domain: the tenant's domain or custom domain.
        audience: the API Identifier of the API to call; required.
        organization: an organization ID or name the token is for (machine-to-machine
            access for organizations).
        **kwargs: other ``OAuth2Client`` arguments (``scope`` to ask for fewer
            permissions than granted, ``update_token``, ``leeway``) and httpx arguments.
    """
    provider, options, org = _client_credentials_kwargs(
        client_id, client_secret, domain, audience, organization, kwargs
    )
    client = authwire.OAuth2Client.from_provider(provider, **options)
    if org is not None:
        client.register_compliance_hook("access_token_request", organization_token_request(org))
    return client


def async_client_credentials_client(
    client_id: str,
    client_secret: Any,
    *,
    domain: str,
    audience: str,
    organization: str | None = None,
    **kwargs: Any,
) -> AsyncOAuth2Client:
    """The :class:`~authwire.AsyncOAuth2Client` twin of :func:`client_credentials_client`."""
    provider, options, org = _client_credentials_kwargs(
        client_id, client_secret, domain, audience, organization, kwargs
    )
    client = authwire.AsyncOAuth2Client.from_provider(provider, **options)
    if org is not None:
        client.register_compliance_hook("access_token_request", organization_token_request(org))
    return client
