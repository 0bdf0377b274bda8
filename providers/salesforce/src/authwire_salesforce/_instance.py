"""The Salesforce org a token belongs to: ``instance_url`` and the identity URL ``id``.

A Salesforce token is only good at its org's instance: every token response names it in
``instance_url`` (``https://MyDomainName.my.salesforce.com``), the base of the REST API
(``/services/data/vXX.X/...``), and in ``id`` the identity URL that describes the user
(``https://login.salesforce.com/id/<org id>/<user id>``). The token endpoint's host
(``login.salesforce.com``) is not where the API lives.

:func:`follow_instance_url` makes a client's ``base_url`` follow the token's
``instance_url``, so ``client.get("/services/data/v62.0/sobjects")`` reaches the org;
:func:`fetch_identity` reads the identity URL.
https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import authwire

if TYPE_CHECKING:
    import httpx

    from authwire import AsyncOAuth2Client, OAuth2Client

__all__ = [
    "async_fetch_identity",
    "fetch_identity",
    "follow_instance_url",
    "identity_url",
    "instance_url",
]


def _https_url(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname or parts.username or parts.password:
        return None
    return value


def instance_url(token: Mapping[str, Any] | None) -> str | None:
    """The token's org instance (``instance_url``), when it is an ``https`` URL."""
    return _https_url(token.get("instance_url")) if token is not None else None


def identity_url(token: Mapping[str, Any] | None) -> str | None:
    """The token's identity URL (``id``), when it is an ``https`` URL."""
    return _https_url(token.get("id")) if token is not None else None


def follow_instance_url(client: Any) -> Any:
    """Keep ``client.base_url`` at the ``instance_url`` of the client's latest token.

    Registers a hook on the code exchange, the refresh and every other token request (the
    JWT bearer grant included) and sets ``base_url`` at once from the token the client
    already holds (``token=``). A token response whose ``instance_url`` is not an ``https``
    URL is refused with :class:`authwire.TokenResponseError`: requests with the token would
    follow it. Returns ``client``.
    """
    if not callable(getattr(client, "register_compliance_hook", None)):
        raise TypeError(f"expected an authwire OAuth 2 client, not {type(client).__name__}")

    def move_base_url(response: httpx.Response) -> httpx.Response:
        if not response.is_success:
            return response
        try:
            data = json.loads(response.content)
        except ValueError:
            return response
        if not isinstance(data, dict) or not isinstance(data.get("access_token"), str):
            return response
        if "instance_url" not in data:
            return response
        url = instance_url(data)
        if url is None:
            raise authwire.TokenResponseError(
                "the token response's instance_url is not an https URL",
                status_code=response.status_code,
            )
        client.base_url = url
        return response

    for hook_type in ("access_token_response", "refresh_token_response"):
        client.register_compliance_hook(hook_type, move_base_url)
    current = instance_url(client.token)
    if current is not None:
        client.base_url = current
    return client


def _identity_request(client: Any) -> str:
    url = identity_url(client.token)
    if url is None:
        raise authwire.MissingTokenError(
            description="the client's token has no identity URL (id) to read"
        )
    return url


def _object(response: httpx.Response) -> dict[str, Any]:
    response.raise_for_status()
    data = response.json()
    if not isinstance(data, dict):
        raise ValueError(f"the identity URL answered a JSON {type(data).__name__}, not an object")
    return data


def fetch_identity(client: OAuth2Client) -> dict[str, Any]:
    """``GET`` the token's identity URL: ``user_id``, ``organization_id``, ``username``,
    ``urls`` (the org's API URLs)...

    Raises ``httpx.HTTPStatusError`` for an HTTP error (403 without the ``id`` scope).
    https://help.salesforce.com/s/articleView?id=sf.remoteaccess_using_openid.htm
    """
    url = _identity_request(client)
    return _object(client.get(url, headers={"Accept": "application/json"}))


async def async_fetch_identity(client: AsyncOAuth2Client) -> dict[str, Any]:
    """:func:`fetch_identity` for the async client."""
    url = _identity_request(client)
    return _object(await client.get(url, headers={"Accept": "application/json"}))
