"""AssertionClient and AsyncAssertionClient over MockTransport, on every client flavor.

The JWT-bearer grant (RFC 7523 §2.1) as a Google-style service account uses it: the client
signs an assertion, trades it for a token on first use, and signs a new one on expiry.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import anyio
import anyio.lowlevel
import httpx
import pytest
from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from joserfc import jwt
from joserfc.jwk import RSAKey

from authwire import AssertionClient, AsyncAssertionClient
from authwire.rfc7523 import JWT_BEARER_GRANT_TYPE, PrivateKeyJWT
from authwire.testing import FakeProvider, RecordedRequest

from .conftest import Flavor, aw, opened

SCOPE = "https://www.googleapis.com/auth/cloud-platform"
RESOURCE = "https://api.test/v1/things"

_RSA = rsa.generate_private_key(public_exponent=65537, key_size=2048)
RSA_PEM = _RSA.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.PKCS8, ser.NoEncryption()).decode(
    "ascii"
)
RSA_PUBLIC_PEM = _RSA.public_key().public_bytes(
    ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo
)
RSA_ENCRYPTED_PEM = _RSA.private_bytes(
    ser.Encoding.PEM,
    ser.PrivateFormat.PKCS8,
    ser.BestAvailableEncryption(b"correct horse battery staple"),
)
EC_PEM = ec.generate_private_key(ec.SECP256R1()).private_bytes(
    ser.Encoding.PEM, ser.PrivateFormat.PKCS8, ser.NoEncryption()
)
# the base64 body of the private key: what must never show in a repr or an error
RSA_KEY_BODY = "".join(RSA_PEM.splitlines()[1:-1])


def service_account_json(provider: FakeProvider) -> dict[str, Any]:
    """A key file shaped like the JSON a Google Cloud console hands out (fields we read)."""
    return {
        "type": "service_account",
        "project_id": "authwire-tests",
        "private_key_id": "0123456789abcdef0123456789abcdef01234567",
        "private_key": RSA_PEM,
        "client_email": "robot@authwire-tests.iam.gserviceaccount.com",
        "client_id": "112233445566778899",
        "token_uri": provider.token_endpoint,
    }


def google_client(flavor: Flavor, provider: FakeProvider, **kwargs: Any) -> Any:
    """The client as the seed's Google example builds it, from the key file's fields."""
    conf = service_account_json(provider)
    token_uri = conf["token_uri"]
    kwargs.setdefault("subject", None)
    return flavor.assertion_client(
        token_endpoint=token_uri,
        issuer=conf["client_email"],
        audience=token_uri,
        claims={"scope": SCOPE},
        key=conf["private_key"],
        header={"alg": "RS256", "kid": conf["private_key_id"]},
        transport=provider.transport(),
        **kwargs,
    )


def decode(sent: RecordedRequest) -> jwt.Token:
    """The assertion of a token request, verified with the service account's public key."""
    return jwt.decode(sent.form["assertion"], RSAKey.import_key(RSA_PUBLIC_PEM))


def bearer_of(response: httpx.Response) -> str:
    value: str = response.json()["authorization"]
    return value


# -- the assertion ---------------------------------------------------------------------------


@pytest.mark.parametrize("subject", [None, "alice@example.com"])
def test_google_service_account_assertion(
    flavor: Flavor, provider: FakeProvider, subject: str | None
) -> None:
    provider.token_responses.append(FakeProvider.token(access_token="ya29.t1", expires_in=3600))
    conf = service_account_json(provider)

    async def scenario() -> None:
        async with opened(google_client(flavor, provider, subject=subject)) as client:
            assert bearer_of(await aw(client.get(RESOURCE))) == "Bearer ya29.t1"

    flavor.run(scenario)
    [sent] = provider.token_requests()
    assert sent.url == conf["token_uri"]
    assert sent.form["grant_type"] == JWT_BEARER_GRANT_TYPE
    assert set(sent.form) == {"grant_type", "assertion"}  # Google wants nothing more
    assert "authorization" not in sent.headers
    token = decode(sent)
    assert token.header == {"alg": "RS256", "kid": conf["private_key_id"], "typ": "JWT"}
    claims = token.claims
    assert claims["iss"] == conf["client_email"]
    assert claims["aud"] == conf["token_uri"]
    assert claims["scope"] == SCOPE
    assert isinstance(claims["iat"], int)
    assert claims["iat"] < claims["exp"] <= claims["iat"] + 3600
    assert isinstance(claims["jti"], str)
    assert len(claims["jti"]) >= 16
    if subject is None:
        assert "sub" not in claims
    else:
        assert claims["sub"] == subject  # domain-wide delegation: act for this user


