"""DPoP (RFC 9449) on the OAuth 2 clients, over MockTransport: proofs, nonces, retries."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from joserfc import jws
from joserfc.jwk import ECKey, RSAKey

from authwire import OAuth2Client, OAuthError, TokenResponseError, UnsupportedTokenTypeError
from authwire.protocol.rfc9449 import DPoPKey

from .conftest import Flavor, aw, opened

AS = "https://as.test"
RS = "https://api.test"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def verify_proof(request: httpx.Request) -> tuple[dict[str, Any], dict[str, Any]]:
    """The proof's header and claims, after checking its signature with its own ``jwk``."""
    proof = request.headers["DPoP"]
    header = json.loads(base64.urlsafe_b64decode(proof.split(".")[0] + "=="))
    key_type = {"EC": ECKey, "RSA": RSAKey}[header["jwk"]["kty"]]
    public = key_type.import_key(header["jwk"])
    registry = jws.JWSRegistry(algorithms=[header["alg"]])
    registry.max_header_length = 4096  # an RSA jwk makes a long header
    obj = jws.deserialize_compact(proof, public, registry=registry)
    return header, json.loads(obj.payload)


@dataclass
class DPoPServer:
    """An authorization server and a resource server that demand nonces when told to."""

    as_nonces: list[str] = field(default_factory=list)  # challenges the AS sends, in order
    rs_nonces: list[str] = field(default_factory=list)
    token_type: str = "DPoP"
    requests: list[httpx.Request] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    token_fields: dict[str, Any] = field(default_factory=dict)
    as_current: str | None = None
    rs_current: str | None = None
    always: bool = False  # challenge even a proof with the current nonce (a broken server)

    def _challenge(self, nonce: Any, current: str | None, pending: list[str]) -> bool:
        return bool(pending) and (nonce is None or nonce != current or self.always)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        proof = None
        if "DPoP" in request.headers:
            _, proof = verify_proof(request)
            self.claims.append(proof)
        if request.url.host == "as.test":
            if proof is not None and self._challenge(
                proof.get("nonce"), self.as_current, self.as_nonces
            ):
                self.as_current = self.as_nonces.pop(0)
                return httpx.Response(
                    400, json={"error": "use_dpop_nonce"}, headers={"DPoP-Nonce": self.as_current}
                )
            return httpx.Response(
                200,
                json={
                    "access_token": f"at-{len(self.requests)}",
                    "token_type": self.token_type if proof is not None else "Bearer",
                    "expires_in": 3600,
                    "refresh_token": "rt",
                    **self.token_fields,
                },
            )
        if proof is not None and self._challenge(
            proof.get("nonce"), self.rs_current, self.rs_nonces
        ):
            self.rs_current = self.rs_nonces.pop(0)
            return httpx.Response(
                401,
                headers={
                    "WWW-Authenticate": 'DPoP error="use_dpop_nonce", algs="ES256"',
                    "DPoP-Nonce": self.rs_current,
                },
            )
        return httpx.Response(200, json={"authorization": request.headers.get("authorization")})


def make_client(flavor: Flavor, server: DPoPServer, **kwargs: Any) -> Any:
    kwargs.setdefault("dpop", True)
    return flavor.oauth2_client(
        "client-1",
        "secret-1",
        token_endpoint=f"{AS}/token",
        authorization_endpoint=f"{AS}/authorize",
        transport=httpx.MockTransport(server.handle),
        **kwargs,
    )


def run(flavor: Flavor, server: DPoPServer, scenario: Callable[[Any], Any], **kwargs: Any) -> Any:
    async def main() -> Any:
        async with opened(make_client(flavor, server, **kwargs)) as client:
            return await scenario(client)

    return flavor.run(main)


def test_token_request_carries_a_proof(flavor: Flavor) -> None:
    server = DPoPServer()

    async def scenario(client: Any) -> Any:
        return await aw(client.fetch_token(grant_type="client_credentials"))

    token = run(flavor, server, scenario)
    assert token["token_type"] == "DPoP"
    header, claims = verify_proof(server.requests[0])
    assert header["typ"] == "dpop+jwt"
    assert header["alg"] == "ES256"
    assert "d" not in header["jwk"]
    assert claims["htm"] == "POST"
    assert claims["htu"] == f"{AS}/token"
    assert "ath" not in claims
    assert "nonce" not in claims
    assert isinstance(claims["jti"], str)
    assert len(claims["jti"]) >= 16


