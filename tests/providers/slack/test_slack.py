"""authwire-slack against the Slack emulator: every flow on the sync and async clients, and
each quirk handled by the plugin where a plain ``OAuth2Client`` fails on it."""

from __future__ import annotations

from typing import Any

import authwire_slack
import pytest
from authwire_slack import (
    SLACK,
    SLACK_OPENID,
    SlackAPIError,
    async_oauth2_client,
    async_openid_client,
    bot_token,
    oauth2_client,
    openid_client,
    user_token,
)

from authwire import OAuth2Client, OAuthError, TokenResponseError, UnsupportedTokenTypeError
from authwire.plugins import Provider
from authwire.protocol.oidc_core import UserInfoError
from authwire.testing import FakeClock, Flavor, aw, decode_jwt, each_flavor, opened

from .emulator import (
    ACCESS,
    AUTH_REVOKE,
    AUTH_TEST,
    CLIENT_ID,
    CLIENT_SECRET,
    DISCOVERY,
    REDIRECT,
    SlackEmulator,
)


def installer(flavor: Flavor, emu: SlackEmulator, clock: FakeClock, **kwargs: Any) -> Any:
    client = flavor.pick(oauth2_client, async_oauth2_client)(
        CLIENT_ID, CLIENT_SECRET, redirect_uri=REDIRECT, transport=emu.transport(), **kwargs
    )
    client.oauth.clock = clock
    return client


def plain(emu: SlackEmulator, clock: FakeClock, **kwargs: Any) -> OAuth2Client:
    client = OAuth2Client(
        CLIENT_ID,
        CLIENT_SECRET,
        authorization_endpoint=SLACK.authorization_endpoint,
        token_endpoint=ACCESS,
        redirect_uri=REDIRECT,
        transport=emu.transport(),
        **kwargs,
    )
    client.oauth.clock = clock
    return client


def test_registered_with_metadata() -> None:
    from authwire import providers

    assert {"slack", "slack-openid"} <= set(providers.names())
    assert providers.get("slack") == SLACK
    assert SLACK.flows == ("authorization_code", "refresh_token", "revocation")
    assert "openid" in SLACK_OPENID.protocols
    for quirk in (*SLACK.quirks, *SLACK_OPENID.quirks):
        assert quirk.url.startswith("https://docs.slack.dev/")
    assert OAuth2Client.from_provider("slack", client_id="x").oauth.metadata["token_endpoint"] == (
        "https://slack.com/api/oauth.v2.access"
    )


def test_scopes_are_comma_separated_and_user_scope_is_sent() -> None:
    with oauth2_client(
        CLIENT_ID, CLIENT_SECRET, scope=["commands", "chat:write"], user_scope=("search:read",)
    ) as client:
        url, _ = client.create_authorization_url(redirect_uri=REDIRECT)
    assert url.startswith("https://slack.com/oauth/v2/authorize?")
    assert "scope=commands%2Cchat%3Awrite" in url
    assert "user_scope=search%3Aread" in url
    assert "code_challenge" not in url
    with pytest.raises(TypeError, match="user_scope"):
        oauth2_client(CLIENT_ID, user_scope=["ok", 3])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="not both"):
        oauth2_client(CLIENT_ID, user_scope="a", authorize_params={"user_scope": "b"})


# -- flows ---------------------------------------------------------------------------------


