"""The Spotify plugin against its emulator: every flow on sync and async, each quirk beside a
plain ``OAuth2Client`` on the same emulator."""

from __future__ import annotations

from typing import Any

import authwire_spotify
import httpx
import pytest
from authwire_spotify import (
    SPOTIFY,
    async_fetch_current_user,
    async_oauth2_client,
    check_redirect_uri,
    fetch_current_user,
    oauth2_client,
)

from authwire import AsyncOAuth2Client, OAuth2Client, OAuthError, providers
from authwire.testing import Flavor, aw, each_flavor, opened

from ._emulator import (
    CLIENT_ID,
    CLIENT_SECRET,
    LOOPBACK,
    MARKETS,
    PUBLIC_ID,
    REDIRECT,
    TOKEN,
    Spotify,
    spotify,
)


def plugin_client(flavor: Flavor, emu: Spotify, *args: Any, **kwargs: Any) -> Any:
    make = flavor.pick(oauth2_client, async_oauth2_client)
    client = make(*args, transport=emu.transport(), **kwargs)
    client.oauth.clock = emu.clock
    return client


def test_registered_with_its_metadata() -> None:
    assert providers.get("spotify") == SPOTIFY
    assert SPOTIFY.flows == ("authorization_code", "refresh_token", "client_credentials")
    assert all(q.url.startswith("https://developer.spotify.com/") for q in SPOTIFY.quirks)
    with OAuth2Client.from_provider("spotify", client_id=CLIENT_ID) as client:
        assert client.oauth.metadata["token_endpoint"] == TOKEN


@each_flavor
def test_confidential_sign_in_refresh_and_profile(flavor: Flavor) -> None:
    emu = spotify()
    saved: list[tuple[dict[str, Any], str]] = []

    def update_token(token: dict[str, Any], refresh_token: str) -> None:
        saved.append((dict(token), refresh_token))

    async def scenario() -> None:
        client = plugin_client(
            flavor,
            emu,
            CLIENT_ID,
            CLIENT_SECRET,
            redirect_uri=REDIRECT,
            update_token=update_token,
        )
        async with opened(client):
            url, _ = client.create_authorization_url(scope="user-read-email user-read-private")
            assert url.startswith("https://accounts.spotify.com/authorize?")
            token = await aw(client.fetch_token(authorization_response=emu.approve(url).url))
            assert token["scope"] == "user-read-email user-read-private"
            emu.clock.advance(3600)  # expired: the next API call refreshes first
            fetch = flavor.pick(fetch_current_user, async_fetch_current_user)
            profile = await aw(fetch(client))
            assert profile["id"] == "user-1"
            assert client.token["refresh_token"] == token["refresh_token"]
        [code] = emu.calls("authorization_code")
        assert code.auth_method == "client_secret_basic"
        assert code.pkce == "S256"
        [refresh] = emu.calls("refresh_token")
        assert refresh.auth_method == "client_secret_basic"
        assert [rt for _, rt in saved] == [token["refresh_token"]]
        assert saved[0][0]["refresh_token"] == token["refresh_token"]

    flavor.run(scenario)


@each_flavor
def test_public_client_uses_pkce_and_a_loopback_redirect(flavor: Flavor) -> None:
    emu = spotify()

    async def scenario() -> None:
        client = plugin_client(flavor, emu, PUBLIC_ID, redirect_uri=LOOPBACK)
        async with opened(client):
            url, _ = client.create_authorization_url()
            assert "code_challenge_method=S256" in url
            token = await aw(client.fetch_token(authorization_response=emu.approve(url).url))
            await aw(client.refresh_token())
        assert client.token["refresh_token"] == token["refresh_token"]
        [code] = emu.calls("authorization_code")
        assert (code.auth_method, code.pkce) == ("none", "S256")
        assert code.params["client_id"] == PUBLIC_ID
        assert emu.calls("refresh_token")[0].auth_method == "none"

    flavor.run(scenario)


@each_flavor
def test_client_credentials_fetch_their_own_token(flavor: Flavor) -> None:
    emu = spotify()

    async def scenario() -> None:
        client = plugin_client(
            flavor, emu, CLIENT_ID, CLIENT_SECRET, grant_type="client_credentials"
        )
        async with opened(client):
            first = await aw(client.get(MARKETS))
            assert first.json()["markets"] == ["CA", "BR", "IT"]
            emu.clock.advance(3600)
            assert (await aw(client.get(MARKETS))).status_code == 200
        calls = emu.calls("client_credentials")
        assert [c.auth_method for c in calls] == ["client_secret_basic"] * 2
        assert client.token["token_type"] == "bearer"
        assert "refresh_token" not in client.token

    flavor.run(scenario)


# -- quirks -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "uri",
    [
        "http://localhost:8888/callback",
        "https://localhost/callback",
        "http://LOCALHOST:8888/callback",
        "http://app.example/callback",
        "http://192.168.1.4:8000/cb",
    ],
)
def test_banned_redirect_uris_are_refused_when_the_client_is_made(uri: str) -> None:
    with pytest.raises(ValueError, match="Spotify") as caught:
        oauth2_client(CLIENT_ID, CLIENT_SECRET, redirect_uri=uri)
    if "localhost" in uri.lower():
        assert "127.0.0.1" in str(caught.value)
    with pytest.raises(ValueError, match="Spotify"):
        async_oauth2_client(CLIENT_ID, redirect_uri=uri)


