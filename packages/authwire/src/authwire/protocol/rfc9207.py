"""OAuth 2.0 Authorization Server Issuer Identification, RFC 9207."""

from __future__ import annotations

import hmac
from collections.abc import Mapping

from .._exceptions import MismatchingIssuerError

__all__ = ["validate_issuer"]


def validate_issuer(
    params: Mapping[str, str], *, expected: str | None, required: bool = False
) -> None:
    """Check the ``iss`` of an authorization response against the expected issuer.

    When the server advertises ``authorization_response_iss_parameter_supported`` the
    parameter is ``required``; when present it must equal ``expected`` exactly (no
    normalisation). This defeats mix-up attacks. RFC 9207 §2.4.
    """
    received = params.get("iss")
    if received is None:
        if required:
            raise MismatchingIssuerError(
                description="the authorization response has no iss though the server sends it"
            )
        return
    if expected is None:
        return
    if not hmac.compare_digest(received.encode("utf-8"), expected.encode("utf-8")):
        raise MismatchingIssuerError()