def test_authorization_server_nonce_is_answered_by_one_retry(flavor: Flavor) -> None:
    server = DPoPServer(as_nonces=["n-as-1"])

    async def scenario(client: Any) -> Any:
        return await aw(client.fetch_token(grant_type="client_credentials"))

    token = run(flavor, server, scenario)
    assert token["token_type"] == "DPoP"
    assert len(server.requests) == 2
    assert "nonce" not in server.claims[0]
    assert server.claims[1]["nonce"] == "n-as-1"
    assert server.claims[0]["jti"] != server.claims[1]["jti"]


def test_a_nonce_loop_is_bounded_to_one_retry(flavor: Flavor) -> None:
    server = DPoPServer(as_nonces=["n1", "n2", "n3"], always=True)

    async def scenario(client: Any) -> Any:
        with pytest.raises(OAuthError) as caught:
            await aw(client.fetch_token(grant_type="client_credentials"))
        return caught.value

    error = run(flavor, server, scenario)
    assert error.error == "use_dpop_nonce"
    assert len(server.requests) == 2


def test_the_nonce_is_reused_on_the_next_token_request(flavor: Flavor) -> None:
    server = DPoPServer(as_nonces=["n-as"])

    async def scenario(client: Any) -> Any:
        await aw(client.fetch_token(grant_type="client_credentials"))
        return await aw(client.refresh_token())

    run(flavor, server, scenario)
    assert len(server.requests) == 3  # challenge, token, refresh (no second challenge)
    refresh = server.claims[2]
    assert refresh["nonce"] == "n-as"
    assert b"grant_type=refresh_token" in server.requests[2].content


def test_resource_requests_present_the_token_with_ath(flavor: Flavor) -> None:
    server = DPoPServer()

    async def scenario(client: Any) -> Any:
        await aw(client.fetch_token(grant_type="client_credentials"))
        return await aw(client.get(f"{RS}/items?page=2#frag"))

    response = run(flavor, server, scenario)
    assert response.status_code == 200
    sent = server.requests[-1]
    access_token = sent.headers["Authorization"].removeprefix("DPoP ")
    assert sent.headers["Authorization"].startswith("DPoP at-")
    claims = server.claims[-1]
    assert claims["htm"] == "GET"
    assert claims["htu"] == f"{RS}/items"
    assert claims["ath"] == b64(hashlib.sha256(access_token.encode("ascii")).digest())


def test_resource_server_nonce_is_kept_apart_from_the_authorization_server_one(
    flavor: Flavor,
) -> None:
    server = DPoPServer(as_nonces=["n-as"], rs_nonces=["n-rs"])

    async def scenario(client: Any) -> Any:
        await aw(client.fetch_token(grant_type="client_credentials"))
        first = await aw(client.get(f"{RS}/a"))
        second = await aw(client.get(f"{RS}/b"))
        return first, second

    first, second = run(flavor, server, scenario)
    assert first.status_code == second.status_code == 200
    rs_claims = server.claims[2:]
    assert [c.get("nonce") for c in rs_claims] == [None, "n-rs", "n-rs"]
    assert len(server.requests) == 5
    jtis = [c["jti"] for c in server.claims]
    assert len(set(jtis)) == len(jtis)


def test_resource_server_nonce_retry_is_bounded(flavor: Flavor) -> None:
    server = DPoPServer(rs_nonces=["r1", "r2", "r3"], always=True)

    async def scenario(client: Any) -> Any:
        await aw(client.fetch_token(grant_type="client_credentials"))
        return await aw(client.get(f"{RS}/a"))

    response = run(flavor, server, scenario)
    assert response.status_code == 401
    assert len(server.requests) == 3  # token, resource, one retry


