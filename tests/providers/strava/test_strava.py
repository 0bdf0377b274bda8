"""The Strava plugin against its emulator: every flow on sync and async, each quirk beside a
plain ``OAuth2Client`` on the same emulator."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from authwire_strava import (
    STRAVA,
    async_deauthorize,
    async_fetch_athlete,
    async_oauth2_client,
    athlete,
    deauthorize,
    fault_to_oauth_error,
    fetch_athlete,
    granted_scopes,
    join_scopes,
    oauth2_client,
)

from authwire import OAuth2Client, OAuthError, providers
from authwire.testing import Flavor, aw, each_flavor, opened

from ._emulator import (
    ATHLETE_SUMMARY,
    AUTHORIZE,
    CLIENT_ID,
    CLIENT_SECRET,
    DEAUTHORIZE,
    REDIRECT,
    TOKEN,
    Strava,
    strava,
)


def plugin_client(flavor: Flavor, emu: Strava, **kwargs: Any) -> Any:
    make = flavor.pick(oauth2_client, async_oauth2_client)
    client = make(
        CLIENT_ID, CLIENT_SECRET, redirect_uri=REDIRECT, transport=emu.transport(), **kwargs
    )
    client.oauth.clock = emu.clock
    return client


def plain_client(emu: Strava, **kwargs: Any) -> OAuth2Client:
    client = OAuth2Client(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        authorization_endpoint=AUTHORIZE,
        token_endpoint=TOKEN,
        redirect_uri=REDIRECT,
        code_challenge_method=None,
        transport=emu.transport(),
        **kwargs,
    )
    client.oauth.clock = emu.clock
    return client


def signed_in(client: Any, emu: Strava, **approve: str) -> dict[str, Any]:
    url, _ = client.create_authorization_url()
    return dict(client.fetch_token(authorization_response=emu.approve(url, **approve).url))


def test_registered_with_its_metadata() -> None:
    assert providers.get("strava") == STRAVA
    assert STRAVA.token_endpoint_auth_method == "client_secret_post"
    assert len(STRAVA.quirks) == 7


@each_flavor
def test_sign_in_refresh_athlete_and_deauthorize(flavor: Flavor) -> None:
    emu = strava()
    saved: list[tuple[str, str]] = []

    def update_token(token: dict[str, Any], refresh_token: str) -> None:
        saved.append((token["refresh_token"], refresh_token))

    async def scenario() -> None:
        client = plugin_client(
            flavor,
            emu,
            scope=["read", "activity:read_all"],
            approval_prompt="force",
            update_token=update_token,
        )
        async with opened(client):
            url, _ = client.create_authorization_url()
            assert "scope=read%2Cactivity%3Aread_all" in url
            assert "approval_prompt=force" in url
            callback = emu.approve(url, scope="read").url  # the athlete unticked one
            token = await aw(client.fetch_token(authorization_response=callback))
            assert granted_scopes(callback) == ("read",)
            assert athlete(token) == ATHLETE_SUMMARY
            assert token["expires_at"] == int(emu.clock()) + 21600
            emu.clock.advance(21600)
            profile = await aw(flavor.pick(fetch_athlete, async_fetch_athlete)(client))
            assert profile["id"] == ATHLETE_SUMMARY["id"]
            refreshed = client.token
            assert athlete(refreshed) is None
            assert refreshed["refresh_token"] != token["refresh_token"]
            answer = await aw(flavor.pick(deauthorize, async_deauthorize)(client))
            assert answer == {"access_token": refreshed["access_token"]}
        assert saved == [(refreshed["refresh_token"], token["refresh_token"])]
        assert not emu.is_active(refreshed["access_token"])
        assert not emu.is_active(refreshed["refresh_token"])
        assert [c.auth_method for c in emu.calls()] == ["client_secret_post"] * 2

    flavor.run(scenario)


def test_scope_helpers() -> None:
    assert join_scopes(["read", "activity:read"]) == "read,activity:read"
    assert join_scopes("read activity:read") == "read,activity:read"
    assert join_scopes("read,activity:read") == "read,activity:read"
    with pytest.raises(ValueError):
        join_scopes(["read", ""])
    assert granted_scopes("https://app.example/cb?state=x&code=c&scope=read,activity:write") == (
        "read",
        "activity:write",
    )
    assert granted_scopes("https://app.example/cb?code=c") == ()
    with pytest.raises(ValueError, match="approval_prompt"):
        oauth2_client(CLIENT_ID, CLIENT_SECRET, approval_prompt="always")


# -- quirks -------------------------------------------------------------------------------------


def test_comma_separated_scopes_plain_client_is_refused_at_authorize() -> None:
    emu = strava()
    scopes = ["read", "activity:read_all"]
    with plugin_client(Flavor("sync"), emu, scope=scopes) as client:
        url, _ = client.create_authorization_url()
        assert client.get(url, auth=None).status_code == 302
    with plain_client(emu, scope=scopes) as plain:
        url, _ = plain.create_authorization_url()
        page = plain.get(url, auth=None)
    assert page.status_code == 400
    assert page.json()["errors"] == [{"resource": "Authorize", "field": "scope", "code": "invalid"}]


def test_credentials_in_the_body_plain_client_basic_is_refused() -> None:
    emu = strava()
    with plugin_client(Flavor("sync"), emu) as client:
        signed_in(client, emu)
    with plain_client(emu, scope="read") as plain:
        url, _ = plain.create_authorization_url()
        with pytest.raises(OAuthError) as caught:
            plain.fetch_token(authorization_response=emu.approve(url).url)
    assert caught.value.error == "invalid_token_response"  # a Fault, unread by the core
    refused = emu.calls()[-1]
    assert refused.request.basic_auth == (CLIENT_ID, CLIENT_SECRET)
    assert "client_secret" not in refused.params
    assert [c.outcome for c in emu.calls()] == ["issued", "invalid_client"]


def test_fault_errors_plugin_raises_invalid_grant_plain_client_a_bare_response_error() -> None:
    emu = strava()
    with plugin_client(Flavor("sync"), emu) as client:
        first = signed_in(client, emu)
        client.refresh_token()
        with pytest.raises(OAuthError) as caught:
            client.refresh_token(refresh_token=first["refresh_token"])  # rotated: spent
    assert caught.value.error == "invalid_grant"
    assert "RefreshToken refresh_token invalid" in str(caught.value.description)
    with (
        plain_client(emu, scope="read", token_endpoint_auth_method="client_secret_post") as plain,
        pytest.raises(OAuthError) as plain_caught,
    ):
        plain.refresh_token(refresh_token=first["refresh_token"])
    assert plain_caught.value.error == "invalid_token_response"


def test_fault_hook_leaves_other_answers_alone() -> None:
    ok = httpx.Response(200, json={"access_token": "a"})
    assert fault_to_oauth_error(ok) is ok
    oauth = httpx.Response(400, json={"error": "invalid_grant"})
    assert fault_to_oauth_error(oauth) is oauth
    html = httpx.Response(502, text="<html>bad gateway</html>")
    assert fault_to_oauth_error(html) is html
    unauthorized = httpx.Response(401, json={"message": "Authorization Error", "errors": []})
    assert fault_to_oauth_error(unauthorized).json()["error"] == "invalid_client"


def test_rotating_refresh_tokens_the_newest_is_kept_and_handed_over() -> None:
    # The core keeps whatever refresh token an answer carries and passes it to update_token,
    # so a plain client (with client_secret_post) copes as well; pinned for the plugin.
    emu = strava()
    handed: list[str] = []
    with plugin_client(
        Flavor("sync"), emu, update_token=lambda t, refresh_token: handed.append(t["refresh_token"])
    ) as client:
        first = signed_in(client, emu)
        client.refresh_token()
        second = client.token["refresh_token"]
        client.refresh_token()
    assert handed == [second, client.token["refresh_token"]]
    assert len({first["refresh_token"], *handed}) == 3
    assert not emu.is_active(first["refresh_token"])


def test_expires_at_is_taken_as_given() -> None:
    # expires_at is absolute: the token keeps Strava's value even when the client's clock
    # reads otherwise (the core honours a provider's expires_at; a plain client does too).
    emu = strava()
    with plugin_client(Flavor("sync"), emu) as client:
        client.oauth.clock = lambda: emu.clock() - 500  # a slow local clock
        token = signed_in(client, emu)
    assert token["expires_at"] == int(emu.clock()) + 21600


def test_athlete_only_on_the_first_exchange() -> None:
    emu = strava()
    with plugin_client(Flavor("sync"), emu) as client:
        token = signed_in(client, emu)
        refreshed = client.refresh_token()
    assert athlete(token) == ATHLETE_SUMMARY
    assert athlete(refreshed) is None


def test_deauthorize_plugin_revokes_plain_rfc_7009_revocation_fails() -> None:
    emu = strava()
    with plugin_client(Flavor("sync"), emu) as client:
        token = signed_in(client, emu)
        deauthorize(client)
    assert not emu.is_active(token["access_token"])
    with plain_client(emu, scope="read", token_endpoint_auth_method="client_secret_post") as plain:
        token = signed_in(plain, emu)
        with pytest.raises(OAuthError) as caught:
            plain.revoke_token(url=DEAUTHORIZE)  # token=<refresh token>&token_type_hint=...
    assert caught.value.error == "revocation_failed"
    assert emu.is_active(token["access_token"])
    assert emu.is_active(token["refresh_token"])
