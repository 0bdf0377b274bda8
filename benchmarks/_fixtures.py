"""Keys, tokens and mock endpoints shared by the benchmarks; made fresh in each process."""

from __future__ import annotations

import functools
import json
import time
from typing import Any

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

API = "https://api.example.test"
RESOURCE_URL = f"{API}/resource"
TOKEN_URL = f"{API}/token"
CLIENT_ID = "bench-client"
CLIENT_SECRET = "bench-client-secret-0123456789abcdef"
ACCESS_TOKEN = "bench-access-token-" + "x" * 24
TOKEN_BODY = json.dumps(
    {"access_token": "fresh-" + "y" * 30, "token_type": "Bearer", "expires_in": 3600}
).encode()


def valid_token() -> dict[str, Any]:
    """A bearer token valid for an hour (``expires_at`` set, as a stored token has it)."""
    return {
        "access_token": ACCESS_TOKEN,
        "token_type": "Bearer",
        "expires_in": 3600,
        "expires_at": int(time.time()) + 3600,
    }


def expired_token(refresh_token: str | None = "bench-refresh-token") -> dict[str, Any]:
    token: dict[str, Any] = {
        "access_token": "stale-" + "z" * 30,
        "token_type": "Bearer",
        "expires_in": 3600,
        "expires_at": int(time.time()) - 600,
    }
    if refresh_token:
        token["refresh_token"] = refresh_token
    return token


def _answer(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/token":
        return httpx.Response(200, content=TOKEN_BODY, headers={"Content-Type": "application/json"})
    return httpx.Response(200, content=b"ok")


def mock_transport() -> httpx.MockTransport:
    """The resource server and token endpoint every timed client talks to: no network."""
    return httpx.MockTransport(_answer)


class Recorder:
    """A MockTransport handler that remembers what each request carried (for the checks)."""

    def __init__(self) -> None:
        self.authorization: list[str | None] = []
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if request.url.path != "/token":
            self.authorization.append(request.headers.get("authorization"))
        return _answer(request)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


@functools.cache
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@functools.cache
def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> bytes:
    """PKCS#8 PEM, unencrypted: what a user keeps in a file or a secret store."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


@functools.cache
def rsa_pem() -> bytes:
    return pem(rsa_key())


@functools.cache
def ec_pem() -> bytes:
    return pem(ec_key())
