"""Shared by the OAuth 1 unit and interop tests: the client class per flavor, an RSA key."""

from __future__ import annotations

import functools
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from authwire import AsyncOAuth1Client, OAuth1Client

from ._flavors import Flavor


def oauth1_client(flavor: Flavor, *args: Any, **kwargs: Any) -> Any:
    """An ``OAuth1Client`` on the sync flavor, an ``AsyncOAuth1Client`` on the others."""
    return flavor.pick(OAuth1Client, AsyncOAuth1Client)(*args, **kwargs)


@functools.cache
def rsa_key_pair() -> tuple[str, str]:
    """One 2048-bit RSA key pair per test session: (private PEM, public PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )
    return private, public
