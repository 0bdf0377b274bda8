"""authwire-facebook against the Meta emulator: every flow on the sync and async clients,
and each quirk handled by the plugin where a plain ``OAuth2Client`` fails on it."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import authwire_facebook as fb
import httpx
import pytest

from authwire import OAuth2Client, OAuthError, TokenResponseError
from authwire.testing import FakeClock, Flavor, aw, each_flavor, opened

from .emulator import (
    APP_ID,
    APP_SECRET,
    IG_APP_ID,
    IG_ME,
    IG_SECRET,
    IG_TOKEN,
    IG_USER,
    LONG_LIVED,
    ME,
    REDIRECT,
    TOKEN,
    MetaEmulator,
)


def facebook(flavor: Flavor, emu: MetaEmulator, clock: FakeClock, **kwargs: Any) -> Any:
    client = flavor.pick(fb.oauth2_client, fb.async_oauth2_client)(
        APP_ID, APP_SECRET, redirect_uri=REDIRECT, transport=emu.transport(), **kwargs
    )
    client.oauth.clock = clock
    return client


def instagram(flavor: Flavor, emu: MetaEmulator, clock: FakeClock) -> Any:
    client = flavor.pick(fb.instagram_client, fb.async_instagram_client)(
        IG_APP_ID, IG_SECRET, redirect_uri=REDIRECT, transport=emu.transport()
    )
    client.oauth.clock = clock
    return client


def plain(emu: MetaEmulator, clock: FakeClock, token_endpoint: str = TOKEN, **kw: Any) -> Any:
    client = OAuth2Client(
        kw.pop("client_id", APP_ID),
        kw.pop("client_secret", APP_SECRET),
        authorization_endpoint=kw.pop(
            "authorization_endpoint", fb.FACEBOOK.bind().authorization_endpoint
        ),
        token_endpoint=token_endpoint,
        token_endpoint_auth_method="client_secret_post",
        redirect_uri=REDIRECT,
        transport=emu.transport(),
        **kw,
    )
    client.oauth.clock = clock
    return client


def test_registered_and_versioned() -> None:
    from authwire import providers

    assert {"facebook", "instagram"} <= set(providers.names())
    bound = fb.FACEBOOK.bind(version="v19.0")
    assert bound.token_endpoint == "https://graph.facebook.com/v19.0/oauth/access_token"
    assert fb.FACEBOOK.bind().authorization_endpoint == (
        f"https://www.facebook.com/{fb.DEFAULT_VERSION}/dialog/oauth"
    )
    with fb.oauth2_client(APP_ID, APP_SECRET, version="v20.0") as client:
        url, _ = client.create_authorization_url(redirect_uri=REDIRECT)
    assert url.startswith("https://www.facebook.com/v20.0/dialog/oauth?")
    assert "scope=public_profile+email" in url or "scope=public_profile%20email" in url
    with pytest.raises(ValueError, match="version"):
        fb.oauth2_client(APP_ID, version="21")
    assert fb.graph_url("me", version="v20.0") == "https://graph.facebook.com/v20.0/me"
    for quirk in (*fb.FACEBOOK.quirks, *fb.INSTAGRAM.quirks):
        assert quirk.url.startswith("https://developers.facebook.com/docs/")


def test_appsecret_proof_matches_the_documented_definition() -> None:
    proof = fb.appsecret_proof("EAAB-token", "secret")
    assert proof == hmac.new(b"secret", b"EAAB-token", hashlib.sha256).hexdigest()
    with pytest.raises(ValueError):
        fb.appsecret_proof("", "secret")
    with pytest.raises(ValueError, match="client_secret"):
        fb.appsecret_proof_hook("")
    hook = fb.appsecret_proof_hook("secret")
    elsewhere = ("https://api.example/me", {"Authorization": "Bearer t"}, None)
    assert hook(*elsewhere) == elsewhere  # never sent off Meta's Graph API


# -- flows ---------------------------------------------------------------------------------


@each_flavor
def test_facebook_login_long_lived_token_and_graph_call(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = MetaEmulator(clock=clock)

    async def scenario() -> None:
        async with opened(facebook(flavor, emu, clock)) as client:
            url, _ = client.create_authorization_url()
            short = await aw(client.fetch_token(authorization_response=emu.approve(url).url))
            assert short["expires_in"] == 3600
            assert "refresh_token" not in short
            exchange = flavor.pick(fb.fetch_long_lived_token, fb.async_fetch_long_lived_token)
            long = await aw(exchange(client))
            assert client.token["access_token"] == long["access_token"]
            me = await aw(client.get(ME))
        assert long["expires_in"] == LONG_LIVED
        assert me.json()["id"] == "10158000000000001"
        [exchanged] = emu.calls("fb_exchange_token")
        assert exchanged.outcome == "issued"
        [sent] = emu.sent(TOKEN, "GET")  # as the documentation calls it
        assert sent.query["grant_type"] == "fb_exchange_token"
        assert exchanged.params["fb_exchange_token"] == short["access_token"]
        [graph] = emu.sent(ME)
        assert graph.query["appsecret_proof"] == fb.appsecret_proof(
            long["access_token"], APP_SECRET
        )

    flavor.run(scenario)


@each_flavor
def test_instagram_login_long_lived_and_refresh(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = MetaEmulator(clock=clock, instagram=True)

    async def scenario() -> None:
        async with opened(instagram(flavor, emu, clock)) as client:
            url, _ = client.create_authorization_url()
            assert url.startswith("https://www.instagram.com/oauth/authorize?")
            short = await aw(client.fetch_token(authorization_response=emu.approve(url).url))
            assert short["user_id"] == IG_USER
            long = await aw(
                flavor.pick(
                    fb.fetch_instagram_long_lived_token, fb.async_fetch_instagram_long_lived_token
                )(client)
            )
            refreshed = await aw(
                flavor.pick(fb.refresh_instagram_token, fb.async_refresh_instagram_token)(client)
            )
            me = await aw(client.get(IG_ME, params={"fields": "user_id,username"}))
        assert long["expires_in"] == LONG_LIVED
        assert refreshed["access_token"] != long["access_token"]
        assert me.json()["user_id"] == IG_USER
        assert emu.sent(IG_ME)[-1].query["access_token"] == refreshed["access_token"]
        assert "authorization" not in emu.sent(IG_ME)[-1].headers

    flavor.run(scenario)


# -- quirks --------------------------------------------------------------------------------


def test_quirk_appsecret_proof() -> None:
    clock = FakeClock()
    emu = MetaEmulator(clock=clock)
    with plain(emu, clock) as client:
        url, _ = client.create_authorization_url()
        client.fetch_token(authorization_response=emu.approve(url).url)
        refused = client.get(ME)
    assert refused.status_code == 400
    assert "appsecret_proof" in refused.json()["error"]["message"]
    with facebook(Flavor("sync"), emu, clock) as client:
        url, _ = client.create_authorization_url()
        client.fetch_token(authorization_response=emu.approve(url).url)
        assert client.get(ME).status_code == 200


def test_quirk_legacy_text_token_answer() -> None:
    clock = FakeClock()
    emu = MetaEmulator(clock=clock, legacy=True)
    with plain(emu, clock) as client:
        url, _ = client.create_authorization_url()
        with pytest.raises(TokenResponseError, match="JSON"):
            client.fetch_token(authorization_response=emu.approve(url).url)
    with facebook(Flavor("sync"), emu, clock) as client:
        url, _ = client.create_authorization_url()
        token = client.fetch_token(authorization_response=emu.approve(url).url)
    assert token["token_type"] == "bearer"
    assert token["expires_in"] == 3600
    assert token["expires_at"] == int(clock()) + 3600
    assert "expires" not in token


def test_quirk_nested_graph_error() -> None:
    clock = FakeClock()
    emu = MetaEmulator(clock=clock)
    with plain(emu, clock) as client:
        url, _ = client.create_authorization_url()
        approval = emu.approve(url)
        client.fetch_token(authorization_response=approval.url)
        with pytest.raises(TokenResponseError) as wrong:
            client.fetch_token(code=approval.code)
    assert wrong.value.error == "invalid_token_response"  # Meta's message is lost
    with facebook(Flavor("sync"), emu, clock) as client:
        url, _ = client.create_authorization_url()
        approval = emu.approve(url)
        client.fetch_token(authorization_response=approval.url)
        with pytest.raises(OAuthError) as caught:
            client.fetch_token(code=approval.code)
    assert caught.value.error == "OAuthException"
    assert caught.value.description == "unknown, used or expired code"
    assert caught.value.extra["error_subcode"] == 36009


def test_quirk_no_refresh_token_only_the_exchange() -> None:
    clock = FakeClock()
    emu = MetaEmulator(clock=clock)
    with plain(emu, clock) as client:
        url, _ = client.create_authorization_url()
        client.fetch_token(authorization_response=emu.approve(url).url)
        clock.advance(3601)
        with pytest.raises(OAuthError):  # nothing to renew the token with
            client.get(ME)
    with facebook(Flavor("sync"), emu, clock) as client:
        url, _ = client.create_authorization_url()
        client.fetch_token(authorization_response=emu.approve(url).url)
        fb.fetch_long_lived_token(client)
        clock.advance(3601)
        assert client.get(ME).status_code == 200


def test_quirk_instagram_data_list() -> None:
    clock = FakeClock()
    emu = MetaEmulator(clock=clock, instagram=True)
    with plain(
        emu,
        clock,
        token_endpoint=IG_TOKEN,
        client_id=IG_APP_ID,
        client_secret=IG_SECRET,
        authorization_endpoint=fb.INSTAGRAM.authorization_endpoint,
    ) as client:
        url, _ = client.create_authorization_url(scope="instagram_business_basic")
        with pytest.raises(TokenResponseError, match="no access_token"):
            client.fetch_token(authorization_response=emu.approve(url).url)
    with instagram(Flavor("sync"), emu, clock) as client:
        url, _ = client.create_authorization_url()
        token = client.fetch_token(authorization_response=emu.approve(url).url)
    assert token["permissions"] == "instagram_business_basic"


def test_quirk_instagram_token_in_query() -> None:
    clock = FakeClock()
    emu = MetaEmulator(clock=clock, instagram=True)
    token = emu.issue_token(IG_APP_ID, subject=IG_USER)
    with plain(emu, clock, token={"access_token": token, "token_type": "Bearer"}) as client:
        refused = client.get(IG_ME)
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == 190
    with fb.instagram_client(
        IG_APP_ID, token={"access_token": token, "token_type": "bearer"}, transport=emu.transport()
    ) as client:
        assert client.get(IG_ME).json()["user_id"] == IG_USER


def test_hooks_leave_other_bodies_alone() -> None:
    html = httpx.Response(502, text="<html>oops</html>")
    assert fb.graph_token_response(html) is html
    form_error = httpx.Response(400, text="error=x")
    assert fb.graph_token_response(form_error) is form_error
    listed = httpx.Response(200, json={"data": [{"a": 1}, {"b": 2}]})
    assert fb.instagram_token_response(listed).json() == {"data": [{"a": 1}, {"b": 2}]}


# -- from_provider applies every fix -------------------------------------------------------


@each_flavor
def test_from_provider_signs_graph_calls_with_appsecret_proof(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = MetaEmulator(clock=clock)

    async def scenario() -> None:
        client = flavor.oauth2_client.from_provider(
            "facebook",
            client_id=APP_ID,
            client_secret=APP_SECRET,
            redirect_uri=REDIRECT,
            transport=emu.transport(),
        )
        client.oauth.clock = clock
        async with opened(client):
            url, _ = client.create_authorization_url()
            token = await aw(client.fetch_token(authorization_response=emu.approve(url).url))
            assert (await aw(client.get(ME))).status_code == 200
        [graph] = emu.sent(ME)
        assert graph.query["appsecret_proof"] == fb.appsecret_proof(
            token["access_token"], APP_SECRET
        )

    flavor.run(scenario)


def test_from_provider_checks_the_graph_version() -> None:
    with pytest.raises(ValueError, match="version must look like"):
        OAuth2Client.from_provider("facebook", client_id=APP_ID, version="21")
