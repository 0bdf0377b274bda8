"""The Atlassian plugin: the 3LO flow with rotating refresh on both clients, the cloud id,
and each quirk against a plain ``OAuth2Client`` on the same emulator."""

from __future__ import annotations

from typing import Any

import pytest
from authwire_atlassian import (
    ATLASSIAN,
    api_url,
    async_fetch_accessible_resources,
    async_oauth2_client,
    cloud_id,
    fetch_accessible_resources,
    oauth2_client,
)

from authwire import OAuth2Client, OAuthError, TokenExpiredError, providers
from authwire.testing import FakeClock, Flavor, aw, each_flavor, opened

from ._emulator import (
    AUTHORIZE_URL,
    CLIENT_ID,
    CLIENT_SECRET,
    CLOUD_ID,
    MYSELF_URL,
    REDIRECT,
    RESOURCES,
    SITE,
    SITE_MYSELF_URL,
    TOKEN_URL,
    Atlassian,
)


def plain_client(emu: Atlassian, **kwargs: Any) -> OAuth2Client:
    return OAuth2Client(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        authorization_endpoint=AUTHORIZE_URL,
        token_endpoint=TOKEN_URL,
        token_endpoint_auth_method="client_secret_post",
        redirect_uri=REDIRECT,
        transport=emu.transport(),
        **kwargs,
    )


def test_the_provider_is_registered() -> None:
    assert providers.get("atlassian") == ATLASSIAN
    assert ATLASSIAN.authorize_params == {"audience": "api.atlassian.com", "prompt": "consent"}


@each_flavor
def test_sign_in_cloud_id_and_rotating_refresh(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = Atlassian(clock=clock)
    updates: list[tuple[str, str]] = []

    def update_token(token: dict[str, Any], refresh_token: str | None = None, **_: Any) -> None:
        updates.append((token["refresh_token"], refresh_token or ""))

    async def scenario() -> None:
        make = flavor.pick(oauth2_client, async_oauth2_client)
        client = make(
            CLIENT_ID, CLIENT_SECRET, scope="read:jira-work read:jira-user",
            redirect_uri=REDIRECT, transport=emu.transport(), update_token=update_token,
        )  # fmt: skip
        client.oauth.clock = clock
        async with opened(client):
            url, _ = client.create_authorization_url()
            token = await aw(client.fetch_token(authorization_response=emu.approve(url).url))
            fetch = flavor.pick(fetch_accessible_resources, async_fetch_accessible_resources)
            resources = await aw(fetch(client))
            assert resources == RESOURCES
            jira = api_url("jira", cloud_id(resources, site=SITE))
            first = await aw(client.get(f"{jira}/rest/api/3/myself"))
            assert first.json()["accountId"] == "user-1"
            clock.advance(3600)  # the access token expired: the client refreshes by itself
            second = await aw(client.get(f"{jira}/rest/api/3/myself"))
            assert second.status_code == 200
            assert client.token["refresh_token"] != token["refresh_token"]

    flavor.run(scenario)
    [code] = emu.calls("authorization_code")
    assert code.auth_method == "client_secret_post"
    assert "offline_access" in code.params.get("scope", "offline_access")
    [refresh] = emu.calls("refresh_token")
    assert refresh.outcome == "issued"
    assert len(updates) == 1
    assert updates[0][0] != updates[0][1]


def test_cloud_id_and_api_url_check_their_input() -> None:
    two = [*RESOURCES, {**RESOURCES[0], "id": "other", "url": "https://b.atlassian.net"}]
    assert cloud_id(RESOURCES) == CLOUD_ID
    assert cloud_id(two, site="https://B.atlassian.net/") == "other"
    with pytest.raises(LookupError, match="2 sites"):
        cloud_id(two)
    with pytest.raises(LookupError):
        cloud_id(RESOURCES, site="https://nope.atlassian.net")
    assert api_url("confluence", CLOUD_ID) == f"https://api.atlassian.com/ex/confluence/{CLOUD_ID}"
    with pytest.raises(ValueError):
        api_url("bitbucket", CLOUD_ID)
    with pytest.raises(ValueError):
        api_url("jira", "a/b")


# -- quirks ------------------------------------------------------------------------------


def test_quirk_audience_and_prompt() -> None:
    emu = Atlassian()
    with oauth2_client(
        CLIENT_ID, CLIENT_SECRET, redirect_uri=REDIRECT, transport=emu.transport()
    ) as c:
        url, _ = c.create_authorization_url()
        assert c.fetch_token(authorization_response=emu.approve(url).url)["access_token"]
    with plain_client(emu) as plain:
        url, _ = plain.create_authorization_url()
    with pytest.raises(AssertionError, match="audience"):
        emu.approve(url)


def test_quirk_offline_access_and_rotation() -> None:
    clock = FakeClock()
    emu = Atlassian(clock=clock)
    kwargs: dict[str, Any] = {"scope": "read:jira-work", "transport": emu.transport()}
    with oauth2_client(CLIENT_ID, CLIENT_SECRET, redirect_uri=REDIRECT, **kwargs) as c:
        c.oauth.clock = clock
        url, _ = c.create_authorization_url()
        first = c.fetch_token(authorization_response=emu.approve(url).url)
        clock.advance(3601)
        assert c.get(MYSELF_URL).status_code == 200
        # the used refresh token is disabled: Atlassian's 403 invalid_grant
        with pytest.raises(OAuthError) as caught:
            c.refresh_token(refresh_token=first["refresh_token"])
    assert caught.value.error == "invalid_grant"
    # a plain client with the same scope gets no refresh token, so the hour ends it
    with plain_client(emu, scope="read:jira-work") as plain:
        plain.oauth.clock = clock
        url, _ = plain.create_authorization_url(audience="api.atlassian.com", prompt="consent")
        token = plain.fetch_token(authorization_response=emu.approve(url).url)
        assert "refresh_token" not in token
        clock.advance(3601)
        with pytest.raises(TokenExpiredError):
            plain.get(MYSELF_URL)


def test_quirk_cloud_id_gateway() -> None:
    emu = Atlassian()
    token = {"access_token": emu.issue_token(CLIENT_ID), "token_type": "Bearer"}
    with oauth2_client(CLIENT_ID, CLIENT_SECRET, token=token, transport=emu.transport()) as c:
        base = api_url("jira", cloud_id(fetch_accessible_resources(c)))
        assert c.get(f"{base}/rest/api/3/myself").status_code == 200
    with plain_client(emu, token=token) as plain:
        # the site's own URL refuses a 3LO token
        assert plain.get(SITE_MYSELF_URL).status_code == 401
