"""Clients with a token store: the hot path, renewal through the store, lease, CAS, outages."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import anyio
import httpx
import pytest

from authwire import (
    AssertionClient,
    AsyncOAuth2Client,
    OAuth2Auth,
    OAuth2Client,
    TokenStoreConflictError,
    TokenStoreUnavailableError,
)
from authwire.stores import MemoryStore, default_token_key

from ._rotating import RotatingProvider
from .conftest import STORE_KINDS

TOKEN_ENDPOINT = "https://as.test/token"
API = "https://api.test/data"
MakeStore = Callable[..., Any]


class CountingStore:
    """A store that counts its calls and can be switched off (an outage)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.lease_ttl = inner.lease_ttl
        self.calls: list[str] = []
        self.down = False

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.inner, name)
        if not callable(method):
            return method

        def counted(*args: Any) -> Any:
            self.calls.append(name)
            if self.down:
                raise TokenStoreUnavailableError("down for the test", store="CountingStore")
            return method(*args)

        return counted

    def __repr__(self) -> str:
        return "CountingStore()"


def _client(provider: RotatingProvider, store: Any, **kwargs: Any) -> OAuth2Client:
    return OAuth2Client(
        "client-a",
        "secret-a",
        token_endpoint=TOKEN_ENDPOINT,
        token_store=store,
        transport=provider.transport(),
        **kwargs,
    )


def _expired(token: dict[str, Any]) -> dict[str, Any]:
    return {**token, "expires_at": int(time.time()) - 10}


def test_a_valid_token_in_memory_never_touches_the_store() -> None:
    provider = RotatingProvider()
    store = CountingStore(MemoryStore())
    with _client(provider, store, token=provider.grant()) as client:
        for _ in range(100):
            assert client.get(API).status_code == 200
    assert store.calls == []
    assert provider.token_requests == 0


@pytest.mark.parametrize("kind", STORE_KINDS)
def test_a_second_client_adopts_what_the_first_renewed(kind: str, make_store: MakeStore) -> None:
    provider = RotatingProvider()
    first_token = provider.grant()
    updates_a: list[Any] = []
    updates_b: list[Any] = []
    store_a, store_b = make_store(kind), make_store(kind)
    if kind == "memory":
        store_b = store_a  # one process: one store object
    a = _client(
        provider,
        store_a,
        token=_expired(first_token),
        update_token=lambda t, **kw: updates_a.append(t),
    )
    b = _client(
        provider,
        store_b,
        token=_expired(first_token),
        update_token=lambda t, **kw: updates_b.append(t),
    )
    with a, b:
        assert a.token_key == b.token_key
        assert a.get(API).status_code == 200
        assert provider.token_requests == 1
        # b holds the same expired token with a refresh token that is spent now: it must
        # read the store first, and never present the spent refresh token
        assert b.get(API).status_code == 200
        assert provider.token_requests == 1
        assert b.token is not None
        assert a.token is not None
        assert b.token["access_token"] == a.token["access_token"]
    assert len(updates_a) == 1
    assert updates_b == []  # update_token runs once per renewal, in the renewing client
    assert provider.reused == 0


@pytest.mark.parametrize("kind", STORE_KINDS)
def test_renewal_uses_the_stored_rotated_refresh_token(kind: str, make_store: MakeStore) -> None:
    provider = RotatingProvider()
    old = provider.grant()
    store = make_store(kind)
    # another process renewed and saved; its token has expired since
    renewed = provider.token(
        {"grant_type": "refresh_token", "refresh_token": old["refresh_token"]}
    )[1]
    store.save(default_token_key(TOKEN_ENDPOINT, "client-a"), _expired(renewed))
    with _client(provider, store, token=_expired(old)) as client:
        assert client.get(API).status_code == 200
    assert provider.invalid_grants == 0
    assert provider.token_requests == 2
    stored = store.load(default_token_key(TOKEN_ENDPOINT, "client-a"))
    assert stored is not None
    assert stored.token["refresh_token"] == provider.current_refresh


def test_a_client_without_a_token_starts_from_the_store() -> None:
    provider = RotatingProvider()
    store = MemoryStore()
    with _client(provider, store, token=provider.grant()) as first:
        first.refresh_token()  # an explicit refresh saves what it gets
        saved = store.load(first.token_key)
        assert saved is not None
        assert first.token is not None
        assert saved.token["access_token"] == first.token["access_token"]
    with _client(provider, store) as second:
        assert second.token is None
        assert second.get(API).status_code == 200
        assert second.token is not None
        assert second.token["access_token"] == saved.token["access_token"]
    assert provider.token_requests == 1


