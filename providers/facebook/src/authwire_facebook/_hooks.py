"""Compliance hooks for Meta's token endpoints and the Graph API.

- :func:`graph_token_response`: the Graph API's ``/oauth/access_token`` answered, before
  v2.3, a ``text/plain`` form body ``access_token=...&expires=...`` with no ``token_type``
  (https://developers.facebook.com/docs/graph-api/changelog/archive, v2.3: "the response
  format of oauth/access_token ... is now JSON"); and it reports errors as a nested Graph
  error object ``{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}``
  (https://developers.facebook.com/docs/graph-api/guides/error-handling), which is not the
  RFC 6749 §5.2 shape. Both become the shapes the core reads.
- :func:`instagram_token_response`: Business Login for Instagram answers the code exchange
  as ``{"data": [{"access_token", "user_id", "permissions"}]}``
  (https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/business-login);
  the one token is unwrapped.
- :func:`appsecret_proof`: ``appsecret_proof`` = hex HMAC-SHA256 of the access token keyed
  with the app secret, on every Graph API call
  (https://developers.facebook.com/docs/graph-api/securing-requests).
- :func:`token_in_query`: the Instagram APIs take the token as the ``access_token`` query
  parameter, as every example of https://developers.facebook.com/docs/instagram-platform/reference
  shows (and as the legacy Instagram API required).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from authwire.plugins import with_json

if TYPE_CHECKING:
    import httpx

__all__ = [
    "GRAPH_HOSTS",
    "INSTAGRAM_HOSTS",
    "appsecret_proof",
    "appsecret_proof_hook",
    "graph_token_response",
    "instagram_token_response",
    "token_in_query",
]

#: The Graph API hosts that take ``appsecret_proof``.
GRAPH_HOSTS = frozenset({"graph.facebook.com", "graph-video.facebook.com"})
#: The Instagram API hosts, which take the token in the query.
INSTAGRAM_HOSTS = frozenset({"graph.instagram.com", "api.instagram.com"})


def _rewrite(response: httpx.Response, data: Mapping[str, Any]) -> httpx.Response:
    return with_json(response, data)


def _legacy_form(content: bytes) -> dict[str, Any] | None:
    """The fields of a pre-v2.3 ``access_token=...&expires=...`` body, else ``None``."""
    try:
        text = content.decode("utf-8").strip()
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=True)
    except (UnicodeDecodeError, ValueError):
        return None
    fields: dict[str, Any] = dict(pairs)
    if len(fields) != len(pairs) or not fields.get("access_token"):
        return None
    expires = fields.pop("expires", None)
    if isinstance(expires, str) and expires.isascii() and expires.isdigit():
        fields["expires_in"] = int(expires)
    fields.setdefault("token_type", "bearer")
    return fields


def _graph_error(error: Mapping[str, Any]) -> dict[str, Any]:
    """A Graph error object as RFC 6749 §5.2 members; its own members are kept beside."""
    kind = error.get("type")
    fields: dict[str, Any] = {
        "error": kind if isinstance(kind, str) and kind else "graph_error",
    }
    message = error.get("message")
    if isinstance(message, str):
        fields["error_description"] = message
    for name in ("code", "error_subcode", "error_user_title", "error_user_msg", "fbtrace_id"):
        if name in error:
            fields[name] = error[name]
    return fields


def graph_token_response(response: httpx.Response) -> httpx.Response:
    """Return ``response`` in RFC 6749 §5.1/§5.2 shape: a legacy form body rewritten as
    JSON (``expires`` read as ``expires_in``, ``token_type`` bearer), a nested Graph
    error object flattened to ``error`` (its ``type``) and ``error_description`` (its
    ``message``). Anything else is returned untouched."""
    try:
        data = json.loads(response.content)
    except ValueError:
        legacy = _legacy_form(response.content) if response.status_code == 200 else None
        return response if legacy is None else _rewrite(response, legacy)
    if isinstance(data, dict) and isinstance(data.get("error"), Mapping):
        return _rewrite(response, _graph_error(data["error"]))
    return response


def instagram_token_response(response: httpx.Response) -> httpx.Response:
    """Unwrap ``{"data": [{...}]}`` (one token) of Business Login for Instagram, then
    apply :func:`graph_token_response`; a numeric ``user_id`` stays as Meta sent it."""
    response = graph_token_response(response)
    try:
        data = json.loads(response.content)
    except ValueError:
        return response
    if isinstance(data, dict) and "access_token" not in data:
        listed = data.get("data")
        if isinstance(listed, list) and len(listed) == 1 and isinstance(listed[0], Mapping):
            return _rewrite(response, dict(listed[0]))
    return response


def appsecret_proof(access_token: str, app_secret: str) -> str:
    """``appsecret_proof``: hex HMAC-SHA256 of ``access_token`` keyed with ``app_secret``."""
    if not access_token or not app_secret:
        raise ValueError("appsecret_proof needs an access token and the app secret")
    return hmac.new(app_secret.encode(), access_token.encode(), hashlib.sha256).hexdigest()


def _token_of(url: str, headers: Mapping[str, str]) -> str | None:
    for name, value in headers.items():
        if name.lower() == "authorization" and value[:7].lower() == "bearer ":
            return value[7:].strip()
    for name, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if name == "access_token":
            return value
    return None


def _with_query(url: str, add: Iterable[tuple[str, str]], drop: Iterable[str]) -> str:
    parts = urlsplit(url)
    dropped = set(drop)
    pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in dropped]
    pairs.extend(add)
    return urlunsplit(parts._replace(query=urlencode(pairs)))


def appsecret_proof_hook(
    app_secret: str, hosts: Iterable[str] = GRAPH_HOSTS
) -> Callable[[str, dict[str, str], Any], tuple[str, dict[str, str], Any]]:
    """A ``protected_request`` hook adding ``appsecret_proof`` to calls to ``hosts``.

    The proof is computed from the token the request carries (header or query); requests
    to other hosts are left alone, so the proof never leaves Meta's Graph API.
    """
    if not isinstance(app_secret, str) or not app_secret:
        raise ValueError("appsecret_proof needs the app secret (client_secret=)")
    allowed = frozenset(hosts)

    def hook(url: str, headers: dict[str, str], body: Any) -> tuple[str, dict[str, str], Any]:
        if urlsplit(url).hostname not in allowed:
            return url, headers, body
        token = _token_of(url, headers)
        if token is None:
            return url, headers, body
        proof = appsecret_proof(token, app_secret)
        return _with_query(url, [("appsecret_proof", proof)], ["appsecret_proof"]), headers, body

    return hook


def token_in_query(url: str, headers: dict[str, str], body: Any) -> tuple[str, dict[str, str], Any]:
    """``protected_request`` hook: on the Instagram API hosts, move the Bearer token from
    the ``Authorization`` header to the ``access_token`` query parameter."""
    if urlsplit(url).hostname not in INSTAGRAM_HOSTS:
        return url, headers, body
    token = None
    kept: dict[str, str] = {}
    for name, value in headers.items():
        if name.lower() == "authorization" and value[:7].lower() == "bearer ":
            token = value[7:].strip()
        else:
            kept[name] = value
    if token is None:
        return url, headers, body
    return _with_query(url, [("access_token", token)], ["access_token"]), kept, body
