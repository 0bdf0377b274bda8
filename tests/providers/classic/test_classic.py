"""The classic plugin: every provider's flows on the sync and async clients, and each quirk
against a plain ``OAuth2Client`` on the same emulator."""

from __future__ import annotations

from typing import Any

import pytest
from authwire_classic import (
    PROVIDERS,
    async_oauth2_client,
    oauth2_client,
    plentymarkets_refresh_url,
    weibo_query_token,
)

from authwire import (
    OAuth2Client,
    OAuthError,
    TokenResponseError,
    UnsupportedTokenTypeError,
    providers,
)
from authwire.testing import FakeClock, Flavor, aw, each_flavor, opened

from ._emulators import (
    CLIENT_ID,
    CLIENT_SECRET,
    REDIRECT,
    Douban,
    Ebay,
    Fitbit,
    Mailchimp,
    Plentymarkets,
    Weibo,
)

RUNAME = "Example_App-ExampleA-Exampl-abcde"


def ours(flavor: Flavor, name: str, emu: Any, **kwargs: Any) -> Any:
    kwargs.setdefault("client_id", CLIENT_ID)
    kwargs.setdefault("client_secret", CLIENT_SECRET)
    make = flavor.pick(oauth2_client, async_oauth2_client)
    return make(name, transport=emu.transport(), **kwargs)


def plain(flavor: Flavor, name: str, emu: Any, **kwargs: Any) -> Any:
    """A plain client with the provider's endpoints and client authentication, no hooks."""
    provider = PROVIDERS[name].bind(
        **({"host": Plentymarkets.HOST} if "{" in str(PROVIDERS[name].token_endpoint) else {})
    )
    kwargs.setdefault("client_id", CLIENT_ID)
    kwargs.setdefault("client_secret", CLIENT_SECRET)
    if kwargs["client_secret"] is not None and provider.token_endpoint_auth_method:
        kwargs.setdefault("token_endpoint_auth_method", provider.token_endpoint_auth_method)
    return flavor.oauth2_client(
        authorization_endpoint=provider.authorization_endpoint,
        token_endpoint=provider.token_endpoint,
        code_challenge_method=provider.code_challenge_method,
        transport=emu.transport(),
        **kwargs,
    )


async def sign_in(client: Any, emu: Any, **authorize: Any) -> Any:
    url, _ = client.create_authorization_url(**authorize)
    return await aw(client.fetch_token(authorization_response=emu.approve(url).url))


def test_every_provider_is_registered_with_cited_quirks() -> None:
    names = set(providers.names())
    assert {
        "douban",
        "ebay",
        "ebay-sandbox",
        "fitbit",
        "mailchimp",
        "plentymarkets",
        "weibo",
    } <= names
    for name, provider in PROVIDERS.items():
        assert providers.get(name) == provider
        assert provider.flows
        assert provider.quirks
        assert all(q.url.startswith("https://") for q in provider.quirks)


def test_unknown_provider_name_is_refused() -> None:
    with pytest.raises(ValueError, match="fitbit"):
        oauth2_client("github", CLIENT_ID)
    with pytest.raises(TypeError):
        oauth2_client(3, CLIENT_ID)  # type: ignore[arg-type]


def test_from_provider_is_the_same_client() -> None:
    emu = Fitbit()
    with OAuth2Client.from_provider(
        "fitbit", client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uri=REDIRECT,
        transport=emu.transport(),
    ) as client:  # fmt: skip
        url, _ = client.create_authorization_url()
        token = client.fetch_token(authorization_response=emu.approve(url).url)
    assert token["user_id"] == "GGNJL9"


# -- flows ----------------------------------------------------------------------------------


@each_flavor
def test_douban_sign_in_refresh_and_api(flavor: Flavor) -> None:
    emu = Douban()

    async def scenario() -> None:
        async with opened(ours(flavor, "douban", emu, redirect_uri=REDIRECT)) as client:
            token = await sign_in(client, emu, scope="douban_basic_common")
            assert token["douban_user_id"] == "1221"
            me = await aw(client.get(Douban.ME))
            assert me.json()["id"] == "1221"
            new = await aw(client.refresh_token())
            assert new["access_token"] != token["access_token"]

    flavor.run(scenario)
    assert emu.calls("authorization_code")[0].auth_method == "client_secret_post"
    assert emu.sent(Douban.ME, "GET")[0].bearer is not None  # the header, as Douban documents


