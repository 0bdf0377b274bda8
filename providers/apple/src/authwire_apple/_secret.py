"""Apple's client secret: an ES256 JWT the plugin signs with the ``.p8`` key, and renews.

Apple does not hand out a client secret. Each request to ``/auth/token`` and
``/auth/revoke`` carries a JWT that the developer signs with the Sign in with Apple private
key (the ``.p8`` file) — "Generate and validate tokens", "Creating the client secret"
(https://developer.apple.com/documentation/sign_in_with_apple/generate_and_validate_tokens):

- header ``alg`` ES256 and ``kid``, the 10-character Key ID of that key;
- claims ``iss`` the 10-character Team ID, ``iat`` now, ``exp`` at most 15777000 seconds
  (six months) later "as measured by the clock on Apple's servers", ``aud``
  ``https://appleid.apple.com`` and ``sub`` the client ID (the Services ID or App ID).

:class:`AppleClientSecret` holds the key and makes that JWT; :class:`AppleClientAuth` is the
``client_secret_post`` method that puts a current one in each request. A secret is reused
until a tenth of its lifetime is left, then a new one is signed: nobody has to remember to
regenerate it every six months.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable

from cryptography.hazmat.primitives.asymmetric import ec

from authwire.protocol.client_auth import (
    CLIENT_SECRET_POST,
    ClientCredentials,
    add_form_params,
    require_client_id,
)
from authwire.rfc7523 import JWTAssertion

__all__ = [
    "AUDIENCE",
    "DEFAULT_LIFETIME",
    "MAX_LIFETIME",
    "MIN_LIFETIME",
    "AppleClientAuth",
    "AppleClientSecret",
]

#: The ``aud`` of every client secret.
AUDIENCE = "https://appleid.apple.com"
#: Apple refuses a client secret whose ``exp`` is more than this after its ``iat``.
MAX_LIFETIME = 15_777_000
#: The shortest lifetime accepted: a secret must outlive the requests that carry it.
MIN_LIFETIME = 600
#: One day: short enough that a leaked secret soon stops working, long enough to sign once
#: a day at most.
DEFAULT_LIFETIME = 86_400

# Team IDs and Key IDs are 10-character identifiers of the developer account.
_IDENTIFIER = re.compile(r"[A-Za-z0-9]{10}")

Headers = dict[str, str]


def _load_key(private_key: object) -> ec.EllipticCurvePrivateKey:
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    key: object = private_key
    if isinstance(key, str):
        key = key.encode("ascii", "replace")
    if isinstance(key, bytes):
        if b"-----BEGIN PRIVATE KEY-----" not in key:
            raise ValueError(
                "private_key must be the content of the .p8 file (-----BEGIN PRIVATE KEY-----), "
                "not its path or another format"
            )
        try:
            key = load_pem_private_key(key, None)
        except (TypeError, ValueError):
            raise ValueError("private_key is not a readable .p8 (PKCS#8 PEM) key") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ValueError("private_key must be Apple's .p8 key: an EC P-256 private key (ES256)")
    return key


class AppleClientSecret:
    """The key that signs Apple's client secrets, and the secrets it signed.

    Pass it as ``client_secret`` to :func:`authwire_apple.oauth2_client` or to
    ``OAuth2Client.from_provider("apple", client_secret=AppleClientSecret(...))``.

    Args:
        team_id: the 10-character Team ID of the developer account.
        key_id: the 10-character Key ID of the Sign in with Apple key.
        private_key: the content of that key's ``.p8`` file (PEM), or a ``cryptography``
            EC P-256 private key.
        lifetime: seconds from ``iat`` to ``exp`` of each secret (600 to 15777000, default
            one day). A secret is renewed once less than a tenth of it is left.
        clock: returns the time in seconds since the epoch; for tests.

    Raises:
        ValueError: a malformed identifier, a key that is not an EC P-256 private key, or a
            lifetime out of range. No message shows the key.
    """

    __slots__ = ("_assertion", "_cache", "_clock", "_lock", "key_id", "lifetime", "team_id")

    def __init__(
        self,
        team_id: str,
        key_id: str,
        private_key: str | bytes | ec.EllipticCurvePrivateKey,
        *,
        lifetime: int = DEFAULT_LIFETIME,
        clock: Callable[[], float] = time.time,
    ) -> None:
        for name, value in (("team_id", team_id), ("key_id", key_id)):
            if not isinstance(value, str) or not _IDENTIFIER.fullmatch(value):
                raise ValueError(f"{name} must be Apple's 10-character identifier, not {value!r}")
        if (
            isinstance(lifetime, bool)
            or not isinstance(lifetime, int)
            or not MIN_LIFETIME <= lifetime <= MAX_LIFETIME
        ):
            raise ValueError(
                f"lifetime must be a whole number of seconds from {MIN_LIFETIME} to "
                f"{MAX_LIFETIME} (six months, Apple's limit)"
            )
        if not callable(clock):
            raise TypeError("clock must be callable")
        self.team_id = team_id
        self.key_id = key_id
        self.lifetime = lifetime
        self._assertion = JWTAssertion(_load_key(private_key), "ES256", {"kid": key_id})
        self._clock = clock
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[str, int]] = {}

    def sign(self, client_id: str, now: float | None = None) -> str:
        """A new client secret for ``client_id``, issued ``now`` (the clock by default)."""
        if not isinstance(client_id, str) or not client_id:
            raise ValueError("client_id must be the Services ID (or App ID), a non-empty str")
        iat = int(self._clock() if now is None else now)
        return self._assertion.encode(
            {
                "iss": self.team_id,
                "iat": iat,
                "exp": iat + self.lifetime,
                "aud": AUDIENCE,
                "sub": client_id,
            }
        )

    def for_client(self, client_id: str) -> str:
        """The current client secret for ``client_id``: the cached one, or a renewed one.

        Thread-safe; signing takes microseconds, so the lock is never held for long.
        """
        now = int(self._clock())
        margin = self.lifetime // 10
        with self._lock:
            cached = self._cache.get(client_id)
            if cached is not None and now < cached[1] - margin:
                return cached[0]
            secret = self.sign(client_id, now)
            self._cache[client_id] = (secret, now + self.lifetime)
            return secret

    def __repr__(self) -> str:
        return (
            f"AppleClientSecret(team_id={self.team_id!r}, key_id={self.key_id!r}, "
            f"lifetime={self.lifetime})"
        )


class AppleClientAuth:
    """``client_secret_post`` with a client secret made by :class:`AppleClientSecret`.

    The client's ``client_secret`` must be an :class:`AppleClientSecret`; every request to
    the token and revocation endpoints gets ``client_id`` and a current secret in its body.
    """

    name = CLIENT_SECRET_POST

    def prepare(self, client: ClientCredentials) -> None:
        """Refuse, when the client is built, a secret the plugin cannot renew."""
        require_client_id(client)
        if not isinstance(client.client_secret, AppleClientSecret):
            raise TypeError(
                "Apple's client_secret is a JWT that expires within six months; let the "
                "plugin make and renew it: client_secret=AppleClientSecret(team_id=..., "
                "key_id=..., private_key=<.p8 content>)"
            )

    def __call__(
        self, client: ClientCredentials, method: str, uri: str, headers: Headers, body: str
    ) -> tuple[str, Headers, str]:
        """Add ``client_id`` and a current ``client_secret`` to the form body."""
        self.prepare(client)
        client_id = require_client_id(client)
        secret: AppleClientSecret = client.client_secret
        params = {"client_id": client_id, "client_secret": secret.for_client(client_id)}
        return uri, headers, add_form_params(body, params)

    def __repr__(self) -> str:
        return "AppleClientAuth()"
