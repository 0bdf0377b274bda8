"""authwire.integrations.starlette with Starlette's own TestClient and a scripted provider."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from authwire import MismatchingStateError, MissingTokenError, OAuthError
from authwire.integrations import MAX_PENDING
from authwire.integrations.starlette import OAuth
from authwire.testing import FakeClock, FakeProvider

SECRET = "app-secret-0123456789"
APP = "http://testserver"


def _app(oauth: OAuth, *, sessions: bool = True) -> Starlette:
    async def login(request: Request) -> Response:
        return await oauth.op.authorize_redirect(request, f"{APP}/auth")

    async def auth(request: Request) -> Response:
        try:
            token = await oauth.op.authorize_access_token(request)
        except OAuthError as error:
            return JSONResponse({"refused": error.error, "why": error.description}, 400)
        return JSONResponse({"access_token": token["access_token"]})

    async def api(request: Request) -> Response:
        try:
            client = await oauth.op.user_client(request)
        except MissingTokenError:
            return JSONResponse({"signed_in": False}, 401)
        async with client:
            answer = await client.get("me")
        return JSONResponse(answer.json())

    async def logout(request: Request) -> Response:
        return await oauth.op.logout_redirect(request, f"{APP}/bye")

    middleware = [Middleware(SessionMiddleware, secret_key="k" * 32)] if sessions else []
    return Starlette(
        routes=[
            Route("/login", login),
            Route("/auth", auth, methods=["GET", "POST"]),
            Route("/api", api),
            Route("/logout", logout),
        ],
        middleware=middleware,
    )


@pytest.fixture
def provider() -> FakeProvider:
    fake = FakeProvider()
    fake.token_responses.append(
        FakeProvider.token(access_token="user-access-token-1", expires_in=3600)
    )
    return fake


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def oauth(provider: FakeProvider, clock: FakeClock) -> OAuth:
    registry = OAuth(clock=clock)
    registry.register(
        "op",
        authorize_url=provider.authorization_endpoint,
        access_token_url=provider.token_endpoint,
        api_base_url=f"{provider.base_url}/api/",
        client_id="app",
        client_secret=SECRET,
        client_kwargs={"scope": "profile", "transport": provider.transport()},
    )
    return registry


@pytest.fixture
def client(oauth: OAuth) -> Iterator[TestClient]:
    with TestClient(_app(oauth), base_url=APP, follow_redirects=False) as test_client:
        yield test_client


def _login(client: TestClient) -> dict[str, str]:
    response = client.get("/login")
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["location"]).query)
    return {name: values[0] for name, values in query.items()}


def test_sign_in_keeps_only_the_pending_request_in_the_session(
    client: TestClient, provider: FakeProvider, oauth: OAuth
) -> None:
    sent = _login(client)
    assert sent["redirect_uri"] == f"{APP}/auth"
    assert sent["code_challenge_method"] == "S256"
    assert sent["client_id"] == "app"

    answer = client.get("/auth", params={"code": "c-1", "state": sent["state"]})
    assert answer.status_code == 200
    assert answer.json() == {"access_token": "user-access-token-1"}
    form = provider.token_requests()[0].form
    assert form["code"] == "c-1"
    assert form["redirect_uri"] == f"{APP}/auth"
    assert len(form["code_verifier"]) >= 43
    # the session cookie (signed, readable) never carries the token
    assert "user-access-token-1" not in str(client.cookies.get("session"))

    me = client.get("/api")
    assert me.json() == {"authorization": "Bearer user-access-token-1"}
    assert provider.requests[-1].url == f"{provider.base_url}/api/me"


def test_replayed_and_forged_callbacks_are_refused(client: TestClient) -> None:
    sent = _login(client)
    assert client.get("/auth", params={"code": "c", "state": sent["state"]}).status_code == 200
    replay = client.get("/auth", params={"code": "c", "state": sent["state"]})
    assert replay.status_code == 400
    assert replay.json()["refused"] == "mismatching_state"

    _login(client)
    forged = client.get("/auth", params={"code": "c", "state": "not-ours"})
    assert forged.json()["refused"] == "mismatching_state"
    assert client.get("/auth", params={"code": "c"}).json()["refused"] == "mismatching_state"


def test_a_callback_in_another_browser_is_refused(oauth: OAuth) -> None:
    with TestClient(_app(oauth), base_url=APP, follow_redirects=False) as victim:
        sent = _login(victim)
    with TestClient(_app(oauth), base_url=APP, follow_redirects=False) as attacker:
        answer = attacker.get("/auth", params={"code": "c", "state": sent["state"]})
    assert answer.status_code == 400
    assert answer.json()["refused"] == "mismatching_state"


def test_two_logins_in_flight_both_complete(client: TestClient, provider: FakeProvider) -> None:
    first, second = _login(client), _login(client)
    assert first["state"] != second["state"]
    assert client.get("/auth", params={"code": "c2", "state": second["state"]}).status_code == 200
    assert client.get("/auth", params={"code": "c1", "state": first["state"]}).status_code == 200
    verifiers = [r.form["code_verifier"] for r in provider.token_requests()]
    assert len(set(verifiers)) == 2


def test_a_pending_request_expires(client: TestClient, clock: FakeClock, oauth: OAuth) -> None:
    sent = _login(client)
    clock.now += oauth.pending_ttl + 1
    answer = client.get("/auth", params={"code": "c", "state": sent["state"]})
    assert answer.status_code == 400
    assert "expired" in answer.json()["why"]


def test_only_the_newest_logins_are_kept(client: TestClient, clock: FakeClock) -> None:
    states = []
    for _ in range(MAX_PENDING + 1):
        states.append(_login(client)["state"])
        clock.now += 1
    oldest = client.get("/auth", params={"code": "c", "state": states[0]})
    assert oldest.json()["refused"] == "mismatching_state"
    assert client.get("/auth", params={"code": "c", "state": states[-1]}).status_code == 200


def test_form_post_callback(client: TestClient, provider: FakeProvider) -> None:
    sent = _login(client)
    answer = client.post("/auth", data={"code": "c-post", "state": sent["state"]})
    assert answer.status_code == 200
    assert provider.token_requests()[0].form["code"] == "c-post"


def test_provider_error_consumes_the_pending_request(client: TestClient) -> None:
    sent = _login(client)
    denied = client.get("/auth", params={"error": "access_denied", "state": sent["state"]})
    assert denied.json()["refused"] == "access_denied"
    again = client.get("/auth", params={"code": "c", "state": sent["state"]})
    assert again.json()["refused"] == "mismatching_state"


def test_sign_out_drops_the_users_tokens(client: TestClient, oauth: OAuth) -> None:
    sent = _login(client)
    client.get("/auth", params={"code": "c", "state": sent["state"]})
    assert client.get("/api").status_code == 200
    bye = client.get("/logout")
    assert bye.status_code == 302
    assert bye.headers["location"] == f"{APP}/bye"  # no end_session_endpoint: straight back
    assert client.get("/api").status_code == 401
    assert repr(oauth.token_store) == "MemoryStore(0 tokens)"


def test_a_users_token_is_renewed_once_and_kept_for_the_next_request(
    client: TestClient, provider: FakeProvider, oauth: OAuth
) -> None:
    provider.token_responses[:] = [
        FakeProvider.token(access_token="at-signed-in-1", refresh_token="rt-1", expires_at=1),
        FakeProvider.token(access_token="at-renewed-22", refresh_token="rt-2", expires_in=3600),
    ]
    sent = _login(client)
    client.get("/auth", params={"code": "c", "state": sent["state"]})
    assert repr(oauth.token_store) == "MemoryStore(1 tokens)"
    # each request builds its own per-user client: the second finds the renewed token in
    # the store instead of refreshing again with a spent refresh token
    for _ in range(3):
        assert client.get("/api").json() == {"authorization": "Bearer at-renewed-22"}
    refreshes = [r for r in provider.token_requests() if r.form["grant_type"] == "refresh_token"]
    assert [r.form["refresh_token"] for r in refreshes] == ["rt-1"]


def test_without_session_middleware_the_error_says_so(oauth: OAuth) -> None:
    with (
        TestClient(_app(oauth, sessions=False), base_url=APP) as no_sessions,
        pytest.raises(RuntimeError, match="SessionMiddleware"),
    ):
        no_sessions.get("/login")


def test_registration_is_checked_at_once(provider: FakeProvider) -> None:
    oauth = OAuth()
    with pytest.raises(ValueError, match="identifier"):
        oauth.register("not a name", client_id="x")
    with pytest.raises(TypeError, match="scopes"):
        oauth.register(
            "op",
            authorize_url="https://op.test/a",
            access_token_url="https://op.test/t",
            scopes="x",
        )
    with pytest.raises(LookupError, match="no provider named 'op'"):  # nor a plugin called so
        oauth.register("op", client_id="x")
    with pytest.raises(ValueError, match="server_metadata_url"):
        oauth.register("op", server_metadata_url="https://op.test/metadata.json")
    oauth.register("op", authorize_url="https://op.test/a", access_token_url="https://op.test/t")
    with pytest.raises(ValueError, match="already registered"):
        oauth.register("op", authorize_url="https://op.test/a")
    assert oauth.create_client("op") is oauth.op
    assert oauth.create_client("nope") is None
    with pytest.raises(AttributeError, match="nope"):
        oauth.nope  # noqa: B018


def test_session_tampering_is_ignored(oauth: OAuth) -> None:
    from authwire.integrations import _pending

    session: dict[str, Any] = {"_authwire_pending:op": {"s": "not-a-dict", 3: {}}}
    with pytest.raises(MismatchingStateError):
        _pending.take_pending(session, "op", "s", now=0)
    assert "_authwire_pending:op" not in session
