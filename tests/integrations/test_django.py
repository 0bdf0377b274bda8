"""authwire.integrations.django with Django's own test client and a scripted provider."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from authwire.testing import FakeProvider
from tests.integrations.apps import django_app

django_app.configure()

from django.test import Client  # noqa: E402 - needs the settings above

APP = "http://testserver"


@pytest.fixture
def provider() -> FakeProvider:
    fake = FakeProvider()
    fake.token_responses.append(
        FakeProvider.token(access_token="user-access-token-1", expires_in=3600)
    )
    fake.resource = lambda request: __import__("httpx").Response(
        200, json={"sub": "u1", "authorization": request.headers.get("authorization")}
    )
    django_app.oauth.register(
        "op",
        overwrite=True,
        authorize_url=fake.authorization_endpoint,
        access_token_url=fake.token_endpoint,
        userinfo_endpoint=f"{fake.base_url}/userinfo",
        client_id="app",
        client_secret="app-secret-0123456789",
        client_kwargs={"transport": fake.transport()},
    )
    return fake


def _login(client: Client) -> dict[str, str]:
    response = client.get("/login")
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    return {name: values[0] for name, values in query.items()}


def test_sign_in_api_sign_out(provider: FakeProvider) -> None:
    client = Client()
    sent = _login(client)
    assert sent["redirect_uri"] == f"{APP}/auth"
    answer = client.get("/auth", {"code": "c-1", "state": sent["state"]})
    assert answer.status_code == 303
    assert provider.token_requests()[0].form["code"] == "c-1"
    assert b"user-access-token-1" not in client.cookies["sessionid"].value.encode()
    assert b"Signed in as" in client.get("/").content
    api = client.get("/api")
    assert b"Bearer user-access-token-1" in api.content
    bye = client.get("/logout")
    assert bye["Location"] == f"{APP}/logged-out"
    assert client.get("/api")["Location"] == "/login"


def test_replayed_forged_and_form_post(provider: FakeProvider) -> None:
    client = Client(enforce_csrf_checks=True)
    sent = _login(client)
    forged = client.get("/auth", {"code": "c", "state": "not-ours"})
    assert forged.status_code == 400
    assert b"mismatching_state" in forged.content
    assert provider.token_requests() == []
    # a form_post callback passes CSRF (the view is exempt) and reaches the token endpoint
    assert client.post("/auth", {"code": "c-post", "state": sent["state"]}).status_code == 303
    assert provider.token_requests()[0].form["code"] == "c-post"
    replay = client.post("/auth", {"code": "c-post", "state": sent["state"]})
    assert b"mismatching_state" in replay.content
    assert len(provider.token_requests()) == 1


def test_logout_without_sign_in_goes_home(provider: FakeProvider) -> None:
    client = Client()
    bye = client.get("/logout")
    assert bye.status_code == 302
    assert bye["Location"] == f"{APP}/logged-out"
    assert client.get("/api")["Location"] == "/login"