# -- the token's life cycle ------------------------------------------------------------------


def test_fetched_on_first_use_and_refetched_on_expiry_with_a_new_jti(
    flavor: Flavor, provider: FakeProvider
) -> None:
    seen: list[tuple[str, str, dict[str, Any]]] = []

    def sync_update(token: dict[str, Any], **kw: Any) -> None:
        seen.append(("sync", token["access_token"], kw))

    async def async_update(token: dict[str, Any], **kw: Any) -> None:
        await anyio.lowlevel.checkpoint()
        seen.append(("async", token["access_token"], kw))

    # a sync callback works on both clients; a coroutine function on the async one
    callbacks: list[Callable[..., Any]] = flavor.pick([sync_update], [sync_update, async_update])

    async def scenario() -> None:
        for update_token in callbacks:
            provider.token_responses[:] = [
                FakeProvider.token(access_token="at1", expires_in=3600),
                FakeProvider.token(access_token="at2", expires_in=3600),
            ]
            async with opened(google_client(flavor, provider, update_token=update_token)) as client:
                assert client.token is None
                assert bearer_of(await aw(client.get(RESOURCE))) == "Bearer at1"
                assert bearer_of(await aw(client.post(RESOURCE, json={}))) == "Bearer at1"
                client.token["expires_at"] = 1  # time passes
                assert bearer_of(await aw(client.get(RESOURCE))) == "Bearer at2"
                assert client.token["access_token"] == "at2"

    flavor.run(scenario)
    kinds = [kind.__name__.split("_")[0] for kind in callbacks]
    assert seen == [
        entry
        for kind in kinds
        for entry in (
            (kind, "at1", {"access_token": None}),
            (kind, "at2", {"access_token": "at1"}),  # the old token, to find it in storage
        )
    ]
    sent = provider.token_requests()
    assert len(sent) == 2 * len(callbacks)
    jtis = [decode(request).claims["jti"] for request in sent]
    assert len(set(jtis)) == len(jtis)


def test_stream_is_authorised(flavor: Flavor, provider: FakeProvider) -> None:
    provider.token_responses.append(FakeProvider.token(access_token="at", expires_in=3600))

    async def scenario() -> None:
        async with opened(google_client(flavor, provider)) as client:
            if flavor.is_async:
                async with client.stream("GET", RESOURCE) as response:
                    body = await response.aread()
            else:
                with client.stream("GET", RESOURCE) as response:
                    body = response.read()
            assert json.loads(body) == {"authorization": "Bearer at"}

    flavor.run(scenario)
    assert len(provider.token_requests()) == 1


def test_scope_and_client_id_are_sent_as_parameters(flavor: Flavor, provider: FakeProvider) -> None:
    provider.token_responses.append(FakeProvider.token(access_token="at", expires_in=3600))

    async def scenario() -> None:
        async with opened(
            flavor.assertion_client(
                token_endpoint=provider.token_endpoint,
                issuer="robot@example.com",
                subject="robot@example.com",
                scope=["api:read", "api:write"],
                client_id="robot-client",
                key=RSA_PEM,
                transport=provider.transport(),
            )
        ) as client:
            await aw(client.get(RESOURCE))
            # fetch_token() is also there, and takes only the URL
            await aw(client.fetch_token())
            with pytest.raises(TypeError, match="grant_type"):
                await aw(client.fetch_token(grant_type="client_credentials"))

    flavor.run(scenario)
    first, second = provider.token_requests()
    for sent in (first, second):
        assert sent.form["grant_type"] == JWT_BEARER_GRANT_TYPE
        assert sent.form["scope"] == "api:read api:write"
        assert sent.form["client_id"] == "robot-client"
        assert "authorization" not in sent.headers
    claims = decode(first).claims
    assert claims["aud"] == provider.token_endpoint  # the default audience
    assert claims["sub"] == "robot@example.com"
    assert "scope" not in claims
    assert decode(first).header["alg"] == "RS256"  # inferred from the RSA key


