"""What an emulated provider keeps and reports: grants, token endpoint calls, refusals.

[`Grant`][authwire.testing.records.Grant] is what a token is for;
[`TokenCall`][authwire.testing.records.TokenCall] is one token request as the
emulator understood it (for a test to read); [`Refusal`][authwire.testing.records.Refusal] ends a
request with an OAuth
error (RFC 6749 §5.2). The ``*Record`` classes are the emulator's own bookkeeping.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .keys import SigningKey
from .recorded import DecodedJWT, RecordedRequest

__all__ = [
    "AUTHORIZATION_CODE",
    "CLIENT_ASSERTION_TYPE",
    "CLIENT_CREDENTIALS",
    "DEVICE_CODE",
    "JWT_BEARER",
    "REFRESH_TOKEN",
    "TOKEN_EXCHANGE",
    "Approval",
    "ClientRecord",
    "CodeRecord",
    "DeviceRecord",
    "Grant",
    "Refusal",
    "TokenCall",
    "TokenRecord",
    "pkce_matches",
]

AUTHORIZATION_CODE = "authorization_code"
"""RFC 6749 §4.1.3: the ``grant_type`` that redeems an authorization code."""
REFRESH_TOKEN = "refresh_token"
"""RFC 6749 §6: the ``grant_type`` that renews a token."""
CLIENT_CREDENTIALS = "client_credentials"
"""RFC 6749 §4.4.2: the ``grant_type`` of a client acting on its own behalf."""
DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code"
"""RFC 8628 §3.4: the ``grant_type`` that polls for a device flow's token."""
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
"""RFC 7523 §2.1: the ``grant_type`` that trades a signed JWT for a token."""
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
"""RFC 8693 §2.1: the ``grant_type`` that trades one token for another."""
CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
"""RFC 7523 §2.2: the ``client_assertion_type`` of JWT client authentication."""


class Refusal(Exception):
    """Raised in a handler to answer with an OAuth error (rendered by ``error_reply``).

    Args:
        error: the ``error`` code (RFC 6749 §5.2).
        description: the ``error_description``; left out when ``None``.
        status: the HTTP status (400; 401 for a failed client authentication).
        headers: extra response headers (a ``WWW-Authenticate``, for example).

    Attributes:
        error: the ``error`` code.
        description: the ``error_description``, or ``None``.
        status: the HTTP status.
        headers: extra response headers.
    """

    def __init__(
        self,
        error: str,
        description: str | None = None,
        *,
        status: int = 400,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{error}: {description}" if description else error)
        self.error = error
        self.description = description
        self.status = status
        self.headers = dict(headers or {})


@dataclass
class Grant:
    """What a token is for: who, which client, which scope. Grant handlers return one.

    Attributes:
        client_id: the client it was issued to.
        scope: the granted scope (space-separated).
        subject: the user (or service) it acts for.
        nonce: the authorization request's ``nonce``, echoed in the ID token.
        refresh: whether to issue a refresh token with it.
        id_token: whether to issue an ID token (by default: ``openid`` in the scope).
        claims: extra ID token claims for this grant.
        extra: extra token response members for this grant.
    """

    client_id: str
    scope: str = ""
    subject: str = "user-1"
    nonce: str | None = None
    refresh: bool = True
    id_token: bool | None = None
    claims: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class TokenCall:
    """One request to the token endpoint, as the emulator understood it.

    Attributes:
        request: the recorded request.
        grant_type: its ``grant_type``.
        params: its body fields (form or JSON).
        client_id: the authenticated client (``None`` when authentication failed).
        auth_method: how the client authenticated: ``client_secret_basic``,
            ``client_secret_post``, ``client_secret_jwt``, ``private_key_jwt`` or ``none``.
        client_assertion: the decoded client assertion, for JWT client authentication.
        pkce: the PKCE method the code exchange verified (``S256`` / ``plain``), if any.
        outcome: ``"issued"``, or the error code that was answered.
    """

    request: RecordedRequest
    grant_type: str
    params: dict[str, Any]
    client_id: str | None = None
    auth_method: str | None = None
    client_assertion: DecodedJWT | None = None
    pkce: str | None = None
    outcome: str = ""


@dataclass(frozen=True)
class Approval:
    """The redirect back to the client after
    [`Emulator.approve()`][authwire.testing.Emulator.approve] or
    [`deny()`][authwire.testing.Emulator.deny].

    Attributes:
        url: the redirect URI with the response in its query (what a browser would load).
        params: the response parameters (also what a ``form_post`` callback posts).
        code: the authorization code (``None`` for a denial).
        state: the ``state`` echoed back.
    """

    url: str
    params: dict[str, str]
    code: str | None
    state: str | None


@dataclass
class CodeRecord:
    grant: Grant
    redirect_uri: str | None
    challenge: str | None
    method: str | None
    expires_at: float
    used: bool = False


@dataclass
class TokenRecord:
    grant: Grant
    expires_at: float | None
    revoked: bool = False
    used: bool = False  # a refresh token, once rotated


@dataclass
class DeviceRecord:
    client_id: str
    scope: str
    user_code: str
    expires_at: float
    interval: int
    last_poll: float | None = None
    status: str = "pending"  # "approved", "denied", "used"
    grant: Grant | None = None


@dataclass
class ClientRecord:
    secret: str | None
    jwt_key: SigningKey | None
    redirect_uris: tuple[str, ...]


def pkce_matches(verifier: str, code: CodeRecord) -> bool:
    """RFC 7636 §4.6, computed here independently of the client's code."""
    if code.method == "S256":
        digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
        expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    else:
        expected = verifier
    return code.challenge is not None and hmac.compare_digest(expected, code.challenge)
