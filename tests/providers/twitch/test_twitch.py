"""The Twitch plugin: authorization code, refresh, client credentials, device flow,
validation and revocation on both clients; each quirk against a plain ``OAuth2Client``."""

from __future__ import annotations

from typing import Any

import pytest
from authwire_twitch import (
    TWITCH,
    app_client,
    async_app_client,
    async_oauth2_client,
    async_validate_token,
    client_id_header,
    oauth2_client,
    twitch_error_to_oauth,
    validate_token,
)

from authwire import InvalidTokenError, OAuth2Client, OAuthError, TokenResponseError, providers
from authwire.testing import FakeClock, Flavor, aw, each_flavor, opened

from ._emulator import (
    CLIENT_ID,
    CLIENT_SECRET,
    ID,
    PUBLIC_ID,
    REDIRECT,
    USERS_URL,
    Twitch,
)


def plain_client(emu: Twitch, client_id: str = CLIENT_ID, **kwargs: Any) -> OAuth2Client:
    return OAuth2Client(
        client_id=client_id,
        client_secret=CLIENT_SECRET if client_id == CLIENT_ID else None,
        authorization_endpoint=f"{ID}/authorize",
        token_endpoint=f"{ID}/token",
        device_authorization_endpoint=f"{ID}/device",
        token_endpoint_auth_method="client_secret_post" if client_id == CLIENT_ID else None,
        redirect_uri=REDIRECT,
        transport=emu.transport(),
        **kwargs,
    )


def test_the_provider_is_registered() -> None:
    assert providers.get("twitch") == TWITCH
    assert {"client_credentials", "device_code"} <= set(TWITCH.flows)
    with pytest.raises(ValueError):
        client_id_header("")


@each_flavor
def test_user_token_refresh_validate_revoke(flavor: Flavor) -> None:
    emu = Twitch()

    async def scenario() -> None:
        make = flavor.pick(oauth2_client, async_oauth2_client)
        client = make(
            CLIENT_ID, CLIENT_SECRET, scope="user:read:email", redirect_uri=REDIRECT,
            transport=emu.transport(),
        )  # fmt: skip
        async with opened(client):
            url, _ = client.create_authorization_url()
            token = await aw(client.fetch_token(authorization_response=emu.approve(url).url))
            assert token["scope"] == ["user:read:email"]
            users = await aw(client.get(USERS_URL))
            assert users.json()["data"][0]["login"] == "twitchdev"
            validate = flavor.pick(validate_token, async_validate_token)
            assert (await aw(validate(client)))["client_id"] == CLIENT_ID
            new = await aw(client.refresh_token())
            assert new["access_token"] != token["access_token"]
            await aw(client.revoke_token(token=new["access_token"]))
            with pytest.raises(InvalidTokenError):
                await aw(validate(client))

    flavor.run(scenario)
    assert emu.calls("authorization_code")[0].auth_method == "client_secret_post"


@each_flavor
def test_app_access_token(flavor: Flavor) -> None:
    emu = Twitch()

    async def scenario() -> None:
        make = flavor.pick(app_client, async_app_client)
        async with opened(make(CLIENT_ID, CLIENT_SECRET, transport=emu.transport())) as client:
            response = await aw(client.get(USERS_URL, params={"login": "twitchdev"}))
            assert response.status_code == 200
            assert "refresh_token" not in client.token

    flavor.run(scenario)
    assert [c.outcome for c in emu.calls("client_credentials")] == ["issued"]


