"""Certificate credentials: ``private_key_jwt`` the way Microsoft Entra ID expects it.

The client proves itself with a JWT signed by the private key of a certificate uploaded to
the app registration. Microsoft's page "Microsoft identity platform application
authentication certificate credentials"
(https://learn.microsoft.com/entra/identity-platform/certificate-credentials) documents:

- header: ``alg`` PS256, ``typ`` JWT, and ``x5t#S256``, the base64url SHA-256 thumbprint of
  the certificate's DER encoding (Entra finds the registered certificate by it);
- claims: ``aud`` the tenant's token endpoint, ``iss`` and ``sub`` the application (client)
  ID, ``jti`` a GUID, ``nbf`` and ``iat`` now, ``exp`` "5-10 minutes after nbf at most";
- the request: ``client_assertion_type`` = ``urn:ietf:params:oauth:client-assertion-type:
  jwt-bearer`` and ``client_assertion`` in place of ``client_secret``.

Earlier versions of that page asked for ``alg`` RS256 and ``x5t``, the SHA-1 thumbprint;
MSAL still sends that pair on its SHA-1 path. ``thumbprint="sha1"`` produces that older
header for deployments that need it; the default follows the current page.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_pem_private_key,
)
from joserfc.util import urlsafe_b64encode

from authwire.protocol.client_auth import ClientCredentials, add_form_params, require_client_id
from authwire.rfc7523 import JWT_BEARER_CLIENT_ASSERTION_TYPE, PRIVATE_KEY_JWT, JWTAssertion

__all__ = ["ClientCertificate", "thumbprint_sha1", "thumbprint_sha256"]

#: Microsoft: keep the assertion short, "5-10 minutes after nbf at most".
MAX_EXPIRES_IN = 600

Headers = dict[str, str]


def thumbprint_sha256(certificate: x509.Certificate) -> str:
    """``x5t#S256``: base64url of the SHA-256 digest of the DER certificate (RFC 7515 §4.1.8)."""
    return urlsafe_b64encode(certificate.fingerprint(hashes.SHA256())).decode("ascii")


def thumbprint_sha1(certificate: x509.Certificate) -> str:
    """``x5t``: base64url of the SHA-1 digest of the DER certificate (RFC 7515 §4.1.7)."""
    return urlsafe_b64encode(certificate.fingerprint(hashes.SHA1())).decode("ascii")  # noqa: S303


def _load_certificate(certificate: object) -> x509.Certificate:
    if isinstance(certificate, x509.Certificate):
        return certificate
    if isinstance(certificate, str):
        certificate = certificate.encode("ascii", "replace")
    if isinstance(certificate, bytes):
        if b"-----BEGIN CERTIFICATE-----" not in certificate:
            raise ValueError("certificate is not a PEM X.509 certificate (-----BEGIN CERTIFICATE)")
        try:
            return x509.load_pem_x509_certificate(certificate)
        except ValueError:
            raise ValueError("certificate is not a valid PEM X.509 certificate") from None
    raise TypeError(
        "certificate must be the PEM certificate (str or bytes) or an x509.Certificate, "
        f"not {type(certificate).__name__}"
    )


def _load_private_key(private_key: object, password: str | bytes | None) -> rsa.RSAPrivateKey:
    key: object = private_key
    if isinstance(private_key, str):
        key = private_key.encode("ascii", "replace")
    if isinstance(key, bytes):
        if b"PRIVATE KEY-----" not in key:
            raise ValueError("private_key is not a PEM private key (-----BEGIN PRIVATE KEY)")
        secret = password.encode("utf-8") if isinstance(password, str) else password
        try:
            key = load_pem_private_key(key, secret)
        except TypeError:
            message = (
                "private_key is encrypted: pass password="
                if password is None
                else "password= was given but private_key is not encrypted"
            )
            raise ValueError(message) from None
        except ValueError:
            raise ValueError(
                "private_key could not be loaded: it is malformed or the password is wrong"
            ) from None
    elif password is not None:
        raise ValueError("password= applies only to a PEM private_key")
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError(
            "private_key must be the certificate's RSA private key (PEM or a cryptography "
            f"RSAPrivateKey), not {type(key).__name__}"
        )
    return key


