"""OAuth 2.0 Pushed Authorization Requests, RFC 9126: the response and the short URL.

The client POSTs the authorization parameters (with client authentication) and sends the
user to the authorization endpoint with nothing but ``client_id`` and the ``request_uri`` it
got back, so the parameters are authenticated, confidential and never too long for a URL.
"""

from __future__ import annotations

from dataclasses import dataclass

from .._compat import Response
from .._exceptions import ResponseError
from ._json import finite_number
from .rfc6749 import process_json_response, safe_excerpt, url_with_params

__all__ = ["PushedAuthorizationRequest", "authorization_url", "process_par_response"]


@dataclass(frozen=True, slots=True)
class PushedAuthorizationRequest:
    """The ``request_uri`` the server issued and when it stops being valid. RFC 9126 §2.2.

    Attributes:
        request_uri: The reference to the pushed parameters, for the authorization URL.
        expires_at: When the reference lapses, on the client's clock (``now + expires_in``).
    """

    request_uri: str
    expires_at: float


def process_par_response(response: Response, *, now: float) -> PushedAuthorizationRequest:
    """Check the pushed authorization response (201 with ``request_uri`` and ``expires_in``).

    An error object raises [`OAuthError`][authwire.OAuthError] (RFC 9126 §2.3); anything else
    that is not a JSON object with both members raises
    [`ResponseError`][authwire.ResponseError]. ``expires_in`` is "a JSON
    number ... as a positive integer" (§2.2): not a string, a fraction, or a number too large
    to add to ``now`` (a 400-digit one would overflow). RFC 9126 §2.2.
    """
    what = "pushed authorization request endpoint"
    data = process_json_response(response, what=what)
    request_uri = data.get("request_uri")
    value = data.get("expires_in")
    expires_in = finite_number(value) if isinstance(value, int) else None
    if not isinstance(request_uri, str) or not request_uri or expires_in is None or expires_in <= 0:
        raise ResponseError(
            f"the {what} response lacks request_uri or a positive expires_in",
            status_code=response.status_code,
            excerpt=safe_excerpt(response),
        )
    return PushedAuthorizationRequest(request_uri, now + expires_in)


def authorization_url(endpoint: str, client_id: str, request_uri: str) -> str:
    """The URL to send the user to: only ``client_id`` and ``request_uri``. RFC 9126 §4."""
    return url_with_params(endpoint, {"client_id": client_id, "request_uri": request_uri})
