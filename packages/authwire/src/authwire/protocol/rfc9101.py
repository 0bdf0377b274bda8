"""JWT-Secured Authorization Request (JAR), RFC 9101: signed request objects.

The authorization parameters travel as claims of a JWT the client signs, so the
authorization server can trust them: by value (``request=`` in the URL) or, with PAR, by
reference (the ``request_uri`` that RFC 9126 hands back). Signing is
[`JWTAssertion`][authwire.rfc7523.JWTAssertion]'s (RFC 7523), with the media type RFC 9101
§10.2 registers.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from .rfc6749 import scope_to_string
from .rfc7523 import JWTAssertion, KeyInput

__all__ = ["REQUEST_OBJECT_TYP", "RequestObjectSigner", "request_object_claims"]

REQUEST_OBJECT_TYP = "oauth-authz-req+jwt"
"""The ``typ`` of a request object, RFC 9101 §10.2 (``application/oauth-authz-req+jwt``)."""
DEFAULT_LIFETIME = 300
"""Seconds a request object stays valid; short, as it is used within the minute."""


def request_object_claims(
    params: Mapping[str, Any], *, client_id: str, audience: str, now: float, lifetime: int
) -> dict[str, Any]:
    """The claims of a request object: every authorization parameter plus the JWT claims.

    ``iss`` is the client, ``aud`` the authorization server's issuer; ``iat``, ``nbf``,
    ``exp`` and a fresh ``jti`` bound its use in time. Multi-valued parameters (``resource``)
    stay JSON arrays. RFC 9101 §4, §10.8.
    """
    claims: dict[str, Any] = {}
    for name, value in params.items():
        if value is None:
            continue
        if name == "scope":
            value = scope_to_string(value)
        elif name == "max_age":
            value = int(value)
        elif isinstance(value, tuple):
            value = list(value)
        claims[name] = value
    issued = int(now)
    claims.update(
        {
            "client_id": client_id,
            "iss": client_id,
            "aud": audience,
            "iat": issued,
            "nbf": issued,
            "exp": issued + lifetime,
            "jti": secrets.token_urlsafe(24),
        }
    )
    return claims


class RequestObjectSigner:
    """A client's request-object key, imported and checked once. RFC 9101 §4.

    ``alg: none`` is never used: an unsigned request object protects nothing.

    Args:
        key: What [`JWTAssertion`][authwire.rfc7523.JWTAssertion] takes (PEM, JWK, joserfc or
            ``cryptography`` key), or, with an ``HS*`` ``alg``, the client secret.
        alg: The ``request_object_signing_alg``; ``None`` picks the key's own (``RS256`` for
            an RSA key, ...).
        lifetime: Seconds each request object stays valid (its ``exp`` minus ``iat``).

    Raises:
        ValueError: ``alg`` is ``none``, or ``lifetime`` is not a positive whole number.
    """

    __slots__ = ("_signer", "lifetime")

    def __init__(
        self, key: KeyInput, alg: str | None = None, *, lifetime: int = DEFAULT_LIFETIME
    ) -> None:
        if alg is not None and alg.lower() == "none":
            raise ValueError("request_object_signing_alg 'none' is refused: sign request objects")
        if isinstance(lifetime, bool) or not isinstance(lifetime, int) or lifetime <= 0:
            raise ValueError("lifetime must be a positive whole number of seconds")
        self._signer = JWTAssertion(key, alg, {"typ": REQUEST_OBJECT_TYP})
        self.lifetime = lifetime

    @property
    def alg(self) -> str:
        """The JWS algorithm the request objects are signed with, for the server's check."""
        return self._signer.alg

    def sign(self, params: Mapping[str, Any], *, client_id: str, audience: str, now: float) -> str:
        """The signed request object for ``params``."""
        claims = request_object_claims(
            params, client_id=client_id, audience=audience, now=now, lifetime=self.lifetime
        )
        return self._signer.encode(claims)

    def __repr__(self) -> str:
        return f"RequestObjectSigner(alg={self.alg!r}, lifetime={self.lifetime})"
