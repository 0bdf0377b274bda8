"""The OAuth 2.0 Authorization Framework, RFC 6749: URLs, request bodies, responses.

Pure functions: nothing here sends a request or reads a clock it was not given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

from .._clock import Clock, system_clock
from .._compat import URL, InvalidURL, Response
from .._exceptions import (
    AuthorizationResponseError,
    MismatchingStateError,
    MissingCodeError,
    OAuthError,
    ResponseError,
    TokenResponseError,
)
from ..token import OAuth2Token
from . import _json

__all__ = [
    "AUTHORIZATION_CODE",
    "CLIENT_CREDENTIALS",
    "IMPLICIT",
    "PASSWORD",
    "REFRESH_TOKEN",
    "build_authorization_url",
    "build_token_request_body",
    "error_from_json",
    "form_body",
    "fragment_response_params",
    "guess_grant_type",
    "parse_authorization_response",
    "process_json_response",
    "process_token_response",
    "safe_excerpt",
    "scope_to_string",
    "token_from_fragment",
    "url_with_params",
]


def _is_header_safe(token: str) -> bool:
    """Whether an access token is made of visible ASCII (RFC 9110 §5.5 ``VCHAR``, one or more).

    The characters an ``Authorization`` header can carry as they are. RFC 6750 §2.1's
    ``b64token`` is stricter, but real providers step outside it: Twitter's app-only bearer
    tokens are percent-encoded (``%2F``), Meta's app tokens are ``app_id|secret``. Spaces,
    control characters (CR LF: header injection) and non-ASCII are refused. (String tests,
    not a regular expression: nothing to compile at import.)
    """
    return bool(token) and token.isascii() and token.isprintable() and " " not in token


AUTHORIZATION_CODE = "authorization_code"
IMPLICIT = "implicit"
PASSWORD = "password"
CLIENT_CREDENTIALS = "client_credentials"
REFRESH_TOKEN = "refresh_token"


def scope_to_string(scope: str | Iterable[str] | None) -> str | None:
    """A scope as the space-delimited string of RFC 6749 §3.3."""
    if scope is None or isinstance(scope, str):
        return scope
    items = list(scope)
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"scope items must be str, not {type(item).__name__}")
    return " ".join(items)


def _clean(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        if value is None:
            continue
        if key == "scope":
            value = scope_to_string(value)
        if isinstance(value, list | tuple):
            pairs.extend((key, str(v)) for v in value)
        else:
            pairs.append((key, str(value)))
    return pairs


def build_authorization_url(
    endpoint: str,
    *,
    client_id: str | None,
    response_type: str = "code",
    redirect_uri: str | None = None,
    scope: str | Iterable[str] | None = None,
    state: str | None = None,
    **params: Any,
) -> str:
    """The authorization request as a URL; the endpoint's own query is kept.

    RFC 6749 §4.1.1 (code) and §4.2.1 (implicit); PKCE parameters come in ``params``.
    """
    ordered: dict[str, Any] = {
        "response_type": response_type,
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": scope,
        "state": state,
    }
    ordered.update(params)
    return url_with_params(endpoint, ordered)


def form_body(params: Mapping[str, Any]) -> str:
    """``params`` as an ``application/x-www-form-urlencoded`` body (lists repeat the name)."""
    return urlencode(_clean(params))


def url_with_params(endpoint: str, params: Mapping[str, Any]) -> str:
    """``endpoint`` with ``params`` in its query (its own query kept, unless overridden)."""
    url = URL(endpoint)
    query = [(k, v) for k, v in url.params.multi_items() if k not in params]
    query.extend(_clean(params))
    return str(url.copy_with(query=urlencode(query).encode("ascii")))


def _response_params(url: str) -> dict[str, str]:
    """The redirect's parameters: its query, else its fragment; none may repeat.

    RFC 6749 §3.1: "Request and response parameters MUST NOT be included more than once";
    a callback with two ``code``s or two ``state``s is someone's splice, and first-wins would
    let the attacker's value through.
    """
    try:
        parsed = URL(url)
    except (InvalidURL, ValueError, TypeError, UnicodeError) as exc:
        raise AuthorizationResponseError(
            "invalid_authorization_response", f"the callback URL cannot be parsed: {exc}"
        ) from None
    pairs = parsed.params.multi_items()
    if not pairs and parsed.fragment:
        pairs = parse_qsl(parsed.fragment, keep_blank_values=True)
    params: dict[str, str] = {}
    for name, value in pairs:
        if name in params:
            raise AuthorizationResponseError(
                "invalid_authorization_response",
                f"the callback repeats the parameter {name[:40]!r} (RFC 6749 §3.1)",
            )
        params[name] = value
    return params


def fragment_response_params(url: str) -> dict[str, str] | None:
    """The callback's parameters if it carries them in its fragment (and none in its query).

    That is where an implicit-grant response is (RFC 6749 §4.2.2); ``None`` for any other
    callback, an unparseable one included. A repeated parameter raises as in
    :func:`parse_authorization_response`. Nothing here is checked: that is the caller's job.
    """
    try:
        parsed = URL(url)
    except (InvalidURL, ValueError, TypeError, UnicodeError):
        return None
    if parsed.params.multi_items() or not parsed.fragment:
        return None
    return _response_params(url)


def _equal(a: str, b: str) -> bool:
    import hmac  # loaded on first use: import time

    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def parse_authorization_response(
    url: str,
    *,
    state: str | None,
    require_code: bool = True,
    issuer: str | None = None,
    issuer_required: bool = False,
) -> dict[str, str]:
    """Check the redirect back from the authorization endpoint and return its parameters.

    In this order, so that nothing an attacker wrote is believed before the checks that
    tie the redirect to our request: no parameter repeats (§3.1); ``state`` matches, in
    constant time (§10.12); ``iss`` is the expected issuer (RFC 9207 §2.4); only then an
    ``error`` raises :class:`AuthorizationResponseError` with the server's text
    (§4.1.2.1), and a missing ``code`` :class:`MissingCodeError` (§4.1.2). ``state=None``
    skips the state check: the caller checked it. RFC 6749 §4.1.2, §4.2.2.
    """
    from .rfc9207 import validate_issuer  # loaded on first use: import time

    params = _response_params(url)
    received = params.get("state")
    if state is not None and (received is None or not _equal(received, state)):
        raise MismatchingStateError()
    validate_issuer(params, expected=issuer, required=issuer_required)
    if "error" in params:
        raise AuthorizationResponseError(
            params["error"], params.get("error_description"), params.get("error_uri")
        )
    if require_code and not params.get("code"):
        raise MissingCodeError()
    return params


def token_from_fragment(url: str, *, state: str | None) -> OAuth2Token:
    """The access token of an implicit grant's redirect fragment. RFC 6749 §4.2.2 (legacy)."""
    params = parse_authorization_response(url, state=state, require_code=False)
    if "access_token" not in params:
        raise TokenResponseError("the authorization response carries no access_token")
    if not _is_header_safe(params["access_token"]):
        raise TokenResponseError(
            "the access_token has characters no Authorization header can carry (RFC 6750 §2.1)"
        )
    return OAuth2Token(params)


