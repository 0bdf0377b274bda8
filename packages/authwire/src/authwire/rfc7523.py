"""JWT client authentication and JWT-bearer assertions (RFC 7523).

``from authwire.rfc7523 import PrivateKeyJWT`` then
``client.register_client_auth_method(PrivateKeyJWT(token_endpoint))``.
"""

from __future__ import annotations

from .protocol.rfc7523 import (
    CLIENT_SECRET_JWT,
    JWT_BEARER_CLIENT_ASSERTION_TYPE,
    JWT_BEARER_GRANT_TYPE,
    PRIVATE_KEY_JWT,
    Audience,
    ClientSecretJWT,
    JWTAssertion,
    PrivateKeyJWT,
)

__all__ = [
    "CLIENT_SECRET_JWT",
    "JWT_BEARER_CLIENT_ASSERTION_TYPE",
    "JWT_BEARER_GRANT_TYPE",
    "PRIVATE_KEY_JWT",
    "Audience",
    "ClientSecretJWT",
    "JWTAssertion",
    "PrivateKeyJWT",
]