@pytest.mark.parametrize(
    "uri",
    [
        "https://app.example/callback",
        "http://127.0.0.1:8765/callback",
        "http://127.0.0.1/callback",
        "http://[::1]:5000/callback",
        "com.example.app:/oauth-callback",
    ],
)
def test_allowed_redirect_uris_pass(uri: str) -> None:
    assert check_redirect_uri(uri) == uri
    with oauth2_client(CLIENT_ID, redirect_uri=uri) as client:
        assert client.redirect_uri == uri


def test_localhost_redirect_plugin_refuses_plain_client_gets_spotify_error_page() -> None:
    emu = spotify()
    # a redirect_uri given per call is stopped before the code is spent
    with OAuth2Client.from_provider(
        "spotify", client_id=CLIENT_ID, client_secret=CLIENT_SECRET, transport=emu.transport()
    ) as client:
        client.create_authorization_url(redirect_uri="http://localhost:8888/callback")
        with pytest.raises(ValueError, match="localhost"):
            client.fetch_token(code="whatever")
    assert emu.calls() == []
    # a plain client sends the user to Spotify, which shows its error page
    with OAuth2Client(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        authorization_endpoint=SPOTIFY.authorization_endpoint,
        token_endpoint=TOKEN,
        redirect_uri="http://localhost:8888/callback",
        transport=emu.transport(),
    ) as plain:
        url, _ = plain.create_authorization_url()
        page = plain.get(url, auth=None)
    assert page.status_code == 400
    assert page.text == "INVALID_CLIENT: Invalid redirect URI"


def test_basic_auth_and_pkce_defaults_match_the_core_defaults() -> None:
    # Spotify wants Basic from confidential clients and PKCE from public ones; the plugin
    # declares both, and a plain OAuth2Client happens to default to the same two, so here the
    # plain client is not wrong (kept as a regression check of that agreement).
    emu = spotify()
    with oauth2_client(
        CLIENT_ID, CLIENT_SECRET, redirect_uri=REDIRECT, transport=emu.transport()
    ) as c:
        url, _ = c.create_authorization_url()
        c.fetch_token(authorization_response=emu.approve(url).url)
    with OAuth2Client(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        authorization_endpoint=SPOTIFY.authorization_endpoint,
        token_endpoint=TOKEN,
        redirect_uri=REDIRECT,
        transport=emu.transport(),
    ) as plain:
        url, _ = plain.create_authorization_url()
        plain.fetch_token(authorization_response=emu.approve(url).url)
    assert [(c.auth_method, c.pkce) for c in emu.calls()] == [("client_secret_basic", "S256")] * 2
    # with the secret in the body instead, Spotify's registered client is not authenticated
    with (
        OAuth2Client(
            client_id=CLIENT_ID,
            token_endpoint=TOKEN,
            token_endpoint_auth_method="none",
            transport=emu.transport(),
        ) as public_guess,
        pytest.raises(OAuthError) as caught,
    ):
        public_guess.fetch_token(grant_type="client_credentials")
    assert caught.value.error == "invalid_client"


def test_refresh_without_refresh_token_keeps_the_old_one_in_both_clients() -> None:
    # The core keeps the previous refresh token when an answer has none (RFC 6749 §6), so a
    # plain client copes too; the test pins that the plugin does not lose it either.
    emu = spotify()
    tokens = []
    for make in (
        lambda: oauth2_client(CLIENT_ID, CLIENT_SECRET, transport=emu.transport()),
        lambda: OAuth2Client(
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            authorization_endpoint=SPOTIFY.authorization_endpoint,
            token_endpoint=TOKEN,
            transport=emu.transport(),
        ),
    ):
        with make() as client:
            url, _ = client.create_authorization_url(redirect_uri=REDIRECT)
            first = client.fetch_token(authorization_response=emu.approve(url).url)
            client.refresh_token()
            tokens.append((first["refresh_token"], client.token["refresh_token"]))
    assert all(old == new for old, new in tokens)
    assert [c.outcome for c in emu.calls("refresh_token")] == ["issued", "issued"]


def test_the_constructors_are_from_provider() -> None:
    with oauth2_client(CLIENT_ID, CLIENT_SECRET) as mine:
        assert isinstance(mine, OAuth2Client)
        assert mine.oauth.token_endpoint_auth_method == "client_secret_basic"
    client = async_oauth2_client(CLIENT_ID)
    assert isinstance(client, AsyncOAuth2Client)
    assert client.oauth.token_endpoint_auth_method == "none"
    assert authwire_spotify.API_URL == "https://api.spotify.com/v1"


def test_a_refused_profile_is_an_http_error() -> None:
    emu = spotify()
    with (
        oauth2_client(
            CLIENT_ID,
            CLIENT_SECRET,
            token={"access_token": "at-unknown", "token_type": "Bearer"},
            transport=emu.transport(),
        ) as client,
        pytest.raises(httpx.HTTPStatusError),
    ):
        fetch_current_user(client)


# -- from_provider applies every fix -----------------------------------------------------


@each_flavor
def test_from_provider_refuses_a_banned_redirect_uri_when_the_client_is_made(
    flavor: Flavor,
) -> None:
    with pytest.raises(ValueError, match=r"127\.0\.0\.1"):
        flavor.oauth2_client.from_provider(
            "spotify", client_id=CLIENT_ID, redirect_uri="http://localhost:8888/callback"
        )
    client = flavor.oauth2_client.from_provider(
        "spotify", client_id=CLIENT_ID, redirect_uri=LOOPBACK
    )

    async def scenario() -> None:
        async with opened(client):
            assert client.redirect_uri == LOOPBACK

    flavor.run(scenario)
