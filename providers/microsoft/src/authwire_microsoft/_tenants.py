"""Tenants and national clouds of the Microsoft identity platform, and the issuer check.

Every endpoint of the v2.0 platform sits under ``https://{authority host}/{tenant}/``. The
tenant decides who may sign in; the authority host decides the cloud instance. ID tokens
name the user's own tenant in ``tid``, and their ``iss`` is
``https://{authority host}/{tid}/v2.0`` whatever tenant segment the client used: the
multi-tenant discovery document publishes that as the template
``https://login.microsoftonline.com/{tenantid}/v2.0``.

Sources:
https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc (tenant values, the
consumer tenant GUID) and
https://learn.microsoft.com/entra/identity-platform/authentication-national-cloud (hosts).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from authwire.protocol.issuers import IssuerPolicy

__all__ = [
    "CLOUDS",
    "CONSUMERS_TENANT_ID",
    "TENANT_ALIASES",
    "Cloud",
    "cloud_for",
    "issuer_policy",
    "normalize_tenant",
    "tenant_kind",
]


@dataclass(frozen=True, slots=True)
class Cloud:
    """One cloud instance: where users sign in, and where its Microsoft Graph answers.

    Attributes:
        name: the name :func:`cloud_for` takes (``"global"``, ``"us_government"``,
            ``"china"``).
        authority_host: the host of the authorization, token and discovery endpoints.
        graph_url: the Microsoft Graph service root of that cloud (its ``.default`` scope is
            the default of a client credentials client).
    """

    name: str
    authority_host: str
    graph_url: str


#: The cloud instances Microsoft Entra ID runs in. The authority hosts are the ones of
#: "National clouds" (learn.microsoft.com/entra/identity-platform/authentication-national-cloud);
#: for China that page names ``login.partner.microsoftonline.cn``, the host whose name is also
#: in the issuer of that cloud's tokens (MSAL lists ``login.chinacloudapi.cn`` as an alias).
#: The Graph roots are those of "Microsoft Graph national cloud deployments"
#: (learn.microsoft.com/graph/deployments).
CLOUDS = MappingProxyType(
    {
        "global": Cloud("global", "login.microsoftonline.com", "https://graph.microsoft.com"),
        "us_government": Cloud(
            "us_government", "login.microsoftonline.us", "https://graph.microsoft.us"
        ),
        "china": Cloud(
            "china", "login.partner.microsoftonline.cn", "https://microsoftgraph.chinacloudapi.cn"
        ),
    }
)

#: The tenant segments that are not one directory: any account, work or school accounts,
#: personal Microsoft accounts.
TENANT_ALIASES = ("common", "organizations", "consumers")
#: The tenant every personal Microsoft account signs in to: the ``tid`` of their ID tokens
#: (v2-protocols-oidc: "the consumer tenant GUID ... in place of consumers").
CONSUMERS_TENANT_ID = "9188040d-6c67-4c5b-b112-36a304b66dad"

_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_DOMAIN = re.compile(
    r"(?=.{4,253}\Z)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?"
)

TenantKind = Literal["common", "organizations", "consumers", "id", "domain"]


def cloud_for(cloud: str | Cloud) -> Cloud:
    """The :class:`Cloud` named ``cloud`` (or ``cloud`` itself); ``ValueError`` otherwise."""
    if isinstance(cloud, Cloud):
        return cloud
    if isinstance(cloud, str) and cloud in CLOUDS:
        return CLOUDS[cloud]
    raise ValueError(f"cloud must be one of {', '.join(map(repr, CLOUDS))}, not {cloud!r}")


def normalize_tenant(tenant: object) -> str:
    """The tenant as the endpoints and ``tid`` spell it: an alias, a GUID or a domain.

    GUIDs and domain names are lowercased (``tid`` is a lowercase GUID). Anything else —
    another word, a URL, a path — is a ``ValueError`` naming ``tenant``.
    """
    if isinstance(tenant, str):
        value = tenant.strip().lower()
        if value in TENANT_ALIASES or _GUID.fullmatch(value) or _DOMAIN.fullmatch(value):
            return value
    raise ValueError(
        "tenant must be 'common', 'organizations', 'consumers', a tenant ID (GUID) or a "
        f"domain such as 'contoso.onmicrosoft.com', not {tenant!r}"
    )


def tenant_kind(tenant: str) -> TenantKind:
    """What a (normalized) tenant segment is: an alias, a tenant ID or a domain name."""
    if tenant == "common":
        return "common"
    if tenant == "organizations":
        return "organizations"
    if tenant == "consumers":
        return "consumers"
    return "id" if _GUID.fullmatch(tenant) else "domain"


def _tenant_ids(tenants: Iterable[str]) -> frozenset[str]:
    if isinstance(tenants, str):
        tenants = (tenants,)
    ids: set[str] = set()
    for value in tenants:
        normalized = value.strip().lower() if isinstance(value, str) else None
        if normalized is None or not _GUID.fullmatch(normalized):
            raise ValueError(f"tenants must hold tenant IDs (GUIDs, the tid claim), not {value!r}")
        ids.add(normalized)
    if not ids:
        raise ValueError("tenants must name at least one tenant ID, or be None")
    return frozenset(ids)


def issuer_policy(
    tenant: str, authority_host: str, tenants: Iterable[str] | None = None
) -> IssuerPolicy:
    """The ID-token issuer check for a client of ``tenant`` on ``authority_host``.

    ``iss`` must be ``https://{authority_host}/{tid}/v2.0`` with the token's own ``tid``. A
    tenant ID pins ``tid`` to it, ``consumers`` to the consumer tenant; ``tenants`` (tenant
    IDs) narrows any of them further, e.g. the organizations a multi-tenant app serves.
    Raises ``ValueError`` when ``tenants`` leaves no tenant the client could sign in.
    """
    kind = tenant_kind(tenant)
    allowed: frozenset[str] | None = None
    if kind == "id":
        allowed = frozenset({tenant})
    elif kind == "consumers":
        allowed = frozenset({CONSUMERS_TENANT_ID})
    if tenants is not None:
        given = _tenant_ids(tenants)
        narrowed = given if allowed is None else allowed & given
        if not narrowed:
            raise ValueError(
                f"tenants= does not include the tenant this client signs in to ({tenant!r})"
            )
        allowed = narrowed
    return IssuerPolicy(
        f"https://{authority_host}/{{tenantid}}/v2.0", tenant_claim="tid", tenants=allowed
    )
