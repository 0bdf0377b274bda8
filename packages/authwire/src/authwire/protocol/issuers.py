"""Which ``iss`` values are the provider's: the issuer policy of ID-token validation.

Kept apart from `authwire.protocol.oidc_core` because it touches no HTTP type: provider
plugins build policies, and plugins are shared by every HTTP binding.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

__all__ = ["TENANT_PLACEHOLDER", "IssuerPolicy"]

TENANT_PLACEHOLDER: Final = "{tenantid}"
"""Where a multi-tenant issuer template takes the token's tenant (Microsoft's spelling, as
its discovery document publishes it)."""

_TENANT_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")


# --- issuer policy -------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuerPolicy:
    """Which ``iss`` values identify the provider. Exact string comparison, always.

    Args:
        issuer: the issuer identifier.
        alternatives: other spellings the provider is known to use for the same issuer,
            declared one by one (Google signs with both ``https://accounts.google.com`` and
            ``accounts.google.com``).
        tenant_claim: the claim that fills
            [`TENANT_PLACEHOLDER`][authwire.protocol.issuers.TENANT_PLACEHOLDER] in a template;
            ``None`` compares every value literally, placeholder included (what a plain ``str``
            issuer given to `validate_id_token()` means).
        tenants: when given, the only tenant identifiers a template may be filled with.

    ``issuer`` and each alternative may contain ``{tenantid}`` once (Microsoft's multi-tenant
    ``https://login.microsoftonline.com/{tenantid}/v2.0``): such a value matches ``iss``
    only once the token's own ``tid`` claim (letters, digits, ``.``, ``_``, ``-``) is put in
    its place. Nothing else loosens the comparison: no case folding, no trailing-slash or
    scheme normalisation.

    OpenID Connect Core §3.1.3.7 step 2, Discovery §4.3.
    """

    issuer: str
    alternatives: tuple[str, ...] = ()
    tenant_claim: str | None = "tid"
    tenants: frozenset[str] | None = None

    def __post_init__(self) -> None:
        given: object = self.alternatives
        if isinstance(given, str):
            given = (given,)  # one spelling passed bare
        if not isinstance(given, tuple | list):
            raise ValueError("alternatives must be a tuple of issuer spellings")
        object.__setattr__(self, "alternatives", tuple(given))
        if self.tenants is not None:
            object.__setattr__(self, "tenants", frozenset(self.tenants))
        for value in self.values:
            if not isinstance(value, str) or not value:
                raise ValueError("issuer and alternatives must be non-empty strings")
            if value.count(TENANT_PLACEHOLDER) > 1:
                raise ValueError(f"an issuer template may hold {TENANT_PLACEHOLDER} only once")
        if self.tenant_claim is not None and (
            not isinstance(self.tenant_claim, str) or not self.tenant_claim
        ):
            raise ValueError("tenant_claim must be a claim name or None")

    @property
    def values(self) -> tuple[str, ...]:
        """The issuer and its alternatives, as declared."""
        return (self.issuer, *self.alternatives)

    def matches_metadata(self, issuer: object) -> bool:
        """Whether a discovery document's ``issuer`` is one of the declared values, literally.

        A multi-tenant provider publishes the template itself (``…/{tenantid}/v2.0``).
        Discovery §4.3, RFC 8414 §3.3.
        """
        return isinstance(issuer, str) and issuer in self.values

    def check(self, iss: object, claims: Mapping[str, Any] | None = None) -> bool:
        """Whether ``iss`` (from ``claims``) identifies this provider. Core §3.1.3.7 step 2."""
        if not isinstance(iss, str):
            return False
        for value in self.values:
            if self.tenant_claim is None or TENANT_PLACEHOLDER not in value:
                if iss == value:
                    return True
                continue
            tenant = None if claims is None else claims.get(self.tenant_claim)
            if not isinstance(tenant, str) or not _TENANT_ID.fullmatch(tenant):
                continue
            if self.tenants is not None and tenant not in self.tenants:
                continue
            if iss == value.replace(TENANT_PLACEHOLDER, tenant):
                return True
        return False
