"""authwire-discord against the Discord emulator: every flow on the sync and async clients,
and the User-Agent quirk handled by the plugin where a plain ``OAuth2Client`` fails."""

from __future__ import annotations

from typing import Any

import authwire_discord as dc
import pytest

from authwire import OAuth2Client, TokenResponseError
from authwire.testing import FakeClock, Flavor, aw, each_flavor, opened

from .emulator import CLIENT_ID, CLIENT_SECRET, ME, REDIRECT, REVOKE, TOKEN, DiscordEmulator


def client_for(flavor: Flavor, emu: DiscordEmulator, clock: FakeClock, **kwargs: Any) -> Any:
    client = flavor.pick(dc.oauth2_client, dc.async_oauth2_client)(
        CLIENT_ID, CLIENT_SECRET, redirect_uri=REDIRECT, transport=emu.transport(), **kwargs
    )
    client.oauth.clock = clock
    return client


def test_registered_with_metadata() -> None:
    from authwire import providers

    assert "discord" in providers.names()
    assert providers.get("discord") == dc.DISCORD
    assert dc.DISCORD.revocation_endpoint == REVOKE
    for quirk in dc.DISCORD.quirks:
        assert quirk.url.startswith("https://discord.com/developers/docs/")
    with pytest.raises(ValueError, match="DiscordBot"):
        dc.oauth2_client(CLIENT_ID, user_agent="my-bot/1.0")


@each_flavor
def test_sign_in_refresh_api_and_revoke(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = DiscordEmulator(clock=clock)

    async def scenario() -> None:
        async with opened(client_for(flavor, emu, clock)) as client:
            url, _ = client.create_authorization_url()
            assert url.startswith("https://discord.com/oauth2/authorize?")
            assert "scope=identify+email" in url
            token = await aw(client.fetch_token(authorization_response=emu.approve(url).url))
            user = await aw(flavor.pick(dc.fetch_user, dc.async_fetch_user)(client))
            assert dc.verified_email(user) == "nelly@discord.com"
            clock.advance(604801)
            renewed = await aw(client.get(ME))
            assert renewed.status_code == 200
            assert client.token["refresh_token"] != token["refresh_token"]
            await aw(client.revoke_token())
            assert not emu.is_active(client.token["refresh_token"])
        for call in emu.calls():
            assert call.auth_method == "client_secret_basic"
            assert call.request.headers["content-type"] == "application/x-www-form-urlencoded"
        assert {r.headers["user-agent"] for r in emu.requests} == {dc.DEFAULT_USER_AGENT}

    flavor.run(scenario)


@each_flavor
def test_own_user_agent(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = DiscordEmulator(clock=clock)
    agent = "DiscordBot (https://bot.example, 2.1)"

    async def scenario() -> None:
        async with opened(client_for(flavor, emu, clock, user_agent=agent)) as client:
            url, _ = client.create_authorization_url()
            await aw(client.fetch_token(authorization_response=emu.approve(url).url))
            await aw(client.get(ME))
        assert {r.headers["user-agent"] for r in emu.requests} == {agent}

    flavor.run(scenario)


@each_flavor
def test_bot_authorization(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = DiscordEmulator(clock=clock)

    async def scenario() -> None:
        async with opened(client_for(flavor, emu, clock)) as client:
            url, _ = dc.bot_authorization_url(
                client,
                permissions=2048 | 1024,
                guild_id=41771983423143937,
                disable_guild_select=True,
            )
            assert "scope=bot+applications.commands" in url
            assert "permissions=3072" in url
            assert "guild_id=41771983423143937" in url
            assert "disable_guild_select=true" in url
            token = await aw(client.fetch_token(authorization_response=emu.approve(url).url))
        assert token["guild"]["id"] == "41771983423143937"
        assert token["guild"]["permissions"] == "3072"
        with pytest.raises(TypeError, match="permissions"):
            dc.bot_authorization_url(client, permissions="8")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="guild_id"):
            dc.bot_authorization_url(client, permissions=8, guild_id="abc")

    flavor.run(scenario)


def test_client_credentials() -> None:
    clock = FakeClock()
    emu = DiscordEmulator(clock=clock)
    with client_for(Flavor("sync"), emu, clock) as client:
        token = client.fetch_token(grant_type="client_credentials", scope="identify")
    assert token["token_type"] == "Bearer"
    assert emu.calls("client_credentials")[0].auth_method == "client_secret_basic"


def test_quirk_user_agent() -> None:
    clock = FakeClock()
    emu = DiscordEmulator(clock=clock)
    with OAuth2Client(
        CLIENT_ID,
        CLIENT_SECRET,
        authorization_endpoint=dc.DISCORD.authorization_endpoint,
        token_endpoint=TOKEN,
        redirect_uri=REDIRECT,
        scope="identify",
        transport=emu.transport(),
    ) as client:
        client.oauth.clock = clock
        url, _ = client.create_authorization_url()
        approval = emu.approve(url)
        with pytest.raises(TokenResponseError) as caught:
            client.fetch_token(authorization_response=approval.url)
        assert caught.value.status_code == 403
        client.token = {"access_token": emu.issue_token(CLIENT_ID), "token_type": "Bearer"}
        refused = client.get(ME)
    assert refused.status_code == 403
    assert refused.json()["code"] == 40333
    with client_for(Flavor("sync"), emu, clock) as client:
        url, _ = client.create_authorization_url()
        client.fetch_token(authorization_response=emu.approve(url).url)
        assert client.get(ME).status_code == 200


# -- from_provider applies every fix -----------------------------------------------------


@each_flavor
def test_from_provider_sends_the_client_s_agent_on_token_requests(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = DiscordEmulator(clock=clock)
    agent = "DiscordBot (https://bot.example, 3.0)"

    async def scenario() -> None:
        client = flavor.oauth2_client.from_provider(
            "discord",
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            redirect_uri=REDIRECT,
            headers={"User-Agent": agent},
            transport=emu.transport(),
        )
        client.oauth.clock = clock
        async with opened(client):
            url, _ = client.create_authorization_url()
            await aw(client.fetch_token(authorization_response=emu.approve(url).url))
            await aw(client.refresh_token())
            await aw(client.get(ME))
            await aw(client.revoke_token())

    flavor.run(scenario)
    token_calls = [r for r in emu.requests if r.url.path.startswith("/api/oauth2/token")]
    assert [r.url.path for r in token_calls] == [
        "/api/oauth2/token",
        "/api/oauth2/token",
        "/api/oauth2/token/revoke",
    ]
    assert {r.headers["user-agent"] for r in emu.requests} == {agent}


@each_flavor
def test_from_provider_refuses_an_agent_discord_refuses(flavor: Flavor) -> None:
    with pytest.raises(ValueError, match=r"headers\['User-Agent'\] must read 'DiscordBot"):
        flavor.oauth2_client.from_provider(
            "discord", client_id=CLIENT_ID, headers={"User-Agent": "my-bot/1.0"}
        )