def test_a_bearer_token_is_presented_as_bearer_without_a_proof(flavor: Flavor) -> None:
    server = DPoPServer(token_type="Bearer")

    async def scenario(client: Any) -> Any:
        await aw(client.fetch_token(grant_type="client_credentials"))
        return await aw(client.get(f"{RS}/a"))

    run(flavor, server, scenario)
    sent = server.requests[-1]
    assert sent.headers["Authorization"].startswith("Bearer ")
    assert "DPoP" not in sent.headers


def test_a_dpop_token_without_a_key_is_refused(flavor: Flavor) -> None:
    server = DPoPServer()
    token = {"access_token": "at", "token_type": "DPoP", "expires_in": 3600}

    async def scenario(client: Any) -> Any:
        with pytest.raises(UnsupportedTokenTypeError):
            await aw(client.get(f"{RS}/a"))

    run(flavor, server, scenario, dpop=None, token=token)
    assert server.requests == []


def test_a_given_key_is_used_and_dpop_jkt_is_on_the_authorization_url() -> None:
    key = DPoPKey(RSAKey.generate_key(2048, private=True))
    server = DPoPServer()
    with make_client(Flavor("sync"), server, dpop=key) as client:
        assert client.dpop_key is key
        url, _ = client.create_authorization_url()
        client.fetch_token(grant_type="client_credentials")
    assert httpx.URL(url).params["dpop_jkt"] == key.thumbprint
    header, _ = verify_proof(server.requests[0])
    assert header["alg"] == "RS256"


def test_dpop_bound_access_tokens_metadata_turns_dpop_on() -> None:
    client = OAuth2Client("c", dpop_bound_access_tokens=True)
    assert client.dpop_key is not None
    assert client.dpop_key.alg == "ES256"
    assert "d=" not in repr(client.dpop_key)


def test_a_symmetric_dpop_key_is_refused_at_construction() -> None:
    with pytest.raises(ValueError, match="dpop"):
        OAuth2Client("c", dpop={"kty": "oct", "k": b64(b"0" * 32)})


def test_a_bearer_answer_is_refused_when_dpop_bound_tokens_were_registered(
    flavor: Flavor,
) -> None:
    server = DPoPServer(token_type="Bearer")

    async def scenario(client: Any) -> Any:
        with pytest.raises(TokenResponseError, match="not DPoP-bound"):
            await aw(client.fetch_token(grant_type="client_credentials"))
        return client.token

    assert run(flavor, server, scenario, dpop_bound_access_tokens=True) is None
    assert len(server.requests) == 1


def test_a_key_the_server_does_not_accept_is_refused_before_any_request(flavor: Flavor) -> None:
    server = DPoPServer()
    key = DPoPKey(RSAKey.generate_key(2048, private=True))

    async def scenario(client: Any) -> Any:
        with pytest.raises(ValueError, match="ES256, EdDSA, not RS256"):
            await aw(client.fetch_token(grant_type="client_credentials"))

    run(flavor, server, scenario, dpop=key, dpop_signing_alg_values_supported=["ES256", "EdDSA"])
    assert server.requests == []


def test_an_invalid_dpop_token_without_expiry_is_renewed_once(flavor: Flavor) -> None:
    server = DPoPServer()
    stale = {"access_token": "stale", "token_type": "DPoP", "refresh_token": "rt"}
    rejected: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.host == "api.test" and request.headers["Authorization"] == "DPoP stale":
            rejected.append(request.headers["DPoP"])
            return httpx.Response(
                401, headers={"WWW-Authenticate": 'DPoP error="invalid_token", algs="ES256"'}
            )
        return server.handle(request)

    async def main() -> Any:
        client = flavor.oauth2_client(
            "client-1",
            "secret-1",
            token=stale,
            dpop=True,
            token_endpoint=f"{AS}/token",
            transport=httpx.MockTransport(handle),
        )
        async with opened(client):
            return await aw(client.get(f"{RS}/a"))

    response = flavor.run(main)
    assert response.status_code == 200
    assert len(rejected) == 1
    refresh = [r for r in server.requests if r.url.host == "as.test"]
    assert len(refresh) == 1
    assert b"grant_type=refresh_token" in refresh[0].content
    assert server.requests[-1].headers["Authorization"].startswith("DPoP at-")