@pytest.mark.parametrize("name", ["ebay", "ebay-sandbox"])
@each_flavor
def test_ebay_user_and_application_tokens(flavor: Flavor, name: str) -> None:
    emu = Ebay(sandbox=name == "ebay-sandbox")

    async def scenario() -> None:
        async with opened(ours(flavor, name, emu, redirect_uri=RUNAME)) as client:
            token = await sign_in(client, emu)
            assert token["refresh_token_expires_in"] == 47304000
            assert (await aw(client.get(emu.privileges))).status_code == 200
            await aw(client.refresh_token())
            assert (await aw(client.get(emu.privileges))).status_code == 200
        async with opened(ours(flavor, name, emu)) as app:
            token = await aw(app.fetch_token(grant_type="client_credentials"))
            assert token["token_type"] == "Bearer"
            assert (await aw(app.get(emu.privileges))).status_code == 200

    flavor.run(scenario)
    calls = emu.calls()
    assert {c.auth_method for c in calls} == {"client_secret_basic"}
    assert emu.calls("client_credentials")[0].params["scope"] == (
        "https://api.ebay.com/oauth/api_scope"
    )
    assert emu.endpoints["token_endpoint"].startswith(emu.api)


@each_flavor
def test_fitbit_pkce_refresh_client_credentials_and_revoke(flavor: Flavor) -> None:
    emu = Fitbit()

    async def scenario() -> None:
        async with opened(ours(flavor, "fitbit", emu, redirect_uri=REDIRECT)) as client:
            token = await sign_in(client, emu, scope="profile activity")
            assert (await aw(client.get(Fitbit.PROFILE))).status_code == 200
            new = await aw(client.refresh_token())
            assert new["refresh_token"] != token["refresh_token"]
            await aw(client.revoke_token(token=new["access_token"]))
            assert not emu.is_active(new["access_token"])
        async with opened(ours(flavor, "fitbit", emu)) as app:
            assert (await aw(app.fetch_token(grant_type="client_credentials")))["access_token"]

    flavor.run(scenario)
    code = emu.calls("authorization_code")[0]
    assert code.pkce is not None
    assert code.auth_method == "client_secret_basic"


@each_flavor
def test_mailchimp_sign_in(flavor: Flavor) -> None:
    emu = Mailchimp()

    async def scenario() -> None:
        async with opened(ours(flavor, "mailchimp", emu, redirect_uri=REDIRECT)) as client:
            token = await sign_in(client, emu)
            assert token["access_token"]
            assert "expires_at" not in token

    flavor.run(scenario)
    assert emu.calls("authorization_code")[0].auth_method == "client_secret_post"


@each_flavor
def test_plentymarkets_login_refresh_and_api(flavor: Flavor) -> None:
    emu = Plentymarkets()

    async def scenario() -> None:
        client = ours(flavor, "plentymarkets", emu, client_id=None, client_secret=None,
                      host=Plentymarkets.HOST)  # fmt: skip
        async with opened(client):
            token = await aw(client.fetch_token(username="api-user", password="pw-1"))
            assert token["token_type"] == "Bearer"
            assert token["expires_in"] == 86400
            assert (await aw(client.get(emu.orders_url))).status_code == 200
            new = await aw(client.refresh_token())
            assert new["access_token"] != token["access_token"]
            assert (await aw(client.get(emu.orders_url))).status_code == 200

    flavor.run(scenario)
    assert [r.path for r in emu.sent_to("token_endpoint")] == ["/rest/login"]
    assert len(emu.sent(emu.refresh_url, "POST")) == 1


def test_plentymarkets_needs_a_host() -> None:
    with pytest.raises(ValueError, match="host"):
        oauth2_client("plentymarkets")