# -- single flight ---------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_100_tasks_without_a_token_cause_one_token_request(backend: str) -> None:
    token_requests = 0
    updates: list[dict[str, Any]] = []

    async def main() -> list[str]:
        token_started = anyio.Event()
        others_progressed = anyio.Event()

        async def handler(request: httpx.Request) -> httpx.Response:
            nonlocal token_requests
            if request.url.path == "/token":
                token_requests += 1
                token_started.set()
                await others_progressed.wait()  # in flight until the crowd has queued
                return FakeProvider.token(access_token="shared", expires_in=3600)
            return httpx.Response(200, text=request.headers["authorization"])

        async def bystander() -> None:
            await token_started.wait()
            for _ in range(50):
                await anyio.lowlevel.checkpoint()
            others_progressed.set()

        results: list[str] = []
        async with AsyncAssertionClient(
            token_endpoint="https://as.test/token",
            issuer="robot@example.com",
            subject=None,
            key=RSA_PEM,
            update_token=lambda token, **kw: updates.append(kw),
            transport=httpx.MockTransport(handler),
        ) as client:

            async def call() -> None:
                results.append((await client.get(RESOURCE)).text)

            with anyio.fail_after(60):
                async with anyio.create_task_group() as tg:
                    tg.start_soon(bystander)
                    for _ in range(100):
                        tg.start_soon(call)
        return results

    results = anyio.run(main, backend=backend)
    assert results == ["Bearer shared"] * 100
    assert token_requests == 1
    assert updates == [{"access_token": None}]


def test_16_threads_without_a_token_cause_one_token_request() -> None:
    lock = threading.Lock()
    token_requests = 0
    barrier = threading.Barrier(16, timeout=30)
    release = threading.Event()

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal token_requests
        if request.url.path == "/token":
            with lock:
                token_requests += 1
            release.wait(timeout=0.5)  # hold the token request while the threads pile up
            return FakeProvider.token(access_token="shared", expires_in=3600)
        return httpx.Response(200, text=request.headers["authorization"])

    with AssertionClient(
        token_endpoint="https://as.test/token",
        issuer="robot@example.com",
        subject=None,
        key=RSA_PEM,
        transport=httpx.MockTransport(handler),
    ) as client:

        def call() -> str:
            barrier.wait()
            return client.get(RESOURCE).text

        with ThreadPoolExecutor(16) as pool:
            results = list(pool.map(lambda _: call(), range(16)))
    assert results == ["Bearer shared"] * 16
    assert token_requests == 1


# -- bad input fails early -------------------------------------------------------------------


@dataclass(frozen=True)
class BadKey:
    key: Any
    alg: str | None
    message: str  # a fragment of the ValueError's message


BAD_KEYS = {
    "bare string, alg unknowable": BadKey("not a key", None, "neither PEM nor a JWK"),
    "unknown alg": BadKey(RSA_PEM, "RS257", "unknown"),
    "EC key with RS256": BadKey(EC_PEM, "RS256", "does not match"),
    "encrypted PEM without password": BadKey(RSA_ENCRYPTED_PEM, None, "encrypted"),
    "public key PEM": BadKey(RSA_PUBLIC_PEM, None, "public key"),
}


@pytest.mark.parametrize("bad", BAD_KEYS.values(), ids=BAD_KEYS.keys())
def test_bad_key_or_alg_fails_at_construction(
    flavor: Flavor, provider: FakeProvider, bad: BadKey
) -> None:
    async def scenario() -> None:
        header = {"kid": "k1"} if bad.alg is None else {"alg": bad.alg, "kid": "k1"}
        with pytest.raises(ValueError, match=bad.message) as info:
            flavor.assertion_client(
                token_endpoint=provider.token_endpoint,
                issuer="robot@example.com",
                subject=None,
                key=bad.key,
                header=header,
                transport=provider.transport(),
            )
        assert "PRIVATE KEY" not in str(info.value)
        assert RSA_KEY_BODY[:40] not in str(info.value)
        # alg= is the other way to name the algorithm
        if bad.alg is not None:
            with pytest.raises(ValueError, match=bad.message):
                flavor.assertion_client(
                    token_endpoint=provider.token_endpoint,
                    issuer="robot@example.com",
                    subject=None,
                    key=bad.key,
                    alg=bad.alg,
                )

    flavor.run(scenario)
    assert provider.requests == []


@pytest.mark.parametrize("bad", BAD_KEYS.values(), ids=BAD_KEYS.keys())
def test_bad_private_key_jwt_key_fails_at_registration(
    flavor: Flavor, provider: FakeProvider, bad: BadKey
) -> None:
    async def scenario() -> None:
        async with opened(
            flavor.oauth2_client(
                "client-1",
                bad.key,
                token_endpoint_auth_method="private_key_jwt",
                token_endpoint=provider.token_endpoint,
                transport=provider.transport(),
            )
        ) as client:
            with pytest.raises(ValueError, match=bad.message):
                client.register_client_auth_method(
                    PrivateKeyJWT(provider.token_endpoint, alg=bad.alg)
                )

    flavor.run(scenario)
    assert provider.requests == []


