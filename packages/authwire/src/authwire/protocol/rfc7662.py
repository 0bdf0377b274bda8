"""OAuth 2.0 Token Introspection, RFC 7662."""

from __future__ import annotations

from typing import Any

from .._compat import Response
from .._exceptions import OAuthError, TokenResponseError
from . import _json
from .rfc6749 import error_from_json, safe_excerpt

__all__ = ["build_introspection_params", "process_introspection_response"]

#: The introspection members that are timestamps (RFC 7662 §2.2).
_TIMESTAMPS = ("exp", "iat", "nbf")


def build_introspection_params(token: str, token_type_hint: str | None = None) -> dict[str, str]:
    """The form parameters of an introspection request. RFC 7662 §2.1."""
    if not isinstance(token, str) or not token:
        raise ValueError("token must be a non-empty str")
    params = {"token": token}
    if token_type_hint is not None:
        params["token_type_hint"] = token_type_hint
    return params


def process_introspection_response(response: Response) -> dict[str, Any]:
    """The introspection JSON, which must carry a boolean ``active``. RFC 7662 §2.2, §2.3.

    ``exp``, ``iat`` and ``nbf``, when present, must be usable timestamps: compared with a
    clock, an infinite or 400-digit ``exp`` says the token never expires.
    """
    try:
        data = _json.loads(response.content) if response.content.strip() else None
    except ValueError:
        data = None
    error = error_from_json(data)
    if error is not None:
        raise error
    if response.status_code != 200 or not isinstance(data, dict):
        raise TokenResponseError(
            "the introspection endpoint did not return a JSON object",
            status_code=response.status_code,
            excerpt=safe_excerpt(response),
        )
    if not isinstance(data.get("active"), bool):
        raise OAuthError("invalid_introspection_response", "the response has no boolean active")
    unusable = [name for name in _TIMESTAMPS if name in data and not _timestamp(data[name])]
    if unusable:
        raise OAuthError(
            "invalid_introspection_response",
            f"the response's {', '.join(unusable)} is not a usable timestamp",
        )
    return data


def _timestamp(value: Any) -> bool:
    return not isinstance(value, bool) and _json.finite_number(value) is not None