def test_fetch_token_saves_and_revocation_removes() -> None:
    store = MemoryStore()
    issued = {"access_token": "at-fetched-1", "refresh_token": "rt-fetched-1", "expires_in": 60}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/token":
            return httpx.Response(200, json={**issued, "token_type": "Bearer"})
        return httpx.Response(200)

    with OAuth2Client(
        "client-a",
        "secret-a",
        token_endpoint=TOKEN_ENDPOINT,
        revocation_endpoint="https://as.test/revoke",
        token_store=store,
        token_key="user:42",
        transport=httpx.MockTransport(handler),
    ) as client:
        client.fetch_token(grant_type="client_credentials")
        stored = store.load("user:42")
        assert stored is not None
        assert stored.token["access_token"] == "at-fetched-1"
        client.revoke_token()
        assert store.load("user:42") is None
        assert client.token is None


def test_revoking_another_token_keeps_the_held_one() -> None:
    store = MemoryStore()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200)

    held = {"access_token": "at-held-1", "refresh_token": "rt-held-1"}
    with OAuth2Client(
        "client-a",
        revocation_endpoint="https://as.test/revoke",
        token_endpoint=TOKEN_ENDPOINT,
        token=held,
        token_store=store,
        transport=httpx.MockTransport(handler),
    ) as client:
        store.save(client.token_key, held)
        client.revoke_token(token="some-other-token")
        assert client.token is not None
        assert store.load(client.token_key) is not None


def test_a_store_outage_is_typed_keeps_the_token_and_recovers() -> None:
    provider = RotatingProvider()
    store = CountingStore(MemoryStore())
    token = _expired(provider.grant())
    with _client(provider, store, token=token) as client:
        store.down = True
        with pytest.raises(TokenStoreUnavailableError, match="CountingStore"):
            client.get(API)
        assert client.token is not None
        assert client.token["refresh_token"] == token["refresh_token"]  # nothing lost
        assert provider.token_requests == 0  # no refresh without the lease
        store.down = False
        assert client.get(API).status_code == 200
    assert provider.token_requests == 1
    assert provider.invalid_grants == 0


def test_a_waiter_adopts_the_token_the_lease_holder_saves() -> None:
    provider = RotatingProvider()
    store = MemoryStore()
    token = provider.grant()
    key = default_token_key(TOKEN_ENDPOINT, "client-a")
    lease = store.acquire_lease(key)  # another process is renewing
    assert lease is not None

    def other_process() -> None:
        time.sleep(0.3)
        _, renewed = provider.token(
            {"grant_type": "refresh_token", "refresh_token": token["refresh_token"]}
        )
        assert store.compare_and_set(key, renewed, None, lease) is not None
        store.release_lease(lease)

    thread = threading.Thread(target=other_process)
    thread.start()
    with _client(provider, store, token=_expired(token)) as client:
        started = time.monotonic()
        assert client.get(API).status_code == 200
        waited = time.monotonic() - started
    thread.join(10)
    assert 0.2 < waited < 5
    assert provider.token_requests == 1  # the other process's only
    assert provider.invalid_grants == 0


def test_a_waiter_gives_up_at_its_pool_timeout() -> None:
    provider = RotatingProvider()
    store = MemoryStore()
    key = default_token_key(TOKEN_ENDPOINT, "client-a")
    assert store.acquire_lease(key) is not None  # held, and never released
    timeout = httpx.Timeout(5.0, pool=0.4)
    with _client(provider, store, token=_expired(provider.grant()), timeout=timeout) as client:
        started = time.monotonic()
        with pytest.raises(httpx.PoolTimeout, match="another process"):
            client.get(API)
        assert time.monotonic() - started < 3
    assert provider.token_requests == 0


def test_a_dead_holders_lease_expires_and_the_next_client_renews() -> None:
    provider = RotatingProvider()
    store = MemoryStore(lease_ttl=0.5)
    key = default_token_key(TOKEN_ENDPOINT, "client-a")
    assert store.acquire_lease(key) is not None  # its holder died without releasing
    with _client(provider, store, token=_expired(provider.grant())) as client:
        started = time.monotonic()
        assert client.get(API).status_code == 200
        assert 0.3 < time.monotonic() - started < 5
    assert provider.token_requests == 1


