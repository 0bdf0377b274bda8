"""Auth0 Organizations: log users in to one organization, and check that they were.

The ``organization`` parameter of ``/authorize`` names the organization to log in to, by
ID (``org_…``) or, when the tenant allows organization names in the Authentication API,
by name. The ID token then carries ``org_id`` (and ``org_name`` when names are allowed).
Auth0 asks every application to check that claim against the organization it asked for:
nothing in standard OpenID Connect validation does, so a token minted for another
organization of the same tenant would pass.

https://auth0.com/docs/manage-users/organizations/using-tokens ("Validate tokens"),
https://auth0.com/docs/manage-users/organizations/configure-organizations/use-org-name-authentication-api
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qsl

from authwire import IDTokenError

if TYPE_CHECKING:
    from httpx import Response

__all__ = [
    "ORGANIZATIONS_DOCS",
    "ORG_ID",
    "ORG_NAME",
    "check_organization",
    "organization_id_token_check",
    "organization_param",
]

#: The :attr:`IDTokenError.reason` of a missing or wrong ``org_id`` claim.
ORG_ID: Final = "org_id"
#: The :attr:`IDTokenError.reason` of a missing or wrong ``org_name`` claim.
ORG_NAME: Final = "org_name"
#: Auth0's page on tokens issued through an organization.
ORGANIZATIONS_DOCS: Final = "https://auth0.com/docs/manage-users/organizations/using-tokens"

#: Organization IDs start with this; anything else is an organization name.
_ID_PREFIX = "org_"


def organization_param(organization: object) -> str:
    """``organization`` checked: a non-empty str without spaces; ``ValueError`` otherwise."""
    if (
        not isinstance(organization, str)
        or not organization
        or organization != organization.strip()
        or any(c.isspace() for c in organization)
    ):
        raise ValueError(
            f"organization must be an organization ID ('org_…') or name, not {organization!r}"
        )
    return organization


def check_organization(claims: Mapping[str, Any], organization: str) -> None:
    """Raise :class:`~authwire.IDTokenError` unless ``claims`` are for ``organization``.

    An ID (``org_…``) must equal the ``org_id`` claim; a name must equal the ``org_name``
    claim, which Auth0 writes in lowercase (so the name is compared lowercased, as Auth0's
    own SDKs do). ``reason`` is :data:`ORG_ID` or :data:`ORG_NAME`.
    """
    organization = organization_param(organization)
    if organization.startswith(_ID_PREFIX):
        claim, expected = ORG_ID, organization
    else:
        claim, expected = ORG_NAME, organization.lower()
    value = claims.get(claim)
    if value is None:
        raise IDTokenError(
            claim,
            f"the ID token has no {claim} claim, but the login asked for organization "
            f"{organization!r}",
        )
    if value != expected:
        shown = repr(value) if isinstance(value, str) else type(value).__name__
        raise IDTokenError(
            claim,
            f"the ID token is for organization {shown}, not {expected!r} as the login asked",
        )


def _unverified_claims(id_token: str) -> Mapping[str, Any] | None:
    """The payload of a compact JWS, or ``None`` when it is not one (the core reports it)."""
    parts = id_token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1]
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        claims = json.loads(raw)
    except ValueError:
        return None
    return claims if isinstance(claims, dict) else None


def _grant_type(response: Response) -> str | None:
    try:
        body = response.request.content
    except (RuntimeError, AttributeError):  # a response built by hand, without a request
        return None
    try:
        form = dict(parse_qsl(body.decode("utf-8")))
    except (UnicodeDecodeError, ValueError):
        return None
    return form.get("grant_type")


def organization_id_token_check(organization: str) -> Callable[[Response], Response]:
    """A token-response compliance hook that refuses an ID token of another organization.

    Register it for ``access_token_response`` and ``refresh_token_response``. It reads the
    claims of the response's ``id_token`` and calls :func:`check_organization`; the core
    then checks the token's signature, issuer, audience and nonce as for any ID token, so
    a token is kept only when both agree. A code exchange that brings no ID token is
    refused too (``openid`` was not asked for, so the organization cannot be checked);
    a refresh without one keeps the checked claims of the previous token. Error answers
    and bodies that are not a JSON token pass through for the core to report.
    """
    expected = organization_param(organization)

    def check_auth0_organization(response: Response) -> Response:
        if response.status_code >= 400:
            return response
        try:
            data = json.loads(response.content)
        except ValueError:
            return response
        if not isinstance(data, dict) or "access_token" not in data:
            return response
        id_token = data.get("id_token")
        if not isinstance(id_token, str):
            if _grant_type(response) == "authorization_code":
                raise IDTokenError(
                    ORG_ID,
                    "the token response has no ID token to check the organization in; "
                    "ask for the openid scope",
                )
            return response
        claims = _unverified_claims(id_token)
        if claims is not None:
            check_organization(claims, expected)
        return response

    return check_auth0_organization
