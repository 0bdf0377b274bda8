"""Slack's Web API: ``{"ok": false, "error": ...}`` with HTTP 200 raised as ``OAuthError``.

Every Web API method (``https://slack.com/api/<method>``) answers HTTP 200 with a JSON
object whose ``ok`` says whether the call worked; a failure carries ``error`` (``invalid_auth``,
``token_revoked``, ``missing_scope``...) and sometimes ``needed`` / ``provided`` scopes
(https://docs.slack.dev/apis/web-api/#responses). An HTTP client sees a success.

:func:`raise_for_ok` (the httpx response event hooks the plugin's constructors install:
:func:`check_ok` / :func:`async_check_ok`) turns such an answer into
:class:`SlackAPIError`, an :class:`~authwire.OAuthError`, for every call the client makes to
the Web API: ``client.userinfo()`` on ``openid.connect.userInfo``, ``client.get(...)`` /
``client.post(...)`` on any method, :func:`api_call`, :func:`revoke`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from authwire import OAuthError

if TYPE_CHECKING:
    import httpx

    from authwire import AsyncOAuth2Client, OAuth2Client

__all__ = [
    "API_URL",
    "SlackAPIError",
    "api_call",
    "async_api_call",
    "async_check_ok",
    "async_revoke",
    "check_ok",
    "is_web_api_url",
    "raise_for_ok",
    "revoke",
]

#: The Web API root: ``https://slack.com/api/<method>``.
API_URL = "https://slack.com/api"


class SlackAPIError(OAuthError):
    """A Web API call answered ``{"ok": false, "error": ...}`` (with HTTP 200).

    ``error`` is Slack's code; ``extra`` holds the other members (``needed``, ``provided``,
    ``warning``, ``response_metadata``).
    """


def is_web_api_url(url: object) -> bool:
    """Whether ``url`` (an ``httpx.URL`` or str) is a Slack Web API method."""
    text = str(url)
    return text.startswith(API_URL + "/")


def _error_of(data: object) -> SlackAPIError | None:
    if not isinstance(data, dict) or data.get("ok") is not False:
        return None
    code = data.get("error")
    error = SlackAPIError(code if isinstance(code, str) and code else "unknown_error")
    error.extra = {k: v for k, v in data.items() if k not in ("ok", "error")}
    return error


def raise_for_ok(response: httpx.Response) -> None:
    """Raise :class:`SlackAPIError` when a read Web API answer says ``"ok": false``.

    Answers of other hosts, non-JSON answers and ``"ok": true`` pass.
    """
    if not is_web_api_url(response.request.url):
        return
    ctype = response.headers.get("content-type", "")
    if "json" not in ctype.lower():
        return
    try:
        data = json.loads(response.content)
    except ValueError:
        return
    error = _error_of(data)
    if error is not None:
        raise error


def check_ok(response: httpx.Response) -> None:
    """httpx response event hook (sync client): read a Web API answer, :func:`raise_for_ok`."""
    if is_web_api_url(response.request.url):
        response.read()
        raise_for_ok(response)


async def async_check_ok(response: httpx.Response) -> None:
    """httpx response event hook (async client): :func:`check_ok`."""
    if is_web_api_url(response.request.url):
        await response.aread()
        raise_for_ok(response)


def _answer(response: httpx.Response) -> dict[str, Any]:
    raise_for_ok(response)
    response.raise_for_status()
    data = response.json()
    if not isinstance(data, dict):
        raise OAuthError("invalid_response", "the Slack Web API answered a JSON non-object")
    return data


def _url(method: str) -> str:
    if not method or "/" in method or "?" in method:
        raise ValueError(f"method must be a Web API method name like 'auth.test', not {method!r}")
    return f"{API_URL}/{method}"


def api_call(
    client: OAuth2Client, method: str, params: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """POST ``params`` (form-encoded) to the Web API ``method`` with the client's token.

    Returns the answer's JSON object; ``"ok": false`` raises :class:`SlackAPIError`.
    """
    return _answer(client.post(_url(method), data=dict(params or {})))


async def async_api_call(
    client: AsyncOAuth2Client, method: str, params: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """:func:`api_call` for the async client."""
    return _answer(await client.post(_url(method), data=dict(params or {})))


def revoke(client: OAuth2Client) -> bool:
    """``auth.revoke``: revoke the token the client holds (https://docs.slack.dev/reference/methods/auth.revoke).

    Slack revokes the token that authenticates the call, so this is not RFC 7009: the
    client presents its token as usual. Returns Slack's ``revoked``.
    """
    return bool(api_call(client, "auth.revoke").get("revoked"))


async def async_revoke(client: AsyncOAuth2Client) -> bool:
    """:func:`revoke` for the async client."""
    return bool((await async_api_call(client, "auth.revoke")).get("revoked"))
