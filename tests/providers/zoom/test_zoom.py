"""The Zoom plugin: user OAuth with rotating refresh and the Server-to-Server
``account_credentials`` grant, on both clients; each quirk against a plain client."""

from __future__ import annotations

from typing import Any

import pytest
from authwire_zoom import (
    ZOOM,
    ZOOM_S2S,
    account_credentials,
    async_oauth2_client,
    async_server_to_server_client,
    oauth2_client,
    server_to_server_client,
)

from authwire import OAuth2Client, OAuthError, providers
from authwire.testing import FakeClock, Flavor, aw, each_flavor, opened

from ._emulator import ACCOUNT_ID, CLIENT_ID, CLIENT_SECRET, ME_URL, REDIRECT, TOKEN_URL, Zoom


def plain_client(emu: Zoom, **kwargs: Any) -> OAuth2Client:
    return OAuth2Client(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        token_endpoint=TOKEN_URL,
        token_endpoint_auth_method="client_secret_basic",
        transport=emu.transport(),
        **kwargs,
    )


def test_the_provider_is_registered() -> None:
    assert providers.get("zoom") == ZOOM
    assert "account_credentials" in ZOOM.flows
    with pytest.raises(ValueError, match="account_id"):
        account_credentials(" ")


@each_flavor
def test_user_oauth_with_rotating_refresh(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = Zoom(clock=clock)
    seen: list[str] = []

    async def scenario() -> None:
        make = flavor.pick(oauth2_client, async_oauth2_client)
        client = make(
            CLIENT_ID, CLIENT_SECRET, redirect_uri=REDIRECT, transport=emu.transport(),
            update_token=lambda token, **_: seen.append(token["refresh_token"]),
        )  # fmt: skip
        client.oauth.clock = clock
        async with opened(client):
            url, _ = client.create_authorization_url()
            token = await aw(client.fetch_token(authorization_response=emu.approve(url).url))
            clock.advance(3600)
            assert (await aw(client.get(ME_URL))).status_code == 200
            await aw(client.revoke_token())
        assert seen
        assert seen[-1] != token["refresh_token"]

    flavor.run(scenario)
    [code] = emu.calls("authorization_code")
    assert (code.auth_method, code.pkce) == ("client_secret_basic", "S256")


@each_flavor
def test_server_to_server(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = Zoom(clock=clock)

    async def scenario() -> None:
        make = flavor.pick(server_to_server_client, async_server_to_server_client)
        client = make(CLIENT_ID, CLIENT_SECRET, account_id=ACCOUNT_ID, transport=emu.transport())
        client.oauth.clock = clock
        async with opened(client):
            assert (await aw(client.get(ME_URL))).json()["id"] == ACCOUNT_ID
            clock.advance(3600)  # no refresh token: the grant runs again
            assert (await aw(client.get(ME_URL))).status_code == 200

    flavor.run(scenario)
    calls = emu.calls("account_credentials")
    assert [c.outcome for c in calls] == ["issued", "issued"]
    assert calls[0].params["account_id"] == ACCOUNT_ID
    assert calls[0].auth_method == "client_secret_basic"


# -- quirks ------------------------------------------------------------------------------


def test_quirk_account_credentials_grant() -> None:
    emu = Zoom()
    with server_to_server_client(
        CLIENT_ID, CLIENT_SECRET, account_id=ACCOUNT_ID, transport=emu.transport()
    ) as client:
        assert client.fetch_token()["access_token"]
    # the standard server-to-server grant is not Zoom's
    with plain_client(emu) as plain, pytest.raises(OAuthError) as caught:
        plain.fetch_token(grant_type="client_credentials", account_id=ACCOUNT_ID)
    assert caught.value.error == "unsupported_grant_type"


def test_quirk_reason_is_the_description() -> None:
    emu = Zoom()
    with (
        oauth2_client(
            CLIENT_ID, CLIENT_SECRET, redirect_uri=REDIRECT, transport=emu.transport()
        ) as c,
        pytest.raises(OAuthError) as caught,
    ):
        c.fetch_token(code="used-code")
    assert (caught.value.error, caught.value.description) == (
        "invalid_grant",
        "Invalid authorization code",
    )
    with plain_client(emu) as plain, pytest.raises(OAuthError) as plain_caught:
        plain.fetch_token(code="used-code")
    assert plain_caught.value.error == "invalid_grant"
    assert plain_caught.value.description is None  # Zoom's reason is dropped


def test_quirk_basic_auth_only() -> None:
    emu = Zoom()
    with server_to_server_client(
        CLIENT_ID, CLIENT_SECRET, account_id=ACCOUNT_ID, transport=emu.transport()
    ) as client:
        client.fetch_token()
    assert emu.calls()[-1].request.basic_auth == (CLIENT_ID, CLIENT_SECRET)
    with (
        OAuth2Client(
            client_id=CLIENT_ID, client_secret=CLIENT_SECRET, token_endpoint=TOKEN_URL,
            token_endpoint_auth_method="client_secret_post", transport=emu.transport(),
        ) as plain,
        pytest.raises(OAuthError) as caught,
    ):  # fmt: skip
        plain.fetch_token(grant_type="account_credentials", account_id=ACCOUNT_ID)
    assert caught.value.error == "invalid_client"


# -- from_provider applies every fix -----------------------------------------------------


@each_flavor
def test_from_provider_zoom_s2s_fetches_with_account_credentials(flavor: Flavor) -> None:
    assert providers.get("zoom-s2s") == ZOOM_S2S
    clock = FakeClock()
    emu = Zoom(clock=clock)

    async def scenario() -> None:
        client = flavor.oauth2_client.from_provider(
            "zoom-s2s",
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            account_id=ACCOUNT_ID,
            transport=emu.transport(),
        )
        client.oauth.clock = clock
        async with opened(client):
            assert (await aw(client.get(ME_URL))).json()["id"] == ACCOUNT_ID
            clock.advance(3600)  # no refresh token: the grant runs again
            assert (await aw(client.get(ME_URL))).status_code == 200

    flavor.run(scenario)
    calls = emu.calls("account_credentials")
    assert [c.outcome for c in calls] == ["issued", "issued"]
    assert [c.params["account_id"] for c in calls] == [ACCOUNT_ID, ACCOUNT_ID]
    assert calls[0].auth_method == "client_secret_basic"


def test_zoom_s2s_needs_an_account_id() -> None:
    with pytest.raises(ValueError, match="account_id"):
        OAuth2Client.from_provider("zoom-s2s", client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    with pytest.raises(ValueError, match="account_id"):
        OAuth2Client.from_provider(
            "zoom-s2s", client_id=CLIENT_ID, client_secret=CLIENT_SECRET, account_id="a/b"
        )
