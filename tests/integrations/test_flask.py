"""authwire.integrations.flask with Flask's own test client and a scripted provider."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from authwire import MissingTokenError, OAuthError
from authwire.integrations.flask import OAuth
from authwire.testing import FakeClock, FakeProvider

APP = "http://localhost"


def _app(provider: FakeProvider, clock: FakeClock) -> tuple[Flask, OAuth]:
    oauth = OAuth(clock=clock)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY="k" * 32, OP_CLIENT_ID="app", OP_CLIENT_SECRET="app-secret-0123456789"
    )
    oauth.init_app(app)
    oauth.register(
        "op",
        authorize_url=provider.authorization_endpoint,
        access_token_url=provider.token_endpoint,
        api_base_url=f"{provider.base_url}/api/",
        client_kwargs={"transport": provider.transport()},
    )

    @app.get("/login")
    def login() -> Any:
        return oauth.op.authorize_redirect(f"{APP}/auth")

    @app.route("/auth", methods=["GET", "POST"])
    def auth() -> Any:
        try:
            token = oauth.op.authorize_access_token()
        except OAuthError as error:
            return {"refused": error.error, "why": error.description}, 400
        return {"access_token": token["access_token"]}

    @app.get("/api")
    def api() -> Any:
        try:
            client = oauth.op.user_client()
        except MissingTokenError:
            return {"signed_in": False}, 401
        with client:
            return client.get("me").json()

    @app.get("/logout")
    def logout() -> Any:
        return oauth.op.logout_redirect(f"{APP}/bye")

    return app, oauth


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
def client(provider: FakeProvider, clock: FakeClock) -> FlaskClient:
    app, _ = _app(provider, clock)
    return app.test_client()


def _login(client: FlaskClient) -> dict[str, str]:
    response = client.get("/login")
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["location"]).query)
    return {name: values[0] for name, values in query.items()}


def test_sign_in_with_values_from_the_app_config(
    client: FlaskClient, provider: FakeProvider
) -> None:
    sent = _login(client)
    assert sent["client_id"] == "app"  # OP_CLIENT_ID
    answer = client.get("/auth", query_string={"code": "c-1", "state": sent["state"]})
    assert answer.json == {"access_token": "user-access-token-1"}
    assert provider.token_requests()[0].headers["authorization"].startswith("Basic ")
    assert client.get("/api").json == {"authorization": "Bearer user-access-token-1"}
    cookie = client.get_cookie("session")
    assert cookie is not None
    assert "user-access-token-1" not in cookie.value


def test_replayed_and_forged_callbacks_are_refused(client: FlaskClient) -> None:
    sent = _login(client)
    assert (
        client.get("/auth", query_string={"code": "c", "state": sent["state"]}).status_code == 200
    )
    replay = client.get("/auth", query_string={"code": "c", "state": sent["state"]})
    assert replay.status_code == 400
    assert replay.json is not None
    assert replay.json["refused"] == "mismatching_state"
    forged = client.get("/auth", query_string={"code": "c", "state": "not-ours"})
    assert forged.json is not None
    assert forged.json["refused"] == "mismatching_state"


def test_two_logins_in_flight_and_form_post(client: FlaskClient) -> None:
    first, second = _login(client), _login(client)
    assert client.post("/auth", data={"code": "c2", "state": second["state"]}).status_code == 200
    assert (
        client.get("/auth", query_string={"code": "c1", "state": first["state"]}).status_code == 200
    )


def test_expiry(client: FlaskClient, clock: FakeClock) -> None:
    sent = _login(client)
    clock.now += 601
    answer = client.get("/auth", query_string={"code": "c", "state": sent["state"]})
    assert answer.json is not None
    assert "expired" in answer.json["why"]


def test_sign_out(client: FlaskClient) -> None:
    sent = _login(client)
    client.get("/auth", query_string={"code": "c", "state": sent["state"]})
    bye = client.get("/logout")
    assert bye.headers["location"] == f"{APP}/bye"
    assert client.get("/api").status_code == 401
