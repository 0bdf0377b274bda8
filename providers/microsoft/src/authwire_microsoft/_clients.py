"""The named constructors: user sign-in clients and client credentials clients.

Each one is ``OAuth2Client.from_provider("microsoft", tenant=..., authority_host=...)`` (or
the async twin), whose issuer check is pinned to the tenant, plus what only these
arguments say: ``cloud=``, the ``tenants=`` narrowing the issuer check, and the
certificate credential.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

import authwire  # client classes load on first use: authwire.httpx2 imports no httpx
from authwire.protocol.issuers import IssuerPolicy

from ._certificate import ClientCertificate
from ._flows import client_credentials_scope
from ._provider import MICROSOFT
from ._tenants import Cloud, cloud_for, issuer_policy, normalize_tenant, tenant_kind

if TYPE_CHECKING:
    from authwire import AsyncOAuth2Client, OAuth2Client

__all__ = [
    "async_client_credentials_client",
    "async_oauth2_client",
    "client_credentials_client",
    "oauth2_client",
]

C = TypeVar("C")


def _prepare(
    client_id: str,
    client_secret: str | None,
    tenant: str,
    cloud: str | Cloud,
    client_certificate: ClientCertificate | None,
    kwargs: dict[str, Any],
) -> tuple[dict[str, Any], str, Cloud]:
    if "authority_host" in kwargs:
        raise TypeError("give cloud= ('global', 'us_government', 'china'), not authority_host=")
    tenant = normalize_tenant(tenant)
    chosen = cloud_for(cloud)
    if client_certificate is not None:
        if not isinstance(client_certificate, ClientCertificate):
            raise TypeError("client_certificate must be an authwire_microsoft.ClientCertificate")
        if client_secret is not None:
            raise TypeError("give client_secret= or client_certificate=, not both")
        method = kwargs.setdefault("token_endpoint_auth_method", ClientCertificate.name)
        if method != ClientCertificate.name:
            raise TypeError("a client_certificate authenticates with private_key_jwt")
    arguments = {
        "client_id": client_id,
        "client_secret": client_secret,
        "tenant": tenant,
        "authority_host": chosen.authority_host,
        **kwargs,
    }
    return arguments, tenant, chosen


def _build(
    client_cls: type[C],
    arguments: dict[str, Any],
    policy: IssuerPolicy | None,
    client_certificate: ClientCertificate | None,
) -> C:
    client: Any = client_cls.from_provider(MICROSOFT, **arguments)  # type: ignore[attr-defined]
    try:
        if policy is not None:  # from_provider pinned the tenant; tenants= narrows it
            client.oauth.issuer_policy = policy
        if client_certificate is not None:
            client.register_client_auth_method(client_certificate)
    except BaseException:
        if not hasattr(client, "aclose"):  # an async client holds nothing open yet
            client.close()
        raise
    return client  # type: ignore[no-any-return]


def _sign_in(
    client_cls: type[C],
    client_id: str,
    client_secret: str | None,
    tenant: str,
    cloud: str | Cloud,
    client_certificate: ClientCertificate | None,
    tenants: Iterable[str] | None,
    kwargs: dict[str, Any],
) -> C:
    arguments, tenant, chosen = _prepare(
        client_id, client_secret, tenant, cloud, client_certificate, kwargs
    )
    policy = None if tenants is None else issuer_policy(tenant, chosen.authority_host, tenants)
    return _build(client_cls, arguments, policy, client_certificate)


def oauth2_client(
    client_id: str,
    client_secret: str | None = None,
    *,
    tenant: str = "common",
    cloud: str | Cloud = "global",
    client_certificate: ClientCertificate | None = None,
    tenants: Iterable[str] | None = None,
    **kwargs: Any,
) -> OAuth2Client:
    """An :class:`~authwire.OAuth2Client` that signs users in with Microsoft Entra ID.

    ``OAuth2Client.from_provider("microsoft", tenant=..., authority_host=...)`` with the ID
    token's issuer checked against its ``tid``, as the platform's multi-tenant discovery
    document asks (``https://login.microsoftonline.com/{tenantid}/v2.0``).

    Args:
        client_id: the application (client) ID.
        client_secret: a client secret; ``None`` for a public client (PKCE only) or with
            ``client_certificate``.
        tenant: who may sign in: ``"common"`` (any account), ``"organizations"`` (work or
            school), ``"consumers"`` (personal Microsoft accounts), a tenant ID (GUID) or a
            tenant domain (``"contoso.onmicrosoft.com"``). A tenant ID also pins the ID
            token's ``tid``; ``consumers`` pins it to the consumer tenant.
        cloud: ``"global"``, ``"us_government"`` or ``"china"`` (or a :class:`Cloud`).
        client_certificate: a :class:`ClientCertificate`: the client authenticates with a
            ``private_key_jwt`` assertion (``x5t#S256``) instead of a secret.
        tenants: tenant IDs whose users are accepted (a multi-tenant app serving some
            organizations): an ID token of any other ``tid`` is refused.
        **kwargs: any other ``OAuth2Client`` argument (``redirect_uri``, ``scope`` — default
            ``openid profile email offline_access`` —, ``update_token``, ``prompt``,
            ``login_hint``, ``domain_hint``) or httpx argument.
    """
    return _sign_in(
        authwire.OAuth2Client,
        client_id,
        client_secret,
        tenant,
        cloud,
        client_certificate,
        tenants,
        kwargs,
    )


def async_oauth2_client(
    client_id: str,
    client_secret: str | None = None,
    *,
    tenant: str = "common",
    cloud: str | Cloud = "global",
    client_certificate: ClientCertificate | None = None,
    tenants: Iterable[str] | None = None,
    **kwargs: Any,
) -> AsyncOAuth2Client:
    """:func:`oauth2_client` for :class:`~authwire.AsyncOAuth2Client` (same arguments)."""
    return _sign_in(
        authwire.AsyncOAuth2Client,
        client_id,
        client_secret,
        tenant,
        cloud,
        client_certificate,
        tenants,
        kwargs,
    )


def _daemon(
    client_cls: type[C],
    client_id: str,
    client_secret: str | None,
    tenant: str,
    cloud: str | Cloud,
    resource: str | None,
    scope: str | Iterable[str] | None,
    client_certificate: ClientCertificate | None,
    kwargs: dict[str, Any],
) -> C:
    for name in ("grant_type", "redirect_uri"):
        if name in kwargs:
            raise TypeError(f"{name}= does not apply to a client credentials client")
    arguments, tenant, chosen = _prepare(
        client_id, client_secret, tenant, cloud, client_certificate, kwargs
    )
    if tenant_kind(tenant) not in ("id", "domain"):
        # v2-oauth2-client-creds-grant-flow: "The directory tenant the application plans to
        # operate against, in GUID or domain-name format."
        raise ValueError(
            f"tenant={tenant!r}: a client credentials client acts in one directory; give "
            "its tenant ID or domain"
        )
    if client_secret is None and client_certificate is None:
        raise ValueError("a client credentials client needs client_secret= or client_certificate=")
    arguments["grant_type"] = "client_credentials"
    arguments["scope"] = client_credentials_scope(scope, resource, chosen)
    return _build(client_cls, arguments, None, client_certificate)


def client_credentials_client(
    client_id: str,
    client_secret: str | None = None,
    *,
    tenant: str,
    cloud: str | Cloud = "global",
    resource: str | None = None,
    scope: str | Iterable[str] | None = None,
    client_certificate: ClientCertificate | None = None,
    **kwargs: Any,
) -> OAuth2Client:
    """An :class:`~authwire.OAuth2Client` acting as the application itself (a daemon).

    It fetches a client credentials token on first use and again when it expires
    (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow).

    Args:
        client_id: the application (client) ID.
        client_secret: the client secret, or ``None`` with ``client_certificate``.
        tenant: the directory to act in: its tenant ID or domain (not ``common``,
            ``organizations`` or ``consumers``).
        cloud: ``"global"``, ``"us_government"`` or ``"china"``.
        resource: the API to call (its application ID URI); the scope sent is
            ``{resource}/.default``. Default: the cloud's Microsoft Graph.
        scope: the ``/.default`` scope itself, instead of ``resource``; a named permission
            (``User.Read``) or scopes of two resources are refused here, before Entra
            refuses them.
        client_certificate: a :class:`ClientCertificate` instead of the secret.
        **kwargs: other ``OAuth2Client`` arguments (``update_token``, ``leeway``) and httpx
            arguments.
    """
    return _daemon(
        authwire.OAuth2Client,
        client_id,
        client_secret,
        tenant,
        cloud,
        resource,
        scope,
        client_certificate,
        kwargs,
    )


def async_client_credentials_client(
    client_id: str,
    client_secret: str | None = None,
    *,
    tenant: str,
    cloud: str | Cloud = "global",
    resource: str | None = None,
    scope: str | Iterable[str] | None = None,
    client_certificate: ClientCertificate | None = None,
    **kwargs: Any,
) -> AsyncOAuth2Client:
    """:func:`client_credentials_client` for :class:`~authwire.AsyncOAuth2Client`."""
    return _daemon(
        authwire.AsyncOAuth2Client,
        client_id,
        client_secret,
        tenant,
        cloud,
        resource,
        scope,
        client_certificate,
        kwargs,
    )
