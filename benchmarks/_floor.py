"""The floors: straightforward implementations, written from the RFCs, that hold their keys.

They are what "as fast as it can reasonably be" means in the targets. Each does the whole job
the library's call does, and nothing more: an OAuth 1 signer that builds the RFC 5849 base
string and signs it with a key loaded once; a client-assertion maker that builds the RFC 7523
claims and signs them with joserfc and a key imported once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

import httpx
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from joserfc import jwt

_FORM = "application/x-www-form-urlencoded"
_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def _pct(value: str) -> str:
    # RFC 5849 §3.6: percent-encode all but the unreserved characters, upper-case hex
    return quote(value, safe="~")


class FloorOAuth1Signer:
    """HMAC-SHA1 or RSA-SHA1 over an ``httpx.Request``, header placement. RFC 5849 §3."""

    def __init__(
        self,
        client_key: str,
        client_secret: str,
        token: str,
        token_secret: str,
        *,
        rsa_key: RSAPrivateKey | None = None,
    ) -> None:
        self.client_key = client_key
        self.token = token
        self.method = "RSA-SHA1" if rsa_key is not None else "HMAC-SHA1"
        self.rsa_key = rsa_key
        self.hmac_key = f"{_pct(client_secret)}&{_pct(token_secret)}".encode()

    def sign(
        self, request: httpx.Request, nonce: str | None = None, timestamp: str | None = None
    ) -> httpx.Request:
        oauth = [
            ("oauth_consumer_key", self.client_key),
            ("oauth_nonce", nonce or secrets.token_hex(16)),
            ("oauth_signature_method", self.method),
            ("oauth_timestamp", timestamp or str(int(time.time()))),
            ("oauth_token", self.token),
            ("oauth_version", "1.0"),
        ]
        params = list(oauth)
        url = request.url
        params.extend(parse_qsl(url.query.decode(), keep_blank_values=True))
        if request.headers.get("content-type", "").startswith(_FORM):
            params.extend(parse_qsl(request.content.decode(), keep_blank_values=True))
        normalized = "&".join(f"{n}={v}" for n, v in sorted((_pct(n), _pct(v)) for n, v in params))
        base_uri = f"{url.scheme}://{url.netloc.decode().lower()}{url.path}"
        base = f"{request.method}&{_pct(base_uri)}&{_pct(normalized)}".encode()
        if self.rsa_key is not None:
            raw = self.rsa_key.sign(base, padding.PKCS1v15(), hashes.SHA1())
        else:
            raw = hmac.digest(self.hmac_key, base, hashlib.sha1)
        oauth.append(("oauth_signature", base64.b64encode(raw).decode()))
        request.headers["Authorization"] = "OAuth " + ", ".join(
            f'{n}="{_pct(v)}"' for n, v in oauth
        )
        return request


def assertion_claims(client_id: str, audience: str, expires_in: int = 60) -> dict[str, Any]:
    """The RFC 7523 §3 claims of a client assertion, with a fresh ``jti``."""
    now = int(time.time())
    return {
        "iss": client_id,
        "sub": client_id,
        "aud": audience,
        "iat": now,
        "exp": now + expires_in,
        "jti": secrets.token_urlsafe(16),
    }


def client_assertion_body(client_id: str, assertion: str, body: str = "") -> str:
    """The token request body with ``client_assertion`` added. RFC 7523 §2.2."""
    params = {
        "client_id": client_id,
        "client_assertion_type": _ASSERTION_TYPE,
        "client_assertion": assertion,
    }
    pairs = [(k, v) for k, v in parse_qsl(body, keep_blank_values=True) if k not in params]
    pairs.extend(params.items())
    return urlencode(pairs)


class FloorClientAssertion:
    """``private_key_jwt`` / ``client_secret_jwt`` with joserfc and a key imported once."""

    def __init__(self, key: Any, alg: str, client_id: str, audience: str) -> None:
        self.key = key
        self.header = {"alg": alg}
        self.algorithms = [alg]
        self.client_id = client_id
        self.audience = audience

    def encode(self) -> str:
        """The assertion alone: fresh claims (a ``jti`` as authwire makes it), one signature."""
        claims = assertion_claims(self.client_id, self.audience)
        return jwt.encode(self.header, claims, self.key, algorithms=self.algorithms)

    def __call__(self, body: str = "") -> str:
        return client_assertion_body(self.client_id, self.encode(), body)