def guess_grant_type(params: Mapping[str, Any]) -> str:
    """Authlib's rule: a code → authorization_code; username + password → password."""
    if params.get("code"):
        return AUTHORIZATION_CODE
    if params.get("username") is not None and params.get("password") is not None:
        return PASSWORD
    return CLIENT_CREDENTIALS


def build_token_request_body(grant_type: str, params: Mapping[str, Any], body: str = "") -> str:
    """The form body of a token request. RFC 6749 §4.1.3, §4.3.2, §4.4.2, §6, §4.5."""
    pairs = parse_qsl(body, keep_blank_values=True) if body else []
    given = {k for k, _ in pairs}
    if "grant_type" not in given:
        pairs.insert(0, ("grant_type", grant_type))
    pairs.extend(_clean({k: v for k, v in params.items() if k not in given}))
    return urlencode(pairs)


def safe_excerpt(response: Response) -> str:
    """A short description of a body that cannot leak a credential it might hold."""
    content = response.content
    if not content.strip():
        return "empty body"
    ctype = response.headers.get("content-type", "unknown content type").split(";")[0]
    try:
        data = _json.loads(content)
    except ValueError:
        pass
    else:
        if isinstance(data, dict):
            return f"{ctype} JSON object with keys {sorted(data)}"
        return f"{ctype} JSON {type(data).__name__}"
    if content.lstrip()[:1] in (b"{", b"["):
        # almost JSON (NaN, too deep, trailing bytes): its text would quote the values
        return f"{ctype} malformed JSON ({len(content)} bytes)"
    text = content[:2048].decode("utf-8", "replace")
    if "=" in text and " " not in text.strip() and "<" not in text:
        keys = [k for k, _ in parse_qsl(text, keep_blank_values=True)]
        return f"{ctype} form-like body with keys {keys}"
    snippet = " ".join(text[:80].split())
    return f"{ctype} {snippet!r}"


