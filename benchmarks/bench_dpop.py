"""(7) A DPoP-bound request (RFC 9449) with a valid token: sync, MockTransport.

For information: issue 8 sets no speed target, and no peer has a DPoP client to compare
with. The floor is bare httpx plus the least a DPoP client must do per request: one ES256
proof from a key imported once (a prebuilt header, a fresh ``jti``, ``htm``, ``htu``,
``iat``, ``ath``, one joserfc signature). The Bearer hot path is shown beside it, so the
table says what sender-constraining a token costs.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from collections.abc import Callable
from typing import Any

import httpx
from joserfc import jws, jwt
from joserfc.jwk import ECKey

from authwire import OAuth2Client
from authwire.protocol.rfc9449 import DPoPKey

from . import _fixtures as fx
from ._harness import CPU, Config, Results, Row, run_sync_rounds

FLOOR = "httpx + one ES256 proof per request (floor)"
AW_DPOP = "authwire OAuth2Client, DPoP token"
AW_BEARER = "authwire OAuth2Client, Bearer token (hot path)"


def _dpop_token() -> dict[str, Any]:
    return {**fx.valid_token(), "token_type": "DPoP"}


def _ath(token: str) -> str:
    digest = hashlib.sha256(token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class _FloorProof:
    """The straightforward per-request proof: everything that can be is computed once."""

    def __init__(self, key: ECKey) -> None:
        self._key = key
        public = {
            k: v for k, v in key.as_dict(private=False).items() if k in ("kty", "crv", "x", "y")
        }
        self._header = {"typ": "dpop+jwt", "alg": "ES256", "jwk": public}
        self._ath = _ath(fx.ACCESS_TOKEN)
        self._authorization = f"DPoP {fx.ACCESS_TOKEN}"

    def __call__(self, request: httpx.Request) -> None:
        claims = {
            "jti": secrets.token_urlsafe(24),
            "htm": request.method,
            "htu": f"{request.url.scheme}://{request.url.netloc.decode('ascii')}{request.url.path}",
            "iat": int(time.time()),
            "ath": self._ath,
        }
        request.headers["Authorization"] = self._authorization
        request.headers["DPoP"] = jwt.encode(self._header, claims, self._key, algorithms=["ES256"])


def factories(key: ECKey) -> dict[str, Callable[[httpx.BaseTransport], httpx.Client]]:
    dpop_key = DPoPKey(key)
    floor = _FloorProof(key)
    return {
        FLOOR: lambda t: httpx.Client(transport=t, event_hooks={"request": [floor]}),
        AW_DPOP: lambda t: OAuth2Client(token=_dpop_token(), dpop=dpop_key, transport=t),
        AW_BEARER: lambda t: OAuth2Client(token=fx.valid_token(), transport=t),
    }


def _verified_claims(request: httpx.Request, key: ECKey) -> dict[str, Any]:
    proof = request.headers["DPoP"]
    payload: dict[str, Any] = json.loads(
        jws.deserialize_compact(proof, key, algorithms=["ES256"]).payload
    )
    return payload


def check(results: Results, key: ECKey) -> None:
    """Both DPoP implementations send a verifiable proof naming the same request and token."""
    seen: dict[str, dict[str, Any]] = {}
    for name, make in factories(key).items():
        if name == AW_BEARER:
            continue
        recorder = fx.Recorder()
        with make(recorder.transport()) as client:
            client.get(f"{fx.RESOURCE_URL}?page=1").raise_for_status()
        (request,) = recorder.requests
        if request.headers["authorization"] != f"DPoP {fx.ACCESS_TOKEN}":
            raise AssertionError(f"{name} sent {request.headers['authorization']!r}")
        claims = _verified_claims(request, key)
        seen[name] = {k: claims[k] for k in ("htm", "htu", "ath")}
    if seen[FLOOR] != seen[AW_DPOP]:
        raise AssertionError(f"the proofs differ: {seen!r}")
    results.checks.append("(7) DPoP: both proofs verify and name the same htm, htu and ath")


def run(config: Config, results: Results) -> None:
    key = ECKey.generate_key("P-256", private=True)
    check(results, key)
    clients = {name: make(fx.mock_transport()) for name, make in factories(key).items()}
    try:
        ops: dict[str, Callable[[], object]] = {
            name: (lambda c=client: c.get(fx.RESOURCE_URL)) for name, client in clients.items()
        }
        rows: list[Row] = run_sync_rounds(
            config, "(7) DPoP request, sync, MockTransport", ops, FLOOR, clock=CPU
        )
        results.extend(rows)
    finally:
        for client in clients.values():
            client.close()
