"""Compliance hooks for Salesforce's token endpoint (``/services/oauth2/token``).

Salesforce's token response is not RFC 6749's:

- no ``expires_in``: the access token is a session ID that lives as long as the org's
  session timeout (Setup → Session Settings, two hours by default, 15 minutes to 24 hours,
  or the connected app's own "Timeout Value"). :func:`session_expiry` gives the token that
  lifetime, so the client renews it before Salesforce answers ``INVALID_SESSION_ID`` (a 401
  without the ``WWW-Authenticate: Bearer error="invalid_token"`` challenge a client could act
  on);
- ``issued_at`` is a string of **milliseconds** since the epoch (``"1278448832702"``);
- ``signature`` is the Base64 HMAC-SHA256 of ``id`` followed by ``issued_at``, keyed with
  the client secret, so a client can check that the identity URL was not changed on the way;
  :func:`signature_check` does.

https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

import authwire
from authwire.plugins import json_object, with_json

if TYPE_CHECKING:
    import httpx

__all__ = [
    "DEFAULT_SESSION_TIMEOUT",
    "MAX_SESSION_TIMEOUT",
    "MIN_SESSION_TIMEOUT",
    "ResponseHook",
    "check_session_timeout",
    "expected_signature",
    "issued_at",
    "session_expiry",
    "signature_check",
]

#: Salesforce's default session timeout (Session Settings → "Timeout value": 2 hours).
DEFAULT_SESSION_TIMEOUT = 7200
#: The shortest and longest timeouts Salesforce offers (15 minutes, 24 hours; the valid
#: values are 15, 30, 60, 120, 240, 480, 720 and 1440 minutes).
MIN_SESSION_TIMEOUT = 900
MAX_SESSION_TIMEOUT = 86400

ResponseHook = Callable[["httpx.Response"], "httpx.Response"]


def issued_at(token: Mapping[str, Any]) -> float | None:
    """When Salesforce issued ``token``, in **seconds** since the epoch (``None`` if unknown).

    Salesforce sends ``issued_at`` as a string of milliseconds; this divides by 1000.
    """
    value = token.get("issued_at")
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int | float) and math.isfinite(value) and value >= 0:
        return float(value) / 1000.0
    return None


def _server_now(response: httpx.Response) -> float | None:
    value = response.headers.get("date")
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def check_session_timeout(timeout: object) -> int:
    """``timeout`` when it is a whole number of seconds Salesforce can be set to."""
    if isinstance(timeout, bool) or not isinstance(timeout, int):
        raise TypeError(f"session_timeout must be a whole number of seconds, not {timeout!r}")
    if not MIN_SESSION_TIMEOUT <= timeout <= MAX_SESSION_TIMEOUT:
        raise ValueError(
            f"session_timeout must be between {MIN_SESSION_TIMEOUT} and {MAX_SESSION_TIMEOUT} "
            f"seconds (Salesforce's 15 minutes to 24 hours), not {timeout}"
        )
    return timeout


def session_expiry(timeout: int = DEFAULT_SESSION_TIMEOUT) -> ResponseHook:
    """A token response hook giving Salesforce's tokens the org's session ``timeout``.

    A successful answer with an ``access_token`` and no ``expires_in`` gets ``expires_in`` =
    ``timeout`` minus the token's age (Salesforce's ``Date`` header minus ``issued_at``, which
    is in milliseconds), at least a second. An answer that has ``expires_in`` (a connected
    app that sends it) and errors pass through. Salesforce counts the timeout from the last
    activity ("minutes of inactivity"), so a busy client renews somewhat early, never late.
    https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_profilesessionsetting.htm
    """
    seconds = check_session_timeout(timeout)

    def add_session_expiry(response: httpx.Response) -> httpx.Response:
        if not response.is_success:
            return response
        data = json_object(response)
        if data is None or not isinstance(data.get("access_token"), str):
            return response
        if data.get("expires_in") is not None:
            return response
        age = 0.0
        issued = issued_at(data)
        now = _server_now(response)
        if issued is not None and now is not None:
            age = max(0.0, now - issued)
        data["expires_in"] = max(1, int(seconds - age))
        return with_json(response, data)

    add_session_expiry.__qualname__ = f"session_expiry({seconds})"
    return add_session_expiry


def expected_signature(client_secret: str | bytes, identity_url: str, issued: str) -> str:
    """The ``signature`` Salesforce computes: Base64(HMAC-SHA256(secret, id + issued_at))."""
    key = client_secret.encode("utf-8") if isinstance(client_secret, str) else client_secret
    digest = hmac.new(key, (identity_url + issued).encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signature_check(client_secret: str | bytes) -> ResponseHook:
    """A token response hook that checks Salesforce's ``signature`` with the client secret.

    When the answer carries ``signature``, ``id`` and ``issued_at`` (the web server flow and
    refresh), the signature must be the HMAC-SHA256 of ``id`` + ``issued_at`` keyed with the
    client secret; otherwise :class:`authwire.TokenResponseError` is raised and the token is
    not used. Answers without a signature (the JWT bearer flow) pass.
    https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm
    """
    if not isinstance(client_secret, str | bytes) or not client_secret:
        raise TypeError("signature_check needs the client secret (a non-empty str or bytes)")

    def check_signature(response: httpx.Response) -> httpx.Response:
        if not response.is_success:
            return response
        data = json_object(response)
        if data is None:
            return response
        signature, identity, issued = data.get("signature"), data.get("id"), data.get("issued_at")
        if not isinstance(signature, str):
            return response
        if not isinstance(identity, str) or not isinstance(issued, str):
            raise authwire.TokenResponseError(
                "the token response is signed but lacks the id or issued_at it signs",
                status_code=response.status_code,
            )
        expected = expected_signature(client_secret, identity, issued)
        if not hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8")):
            raise authwire.TokenResponseError(
                "the token response's signature does not match its id and issued_at: the "
                "identity URL may have been changed on the way",
                status_code=response.status_code,
            )
        return response

    return check_signature
