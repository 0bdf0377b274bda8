"""OAuth 2.0 Token Revocation, RFC 7009."""

from __future__ import annotations

from .._compat import Response
from .._exceptions import OAuthError
from . import _json
from .rfc6749 import error_from_json

__all__ = ["build_revocation_params", "process_revocation_response"]


def build_revocation_params(token: str, token_type_hint: str | None = None) -> dict[str, str]:
    """The form parameters of a revocation request. RFC 7009 §2.1."""
    if not isinstance(token, str) or not token:
        raise ValueError("token must be a non-empty str")
    params = {"token": token}
    if token_type_hint is not None:
        params["token_type_hint"] = token_type_hint
    return params


def process_revocation_response(response: Response) -> Response:
    """200 means revoked (or already invalid); an error object raises. RFC 7009 §2.2, §2.2.1."""
    if response.status_code == 200:
        return response
    try:
        data = _json.loads(response.content) if response.content.strip() else None
    except ValueError:
        data = None
    error = error_from_json(data)
    if error is not None:
        raise error
    raise OAuthError(
        "revocation_failed", f"the revocation endpoint answered HTTP {response.status_code}"
    )