@each_flavor
def test_device_flow_of_a_public_client(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = Twitch(clock=clock)

    async def scenario() -> None:
        make = flavor.pick(oauth2_client, async_oauth2_client)
        client = make(PUBLIC_ID, scope="channel:manage:polls", transport=emu.transport())
        client.oauth.clock = clock
        async with opened(client):
            authorization = await aw(client.request_device_authorization())

            def progress(status: Any) -> None:
                if status.polls == 2:
                    emu.approve_device(authorization.user_code)

            token = await aw(client.poll_device_token(authorization, progress=progress))
        assert token["scope"] == ["channel:manage:polls"]
        assert clock.sleeps == [5, 5]

    flavor.run(scenario)
    outcomes = [c.outcome for c in emu.calls("urn:ietf:params:oauth:grant-type:device_code")]
    assert outcomes == ["authorization_pending", "authorization_pending", "issued"]


# -- quirks ------------------------------------------------------------------------------


def test_quirk_client_id_on_helix() -> None:
    emu = Twitch()
    token = {"access_token": emu.issue_token(CLIENT_ID), "token_type": "bearer"}
    with oauth2_client(CLIENT_ID, CLIENT_SECRET, token=token, transport=emu.transport()) as c:
        assert c.get(USERS_URL).status_code == 200
    assert emu.sent(USERS_URL, "GET")[-1].headers["client-id"] == CLIENT_ID
    with plain_client(emu, token=token) as plain:
        response = plain.get(USERS_URL)
    assert response.status_code == 401
    assert "Client ID" in response.json()["message"]


def test_quirk_error_objects() -> None:
    emu = Twitch()
    with (
        oauth2_client(
            CLIENT_ID, CLIENT_SECRET, redirect_uri=REDIRECT, transport=emu.transport()
        ) as c,
        pytest.raises(OAuthError) as caught,
    ):
        c.fetch_token(code="bad-code")
    assert caught.value.error == "invalid_grant"
    assert caught.value.description == "Invalid authorization code"
    with plain_client(emu) as plain, pytest.raises(TokenResponseError) as plain_caught:
        plain.fetch_token(code="bad-code")
    assert plain_caught.value.error == "invalid_token_response"  # Twitch's reason is lost


def test_quirk_device_polling_keeps_going() -> None:
    clock = FakeClock()
    emu = Twitch(clock=clock)
    with oauth2_client(PUBLIC_ID, scope="chat:read", transport=emu.transport()) as c:
        c.oauth.clock = clock
        authorization = c.request_device_authorization()
        emu.approve_device(authorization.user_code)
        assert c.poll_device_token(authorization)["access_token"]
    with plain_client(emu, PUBLIC_ID, scope="chat:read") as plain:
        plain.oauth.clock = clock
        authorization = plain.request_device_authorization()
        # the first poll's "authorization_pending" is not an RFC 8628 error to the core
        with pytest.raises(TokenResponseError):
            plain.poll_device_token(authorization)


def test_quirk_device_request_scopes() -> None:
    clock = FakeClock()
    emu = Twitch(clock=clock)
    with oauth2_client(PUBLIC_ID, scope="chat:read", transport=emu.transport()) as c:
        c.request_device_authorization()
    assert emu.requests[-1].form == {"scopes": "chat:read", "client_id": PUBLIC_ID}
    with plain_client(emu, PUBLIC_ID, scope="chat:read") as plain:
        plain.oauth.clock = clock
        plain.register_compliance_hook("access_token_response", twitch_error_to_oauth)
        authorization = plain.request_device_authorization()
        emu.approve_device(authorization.user_code)
        token = plain.poll_device_token(authorization)
    assert token.get("scope") in (None, [])  # the scopes asked for under "scope" were not granted


def test_quirk_validate_uses_the_oauth_scheme() -> None:
    emu = Twitch()
    token = {"access_token": emu.issue_token(CLIENT_ID, scope="chat:read"), "token_type": "bearer"}
    with oauth2_client(CLIENT_ID, CLIENT_SECRET, token=token, transport=emu.transport()) as c:
        assert validate_token(c)["scopes"] == ["chat:read"]
    assert emu.requests[-1].headers["authorization"].startswith("OAuth ")
    with plain_client(emu, token=token) as plain:
        assert plain.get(f"{ID}/validate").status_code == 401  # Bearer: not what it reads


# -- from_provider applies every fix -----------------------------------------------------


@each_flavor
def test_from_provider_sends_client_id_on_helix(flavor: Flavor) -> None:
    emu = Twitch()
    token = {"access_token": emu.issue_token(CLIENT_ID), "token_type": "bearer"}

    async def scenario() -> None:
        client = flavor.oauth2_client.from_provider(
            "twitch",
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            token=token,
            transport=emu.transport(),
        )
        async with opened(client):
            assert (await aw(client.get(USERS_URL))).status_code == 200

    flavor.run(scenario)
    assert emu.sent(USERS_URL, "GET")[-1].headers["client-id"] == CLIENT_ID
