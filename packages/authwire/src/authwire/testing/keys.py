"""Signing keys for emulated providers: JWK Sets, ID tokens, JWTs to check clients with.

Built on joserfc. Generating an RSA key takes a while, so
[`SigningKey.shared()`][authwire.testing.keys.SigningKey.shared] hands
out one key per algorithm for the whole test session, and
[`SigningKey.generate()`][authwire.testing.keys.SigningKey.generate] a new
one when a test needs two different keys (key rotation, a wrong signer).
"""

from __future__ import annotations

import base64
import hashlib
import threading
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from joserfc import jwt
from joserfc.jwk import ECKey, OKPKey, RSAKey

__all__ = ["SigningKey", "jwks", "token_hash"]

_CURVES = {"ES256": "P-256", "ES384": "P-384", "ES512": "P-521", "ES256K": "secp256k1"}
_HASHES = {"256": hashlib.sha256, "384": hashlib.sha384, "512": hashlib.sha512}
_shared: dict[str, SigningKey] = {}
_shared_lock = threading.Lock()

PrivateKey = RSAKey | ECKey | OKPKey


@dataclass(frozen=True)
class SigningKey:
    """A private key, the algorithm it signs with and its ``kid``.

    Attributes:
        key: the joserfc private key.
        alg: the JWS algorithm (``RS256``, ``PS256``, ``ES256``, ``EdDSA``, ...).
        kid: the key id published in the JWK Set and put in every header.
    """

    key: PrivateKey
    alg: str
    kid: str

    @classmethod
    def generate(cls, alg: str = "RS256", kid: str | None = None) -> SigningKey:
        """A new key for ``alg`` (RSA 2048 for ``RS*``/``PS*``, the matching curve for
        ``ES*``, Ed25519 for ``Ed25519`` / ``EdDSA``)."""
        kid = kid or uuid.uuid4().hex[:16]
        key: PrivateKey
        if alg[:2] in ("RS", "PS"):
            key = RSAKey.generate_key(2048, parameters={"kid": kid})
        elif alg in _CURVES:
            key = ECKey.generate_key(_CURVES[alg], parameters={"kid": kid})
        elif alg in ("EdDSA", "Ed25519"):
            key = OKPKey.generate_key("Ed25519", parameters={"kid": kid})
        else:
            raise ValueError(f"alg: no key type known for {alg!r}")
        return cls(key, alg, kid)

    @classmethod
    def shared(cls, alg: str = "RS256") -> SigningKey:
        """One key per ``alg`` for the whole process (key generation is slow)."""
        with _shared_lock:
            key = _shared.get(alg)
            if key is None:
                key = _shared[alg] = cls.generate(alg, kid=f"authwire-testing-{alg.lower()}")
            return key

    @classmethod
    def from_pem(cls, pem: str | bytes, alg: str, kid: str) -> SigningKey:
        """A key read from PEM (an Apple ``.p8`` key, a certificate's private key)."""
        key: PrivateKey
        if alg[:2] in ("RS", "PS"):
            key = RSAKey.import_key(pem, parameters={"kid": kid})
        elif alg in _CURVES:
            key = ECKey.import_key(pem, parameters={"kid": kid})
        else:
            key = OKPKey.import_key(pem, parameters={"kid": kid})
        return cls(key, alg, kid)

    @property
    def public_jwk(self) -> dict[str, Any]:
        """The public JWK, with ``kid``, ``alg`` and ``use: sig`` (RFC 7517 §4)."""
        return {**self.key.as_dict(private=False), "kid": self.kid, "alg": self.alg, "use": "sig"}

    @property
    def private_pem(self) -> bytes:
        """The private key as PKCS#8 PEM (to hand to a client as its key)."""
        return self.key.as_pem(private=True)

    def sign(self, claims: Mapping[str, Any], header: Mapping[str, Any] | None = None) -> str:
        """A compact JWT of ``claims``; the header has ``alg``, ``kid`` and ``typ: JWT``
        unless ``header`` says otherwise."""
        full = {"alg": self.alg, "kid": self.kid, "typ": "JWT", **(header or {})}
        return jwt.encode(full, dict(claims), self.key, algorithms=[full["alg"]])

    def verify(self, token: str) -> dict[str, Any]:
        """The claims of ``token`` when this key's public half verifies it (else joserfc
        raises); for emulators that check what a client signed."""
        return dict(jwt.decode(token, self.key, algorithms=[self.alg]).claims)


def jwks(keys: Iterable[SigningKey]) -> dict[str, Any]:
    """The JWK Set document (RFC 7517 §5) publishing the public halves of ``keys``."""
    return {"keys": [key.public_jwk for key in keys]}


def token_hash(value: str, alg: str = "RS256") -> str:
    """``at_hash`` / ``c_hash`` of ``value`` (OpenID Connect Core §3.1.3.6, §3.3.2.11): the
    left half of its hash, base64url without padding; ``Ed25519`` and ``EdDSA`` hash with
    SHA-512."""
    if alg in ("EdDSA", "Ed25519"):
        digest = hashlib.sha512(value.encode("ascii")).digest()
    else:
        digest = _HASHES[alg[-3:]](value.encode("ascii")).digest()
    half = digest[: len(digest) // 2]
    return base64.urlsafe_b64encode(half).rstrip(b"=").decode("ascii")
