"""The Notion plugin: every flow on the sync and async clients, and each quirk against a
plain ``OAuth2Client`` on the same emulator."""

from __future__ import annotations

import json

import pytest
from authwire_notion import (
    NOTION,
    async_fetch_bot_user,
    async_oauth2_client,
    fetch_bot_user,
    oauth2_client,
    workspace,
)

from authwire import OAuth2Client, OAuthError, TokenResponseError, providers
from authwire.testing import Flavor, aw, each_flavor, opened

from ._emulator import (
    CLIENT_ID,
    CLIENT_SECRET,
    ME_URL,
    REDIRECT,
    TOKEN_URL,
    WORKSPACE_FIELDS,
    Notion,
)


def client_for(flavor: Flavor, emu: Notion, **kwargs: object) -> object:
    make = flavor.pick(oauth2_client, async_oauth2_client)
    return make(
        CLIENT_ID, CLIENT_SECRET, redirect_uri=REDIRECT, transport=emu.transport(), **kwargs
    )


def plain_client(emu: Notion) -> OAuth2Client:
    return OAuth2Client(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        authorization_endpoint=NOTION.authorization_endpoint,
        token_endpoint=TOKEN_URL,
        token_endpoint_auth_method="client_secret_basic",
        redirect_uri=REDIRECT,
        transport=emu.transport(),
    )


def test_the_provider_is_registered() -> None:
    assert "notion" in providers.names()
    assert providers.get("notion") == NOTION
    assert set(NOTION.flows) >= {"authorization_code", "refresh_token"}
    assert all(q.url.startswith("https://developers.notion.com/") for q in NOTION.quirks)


@each_flavor
def test_sign_in_refresh_revoke_and_introspect(flavor: Flavor) -> None:
    emu = Notion()
    updates: list[dict[str, object]] = []

    async def scenario() -> None:
        client = client_for(flavor, emu, update_token=lambda t, **kw: updates.append(dict(t)))
        async with opened(client):
            url, _ = client.create_authorization_url()
            assert "owner=user" in url
            token = await aw(client.fetch_token(authorization_response=emu.approve(url).url))
            assert workspace(token).name == "Ada's Notion Workspace"
            assert "expires_at" not in token
            bot = await aw(flavor.pick(fetch_bot_user, async_fetch_bot_user)(client))
            assert bot["type"] == "bot"
            first_refresh = token["refresh_token"]
            new = await aw(client.refresh_token())
            assert new["refresh_token"] != first_refresh
            assert updates
            assert updates[-1]["access_token"] == new["access_token"]
            info = await aw(client.introspect_token(token=new["access_token"]))
            assert info.json()["active"] is True
            await aw(client.revoke_token(token=new["access_token"]))
            assert not emu.is_active(new["access_token"])

    flavor.run(scenario)
    code, refresh = emu.calls("authorization_code")[0], emu.calls("refresh_token")[0]
    assert code.auth_method == refresh.auth_method == "client_secret_basic"
    assert code.request.headers["content-type"] == "application/json"
    assert code.request.json["grant_type"] == "authorization_code"
    assert code.request.json["redirect_uri"] == REDIRECT
    assert "client_secret" not in code.request.json
    assert [r.headers["notion-version"] for r in emu.sent(ME_URL, "GET")] == ["2022-06-28"]


def test_from_provider_is_the_same_client() -> None:
    emu = Notion()
    with OAuth2Client.from_provider(
        "notion", client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uri=REDIRECT,
        transport=emu.transport(),
    ) as client:  # fmt: skip
        url, _ = client.create_authorization_url()
        token = client.fetch_token(authorization_response=emu.approve(url).url)
    assert token["bot_id"] == WORKSPACE_FIELDS["bot_id"]


# -- quirks: the plugin's client handles each one, a plain client does not ------------------


