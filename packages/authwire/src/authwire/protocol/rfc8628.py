"""OAuth 2.0 Device Authorization Grant, RFC 8628: the response and the polling rules.

Pure functions and values: the flow that polls (and sleeps) is
[`OAuth2Auth.poll_device_token_flow`][authwire.OAuth2Auth.poll_device_token_flow].
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .._compat import Response
from .._exceptions import AccessDeniedError, DeviceCodeExpiredError, OAuthError, ResponseError
from ._json import finite_number
from .rfc6749 import process_json_response, safe_excerpt

__all__ = [
    "DEFAULT_INTERVAL",
    "DEVICE_CODE_GRANT",
    "SLOW_DOWN_STEP",
    "DeviceAuthorization",
    "DeviceFlowProgress",
    "next_interval",
    "process_device_authorization_response",
]

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
"""The ``grant_type`` of the device access token request. RFC 8628 §3.4."""
DEFAULT_INTERVAL = 5
"""Seconds between polls when the server names no ``interval``. RFC 8628 §3.2."""
SLOW_DOWN_STEP = 5
"""Seconds added to the interval on each ``slow_down``. RFC 8628 §3.5."""


@dataclass(frozen=True, slots=True)
class DeviceAuthorization:
    """What the device authorization endpoint answered (RFC 8628 §3.2).

    Show ``user_code`` and ``verification_uri`` to the user (or ``verification_uri_complete``
    as a QR code); poll with ``device_code`` until ``expires_at``. The device code is a
    credential: it is left out of ``repr``.

    Attributes:
        device_code: The code the token requests carry; a credential, never shown.
        user_code: The short code the user types at ``verification_uri``.
        verification_uri: Where the user goes, on another device, to approve.
        expires_at: When the codes lapse, on the client's clock (``now + expires_in``).
        interval: Seconds to wait between polls (§3.2 defaults it to five).
        verification_uri_complete: ``verification_uri`` with the user code in it, for a QR
            code or a link; ``None`` when the server sends none.
    """

    device_code: str
    user_code: str
    verification_uri: str
    expires_at: float
    interval: int = DEFAULT_INTERVAL
    verification_uri_complete: str | None = None

    def __repr__(self) -> str:
        return (
            f"DeviceAuthorization(user_code={self.user_code!r}, "
            f"verification_uri={self.verification_uri!r}, expires_at={self.expires_at!r}, "
            f"interval={self.interval!r})"
        )


@dataclass(frozen=True, slots=True)
class DeviceFlowProgress:
    """Handed to the progress callback before each wait: enough for a prompt and a countdown.

    Attributes:
        user_code: The code to show the user.
        verification_uri: Where the user enters it.
        verification_uri_complete: The same page with the code filled in, or ``None``.
        expires_in: Seconds until the device code expires.
        interval: Seconds until the next poll.
        polls: Token requests sent so far.
    """

    user_code: str
    verification_uri: str
    verification_uri_complete: str | None
    expires_in: float
    interval: int
    polls: int


def _seconds(value: Any) -> int | None:
    """A positive whole number of seconds the server sent, else ``None``.

    A JSON number, or a string of ASCII digits (some servers send ``"1800"``); never a
    boolean, a fraction, NaN, an infinity, or a number too large to add to a time (a
    400-digit ``expires_in`` would overflow ``now + expires_in``). RFC 8628 §3.2.
    """
    if isinstance(value, str) and not (value.isascii() and value.isdigit()):
        return None
    number = finite_number(value)
    if number is None or number <= 0 or not number.is_integer():
        return None
    return int(number)


def process_device_authorization_response(response: Response, *, now: float) -> DeviceAuthorization:
    """Check the device authorization response and date it by ``now``. RFC 8628 §3.2.

    An error object raises [`OAuthError`][authwire.OAuthError]; a response missing a required
    member raises [`ResponseError`][authwire.ResponseError]. ``verification_url`` (Google's
    spelling) is accepted for ``verification_uri``.
    """
    what = "device authorization endpoint"
    data = process_json_response(response, what=what)
    verification_uri = data.get("verification_uri", data.get("verification_url"))
    missing = [
        name
        for name, value in (
            ("device_code", data.get("device_code")),
            ("user_code", data.get("user_code")),
            ("verification_uri", verification_uri),
        )
        if not isinstance(value, str) or not value
    ]
    expires_in = _seconds(data.get("expires_in"))
    interval = _seconds(data.get("interval", DEFAULT_INTERVAL))
    if expires_in is None:
        missing.append("expires_in (a positive whole number)")
    if interval is None:
        missing.append("interval (a positive whole number)")
    if missing or expires_in is None or interval is None:
        raise ResponseError(
            f"the {what} response lacks {', '.join(missing)}",
            status_code=response.status_code,
            excerpt=safe_excerpt(response),
        )
    complete = data.get("verification_uri_complete", data.get("verification_url_complete"))
    return DeviceAuthorization(
        device_code=data["device_code"],
        user_code=data["user_code"],
        verification_uri=str(verification_uri),
        expires_at=now + expires_in,
        interval=interval,
        verification_uri_complete=complete if isinstance(complete, str) and complete else None,
    )


def next_interval(error: OAuthError, interval: int) -> int:
    """The wait before the next poll after ``error``, or raise what ends the flow.

    ``authorization_pending`` keeps the interval; ``slow_down`` adds five seconds to it, for
    this and every later poll (or takes the server's own ``interval`` when it names a longer
    one, as GitHub does); ``access_denied`` and ``expired_token`` raise their typed errors;
    any other error is re-raised as it is. RFC 8628 §3.5.
    """
    if error.error == "authorization_pending":
        return interval
    if error.error == "slow_down":
        named = error.extra.get("interval")
        seconds = _seconds(named) if isinstance(named, int) else None
        if seconds is not None:
            return max(interval + SLOW_DOWN_STEP, seconds)
        return interval + SLOW_DOWN_STEP
    if error.error == "access_denied":
        raise AccessDeniedError(description=error.description, uri=error.uri) from None
    if error.error == "expired_token":
        raise DeviceCodeExpiredError(description=error.description, uri=error.uri) from None
    raise error
