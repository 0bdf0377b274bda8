"""The Reddit plugin against its emulator: every flow on sync and async, each quirk beside a
plain ``OAuth2Client`` on the same emulator."""

from __future__ import annotations

from typing import Any

import pytest
from authwire_reddit import (
    INSTALLED_CLIENT_GRANT,
    REDDIT,
    async_fetch_installed_client_token,
    async_fetch_me,
    async_oauth2_client,
    fetch_installed_client_token,
    fetch_me,
    oauth2_client,
)

from authwire import OAuth2Client, OAuthError, TokenExpiredError, providers
from authwire.testing import Flavor, aw, each_flavor, opened

from ._emulator import (
    AGENT,
    APP_ID,
    AUTHORIZE,
    ME,
    REDIRECT,
    TOKEN,
    WEB_ID,
    WEB_SECRET,
    WWW_ME,
    Reddit,
    reddit,
)

UA = {"User-Agent": AGENT}


def plugin_client(flavor: Flavor, emu: Reddit, *args: Any, **kwargs: Any) -> Any:
    make = flavor.pick(oauth2_client, async_oauth2_client)
    kwargs.setdefault("user_agent", AGENT)
    client = make(*args, redirect_uri=REDIRECT, transport=emu.transport(), **kwargs)
    client.oauth.clock = emu.clock
    return client


def plain_client(emu: Reddit, client_id: str = WEB_ID, secret: str | None = WEB_SECRET) -> Any:
    client = OAuth2Client(
        client_id=client_id,
        client_secret=secret,
        authorization_endpoint=AUTHORIZE,
        token_endpoint=TOKEN,
        redirect_uri=REDIRECT,
        headers=UA,  # reaches API calls and authwire's own token requests
        transport=emu.transport(),
    )
    client.oauth.clock = emu.clock
    return client


def test_registered_with_its_metadata() -> None:
    assert providers.get("reddit") == REDDIT
    assert REDDIT.authorize_params == {"duration": "permanent"}
    assert "installed_client" in REDDIT.flows
    assert REDDIT.extra["api_url"] == "https://oauth.reddit.com"


@each_flavor
def test_web_app_sign_in_refresh_me_and_revoke(flavor: Flavor) -> None:
    emu = reddit()

    async def scenario() -> None:
        async with opened(plugin_client(flavor, emu, WEB_ID, WEB_SECRET)) as client:
            url, _ = client.create_authorization_url()
            assert "duration=permanent" in url
            assert "scope=identity" in url
            token = await aw(client.fetch_token(authorization_response=emu.approve(url).url))
            emu.clock.advance(3600)
            me = await aw(flavor.pick(fetch_me, async_fetch_me)(client))
            assert me["name"] == "user-1"
            assert client.token["refresh_token"] == token["refresh_token"]
            await aw(client.revoke_token())
        assert not emu.is_active(token["refresh_token"])
        assert [c.auth_method for c in emu.calls()] == ["client_secret_basic"] * 2
        assert {r.headers["user-agent"] for r in emu.requests} == {AGENT}
        assert {r.url.host for r in emu.requests} == {"www.reddit.com", "oauth.reddit.com"}

    flavor.run(scenario)


@each_flavor
def test_installed_app_sign_in_and_app_only_tokens(flavor: Flavor) -> None:
    emu = reddit()
    device_id = "d3v1c3-1d-0f-th1s-ph0n3"

    async def scenario() -> None:
        async with opened(plugin_client(flavor, emu, APP_ID)) as client:
            url, _ = client.create_authorization_url()
            await aw(client.fetch_token(authorization_response=emu.approve(url).url))
        async with opened(plugin_client(flavor, emu, APP_ID)) as app_only:
            fetch = flavor.pick(fetch_installed_client_token, async_fetch_installed_client_token)
            token = await aw(fetch(app_only, device_id))
            assert token["scope"] == "*"
            emu.clock.advance(3600)  # expired: fetched again the same way
            assert (await aw(app_only.get(ME))).json()["name"] == APP_ID
        basic = [c.request.basic_auth for c in emu.calls()]
        assert basic == [(APP_ID, "")] * 3
        assert [c.params.get("device_id") for c in emu.calls(INSTALLED_CLIENT_GRANT)] == [
            device_id
        ] * 2

    flavor.run(scenario)


@each_flavor
def test_client_credentials_for_a_web_app(flavor: Flavor) -> None:
    emu = reddit()

    async def scenario() -> None:
        async with opened(plugin_client(flavor, emu, WEB_ID, WEB_SECRET)) as client:
            token = await aw(client.fetch_token(grant_type="client_credentials"))
        assert "refresh_token" not in token
        [call] = emu.calls("client_credentials")
        assert call.auth_method == "client_secret_basic"
        assert call.request.headers["user-agent"] == AGENT

    flavor.run(scenario)


def test_installed_client_token_makes_a_device_id_and_checks_a_given_one() -> None:
    emu = reddit()
    with plugin_client(Flavor("sync"), emu, APP_ID) as client:
        fetch_installed_client_token(client)
        with pytest.raises(ValueError, match="20 to 30"):
            fetch_installed_client_token(client, "short")
    assert 20 <= len(emu.calls(INSTALLED_CLIENT_GRANT)[0].params["device_id"]) <= 30


# -- quirks -------------------------------------------------------------------------------------


@pytest.mark.parametrize("agent", ["", "   ", "python-httpx/0.28.1", "Python-urllib/3.11"])
def test_the_constructor_refuses_to_start_without_a_user_agent(agent: str) -> None:
    with pytest.raises(ValueError, match=r"User-Agent|user_agent"):
        oauth2_client(WEB_ID, WEB_SECRET, user_agent=agent)
    with pytest.raises(ValueError):
        async_oauth2_client(WEB_ID, WEB_SECRET, user_agent=agent)