class ClientCertificate:
    """A certificate credential: authenticates the client with ``private_key_jwt``.

    Register it on a client (the named constructors do) and set its
    ``token_endpoint_auth_method`` to ``private_key_jwt``; every token request (code
    exchange, refresh, client credentials, on-behalf-of) then carries a fresh assertion.

    Args:
        certificate: the certificate uploaded to the app registration (PEM, or an
            ``x509.Certificate``).
        private_key: its RSA private key (PEM, or a ``cryptography`` ``RSAPrivateKey``).
        password: the password of an encrypted PEM ``private_key``.
        thumbprint: ``"sha256"`` (``alg`` PS256 with ``x5t#S256``, Microsoft's current
            format) or ``"sha1"`` (``alg`` RS256 with ``x5t``, the earlier format).
        expires_in: the assertion's lifetime in seconds (at most 600, default 600).
        clock: returns the time in seconds since the epoch; for tests.

    Raises:
        ValueError: the key cannot be read, is not RSA, or is not the certificate's key; a
            bad ``thumbprint`` or ``expires_in``. No message shows key material.
    """

    name = PRIVATE_KEY_JWT
    __slots__ = ("_assertion", "_clock", "expires_in", "thumbprint")

    def __init__(
        self,
        certificate: str | bytes | x509.Certificate,
        private_key: str | bytes | rsa.RSAPrivateKey,
        *,
        password: str | bytes | None = None,
        thumbprint: Literal["sha256", "sha1"] = "sha256",
        expires_in: int = MAX_EXPIRES_IN,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if thumbprint not in ("sha256", "sha1"):
            raise ValueError(f"thumbprint must be 'sha256' or 'sha1', not {thumbprint!r}")
        if (
            isinstance(expires_in, bool)
            or not isinstance(expires_in, int)
            or not 0 < expires_in <= MAX_EXPIRES_IN
        ):
            raise ValueError(
                f"expires_in must be a whole number of seconds from 1 to {MAX_EXPIRES_IN}"
            )
        if not callable(clock):
            raise TypeError("clock must be callable")
        cert = _load_certificate(certificate)
        key = _load_private_key(private_key, password)
        der, spki = Encoding.DER, PublicFormat.SubjectPublicKeyInfo
        if cert.public_key().public_bytes(der, spki) != key.public_key().public_bytes(der, spki):
            raise ValueError("private_key is not the key of certificate: they do not match")
        header: dict[str, str] = {"typ": "JWT"}
        if thumbprint == "sha256":
            alg = "PS256"
            header["x5t#S256"] = thumbprint_sha256(cert)
        else:
            alg = "RS256"
            header["x5t"] = thumbprint_sha1(cert)
        self._assertion = JWTAssertion(key, alg, header)
        self._clock = clock
        self.expires_in = expires_in
        self.thumbprint = header.get("x5t#S256") or header["x5t"]

    @property
    def header(self) -> dict[str, str]:
        """The JWS header of every assertion (``alg``, ``typ``, the thumbprint)."""
        return {str(k): str(v) for k, v in self._assertion.header.items()}

    def prepare(self, client: ClientCredentials) -> None:
        """Fail at registration, not at the first token request, without a client ID."""
        require_client_id(client)

    def assertion(self, client_id: str, audience: str) -> str:
        """A fresh client assertion for ``client_id``, addressed to ``audience``."""
        now = int(self._clock())
        return self._assertion.sign(
            client_id,
            audience,
            subject=client_id,
            claims={"nbf": now, "jti": str(uuid.uuid4())},
            expires_in=self.expires_in,
            now=now,
        )

    def __call__(
        self, client: ClientCredentials, method: str, uri: str, headers: Headers, body: str
    ) -> tuple[str, Headers, str]:
        """Add ``client_id``, ``client_assertion_type`` and a fresh ``client_assertion``.

        The assertion's ``aud`` is the URL the request goes to: the tenant's token endpoint.
        """
        client_id = require_client_id(client)
        params = {
            "client_id": client_id,
            "client_assertion_type": JWT_BEARER_CLIENT_ASSERTION_TYPE,
            "client_assertion": self.assertion(client_id, uri.split("?", 1)[0]),
        }
        return uri, headers, add_form_params(body, params)

    def __repr__(self) -> str:
        return f"ClientCertificate(alg={self._assertion.alg!r}, thumbprint={self.thumbprint!r})"
