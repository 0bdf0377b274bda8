"""Who the member is: OpenID Connect UserInfo, and the legacy member endpoints.

- ``GET https://api.linkedin.com/v2/userinfo`` (scopes ``openid profile email``, "Sign In
  with LinkedIn using OpenID Connect"): :func:`fetch_userinfo`, checked against the ID
  token by authwire and normalized (:func:`~authwire_linkedin.normalize_claims`).
- ``GET https://api.linkedin.com/v2/me`` (``r_liteprofile``) and ``GET
  https://api.linkedin.com/v2/emailAddress?q=members&projection=(elements*(handle~))``
  (``r_emailaddress``): the legacy "Sign In with LinkedIn" endpoints, deprecated on
  2023-08-01 — apps created since cannot get those scopes — kept for apps that still have
  them: :func:`fetch_me`, :func:`fetch_email_address`.

https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._claims import normalize_claims

if TYPE_CHECKING:
    import httpx

    from authwire import AsyncOAuth2Client, OAuth2Client

__all__ = [
    "API_URL",
    "EMAIL_ADDRESS_URL",
    "ME_URL",
    "USERINFO_URL",
    "async_fetch_email_address",
    "async_fetch_me",
    "async_fetch_userinfo",
    "email_address",
    "fetch_email_address",
    "fetch_me",
    "fetch_userinfo",
]

API_URL = "https://api.linkedin.com"
USERINFO_URL = f"{API_URL}/v2/userinfo"
ME_URL = f"{API_URL}/v2/me"
EMAIL_ADDRESS_URL = f"{API_URL}/v2/emailAddress?q=members&projection=(elements*(handle~))"

# Rest.li 2.0, which the v2 endpoints speak
_HEADERS = {"X-Restli-Protocol-Version": "2.0.0", "Accept": "application/json"}


def _object(response: httpx.Response, what: str) -> dict[str, Any]:
    response.raise_for_status()
    data = response.json()
    if not isinstance(data, dict):
        raise ValueError(f"LinkedIn's {what} answered a JSON {type(data).__name__}, not an object")
    return data


def email_address(answer: Mapping[str, Any]) -> str | None:
    """The address in a ``/v2/emailAddress`` answer (``elements[0]["handle~"]["emailAddress"]``)."""
    elements = answer.get("elements")
    if not isinstance(elements, list):
        return None
    for element in elements:
        handle = element.get("handle~") if isinstance(element, Mapping) else None
        if isinstance(handle, Mapping) and isinstance(handle.get("emailAddress"), str):
            return str(handle["emailAddress"])
    return None


def fetch_userinfo(client: OAuth2Client) -> dict[str, Any]:
    """The member's OpenID Connect claims from UserInfo, normalized.

    ``client.userinfo()`` (whose ``sub`` must be the ID token's) with ``email_verified`` a
    bool and ``locale`` a ``language_COUNTRY`` string.
    """
    return normalize_claims(client.userinfo())


async def async_fetch_userinfo(client: AsyncOAuth2Client) -> dict[str, Any]:
    """:func:`fetch_userinfo` for the async client."""
    return normalize_claims(await client.userinfo())


def fetch_me(client: OAuth2Client) -> dict[str, Any]:
    """Legacy ``GET /v2/me``: ``id``, ``localizedFirstName``, ``localizedLastName``...

    Needs ``r_liteprofile``; raises ``httpx.HTTPStatusError`` (403) without it.
    """
    return _object(client.get(ME_URL, headers=_HEADERS), "/v2/me")


async def async_fetch_me(client: AsyncOAuth2Client) -> dict[str, Any]:
    """:func:`fetch_me` for the async client."""
    return _object(await client.get(ME_URL, headers=_HEADERS), "/v2/me")


def fetch_email_address(client: OAuth2Client) -> str | None:
    """Legacy ``GET /v2/emailAddress``: the member's primary address, or ``None``.

    Needs ``r_emailaddress``; raises ``httpx.HTTPStatusError`` (403) without it.
    """
    return email_address(
        _object(client.get(EMAIL_ADDRESS_URL, headers=_HEADERS), "/v2/emailAddress")
    )


async def async_fetch_email_address(client: AsyncOAuth2Client) -> str | None:
    """:func:`fetch_email_address` for the async client."""
    response = await client.get(EMAIL_ADDRESS_URL, headers=_HEADERS)
    return email_address(_object(response, "/v2/emailAddress"))
