"""Small helpers over GitHub's REST API: the signed-in user, and their primary email.

GitHub is not an OpenID provider for user sign-in: there is no ID token and no UserInfo
endpoint, so ``client.userinfo()`` does not apply. The profile is ``GET /user``; its
``email`` is ``null`` when the user keeps their address private, and ``GET /user/emails``
(scope ``user:email`` for an OAuth app, the "Email addresses" read permission for a GitHub
App) lists every address with its ``primary`` and ``verified`` flags.

Each helper sends its request through the given client, so the token is presented and
renewed as for any other request.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

    from authwire import AsyncOAuth2Client, OAuth2Client

__all__ = [
    "API_URL",
    "API_VERSION",
    "async_fetch_primary_email",
    "async_fetch_user",
    "fetch_primary_email",
    "fetch_user",
    "primary_email",
]

#: The REST API root of github.com (GitHub Enterprise Server: ``https://HOST/api/v3``).
API_URL = "https://api.github.com"
#: The REST API version the helpers ask for (``X-GitHub-Api-Version``).
API_VERSION = "2022-11-28"

_HEADERS = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": API_VERSION}


def _url(api_url: str, path: str) -> str:
    return api_url.rstrip("/") + path


def _user(response: httpx.Response) -> dict[str, Any]:
    response.raise_for_status()
    data = response.json()
    if not isinstance(data, dict):
        raise ValueError(f"GitHub's /user answered a JSON {type(data).__name__}, not an object")
    return data


def _emails(response: httpx.Response) -> list[Any]:
    response.raise_for_status()
    data = response.json()
    if not isinstance(data, list):
        raise ValueError(f"GitHub's /user/emails answered a JSON {type(data).__name__}, not a list")
    return data


def primary_email(emails: Iterable[Any]) -> str | None:
    """The address marked ``primary`` in a ``GET /user/emails`` answer, if it is verified.

    ``None`` when there is no primary address or when it is not verified: an unverified
    address proves nothing about who the user is, so do not link accounts by it.
    """
    for entry in emails:
        if (
            isinstance(entry, Mapping)
            and entry.get("primary") is True
            and entry.get("verified") is True
            and isinstance(entry.get("email"), str)
            and entry["email"]
        ):
            return str(entry["email"])
    return None


def fetch_user(client: OAuth2Client, *, api_url: str = API_URL) -> dict[str, Any]:
    """``GET /user``: the signed-in user's profile (``login``, ``id``, ``name``, ``email``...).

    Raises ``httpx.HTTPStatusError`` for an HTTP error (401 for a revoked token, 403 when
    rate-limited) and ``ValueError`` when the answer is not a JSON object.
    """
    return _user(client.get(_url(api_url, "/user"), headers=_HEADERS))


async def async_fetch_user(client: AsyncOAuth2Client, *, api_url: str = API_URL) -> dict[str, Any]:
    """:func:`fetch_user` for the async client."""
    return _user(await client.get(_url(api_url, "/user"), headers=_HEADERS))


def fetch_primary_email(client: OAuth2Client, *, api_url: str = API_URL) -> str | None:
    """``GET /user/emails`` and :func:`primary_email` of the answer.

    Needs the ``user:email`` scope (OAuth app) or the "Email addresses" read permission
    (GitHub App); without it GitHub answers 404 or 403, raised as ``httpx.HTTPStatusError``.
    """
    return primary_email(_emails(client.get(_url(api_url, "/user/emails"), headers=_HEADERS)))


async def async_fetch_primary_email(
    client: AsyncOAuth2Client, *, api_url: str = API_URL
) -> str | None:
    """:func:`fetch_primary_email` for the async client."""
    response = await client.get(_url(api_url, "/user/emails"), headers=_HEADERS)
    return primary_email(_emails(response))
