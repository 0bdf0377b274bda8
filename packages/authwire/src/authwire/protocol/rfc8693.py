"""OAuth 2.0 Token Exchange, RFC 8693: the request parameters and the response check."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .._exceptions import TokenResponseError
from ..token import OAuth2Token
from .rfc8707 import check_resource

__all__ = [
    "ACCESS_TOKEN_TYPE",
    "ID_TOKEN_TYPE",
    "JWT_TOKEN_TYPE",
    "REFRESH_TOKEN_TYPE",
    "SAML1_TOKEN_TYPE",
    "SAML2_TOKEN_TYPE",
    "TOKEN_EXCHANGE_GRANT",
    "build_token_exchange_params",
    "check_token_exchange_response",
]

TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange"
"""The ``grant_type`` of a token exchange request. RFC 8693 §2.1."""

# Token type identifiers, RFC 8693 §3.
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"
"""An OAuth 2.0 access token, as ``subject_token_type`` or ``requested_token_type``. RFC 8693 §3."""
REFRESH_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:refresh_token"
"""An OAuth 2.0 refresh token. RFC 8693 §3."""
ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token"
"""An OpenID Connect ID Token. RFC 8693 §3."""
SAML1_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:saml1"
"""A base64url-encoded SAML 1.1 assertion. RFC 8693 §3."""
SAML2_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:saml2"
"""A base64url-encoded SAML 2.0 assertion. RFC 8693 §3."""
JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt"
"""Any JWT, when the token is a JWT but not one of the kinds above. RFC 8693 §3."""


def _nonempty(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise TypeError(f"{name} must be a non-empty str")
    return value


def build_token_exchange_params(
    subject_token: str,
    subject_token_type: str = ACCESS_TOKEN_TYPE,
    *,
    actor_token: str | None = None,
    actor_token_type: str | None = None,
    audience: str | Iterable[str] | None = None,
    resource: str | Iterable[str] | None = None,
    requested_token_type: str | None = None,
    scope: str | Iterable[str] | None = None,
) -> dict[str, Any]:
    """The parameters of a token exchange request, checked. RFC 8693 §2.1.

    ``actor_token_type`` is required exactly when ``actor_token`` is given; ``audience`` and
    ``resource`` may be lists (sent as repeated parameters).
    """
    params: dict[str, Any] = {
        "subject_token": _nonempty("subject_token", subject_token),
        "subject_token_type": _nonempty("subject_token_type", subject_token_type),
    }
    if actor_token is not None:
        params["actor_token"] = _nonempty("actor_token", actor_token)
        if actor_token_type is None:
            raise ValueError("actor_token_type is required with actor_token (RFC 8693 §2.1)")
        params["actor_token_type"] = _nonempty("actor_token_type", actor_token_type)
    elif actor_token_type is not None:
        raise ValueError("actor_token_type is given without actor_token (RFC 8693 §2.1)")
    check_resource(resource)
    for name, value in (
        ("audience", audience),
        ("resource", resource),
        ("requested_token_type", requested_token_type),
        ("scope", scope),
    ):
        if value is None:
            continue
        params[name] = list(value) if not isinstance(value, str) and name != "scope" else value
    return params


def check_token_exchange_response(token: OAuth2Token) -> OAuth2Token:
    """Require ``issued_token_type``, which RFC 8693 §2.2.1 makes mandatory."""
    issued = token.get("issued_token_type")
    if not isinstance(issued, str) or not issued:
        raise TokenResponseError(
            "the token exchange response has no issued_token_type (RFC 8693 §2.2.1)",
            excerpt=f"JSON object with keys {sorted(token)}",
        )
    return token
