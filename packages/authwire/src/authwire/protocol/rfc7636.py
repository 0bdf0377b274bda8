"""Proof Key for Code Exchange (PKCE), RFC 7636."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets

__all__ = [
    "PLAIN",
    "S256",
    "create_code_challenge",
    "generate_code_verifier",
    "validate_code_verifier",
]

S256 = "S256"
PLAIN = "plain"

_VERIFIER = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")


def generate_code_verifier(nbytes: int = 48) -> str:
    """A high-entropy verifier: ``nbytes`` random bytes, base64url (64 chars by default).

    RFC 7636 §4.1 asks for at least 256 bits of entropy; 48 bytes give 384.
    """
    if not 32 <= nbytes <= 96:
        raise ValueError("nbytes must be between 32 and 96 (43 to 128 characters)")
    return secrets.token_urlsafe(nbytes)


def validate_code_verifier(code_verifier: str) -> None:
    """Refuse a verifier outside ``[A-Za-z0-9-._~]{43,128}``. RFC 7636 §4.1."""
    if not isinstance(code_verifier, str) or not _VERIFIER.match(code_verifier):
        raise ValueError(
            "code_verifier must be 43 to 128 characters of A-Z, a-z, 0-9, '-', '.', '_', '~'"
        )


def create_code_challenge(code_verifier: str, method: str = S256) -> str:
    """The ``code_challenge`` for ``code_verifier``. RFC 7636 §4.2."""
    validate_code_verifier(code_verifier)
    if method == S256:
        digest = hashlib.sha256(code_verifier.encode("ascii")).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    if method == PLAIN:
        return code_verifier
    raise ValueError(f"code_challenge_method must be 'S256' or 'plain', not {method!r}")
