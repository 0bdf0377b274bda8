"""The pending authorization requests of a browser session, one per login in flight.

A login keeps what its callback needs (state, nonce, PKCE verifier, redirect URI) in the
framework's session, under the app's name and indexed by ``state``, so that two tabs signing
in at once each find their own. The callback *takes* its request: it is removed before the
code is exchanged, so a replayed callback finds nothing and is refused; a request older than
its time to live is gone too. Only these one-time values live in the session (a signed, not
encrypted, cookie in Starlette and Flask): never a token. RFC 6749 §10.12, RFC 9700 §4.7.1.

Everything here works on a plain ``MutableMapping`` (Starlette's ``request.session``, Flask's
``session``, Django's ``request.session``) and stores JSON-safe values only. Each change
assigns a fresh top-level value, which is how Flask and Django notice a modified session.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

from .._exceptions import MismatchingStateError
from ..auth.authorization_request import AuthorizationRequest

__all__ = [
    "MAX_PENDING",
    "PENDING_TTL",
    "forget_user",
    "remember_pending",
    "remember_user",
    "signed_in_key",
    "take_pending",
]

PENDING_TTL = 600
"""Seconds a login may take between the redirect to the provider and its callback."""
MAX_PENDING = 5
"""Logins in flight kept per app and session; the oldest is dropped beyond this (each costs about
200 bytes of a cookie session, which browsers cap near 4 KB)."""

_PENDING = "_authwire_pending:"
_USER = "_authwire_user:"


def _pending_of(session: Mapping[str, Any], app: str) -> dict[str, Mapping[str, Any]]:
    """This app's pending requests that look well formed (a tampered session is ignored)."""
    raw = session.get(_PENDING + app)
    if not isinstance(raw, Mapping):
        return {}
    return {
        state: entry
        for state, entry in raw.items()
        if isinstance(state, str)
        and isinstance(entry, Mapping)
        and isinstance(entry.get("expires_at"), int | float)
        and isinstance(entry.get("request"), Mapping)
    }


def _store(session: MutableMapping[str, Any], app: str, pending: dict[str, Any]) -> None:
    if pending:
        session[_PENDING + app] = pending
    elif _PENDING + app in session:
        del session[_PENDING + app]


def remember_pending(
    session: MutableMapping[str, Any],
    app: str,
    request: AuthorizationRequest,
    *,
    now: float,
    ttl: float = PENDING_TTL,
) -> None:
    """Keep ``request`` for its callback, beside the other logins still in flight."""
    pending = {
        state: dict(entry)
        for state, entry in _pending_of(session, app).items()
        if entry["expires_at"] > now
    }
    pending[request.state] = {"request": request.to_dict(), "expires_at": int(now + ttl)}
    while len(pending) > MAX_PENDING:
        oldest = min(pending, key=lambda state: pending[state]["expires_at"])
        del pending[oldest]
    _store(session, app, pending)


def take_pending(
    session: MutableMapping[str, Any],
    app: str,
    state: object,
    *,
    now: float,
) -> AuthorizationRequest:
    """Remove and return the pending request a callback's ``state`` names.

    Raises [`MismatchingStateError`][authwire.MismatchingStateError] when the callback carries no
    state, or
    one that no login of this session is waiting for (forged, replayed, or sent to another
    browser), or when that login expired. Expired requests are dropped on the way.
    """
    pending = _pending_of(session, app)
    live = {s: dict(e) for s, e in pending.items() if e["expires_at"] > now}
    entry = live.pop(state, None) if isinstance(state, str) else None
    expired = isinstance(state, str) and state in pending and entry is None
    if entry is not None or live != session.get(_PENDING + app):  # spent, expired, tampered
        _store(session, app, live)
    if entry is None:
        raise MismatchingStateError(
            description=(
                "this sign-in took too long and expired; start again"
                if expired
                else "no sign-in started in this browser session is waiting for this callback "
                "(forged, replayed, or the session cookie did not come back)"
            )
        )
    return AuthorizationRequest.from_dict(entry["request"])


def remember_user(session: MutableMapping[str, Any], app: str, key: str) -> None:
    """Record which token-store key holds the signed-in user's tokens (a key, not a token)."""
    session[_USER + app] = key


def signed_in_key(session: Mapping[str, Any], app: str) -> str | None:
    """The token-store key of the user signed in with ``app``, if any."""
    key = session.get(_USER + app)
    return key if isinstance(key, str) and key else None


def forget_user(session: MutableMapping[str, Any], app: str) -> None:
    """Sign the browser session out of ``app`` (its pending logins stay)."""
    if _USER + app in session:
        del session[_USER + app]
