"""Compliance hooks for the classic providers: each fixes one documented departure from
RFC 6749 / RFC 6750, with the provider's page cited beside it.

Response hooks take and return an ``httpx.Response`` (the core's ``access_token_response``
/ ``refresh_token_response`` shape); request hooks take and return ``(url, headers, body)``.
A body that is not the shape a hook fixes is returned untouched, so a provider that fixes
its answers one day keeps working.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from authwire.plugins import with_json

if TYPE_CHECKING:
    import httpx

__all__ = [
    "DOUBAN_ERRORS",
    "douban_errors",
    "douban_token_type",
    "ebay_token_type",
    "fitbit_errors",
    "mailchimp_no_expiry",
    "plentymarkets_refresh_url",
    "plentymarkets_snake_case",
    "weibo_query_token",
    "weibo_token_type",
]


def _rewrite(
    response: httpx.Response, fix: Callable[[dict[str, Any]], dict[str, Any] | None]
) -> httpx.Response:
    """``response`` with its JSON object body replaced by ``fix(body)``; untouched when the
    body is not a JSON object or ``fix`` returns ``None`` (nothing to change)."""
    try:
        data = json.loads(response.content)
    except ValueError:
        return response
    if not isinstance(data, dict):
        return response
    fixed = fix(data)
    if fixed is None:
        return response
    return with_json(response, fixed)


def _set_default_bearer(data: dict[str, Any]) -> dict[str, Any] | None:
    if "access_token" not in data or "token_type" in data:
        return None
    return {**data, "token_type": "Bearer"}


# -- douban ---------------------------------------------------------------------------------

#: Douban's numeric error codes for the token endpoint, as the RFC 6749 §5.2 codes they mean
#: (https://developers.douban.com/wiki/?title=api_v2, "错误码").
DOUBAN_ERRORS: dict[int, str] = {
    113: "invalid_request",  # required_parameter_is_missing
    114: "unsupported_grant_type",
    115: "unsupported_response_type",
    116: "invalid_client",  # client_secret_mismatch
    117: "invalid_grant",  # redirect_uri_mismatch (RFC 6749 §5.2 files it under invalid_grant)
    118: "invalid_grant",  # invalid_authorization_code
    119: "invalid_grant",  # invalid_refresh_token
}


def douban_token_type(response: httpx.Response) -> httpx.Response:
    """Add ``token_type: Bearer`` to a Douban token response, which has none.

    Douban's token response is ``access_token``, ``expires_in``, ``refresh_token`` and
    ``douban_user_id`` (https://developers.douban.com/wiki/?title=oauth2); the token is
    sent in the ``Authorization`` header as a bearer token (same page), so ``Bearer`` is
    its type.
    """
    return _rewrite(response, _set_default_bearer)


def _douban_error(data: dict[str, Any]) -> dict[str, Any] | None:
    msg, code = data.get("msg"), data.get("code")
    if "error" in data or not isinstance(msg, str) or isinstance(code, bool):
        return None
    if not isinstance(code, int):
        return None
    return {**data, "error": DOUBAN_ERRORS.get(code, msg), "error_description": msg}


def douban_errors(response: httpx.Response) -> httpx.Response:
    """Give a Douban error (``{"msg": "invalid_authorization_code", "code": 118,
    "request": ...}``) the RFC 6749 §5.2 members, so the core raises ``OAuthError``.

    The codes are Douban's table (https://developers.douban.com/wiki/?title=api_v2);
    a code not in :data:`DOUBAN_ERRORS` keeps Douban's ``msg`` as the error.
    """
    return _rewrite(response, _douban_error)


# -- eBay -----------------------------------------------------------------------------------

_EBAY_TOKEN_TYPES = frozenset({"User Access Token", "Application Access Token"})


def _ebay(data: dict[str, Any]) -> dict[str, Any] | None:
    if data.get("token_type") not in _EBAY_TOKEN_TYPES:
        return None
    return {**data, "token_type": "Bearer"}


def ebay_token_type(response: httpx.Response) -> httpx.Response:
    """Replace eBay's ``token_type`` ("User Access Token", "Application Access Token") by
    ``Bearer``: eBay's tokens are sent as ``Authorization: Bearer <token>``
    (https://developer.ebay.com/api-docs/static/oauth-auth-code-grant-request.html,
    https://developer.ebay.com/api-docs/static/oauth-client-credentials-grant.html), and a
    client refuses to present a token of an unknown type (RFC 6749 §7.1).
    """
    return _rewrite(response, _ebay)


# -- Fitbit ---------------------------------------------------------------------------------


def _fitbit(data: dict[str, Any]) -> dict[str, Any] | None:
    errors = data.get("errors")
    if "error" in data or not isinstance(errors, list) or not errors:
        return None
    first = errors[0]
    if not isinstance(first, dict) or not isinstance(first.get("errorType"), str):
        return None
    fixed = {**data, "error": first["errorType"]}
    if isinstance(first.get("message"), str):
        fixed["error_description"] = first["message"]
    return fixed


def fitbit_errors(response: httpx.Response) -> httpx.Response:
    """Turn Fitbit's error list (``{"errors": [{"errorType": "invalid_grant", "message":
    ...}], "success": false}``) into RFC 6749 §5.2 ``error`` / ``error_description``
    (https://dev.fitbit.com/build/reference/web-api/troubleshooting-guide/error-handling/),
    so the core raises ``OAuthError("invalid_grant")`` rather than a generic HTTP error.
    """
    return _rewrite(response, _fitbit)


# -- Mailchimp ------------------------------------------------------------------------------


def _mailchimp(data: dict[str, Any]) -> dict[str, Any] | None:
    drop = []
    if "scope" in data and data["scope"] is None:
        drop.append("scope")
    if data.get("expires_in") == 0 and not isinstance(data.get("expires_in"), bool):
        drop.append("expires_in")
    if not drop:
        return None
    return {k: v for k, v in data.items() if k not in drop}


def mailchimp_no_expiry(response: httpx.Response) -> httpx.Response:
    """Drop ``"scope": null`` and ``"expires_in": 0`` from a Mailchimp token response.

    Mailchimp tokens never expire ("Tokens do not expire, so you do not need to use
    refresh_token", https://mailchimp.com/developer/marketing/guides/access-user-data-oauth-2/):
    ``expires_in: 0`` means "no expiry", so it is removed rather than rewritten to a
    lifetime (requests-oauthlib's 3600 makes the token look expired after an hour,
    requests-oauthlib#509). A ``null`` scope is not a scope (RFC 6749 §3.3).
    """
    return _rewrite(response, _mailchimp)


# -- plentymarkets --------------------------------------------------------------------------

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _snake(name: str) -> str:
    return _CAMEL.sub("_", name).lower()


def _plenty(data: dict[str, Any]) -> dict[str, Any] | None:
    if not any(_snake(k) != k for k in data):
        return None
    return {_snake(k): v for k, v in data.items()}


def plentymarkets_snake_case(response: httpx.Response) -> httpx.Response:
    """Rename the legacy REST API's camelCase token members (``accessToken``,
    ``tokenType``, ``expiresIn``, ``refreshToken``) to RFC 6749 §5.1's snake_case names
    (https://developers-legacy.plentymarkets.com/rest-doc/authentication/details).

    Only a successful answer is renamed; a system that already answers snake_case (the
    current ``/rest/login`` example,
    https://developers.plentymarkets.com/en-gb/developers/main/rest-api-guides/getting-started.html)
    is left untouched.
    """
    if not 200 <= response.status_code < 300:
        return response
    return _rewrite(response, _plenty)


def plentymarkets_refresh_url(
    url: str, headers: dict[str, str], body: str
) -> tuple[str, dict[str, str], str]:
    """Send a refresh to ``/rest/login/refresh``, not to the login URL: plentymarkets has
    a route of its own for it
    (https://developers-legacy.plentymarkets.com/rest-doc/authentication/details)."""
    parts = urlsplit(url)
    if parts.path.rstrip("/").endswith("/rest/login"):
        url = urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/refresh"))
    return url, headers, body


# -- Weibo ----------------------------------------------------------------------------------


def weibo_token_type(response: httpx.Response) -> httpx.Response:
    """Add ``token_type: Bearer`` to a Weibo token response (``access_token``,
    ``expires_in``, ``remind_in``, ``uid``: https://open.weibo.com/wiki/Oauth2/access_token)."""
    return _rewrite(response, _set_default_bearer)


def weibo_query_token(
    url: str, headers: dict[str, str], body: bytes | None
) -> tuple[str, dict[str, str], bytes | None]:
    """Move the token from ``Authorization: Bearer`` to the ``access_token`` query
    parameter, where Weibo's API reads it (https://open.weibo.com/wiki/Oauth2/access_token;
    e.g. ``GET https://api.weibo.com/2/users/show.json?access_token=...&uid=...``,
    https://open.weibo.com/wiki/2/users/show). A URL that already has ``access_token`` is
    left alone, and only the bearer header is removed.
    """
    token = None
    kept: dict[str, str] = {}
    for name, value in headers.items():
        if name.lower() == "authorization" and value[:7].lower() == "bearer ":
            token = value[7:]
        else:
            kept[name] = value
    if token is None:
        return url, headers, body
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if not any(k == "access_token" for k, _ in query):
        query.append(("access_token", token))
    return urlunsplit(parts._replace(query=urlencode(query))), kept, body