def test_the_constructor_requires_the_argument() -> None:
    with pytest.raises(TypeError, match="user_agent"):
        oauth2_client(WEB_ID, WEB_SECRET)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="user_agent"):
        oauth2_client(WEB_ID, WEB_SECRET, user_agent=None)  # type: ignore[arg-type]


def test_user_agent_on_token_requests_a_plain_client_without_one_is_throttled() -> None:
    emu = reddit()
    with plugin_client(Flavor("sync"), emu, WEB_ID, WEB_SECRET) as client:
        client.fetch_token(grant_type="client_credentials")
    assert emu.calls()[-1].request.headers["user-agent"] == AGENT
    # a plain client's headers= go to the token endpoint too, as httpx sends them everywhere
    with plain_client(emu) as plain:
        plain.fetch_token(grant_type="client_credentials")
    assert emu.calls()[-1].request.headers["user-agent"] == AGENT
    # without one it sends httpx's default agent, which Reddit throttles
    with (
        OAuth2Client(
            client_id=WEB_ID,
            client_secret=WEB_SECRET,
            token_endpoint=TOKEN,
            transport=emu.transport(),
        ) as plain,
        pytest.raises(OAuthError) as caught,
    ):
        plain.fetch_token(grant_type="client_credentials")
    assert caught.value.error == "invalid_token_response"
    throttled = emu.requests[-1]
    assert throttled.headers["user-agent"].startswith(("python-httpx/", "python-httpx2/"))
    assert len(emu.calls()) == 2  # the throttled request never reached the token endpoint
    # a from_provider client, which takes no agent, refuses before sending anything
    with (
        OAuth2Client.from_provider(
            "reddit", client_id=WEB_ID, client_secret=WEB_SECRET, transport=emu.transport()
        ) as bare,
        pytest.raises(ValueError, match="User-Agent"),
    ):
        bare.fetch_token(grant_type="client_credentials")
    assert len(emu.requests) == 3


def test_installed_app_basic_with_empty_secret_plain_client_sends_public_auth() -> None:
    emu = reddit()
    with plugin_client(Flavor("sync"), emu, APP_ID) as client:
        url, _ = client.create_authorization_url()
        client.fetch_token(authorization_response=emu.approve(url).url)
    with plain_client(emu, APP_ID, None) as plain:
        url, _ = plain.create_authorization_url()
        with pytest.raises(OAuthError) as caught:
            plain.fetch_token(authorization_response=emu.approve(url).url, headers=UA)
    assert caught.value.error == "invalid_client"
    assert [c.auth_method for c in emu.calls()] == ["client_secret_basic", "none"]


def test_duration_permanent_plugin_refreshes_plain_client_expires_after_an_hour() -> None:
    emu = reddit()
    with plugin_client(Flavor("sync"), emu, WEB_ID, WEB_SECRET) as client:
        url, _ = client.create_authorization_url()
        client.fetch_token(authorization_response=emu.approve(url).url)
        emu.clock.advance(3600)
        assert fetch_me(client)["name"] == "user-1"
    with plain_client(emu) as plain:
        url, _ = plain.create_authorization_url()
        assert "duration=" not in url
        token = plain.fetch_token(authorization_response=emu.approve(url).url, headers=UA)
        assert "refresh_token" not in token
        emu.clock.advance(3600)
        with pytest.raises(TokenExpiredError):
            plain.get(ME)


def test_installed_client_grant_plugin_gets_a_token_plain_client_is_refused() -> None:
    emu = reddit()
    device_id = "DO_NOT_TRACK_THIS_DEVICE"
    with plugin_client(Flavor("sync"), emu, APP_ID) as client:
        assert fetch_installed_client_token(client, device_id)["access_token"]
    with plain_client(emu, APP_ID, None) as plain, pytest.raises(OAuthError) as caught:
        plain.fetch_token(grant_type=INSTALLED_CLIENT_GRANT, device_id=device_id, headers=UA)
    assert caught.value.error == "invalid_client"


def test_api_base_plugin_calls_oauth_host_plain_use_of_www_is_forbidden() -> None:
    emu = reddit()
    token = {"access_token": emu.issue_token(WEB_ID, subject="spez"), "token_type": "bearer"}
    with plugin_client(Flavor("sync"), emu, WEB_ID, WEB_SECRET, token=token) as client:
        assert fetch_me(client)["name"] == "spez"
    with plain_client(emu) as plain:
        plain.token = token
        refused = plain.get(WWW_ME)
    assert refused.status_code == 403
    assert [r.url.host for r in emu.requests] == ["oauth.reddit.com", "www.reddit.com"]


# -- from_provider applies every fix -----------------------------------------------------


@each_flavor
def test_from_provider_sends_the_agent_of_its_headers_to_the_token_endpoint(
    flavor: Flavor,
) -> None:
    emu = reddit()

    async def scenario() -> None:
        client = flavor.oauth2_client.from_provider(
            "reddit",
            client_id=WEB_ID,
            client_secret=WEB_SECRET,
            headers=UA,
            transport=emu.transport(),
        )
        client.oauth.clock = emu.clock
        async with opened(client):
            token = await aw(client.fetch_token(grant_type="client_credentials"))
            assert token["access_token"]
            assert (await aw(client.get(ME))).status_code == 200

    flavor.run(scenario)
    [call] = emu.calls()
    assert call.request.headers["user-agent"] == AGENT
    assert emu.requests[-1].headers["user-agent"] == AGENT