@pytest.mark.parametrize("successor_saves", [True, False])
def test_a_renewal_that_outlives_its_lease(successor_saves: bool) -> None:
    """The renewer stalls past lease_ttl; a successor takes the lease (and maybe saves)."""
    provider = RotatingProvider()
    store = MemoryStore(lease_ttl=0.2)
    key = default_token_key(TOKEN_ENDPOINT, "client-a")
    token = provider.grant()

    def stall(refresh_token: str) -> bool:
        time.sleep(0.4)  # past the lease
        successor = store.acquire_lease(key)
        assert successor is not None
        if successor_saves:
            fresh = {"access_token": "at-successor-1", "token_type": "Bearer", "expires_in": 60}
            provider.live_access["at-successor-1"] = time.time() + 60
            assert store.compare_and_set(key, fresh, None, successor) is not None
        return True

    provider.before_refresh = stall
    with _client(provider, store, token=_expired(token)) as client:
        if successor_saves:
            assert client.get(API).status_code == 200
            assert client.token is not None
            assert client.token["access_token"] == "at-successor-1"
        else:
            with pytest.raises(TokenStoreConflictError, match="lease_ttl"):
                client.get(API)
    stored = store.load(key)
    assert (stored is not None) == successor_saves


def test_a_token_the_api_refused_is_not_adopted_back_from_the_store() -> None:
    provider = RotatingProvider()
    store = MemoryStore()
    token = provider.grant()
    token.pop("expires_in")  # no expiry known: only a 401 tells
    store.save(default_token_key(TOKEN_ENDPOINT, "client-a"), token)
    provider.live_access.clear()  # the server revoked it
    with _client(provider, store, token=token) as client:
        assert client.get(API).status_code == 200
    assert provider.token_requests == 1


def test_two_assertion_clients_share_one_token() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    requests = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal requests
        if request.url.path == "/token":
            requests += 1
            return httpx.Response(
                200, json={"access_token": f"at-{requests:08d}", "expires_in": 3600}
            )
        return httpx.Response(200)

    store = MemoryStore()
    made = [
        AssertionClient(
            TOKEN_ENDPOINT,
            "svc@example.test",
            subject,
            key=key,
            token_store=store,
            transport=httpx.MockTransport(handler),
        )
        for subject in ("alice@example.test", "alice@example.test", "bob@example.test")
    ]
    for client in made:
        client.get(API)
        client.close()
    assert made[0].token_key == made[1].token_key != made[2].token_key
    assert requests == 2  # alice once, bob once


def test_default_keys_tell_clients_apart() -> None:
    keys = {
        default_token_key(TOKEN_ENDPOINT, "a"),
        default_token_key(TOKEN_ENDPOINT, "b"),
        default_token_key("https://other.test/token", "a"),
        default_token_key(TOKEN_ENDPOINT, "a", "alice"),
    }
    assert len(keys) == 4
    assert all(k.startswith("oauth2:") and len(k) == 39 for k in keys)
    auth = OAuth2Auth(client_id="a", token_store=MemoryStore(), token_endpoint=TOKEN_ENDPOINT)
    assert auth.token_key == default_token_key(TOKEN_ENDPOINT, "a")
    named = OAuth2Auth(client_id="a", token_store=MemoryStore(), token_key="mine")
    assert named.token_key == "mine"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"token_store": object()}, "token_store must be a token store"),
        ({"token_store": {}}, "token_store must be a token store"),
        ({"token_key": "k"}, "give token_store= too"),
        ({"token_store": MemoryStore(), "token_key": ""}, "token_key must be a non-empty str"),
        ({"token_store": MemoryStore(), "token_key": 42}, "token_key must be a non-empty str"),
    ],
)
def test_bad_store_arguments_are_refused_at_construction(
    kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        OAuth2Client("id", token_endpoint=TOKEN_ENDPOINT, **kwargs)


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
@pytest.mark.parametrize("kind", ["memory", "sqlite", "redis"])
def test_async_tasks_of_two_clients_renew_once(
    backend: str, kind: str, make_store: MakeStore
) -> None:
    provider = RotatingProvider()
    token = _expired(provider.grant())
    store_a = make_store(kind)
    store_b = store_a if kind == "memory" else make_store(kind)
    updates: list[Any] = []

    async def update(new: Any, **kwargs: Any) -> None:
        updates.append(new)

    async def main() -> None:
        clients = [
            AsyncOAuth2Client(
                "client-a",
                "secret-a",
                token_endpoint=TOKEN_ENDPOINT,
                token=token,
                token_store=store,
                update_token=update,
                transport=provider.transport(),
            )
            for store in (store_a, store_b)
        ]
        statuses: list[int] = []

        async def call(client: AsyncOAuth2Client) -> None:
            statuses.append((await client.get(API)).status_code)

        with anyio.fail_after(30):
            async with anyio.create_task_group() as tg:
                for i in range(100):
                    tg.start_soon(call, clients[i % 2])
        for client in clients:
            await client.aclose()
        for store in {id(s): s for s in (store_a, store_b)}.values():
            aclose = getattr(store, "aclose", None)
            if aclose is not None:
                await aclose()
        assert statuses == [200] * 100

    anyio.run(main, backend=backend)
    assert provider.token_requests == 1
    assert provider.invalid_grants == 0
    assert len(updates) == 1