@each_flavor
def test_install_with_bot_and_user_scopes(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = SlackEmulator(clock=clock)

    async def scenario() -> None:
        client = installer(
            flavor, emu, clock, scope="commands,incoming-webhook", user_scope="chat:write"
        )
        async with opened(client):
            url, _ = client.create_authorization_url()
            token = await aw(client.fetch_token(authorization_response=emu.approve(url).url))
            # the client holds the bot token, presented as Bearer
            answer = await aw(client.get(AUTH_TEST))
            assert answer.json()["ok"] is True
        [call] = emu.calls("authorization_code")
        assert call.auth_method == "client_secret_basic"  # as oauth.v2.access asks
        assert token["slack_token_type"] == "bot"
        assert token["token_type"] == "Bearer"
        assert token["team"]["id"] == "T9TK3CUKW"
        bot, user = bot_token(token), user_token(token)
        assert bot is not None
        assert user is not None
        assert bot["access_token"] == token["access_token"]
        assert "authed_user" not in bot
        assert user["access_token"] == token["authed_user"]["access_token"]
        assert user["scope"] == "chat:write"
        assert user["user_id"] == "U1234"
        assert emu.is_active(bot["access_token"])
        assert emu.is_active(user["access_token"])
        # the user token is usable on a client of its own
        other = flavor.pick(oauth2_client, async_oauth2_client)(
            CLIENT_ID, token=user, transport=emu.transport()
        )
        async with opened(other):
            assert (await aw(other.get(AUTH_TEST))).json()["user_id"] == "U1234"
        assert emu.sent(AUTH_TEST)[-1].bearer == user["access_token"]

    flavor.run(scenario)


@each_flavor
def test_token_rotation_refreshes_through_oauth_v2_access(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = SlackEmulator(clock=clock, rotation=True)
    saved: list[dict[str, Any]] = []

    def save(token: dict[str, Any], refresh_token: str | None = None, **_: Any) -> None:
        saved.append({"token": token, "old": refresh_token})

    async def async_save(token: dict[str, Any], **kwargs: Any) -> None:
        save(token, **kwargs)

    async def scenario() -> None:
        update = flavor.pick(save, async_save)
        client = installer(flavor, emu, clock, scope="commands", update_token=update)
        async with opened(client):
            url, _ = client.create_authorization_url()
            first = await aw(client.fetch_token(authorization_response=emu.approve(url).url))
            assert first["expires_in"] == 43200
            clock.advance(43201)
            assert (await aw(client.get(AUTH_TEST))).json()["ok"] is True
            second = client.token
        assert second["slack_token_type"] == "bot"
        assert second["refresh_token"] != first["refresh_token"]
        assert not emu.is_active(first["refresh_token"])
        [refresh] = emu.calls("refresh_token")
        assert refresh.auth_method == "client_secret_basic"
        assert [s["old"] for s in saved] == [first["refresh_token"]]

    flavor.run(scenario)


@each_flavor
def test_revoke_with_auth_revoke(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = SlackEmulator(clock=clock)

    async def scenario() -> None:
        client = installer(flavor, emu, clock, scope="commands")
        async with opened(client):
            url, _ = client.create_authorization_url()
            token = await aw(client.fetch_token(authorization_response=emu.approve(url).url))
            revoke = flavor.pick(authwire_slack.revoke, authwire_slack.async_revoke)
            assert await aw(revoke(client)) is True
            assert not emu.is_active(token["access_token"])
            with pytest.raises(SlackAPIError) as caught:
                await aw(client.get(AUTH_TEST))
            assert caught.value.error == "invalid_auth"

    flavor.run(scenario)


@each_flavor
def test_api_call_helper(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = SlackEmulator(clock=clock)

    async def scenario() -> None:
        client = installer(flavor, emu, clock, scope="commands")
        async with opened(client):
            url, _ = client.create_authorization_url()
            await aw(client.fetch_token(authorization_response=emu.approve(url).url))
            call = flavor.pick(authwire_slack.api_call, authwire_slack.async_api_call)
            assert (await aw(call(client, "auth.test")))["user_id"] == "U1234"
            with pytest.raises(ValueError, match="method"):
                await aw(call(client, "../oauth.v2.access"))

    flavor.run(scenario)


@each_flavor
def test_token_endpoint_errors_are_oauth_errors(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = SlackEmulator(clock=clock)

    async def scenario() -> None:
        client = installer(flavor, emu, clock, scope="commands")
        async with opened(client):
            url, _ = client.create_authorization_url()
            approval = emu.approve(url)
            await aw(client.fetch_token(authorization_response=approval.url))
            with pytest.raises(OAuthError) as caught:
                await aw(client.fetch_token(code=approval.code))
        assert caught.value.error == "invalid_grant"

    flavor.run(scenario)


@each_flavor
def test_sign_in_with_slack(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = SlackEmulator(clock=clock, openid=True)

    async def scenario() -> None:
        client = flavor.pick(openid_client, async_openid_client)(
            CLIENT_ID, CLIENT_SECRET, redirect_uri=REDIRECT, transport=emu.transport()
        )
        client.oauth.clock = clock
        async with opened(client):
            url, _ = client.create_authorization_url()
            assert url.startswith(DISCOVERY["authorization_endpoint"] + "?")
            assert "scope=openid+profile+email" in url
            token = await aw(client.fetch_token(authorization_response=emu.approve(url).url))
            claims = await aw(client.userinfo())
        assert decode_jwt(token["id_token"]).claims["iss"] == "https://slack.com"
        assert claims["https://slack.com/team_id"] == "T0R7GR"
        assert claims["sub"] == "U0R7JM"

    flavor.run(scenario)


# -- quirks: the plugin handles them, a plain OAuth2Client does not -------------------------


def test_quirk_bot_token_type() -> None:
    clock = FakeClock()
    emu = SlackEmulator(clock=clock)
    with plain(emu, clock) as client:
        url, _ = client.create_authorization_url(scope="commands", user_scope="chat:write")
        token = client.fetch_token(authorization_response=emu.approve(url).url)
        assert token["token_type"] == "bot"
        with pytest.raises(UnsupportedTokenTypeError, match="bot"):
            client.get(AUTH_TEST)
    with installer(Flavor("sync"), emu, clock, scope="commands", user_scope="chat:write") as c:
        url, _ = c.create_authorization_url()
        token = c.fetch_token(authorization_response=emu.approve(url).url)
        assert c.get(AUTH_TEST).json()["ok"] is True
    assert user_token(token) is not None


def test_quirk_user_only_installation() -> None:
    clock = FakeClock()
    emu = SlackEmulator(clock=clock)
    with plain(emu, clock) as client:
        url, _ = client.create_authorization_url(user_scope="search:read")
        with pytest.raises(TokenResponseError, match="no access_token"):
            client.fetch_token(authorization_response=emu.approve(url).url)
    with installer(Flavor("sync"), emu, clock, user_scope="search:read") as c:
        url, _ = c.create_authorization_url()
        token = c.fetch_token(authorization_response=emu.approve(url).url)
        assert c.get(AUTH_TEST).json()["user_id"] == "U1234"
    assert token["slack_token_type"] == "user"
    assert token["access_token"] == token["authed_user"]["access_token"]
    assert bot_token(token) is None
    user = user_token(token)
    assert user is not None
    assert user["access_token"] == token["access_token"]


def test_quirk_ok_false_with_http_200() -> None:
    clock = FakeClock()
    emu = SlackEmulator(clock=clock)
    dead = {"access_token": "xoxb-revoked", "token_type": "Bearer"}
    with plain(emu, clock, token=dead) as client:
        answer = client.get(AUTH_TEST)
    assert answer.status_code == 200  # nothing raised: a success to httpx and the core
    assert answer.json() == {"ok": False, "error": "invalid_auth"}
    with (
        oauth2_client(CLIENT_ID, token=dead, transport=emu.transport()) as client,
        pytest.raises(SlackAPIError) as caught,
    ):
        client.get(AUTH_TEST)
    assert caught.value.error == "invalid_auth"
    assert isinstance(caught.value, OAuthError)


def test_quirk_rotated_token_type() -> None:
    clock = FakeClock()
    emu = SlackEmulator(clock=clock, rotation=True)
    with plain(emu, clock) as client:
        url, _ = client.create_authorization_url(scope="commands")
        client.fetch_token(authorization_response=emu.approve(url).url)
        client.token = {**client.token, "token_type": "Bearer"}  # even fixed by hand...
        clock.advance(43201)
        with pytest.raises(UnsupportedTokenTypeError):
            client.get(AUTH_TEST)  # ...the refreshed token is "bot" again
    assert [c.outcome for c in emu.calls("refresh_token")] == ["issued"]
    with installer(Flavor("sync"), emu, clock, scope="commands") as c:
        url, _ = c.create_authorization_url()
        c.fetch_token(authorization_response=emu.approve(url).url)
        clock.advance(43201)
        assert c.get(AUTH_TEST).json()["ok"] is True
        assert c.token["slack_token_type"] == "bot"


def test_quirk_auth_revoke_is_not_rfc7009() -> None:
    clock = FakeClock()
    emu = SlackEmulator(clock=clock)
    with plain(emu, clock, revocation_endpoint=AUTH_REVOKE) as client:
        url, _ = client.create_authorization_url(scope="commands")
        token = client.fetch_token(authorization_response=emu.approve(url).url)
        answer = client.revoke_token(token=token["access_token"])
    assert answer.status_code == 200
    assert answer.json()["error"] == "not_authed"
    assert emu.is_active(token["access_token"])  # "revoked" says the client: it is not
    with installer(Flavor("sync"), emu, clock, scope="commands") as c:
        url, _ = c.create_authorization_url()
        token = c.fetch_token(authorization_response=emu.approve(url).url)
        assert authwire_slack.revoke(c) is True
    assert not emu.is_active(token["access_token"])


def test_quirk_userinfo_refusal_with_http_200() -> None:
    clock = FakeClock()
    emu = SlackEmulator(clock=clock, openid=True)
    provider = Provider(
        name="plain-slack-openid",
        issuer="https://slack.com",
        authorization_endpoint=DISCOVERY["authorization_endpoint"],
        token_endpoint=DISCOVERY["token_endpoint"],
        userinfo_endpoint=DISCOVERY["userinfo_endpoint"],
        jwks_uri=DISCOVERY["jwks_uri"],
        scope=("openid",),
        code_challenge_method=None,
    )

    def sign_in(client: Any) -> None:
        client.oauth.clock = clock
        url, _ = client.create_authorization_url()
        client.fetch_token(authorization_response=emu.approve(url).url)
        revoked = client.post(AUTH_REVOKE)  # the token is gone from now on
        assert revoked.json() == {"ok": True, "revoked": True}

    with OAuth2Client.from_provider(
        provider,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uri=REDIRECT,
        transport=emu.transport(),
    ) as client:
        sign_in(client)
        with pytest.raises(UserInfoError) as wrong:
            client.userinfo()
    assert "sub" in str(wrong.value)  # misread as a sub mismatch
    with openid_client(
        CLIENT_ID, CLIENT_SECRET, redirect_uri=REDIRECT, transport=emu.transport()
    ) as client:
        sign_in(client)
        with pytest.raises(SlackAPIError) as caught:
            client.userinfo()
    assert caught.value.error == "invalid_auth"


def test_hook_leaves_other_bodies_alone() -> None:
    import httpx
    from authwire_slack import nested_token_response

    html = httpx.Response(502, text="<html>bad gateway</html>")
    assert nested_token_response(html) is html
    listed = httpx.Response(200, json=[1])
    assert nested_token_response(listed) is listed
    no_error = nested_token_response(httpx.Response(200, json={"ok": False}))
    assert no_error.json() == {"ok": False, "error": "unknown_error"}
    bearer = httpx.Response(200, json={"ok": True, "access_token": "x", "token_type": "Bearer"})
    assert nested_token_response(bearer) is bearer


# -- from_provider applies every fix -----------------------------------------------------


@each_flavor
@pytest.mark.parametrize("name", ["slack", "slack-openid"])
def test_from_provider_raises_for_ok_false(flavor: Flavor, name: str) -> None:
    emu = SlackEmulator(clock=FakeClock())
    dead = {"access_token": "xoxb-revoked", "token_type": "Bearer"}

    async def scenario() -> SlackAPIError:
        client = flavor.oauth2_client.from_provider(
            name, client_id=CLIENT_ID, token=dead, transport=emu.transport()
        )
        async with opened(client):
            with pytest.raises(SlackAPIError) as caught:
                await aw(client.get(AUTH_TEST))
            assert len(client.event_hooks["response"]) == 1  # installed once
        return caught.value

    assert flavor.run(scenario).error == "invalid_auth"