@each_flavor
def test_weibo_sign_in_and_api(flavor: Flavor) -> None:
    emu = Weibo()

    async def scenario() -> None:
        async with opened(ours(flavor, "weibo", emu, redirect_uri=REDIRECT)) as client:
            token = await sign_in(client, emu)
            assert token["uid"] == "12341234"
            shown = await aw(client.get(Weibo.SHOW, params={"uid": token["uid"]}))
            assert shown.json()["screen_name"] == "weibo user"

    flavor.run(scenario)
    assert emu.calls("authorization_code")[0].auth_method == "client_secret_post"


# -- quirks: the plugin's client handles each one, a plain client does not ------------------


@each_flavor
def test_quirk_douban_no_token_type(flavor: Flavor) -> None:
    emu = Douban()

    async def scenario() -> None:
        async with opened(ours(flavor, "douban", emu, redirect_uri=REDIRECT)) as client:
            assert (await sign_in(client, emu))["token_type"] == "Bearer"
        async with opened(plain(flavor, "douban", emu, redirect_uri=REDIRECT)) as bare:
            token = await sign_in(bare, emu)
        # RFC 6749 §5.1 makes token_type REQUIRED: the plain token has none to store
        assert "token_type" not in token

    flavor.run(scenario)


@each_flavor
def test_quirk_douban_errors(flavor: Flavor) -> None:
    emu = Douban()

    async def scenario() -> None:
        async with opened(ours(flavor, "douban", emu, redirect_uri=REDIRECT)) as client:
            with pytest.raises(OAuthError) as caught:
                await aw(client.fetch_token(code="expired-code"))
            assert caught.value.error == "invalid_grant"
            assert caught.value.description == "invalid_authorization_code"
            assert not isinstance(caught.value, TokenResponseError)
        async with opened(plain(flavor, "douban", emu, redirect_uri=REDIRECT)) as bare:
            with pytest.raises(TokenResponseError) as plain_caught:
                await aw(bare.fetch_token(code="expired-code"))
            # Douban's code is lost: a generic "answered with an HTTP error"
            assert plain_caught.value.error == "invalid_token_response"

    flavor.run(scenario)


@pytest.mark.parametrize("name", ["ebay", "ebay-sandbox"])
@each_flavor
def test_quirk_ebay_token_type(flavor: Flavor, name: str) -> None:
    emu = Ebay(sandbox=name == "ebay-sandbox")

    async def scenario() -> None:
        async with opened(ours(flavor, name, emu, redirect_uri=RUNAME)) as client:
            assert (await sign_in(client, emu))["token_type"] == "Bearer"
            assert (await aw(client.get(emu.privileges))).status_code == 200
        async with opened(plain(flavor, name, emu, redirect_uri=RUNAME)) as bare:
            token = await sign_in(bare, emu)
            assert token["token_type"] == "User Access Token"
            with pytest.raises(UnsupportedTokenTypeError):
                await aw(bare.get(emu.privileges))

    flavor.run(scenario)
    assert len(emu.sent(emu.privileges, "GET")) == 1  # the plain client sent nothing


@each_flavor
def test_quirk_fitbit_errors_list(flavor: Flavor) -> None:
    emu = Fitbit()

    async def scenario() -> None:
        async with opened(ours(flavor, "fitbit", emu, redirect_uri=REDIRECT)) as client:
            with pytest.raises(OAuthError) as caught:
                await aw(client.fetch_token(code="not-a-code"))
            assert caught.value.error == "invalid_grant"
            assert not isinstance(caught.value, TokenResponseError)
        async with opened(plain(flavor, "fitbit", emu, redirect_uri=REDIRECT)) as bare:
            with pytest.raises(TokenResponseError) as plain_caught:
                await aw(bare.fetch_token(code="not-a-code"))
            assert plain_caught.value.error == "invalid_token_response"
            assert plain_caught.value.status_code == 400

    flavor.run(scenario)


