"""LinkedIn's member claims, in the types OpenID Connect gives them.

LinkedIn's ID token carries ``email_verified`` as a **string** (``"true"``), where OpenID
Connect Core §5.1 has a boolean, and its UserInfo answer has ``locale`` as an **object**
(``{"country": "US", "language": "en"}``), where §5.1 has a string. Code that tests
``if claims["email_verified"]:`` would trust ``"false"``; :func:`normalize_claims` returns
the claims with ``email_verified`` a bool (``None`` when it is neither a bool nor
``"true"``/``"false"``) and ``locale`` a ``language_COUNTRY`` string.
https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["id_token_claims", "normalize_claims"]


def _verified(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def _locale(value: object) -> Any:
    if isinstance(value, Mapping):
        language, country = value.get("language"), value.get("country")
        if isinstance(language, str) and language:
            return f"{language}_{country}" if isinstance(country, str) and country else language
        return None
    return value


def normalize_claims(claims: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of LinkedIn's ``claims`` with ``email_verified`` a bool and ``locale`` a str."""
    if not isinstance(claims, Mapping):
        raise TypeError(f"claims must be a mapping, not {type(claims).__name__}")
    out = dict(claims)
    if "email_verified" in out:
        out["email_verified"] = _verified(out["email_verified"])
    if "locale" in out:
        out["locale"] = _locale(out["locale"])
    return out


def id_token_claims(token: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The validated ID token claims authwire keeps as ``token["userinfo"]``, normalized.

    ``None`` when the token has none (no ``openid`` scope, or no issuer to validate with).
    """
    if token is None:
        return None
    claims = token.get("userinfo")
    return normalize_claims(claims) if isinstance(claims, Mapping) else None
