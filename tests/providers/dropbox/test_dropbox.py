"""The Dropbox plugin against its emulator: every flow on sync and async, each quirk beside a
plain ``OAuth2Client`` on the same emulator."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from authwire_dropbox import (
    DROPBOX,
    async_fetch_current_account,
    async_oauth2_client,
    async_revoke,
    fetch_current_account,
    oauth2_client,
    revoke,
)

from authwire import OAuth2Client, OAuthError, TokenExpiredError, providers
from authwire.testing import Flavor, aw, each_flavor, opened

from ._emulator import (
    ACCOUNT,
    ACCOUNT_ID,
    APP_KEY,
    APP_SECRET,
    AUTHORIZE,
    PUBLIC_KEY,
    REDIRECT,
    REVOKE,
    TOKEN,
    Dropbox,
    dropbox,
)


def plugin_client(flavor: Flavor, emu: Dropbox, *args: Any, **kwargs: Any) -> Any:
    make = flavor.pick(oauth2_client, async_oauth2_client)
    client = make(*args, redirect_uri=REDIRECT, transport=emu.transport(), **kwargs)
    client.oauth.clock = emu.clock
    return client


def plain_client(emu: Dropbox, **kwargs: Any) -> OAuth2Client:
    client = OAuth2Client(
        client_id=APP_KEY,
        client_secret=APP_SECRET,
        authorization_endpoint=AUTHORIZE,
        token_endpoint=TOKEN,
        redirect_uri=REDIRECT,
        transport=emu.transport(),
        **kwargs,
    )
    client.oauth.clock = emu.clock
    return client


def test_registered_with_its_metadata() -> None:
    assert providers.get("dropbox") == DROPBOX
    assert DROPBOX.authorize_params == {"token_access_type": "offline"}
    assert "revocation" in DROPBOX.flows
    assert DROPBOX.revocation_endpoint is None  # not RFC 7009: see revoke()


@each_flavor
def test_sign_in_refresh_account_and_revoke(flavor: Flavor) -> None:
    emu = dropbox()
    saved: list[str] = []

    async def scenario() -> None:
        client = plugin_client(
            flavor,
            emu,
            APP_KEY,
            APP_SECRET,
            update_token=lambda token, refresh_token: saved.append(token["refresh_token"]),
        )
        async with opened(client):
            url, _ = client.create_authorization_url()
            assert "token_access_type=offline" in url
            token = await aw(client.fetch_token(authorization_response=emu.approve(url).url))
            assert (token["account_id"], token["token_type"]) == (ACCOUNT_ID, "bearer")
            emu.clock.advance(14400)  # about four hours: refreshed on the next call
            fetch = flavor.pick(fetch_current_account, async_fetch_current_account)
            account = await aw(fetch(client))
            assert account["account_id"] == ACCOUNT_ID
            assert client.token["refresh_token"] == token["refresh_token"]
            await aw(flavor.pick(revoke, async_revoke)(client))
            assert not emu.is_active(client.token["access_token"])
            assert not emu.is_active(token["refresh_token"])
        [refresh] = emu.calls("refresh_token")
        assert refresh.auth_method == "client_secret_basic"
        assert saved == [token["refresh_token"]]
        [revoked] = emu.sent(REVOKE, "POST")
        assert revoked.bearer is not None
        assert revoked.basic_auth is None
        assert revoked.content == b""

    flavor.run(scenario)


@each_flavor
def test_public_app_uses_pkce(flavor: Flavor) -> None:
    emu = dropbox()

    async def scenario() -> None:
        async with opened(plugin_client(flavor, emu, PUBLIC_KEY)) as client:
            url, _ = client.create_authorization_url()
            await aw(client.fetch_token(authorization_response=emu.approve(url).url))
            await aw(client.refresh_token())
        [code] = emu.calls("authorization_code")
        assert (code.auth_method, code.pkce) == ("none", "S256")

    flavor.run(scenario)


def test_online_access_has_no_refresh_token() -> None:
    emu = dropbox()
    with plugin_client(Flavor("sync"), emu, APP_KEY, APP_SECRET, token_access_type="online") as c:
        url, _ = c.create_authorization_url()
        assert "token_access_type=online" in url
        token = c.fetch_token(authorization_response=emu.approve(url).url)
    assert "refresh_token" not in token
    with pytest.raises(ValueError, match="legacy"):
        oauth2_client(APP_KEY, token_access_type="legacy")
    with pytest.raises(TypeError, match="not both"):
        oauth2_client(APP_KEY, authorize_params={"token_access_type": "online"})


# -- quirks -------------------------------------------------------------------------------------


def test_offline_access_plugin_refreshes_plain_client_is_stuck_after_four_hours() -> None:
    emu = dropbox()
    with plugin_client(Flavor("sync"), emu, APP_KEY, APP_SECRET) as client:
        url, _ = client.create_authorization_url()
        client.fetch_token(authorization_response=emu.approve(url).url)
        emu.clock.advance(14400)
        assert client.post(ACCOUNT).status_code == 200
    with plain_client(emu) as plain:
        url, _ = plain.create_authorization_url()
        assert "token_access_type" not in url
        token = plain.fetch_token(authorization_response=emu.approve(url).url)
        assert "refresh_token" not in token
        emu.clock.advance(14400)
        with pytest.raises(TokenExpiredError):
            plain.post(ACCOUNT)


def test_refresh_answer_without_refresh_token_keeps_the_old_one() -> None:
    # The core keeps the previous refresh token (RFC 6749 §6), so a plain client copes as
    # well; the plugin must not lose it either (Dropbox never sends a new one).
    emu = dropbox()
    kept = []
    for make in (
        lambda: plugin_client(Flavor("sync"), emu, APP_KEY, APP_SECRET),
        lambda: plain_client(emu),
    ):
        with make() as client:
            url, _ = client.create_authorization_url(token_access_type="offline")
            first = client.fetch_token(authorization_response=emu.approve(url).url)
            client.refresh_token()
            client.refresh_token()
            kept.append(client.token["refresh_token"] == first["refresh_token"])
    assert kept == [True, True]
    assert all(c.outcome == "issued" for c in emu.calls("refresh_token"))


def test_revocation_is_a_bearer_rpc_not_rfc_7009() -> None:
    emu = dropbox()
    with plugin_client(Flavor("sync"), emu, APP_KEY, APP_SECRET) as client:
        url, _ = client.create_authorization_url()
        token = client.fetch_token(authorization_response=emu.approve(url).url)
        revoke(client)
    assert not emu.is_active(token["access_token"])
    with plain_client(emu, revocation_endpoint=REVOKE) as plain:
        url, _ = plain.create_authorization_url(token_access_type="offline")
        token = plain.fetch_token(authorization_response=emu.approve(url).url)
        with pytest.raises(OAuthError) as caught:
            plain.revoke_token()  # RFC 7009: token=<refresh token>, Basic auth, a form
    assert caught.value.error == "revocation_failed"
    [_, refused] = emu.sent(REVOKE, "POST")
    assert refused.basic_auth == (APP_KEY, APP_SECRET)
    assert refused.form["token"] == token["refresh_token"]
    assert emu.is_active(token["refresh_token"])  # nothing was revoked


def test_a_refused_revocation_is_an_http_error() -> None:
    emu = dropbox()
    dead = {"access_token": "at-unknown", "token_type": "bearer"}
    with (
        oauth2_client(APP_KEY, APP_SECRET, token=dead, transport=emu.transport()) as client,
        pytest.raises(httpx.HTTPStatusError) as caught,
    ):
        revoke(client)
    assert caught.value.response.json()["error"][".tag"] == "invalid_access_token"