@each_flavor
def test_quirk_mailchimp_null_scope_and_zero_expiry(flavor: Flavor) -> None:
    clock = FakeClock(1_700_000_000)
    emu = Mailchimp(clock=clock)

    async def scenario() -> None:
        async with opened(ours(flavor, "mailchimp", emu, redirect_uri=REDIRECT)) as client:
            token = await sign_in(client, emu)
            assert "scope" not in token
            assert "expires_in" not in token
            clock.advance(10 * 365 * 86400)
            assert token.is_expired(clock=clock) is None  # never expires, never refreshed
        async with opened(plain(flavor, "mailchimp", emu, redirect_uri=REDIRECT)) as bare:
            token = await sign_in(bare, emu)
        # the plain token keeps a null scope and a zero lifetime: a caller reading them as
        # RFC 6749 §3.3 / §5.1 values fails or sees an already expired token
        assert token["scope"] is None
        assert token["expires_in"] == 0
        with pytest.raises(AttributeError):
            token.get("scope", "").split()

    flavor.run(scenario)


@each_flavor
def test_quirk_plentymarkets_camel_case(flavor: Flavor) -> None:
    emu = Plentymarkets()

    async def scenario() -> None:
        client = ours(flavor, "plentymarkets", emu, client_id=None, client_secret=None,
                      host=Plentymarkets.HOST)  # fmt: skip
        async with opened(client):
            token = await aw(client.fetch_token(username="api-user", password="pw-1"))
            assert token["access_token"]
            assert "accessToken" not in token
        async with opened(
            plain(flavor, "plentymarkets", emu, client_id=None, client_secret=None)
        ) as bare:
            with pytest.raises(TokenResponseError, match="no access_token"):
                await aw(bare.fetch_token(username="api-user", password="pw-1"))

    flavor.run(scenario)


@each_flavor
def test_quirk_plentymarkets_refresh_url(flavor: Flavor) -> None:
    emu = Plentymarkets()
    refresh = emu.issue_token("", lifetime=None)
    stale = {"access_token": "expired", "token_type": "Bearer", "refresh_token": refresh}

    async def scenario() -> None:
        async with opened(
            plain(flavor, "plentymarkets", emu, client_id=None, client_secret=None)
        ) as bare:
            bare.token = dict(stale)
            # the login route refuses a refresh (it wants a username)
            with pytest.raises(TokenResponseError) as caught:
                await aw(bare.refresh_token())
            assert caught.value.status_code == 422

    flavor.run(scenario)
    assert emu.sent(emu.refresh_url, "POST") == []
    url, _, _ = plentymarkets_refresh_url(f"https://{Plentymarkets.HOST}/rest/login", {}, "")
    assert url == emu.refresh_url
    assert plentymarkets_refresh_url(emu.refresh_url, {}, "")[0] == emu.refresh_url


@each_flavor
def test_quirk_weibo_query_token(flavor: Flavor) -> None:
    emu = Weibo()

    async def scenario() -> None:
        async with opened(ours(flavor, "weibo", emu, redirect_uri=REDIRECT)) as client:
            token = await sign_in(client, emu)
            assert token["token_type"] == "Bearer"
            assert (await aw(client.get(Weibo.SHOW, params={"uid": "1"}))).status_code == 200
        async with opened(plain(flavor, "weibo", emu, redirect_uri=REDIRECT)) as bare:
            plain_token = await sign_in(bare, emu)
            assert "token_type" not in plain_token
            refused = await aw(bare.get(Weibo.SHOW, params={"uid": "1"}))
            assert refused.status_code == 403
            assert refused.json()["error_code"] == 21301

    flavor.run(scenario)
    ours_sent, plain_sent = emu.sent(Weibo.SHOW, "GET")
    assert ours_sent.query["access_token"]
    assert "authorization" not in ours_sent.headers
    assert "access_token" not in plain_sent.query
    assert plain_sent.bearer


def test_weibo_hook_keeps_a_given_access_token() -> None:
    url, headers, _ = weibo_query_token(
        "https://api.weibo.com/2/users/show.json?access_token=mine",
        {"Authorization": "Bearer other", "Accept": "application/json"},
        None,
    )
    assert url.endswith("access_token=mine")
    assert headers == {"Accept": "application/json"}
    untouched = ("https://api.weibo.com/x", {"Accept": "*/*"}, None)
    assert weibo_query_token(*untouched) == untouched