def test_quirk_json_token_body() -> None:
    emu = Notion()
    with oauth2_client(
        CLIENT_ID, CLIENT_SECRET, redirect_uri=REDIRECT, transport=emu.transport()
    ) as c:
        url, _ = c.create_authorization_url()
        assert c.fetch_token(authorization_response=emu.approve(url).url)["access_token"]
    with plain_client(emu) as plain:
        url, _ = plain.create_authorization_url()
        with pytest.raises(TokenResponseError) as caught:
            plain.fetch_token(authorization_response=emu.approve(url).url)
    # a form body: Notion cannot decode it (and the plain client cannot read the error)
    assert caught.value.status_code == 400
    assert emu.requests[-1].headers["content-type"].startswith("application/x-www-form-urlencoded")


def test_quirk_notion_error_objects() -> None:
    emu = Notion()
    with (
        oauth2_client(
            CLIENT_ID, CLIENT_SECRET, redirect_uri=REDIRECT, transport=emu.transport()
        ) as c,
        pytest.raises(OAuthError) as caught,
    ):
        c.fetch_token(code="not-a-code")
    assert caught.value.error == "invalid_grant"
    assert not isinstance(caught.value, TokenResponseError)
    # the same refusal, JSON-encoded by hand so only the error shape differs
    with plain_client(emu) as plain, pytest.raises(TokenResponseError) as plain_caught:
        plain.fetch_token(
            code="not-a-code",
            headers={"Content-Type": "application/json"},
            body=json.dumps({"grant_type": "authorization_code", "code": "not-a-code"}),
        )
    # Notion's code is lost: a generic "the token endpoint answered with an HTTP error"
    assert plain_caught.value.error == "invalid_token_response"
    assert plain_caught.value.status_code == 400


def test_quirk_notion_version_on_api_calls() -> None:
    emu = Notion()
    access = emu.issue_token(CLIENT_ID, lifetime=None)
    token = {"access_token": access, "token_type": "bearer"}
    with oauth2_client(CLIENT_ID, CLIENT_SECRET, token=token, transport=emu.transport()) as c:
        assert fetch_bot_user(c)["object"] == "user"
        # a caller's own version wins
        assert c.get(ME_URL, headers={"Notion-Version": "2025-09-03"}).status_code == 200
    assert emu.sent(ME_URL, "GET")[-1].headers["notion-version"] == "2025-09-03"
    with plain_client(emu) as plain:
        plain.token = token
        response = plain.get(ME_URL)
    assert response.status_code == 400
    assert response.json()["code"] == "missing_version"


def test_quirk_workspace_fields_and_no_expiry() -> None:
    emu = Notion()
    with oauth2_client(
        CLIENT_ID, CLIENT_SECRET, redirect_uri=REDIRECT, transport=emu.transport()
    ) as c:
        url, _ = c.create_authorization_url()
        token = c.fetch_token(authorization_response=emu.approve(url).url)
    ws = workspace(token)
    assert (ws.id, ws.bot_id) == (WORKSPACE_FIELDS["workspace_id"], WORKSPACE_FIELDS["bot_id"])
    assert ws.owner["type"] == "user"
    assert token.is_expired() is None  # no expires_in: never "expired" by the clock
    with pytest.raises(ValueError, match="workspace_id"):
        workspace({"access_token": "x"})
    with pytest.raises(TypeError):
        workspace("token")  # type: ignore[arg-type]


def test_quirk_rotating_refresh_token() -> None:
    emu = Notion()
    with oauth2_client(
        CLIENT_ID, CLIENT_SECRET, redirect_uri=REDIRECT, transport=emu.transport()
    ) as c:
        url, _ = c.create_authorization_url()
        first = c.fetch_token(authorization_response=emu.approve(url).url)
        c.refresh_token()
        # the old refresh token is disabled: using it again is Notion's invalid_grant
        with pytest.raises(OAuthError) as caught:
            c.refresh_token(refresh_token=first["refresh_token"])
    assert caught.value.error == "invalid_grant"
    with plain_client(emu) as plain:
        plain.token = dict(first)
        with pytest.raises(TokenResponseError):
            plain.refresh_token()  # form body: refused, and the error is unreadable