def error_from_json(data: Any) -> OAuthError | None:
    """An :class:`OAuthError` for an RFC 6749 §5.2 error object, else ``None``."""
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        desc = data.get("error_description")
        uri = data.get("error_uri")
        error = OAuthError(
            data["error"],
            desc if isinstance(desc, str) else None,
            uri if isinstance(uri, str) else None,
        )
        error.extra = {
            k: v for k, v in data.items() if k not in ("error", "error_description", "error_uri")
        }
        return error
    return None


def process_json_response(
    response: Response, *, what: str, error_class: type[ResponseError] = ResponseError
) -> dict[str, Any]:
    """The JSON object an OAuth endpoint answered with, or a typed error.

    An error object (RFC 6749 §5.2 shape, used by every endpoint derived from it) raises
    :class:`OAuthError` whatever the status; a non-2xx status or a body that is not a JSON
    object raises ``error_class`` carrying the status and a secret-free excerpt.
    """
    status = response.status_code
    try:
        data = _json.loads(response.content) if response.content.strip() else None
    except ValueError:
        data = None
    error = error_from_json(data)
    if error is not None:
        raise error
    if not 200 <= status < 300:
        raise error_class(
            f"the {what} answered with an HTTP error",
            status_code=status,
            excerpt=safe_excerpt(response),
        )
    if not isinstance(data, dict):
        raise error_class(
            f"the {what} did not return a JSON object",
            status_code=status,
            excerpt=safe_excerpt(response),
        )
    return data


def process_token_response(response: Response, *, clock: Clock = system_clock) -> OAuth2Token:
    """Turn a token endpoint response into a token or a typed error.

    An error object (§5.2) raises :class:`OAuthError` whatever the status (some providers
    answer errors with 200); anything else that is not a JSON object with ``access_token``
    raises :class:`TokenResponseError` carrying the status. ``expires_at`` is dated by
    ``clock``. RFC 6749 §5.1, §5.2.
    """
    data = process_json_response(response, what="token endpoint", error_class=TokenResponseError)
    if not isinstance(data.get("access_token"), str) or not data["access_token"]:
        raise TokenResponseError(
            "the token response has no access_token",
            status_code=response.status_code,
            excerpt=safe_excerpt(response),
        )
    if not _is_header_safe(data["access_token"]):
        # refused now, not quoted later by the HTTP library when it refuses the header
        raise TokenResponseError(
            "the access_token has characters no Authorization header can carry (spaces, "
            "control characters or non-ASCII; RFC 6750 §2.1, RFC 9110 §5.5)",
            status_code=response.status_code,
        )
    return OAuth2Token(data, clock=clock)
