"""Atlassian's API gateway: the sites a token may act on, and their cloud ids.

An OAuth 2.0 (3LO) token does not work on a site's own domain
(``https://your-domain.atlassian.net``): requests go through ``api.atlassian.com``, with
the site's cloud id in the path, ``https://api.atlassian.com/ex/{product}/{cloudid}/...``.
``GET https://api.atlassian.com/oauth/token/accessible-resources`` lists the sites the
token is good for, each with its cloud id as ``id``
(https://developer.atlassian.com/cloud/oauth/getting-started/making-calls-to-api).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

    from authwire import AsyncOAuth2Client, OAuth2Client

__all__ = [
    "ACCESSIBLE_RESOURCES_URL",
    "API_GATEWAY",
    "api_url",
    "async_fetch_accessible_resources",
    "cloud_id",
    "fetch_accessible_resources",
]

#: Where every 3LO API call goes.
API_GATEWAY = "https://api.atlassian.com"
#: The sites (and their cloud ids) a token can act on.
ACCESSIBLE_RESOURCES_URL = f"{API_GATEWAY}/oauth/token/accessible-resources"
_PRODUCTS = frozenset({"jira", "confluence"})


def _resources(response: httpx.Response) -> list[dict[str, Any]]:
    response.raise_for_status()
    data = response.json()
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ValueError("accessible-resources did not answer a JSON list of objects")
    return data


def fetch_accessible_resources(client: OAuth2Client) -> list[dict[str, Any]]:
    """``GET /oauth/token/accessible-resources``: each site's ``id`` (cloud id), ``name``,
    ``url``, ``scopes`` and ``avatarUrl``, in no particular order."""
    return _resources(client.get(ACCESSIBLE_RESOURCES_URL, headers={"Accept": "application/json"}))


async def async_fetch_accessible_resources(client: AsyncOAuth2Client) -> list[dict[str, Any]]:
    """:func:`fetch_accessible_resources` for the async client."""
    response = await client.get(ACCESSIBLE_RESOURCES_URL, headers={"Accept": "application/json"})
    return _resources(response)


def cloud_id(resources: Iterable[Mapping[str, Any]], site: str | None = None) -> str:
    """The cloud id of ``site`` (its URL, ``https://your-domain.atlassian.net``) among
    ``resources``; without ``site``, of the only site there is.

    The list is not ordered, so it says nothing about which site the user picked last:
    with several sites, name one. Raises ``LookupError`` when there is no match (or, without
    ``site``, not exactly one site).
    """
    sites = [r for r in resources if isinstance(r.get("id"), str) and r["id"]]
    if site is not None:
        wanted = site.rstrip("/").lower()
        sites = [r for r in sites if str(r.get("url", "")).rstrip("/").lower() == wanted]
        if not sites:
            raise LookupError(f"the token cannot act on {site!r}")
        return str(sites[0]["id"])
    if len(sites) != 1:
        raise LookupError(f"the token can act on {len(sites)} sites: pass site= to pick one")
    return str(sites[0]["id"])


def api_url(product: str, cloud: str) -> str:
    """The API base of ``product`` (``"jira"`` or ``"confluence"``) on site ``cloud``:
    ``https://api.atlassian.com/ex/{product}/{cloudid}``."""
    if product not in _PRODUCTS:
        raise ValueError(f"product must be 'jira' or 'confluence', not {product!r}")
    if not cloud or "/" in cloud:
        raise ValueError("cloud must be a cloud id from accessible-resources")
    return f"{API_GATEWAY}/ex/{product}/{cloud}"
