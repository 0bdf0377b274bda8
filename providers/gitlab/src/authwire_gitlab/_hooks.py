"""Compliance hooks for GitLab's token endpoint (``/oauth/token``).

GitLab dates its tokens itself: every token response carries ``created_at`` (seconds since
the epoch, on GitLab's clock), and since GitLab 15.0 every access token expires after two
hours. ``expires_in`` is meant to be there too, but GitLab has answered without it
(gitlab-org/gitlab#360729), and ``expires_in`` alone is a fixed lifetime, not the time
left: it is only right when counted from ``created_at`` (the reason Doorkeeper, which
GitLab's OAuth server is built on, added ``created_at``: doorkeeper-gem/doorkeeper#225).

:func:`expiry_from_created_at` turns the pair into the time the token has left, so the core
dates it correctly: ``expires_in`` minus the token's age when GitLab's ``Date`` header shows
one, and two hours counted from ``created_at`` when ``expires_in`` is missing.
:func:`refresh_redirect_uri` adds the ``redirect_uri`` GitLab's documentation lists among the
refresh parameters.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

from authwire.plugins import json_object, with_json

if TYPE_CHECKING:
    import httpx

__all__ = ["DEFAULT_LIFETIME", "expiry_from_created_at", "refresh_redirect_uri"]

#: The lifetime of a GitLab access token since GitLab 15.0 ("OAuth tokens without expiration"
#: removed: https://about.gitlab.com/blog/2022/04/18/gitlab-releases-15-breaking-changes/).
DEFAULT_LIFETIME = 7200


def _number(value: Any) -> float | None:
    """A JSON number (or a string of digits), finite; ``None`` for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int | float) and math.isfinite(value):
        return float(value)
    return None


def _server_now(response: httpx.Response) -> float | None:
    """GitLab's clock when it answered (the ``Date`` header), if it sent a readable one."""
    value = response.headers.get("date")
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def expiry_from_created_at(response: httpx.Response) -> httpx.Response:
    """Give a GitLab token the ``expires_in`` it has left, counted from ``created_at``.

    - ``expires_in`` present: the token's age (GitLab's ``Date`` minus ``created_at``) is
      taken off it, so a token GitLab created earlier than it answered is not believed to
      live its full lifetime again; with no ``Date`` header the answer is left alone.
    - ``expires_in`` missing or ``null`` but a ``refresh_token`` present: GitLab 15.0 and
      later expire every access token after two hours (gitlab-org/gitlab#360729 reports
      the missing field), so ``expires_in`` becomes two hours minus the age.
    - neither: a token that does not expire (an application created before GitLab 15.0
      with "Expire access tokens" off); nothing to add.

    Errors, non-JSON bodies and answers without ``created_at`` pass through untouched.
    https://docs.gitlab.com/api/oauth2/
    """
    if not response.is_success:
        return response
    data = json_object(response)
    if data is None or not isinstance(data.get("access_token"), str):
        return response
    created_at = _number(data.get("created_at"))
    if created_at is None:
        return response
    expires_in = _number(data.get("expires_in"))
    if expires_in is None and not data.get("refresh_token"):
        return response
    lifetime = DEFAULT_LIFETIME if expires_in is None else expires_in
    now = _server_now(response)
    age = 0.0 if now is None else max(0.0, now - created_at)
    if expires_in is not None and age == 0.0:
        return response
    # at least a second: a zero expires_in would read as "no expiry" (RFC 6749 §5.1)
    data["expires_in"] = max(1, int(lifetime - age))
    return with_json(response, data)


def refresh_redirect_uri(
    redirect_uri: Callable[[], str | None],
) -> Callable[[str, dict[str, str], str], tuple[str, dict[str, str], str]]:
    """A ``refresh_token_request`` hook adding ``redirect_uri`` to every refresh.

    GitLab's documentation sends ``redirect_uri`` with ``grant_type=refresh_token`` and says
    it must match the one of the authorization request; ``redirect_uri`` is called at each
    refresh (the client's current value) and nothing is added when it returns ``None`` or
    the body already has one. https://docs.gitlab.com/api/oauth2/
    """

    def add_redirect_uri(
        url: str, headers: dict[str, str], body: str
    ) -> tuple[str, dict[str, str], str]:
        value = redirect_uri()
        if not value or any(name == "redirect_uri" for name, _ in parse_qsl(body)):
            return url, headers, body
        extra = urlencode({"redirect_uri": value})
        return url, headers, f"{body}&{extra}" if body else extra

    return add_redirect_uri