@pytest.mark.parametrize("claim", ["jti", "iat", "exp"])
def test_claims_cannot_fix_a_per_assertion_claim(flavor: Flavor, claim: str) -> None:
    # a fixed jti is a replay on the second fetch; a fixed exp goes stale
    async def scenario() -> None:
        with pytest.raises(ValueError, match=f"must not fix {claim}"):
            flavor.assertion_client(
                token_endpoint="https://as.test/token",
                issuer="robot@example.com",
                subject=None,
                claims={"scope": SCOPE, claim: 1},
                key=RSA_PEM,
            )

    flavor.run(scenario)


def test_encrypted_pem_with_its_password_works(flavor: Flavor, provider: FakeProvider) -> None:
    provider.token_responses.append(FakeProvider.token(access_token="at", expires_in=3600))

    async def scenario() -> None:
        async with opened(
            flavor.assertion_client(
                token_endpoint=provider.token_endpoint,
                issuer="robot@example.com",
                subject=None,
                key=RSA_ENCRYPTED_PEM,
                password="correct horse battery staple",
                transport=provider.transport(),
            )
        ) as client:
            assert bearer_of(await aw(client.get(RESOURCE))) == "Bearer at"

    flavor.run(scenario)
    assert decode(provider.token_requests()[0]).claims["iss"] == "robot@example.com"


def test_misspelt_argument_is_refused(flavor: Flavor, provider: FakeProvider) -> None:
    async def scenario() -> None:
        with pytest.raises(TypeError, match="tokn_endpoint"):
            flavor.assertion_client(
                token_endpoint=provider.token_endpoint,
                issuer="robot@example.com",
                subject=None,
                key=RSA_PEM,
                tokn_endpoint=provider.token_endpoint,
            )

    flavor.run(scenario)


def test_coroutine_update_token_is_refused_on_the_sync_client() -> None:
    async def update_token(token: Any, **kw: Any) -> None:
        return None

    with pytest.raises(TypeError, match="coroutine function"):
        AssertionClient(
            token_endpoint="https://as.test/token",
            issuer="robot@example.com",
            subject=None,
            key=RSA_PEM,
            update_token=update_token,
        )


# -- no key material shown -------------------------------------------------------------------


def test_repr_shows_no_key_material(flavor: Flavor, provider: FakeProvider) -> None:
    provider.token_responses.append(FakeProvider.token(access_token="at-secret-1234"))

    async def scenario() -> None:
        async with opened(google_client(flavor, provider)) as client:
            await aw(client.get(RESOURCE))
            shown = [repr(client), str(client), repr(client.oauth), repr(client.token)]
            for text in shown:
                assert RSA_KEY_BODY[:40] not in text
                assert RSA_KEY_BODY[-40:] not in text
                assert "PRIVATE KEY" not in text
                assert "at-secret-1234" not in text
            assert "robot@authwire-tests.iam.gserviceaccount.com" in repr(client)
            assert "RS256" in repr(client)

    flavor.run(scenario)


def test_oauth2_client_with_private_key_jwt_repr(flavor: Flavor, provider: FakeProvider) -> None:
    async def scenario() -> None:
        async with opened(
            flavor.oauth2_client(
                "client-1",
                RSA_PEM,
                token_endpoint_auth_method="private_key_jwt",
                transport=provider.transport(),
            )
        ) as client:
            method = PrivateKeyJWT(provider.token_endpoint)
            client.register_client_auth_method(method)
            for text in (repr(client), repr(client.oauth), repr(method)):
                assert RSA_KEY_BODY[:40] not in text
                assert "PRIVATE KEY" not in text

    flavor.run(scenario)


@pytest.mark.parametrize("cls", [AssertionClient, AsyncAssertionClient])
def test_from_issuer_is_refused_naming_the_token_endpoint(cls: Any) -> None:
    """The OAuth 2 clients' ``from_issuer(issuer, client_id, ...)`` would put the client id
    where an assertion client takes its token endpoint: refused before anything is sent."""
    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500)

    with pytest.raises(TypeError, match=r"from_issuer\(\) is not supported.*token_endpoint"):
        cls.from_issuer(
            "https://as.example",
            "client-1",
            subject="user",
            key="irrelevant",
            transport=httpx.MockTransport(record),
        )
    assert sent == []
