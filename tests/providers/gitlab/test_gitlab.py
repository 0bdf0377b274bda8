"""The GitLab plugin against an emulated GitLab: every flow on the sync and async clients,
and each quirk handled by the plugin's client where a plain ``OAuth2Client`` stumbles.

The emulator (``_emulator.py``) answers as docs.gitlab.com documents it; see the pages
cited there.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

import httpx
import pytest
from authwire_gitlab import (
    DEFAULT_LIFETIME,
    GITLAB,
    api_root,
    async_fetch_token_info,
    async_fetch_user,
    async_oauth2_client,
    expiry_from_created_at,
    fetch_token_info,
    fetch_user,
    gitlab_provider,
    oauth2_client,
    refresh_redirect_uri,
)

from authwire import OAuthError, providers
from authwire.testing import FakeClock, Flavor, aw, each_flavor, json_response, opened

from ._emulator import CLIENT_ID, CLIENT_SECRET, REDIRECT, USER_ID, GitLabEmulator

pytestmark = pytest.mark.filterwarnings(
    "ignore:authwire provider plugin '(?!gitlab'):authwire.providers.ProviderPluginWarning"
)

ROOT = "https://gitlab.com"
SELF_MANAGED = "https://gitlab.example.com"
TOKEN = f"{ROOT}/oauth/token"
PROJECTS = f"{ROOT}/api/v4/projects"
SCOPE = "openid profile email read_user"


def named_client(flavor: Flavor, emu: GitLabEmulator, clock: FakeClock, **kwargs: Any) -> Any:
    kwargs.setdefault("redirect_uri", REDIRECT)
    kwargs.setdefault("scope", SCOPE)
    constructor = flavor.pick(oauth2_client, async_oauth2_client)
    client = constructor(CLIENT_ID, CLIENT_SECRET, transport=emu.transport(), **kwargs)
    client.oauth.clock = clock
    return client


def plain_client(flavor: Flavor, emu: GitLabEmulator, clock: FakeClock) -> Any:
    """An ``OAuth2Client`` given GitLab's endpoints by hand, without the plugin."""
    client = flavor.oauth2_client(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        token_endpoint_auth_method="client_secret_post",
        authorization_endpoint=f"{ROOT}/oauth/authorize",
        token_endpoint=TOKEN,
        redirect_uri=REDIRECT,
        scope="read_user",
        transport=emu.transport(),
    )
    client.oauth.clock = clock
    return client


async def sign_in(client: Any, emu: GitLabEmulator) -> Any:
    url, _ = client.create_authorization_url()
    return await aw(client.fetch_token(authorization_response=emu.approve(url).url))


# -- the provider value and the registry --------------------------------------------------------


def test_registered_through_the_entry_point() -> None:
    [entry] = entry_points(group="authwire", name="gitlab")
    assert entry.value == "authwire_gitlab"
    assert providers.get("gitlab") == GITLAB
    assert "gitlab" in providers.names()


def test_provider_values_are_gitlabs_documented_ones() -> None:
    bound = GITLAB.bind()
    assert bound.authorization_endpoint == "https://gitlab.com/oauth/authorize"
    assert bound.token_endpoint == "https://gitlab.com/oauth/token"
    assert bound.revocation_endpoint == "https://gitlab.com/oauth/revoke"
    assert bound.userinfo_endpoint == "https://gitlab.com/oauth/userinfo"
    assert bound.device_authorization_endpoint == "https://gitlab.com/oauth/authorize_device"
    assert bound.jwks_uri == "https://gitlab.com/oauth/discovery/keys"
    assert bound.issuer == "https://gitlab.com"
    assert bound.discovery_url == "https://gitlab.com/.well-known/openid-configuration"
    assert GITLAB.token_endpoint_auth_method == "client_secret_post"
    assert GITLAB.code_challenge_method == "S256"
    assert GITLAB.scope == ("openid", "profile", "email")
    assert GITLAB.protocols == ("oauth2", "openid")
    assert {"authorization_code", "refresh_token", "device_code"} <= set(GITLAB.flows)
    assert all(
        q.url.startswith(("https://docs.gitlab.com/", "https://gitlab.com/")) for q in GITLAB.quirks
    )


def test_a_self_managed_host_moves_every_url() -> None:
    bound = GITLAB.bind(host="gitlab.example.com")
    assert bound.issuer == SELF_MANAGED
    assert bound.token_endpoint == f"{SELF_MANAGED}/oauth/token"
    assert bound.jwks_uri == f"{SELF_MANAGED}/oauth/discovery/keys"


def test_an_instance_below_a_relative_url_root() -> None:
    provider = gitlab_provider("https://example.com/gitlab/")
    assert provider.issuer == "https://example.com/gitlab"
    assert provider.token_endpoint == "https://example.com/gitlab/oauth/token"
    assert (
        provider.device_authorization_endpoint
        == "https://example.com/gitlab/oauth/authorize_device"
    )
    assert provider.is_bound
    with oauth2_client(CLIENT_ID, provider=provider) as client:
        assert api_root(client) == "https://example.com/gitlab/api/v4"


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"host": "https://gitlab.example.com"}, ValueError, "host name, not a URL"),
        ({"host": ""}, ValueError, "GitLab host name"),
        ({"host": "gitlab.example.com/x"}, ValueError, "one host name"),
        ({"host": "a.example", "provider": GITLAB}, TypeError, "not both"),
        ({"provider": "gitlab"}, TypeError, "Provider"),
    ],
)
def test_bad_hosts_are_refused(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        oauth2_client(CLIENT_ID, **kwargs)


@pytest.mark.parametrize(
    "base_url", ["gitlab.example.com", "ftp://gitlab.example.com", "https://x.example/?a=1"]
)
def test_bad_base_urls_are_refused(base_url: str) -> None:
    with pytest.raises(ValueError, match="base_url"):
        gitlab_provider(base_url)


def test_named_constructor_equals_from_provider() -> None:
    with (
        oauth2_client(CLIENT_ID, CLIENT_SECRET, host="gitlab.example.com") as named,
        _from_provider() as by_name,
    ):
        assert named.metadata == by_name.metadata
        assert named.oauth.token_endpoint_auth_method == "client_secret_post"
        assert len(named.oauth._hooks["refresh_token_request"]) == 1
        assert len(by_name.oauth._hooks["refresh_token_request"]) == 1
        assert named.oauth._hooks["access_token_response"] == [expiry_from_created_at]


def _from_provider() -> Any:
    from authwire import OAuth2Client

    return OAuth2Client.from_provider(
        "gitlab", host="gitlab.example.com", client_id=CLIENT_ID, client_secret=CLIENT_SECRET
    )


# -- the flows --------------------------------------------------------------------------------


@each_flavor
def test_sign_in_refresh_and_revoke_on_gitlab_com(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = GitLabEmulator(clock=clock)
    updates: list[tuple[dict[str, Any], dict[str, Any]]] = []
    seen: dict[str, Any] = {}

    def save(token: Any, **kwargs: Any) -> None:
        updates.append((dict(token), kwargs))

    async def scenario() -> None:
        async with opened(named_client(flavor, emu, clock, update_token=save)) as client:
            token = await sign_in(client, emu)
            first_refresh = token["refresh_token"]
            assert token["token_type"] == "bearer"
            assert token["expires_at"] == int(clock()) + 7200
            assert token["userinfo"]["sub"] == USER_ID  # the validated ID token
            assert token["userinfo"]["iss"] == ROOT
            assert token["userinfo"]["email"] == "john@example.com"
            info = await aw(client.userinfo())
            assert info["nickname"] == "john_smith"
            assert info["groups"] == ["acme", "acme/platform"]
            user = await aw(flavor.pick(fetch_user, async_fetch_user)(client))
            assert (user["id"], user["username"]) == (1, "john_smith")
            token_info = await aw(flavor.pick(fetch_token_info, async_fetch_token_info)(client))
            assert token_info["application"] == {"uid": CLIENT_ID}
            assert token_info["scope"] == SCOPE.split()

            clock.advance(7200)  # two hours: the token is now expired
            response = await aw(client.get(PROJECTS))
            assert response.status_code == 200
            rotated = seen["rotated"] = client.token
            assert rotated["refresh_token"] != first_refresh
            assert not emu.is_active(first_refresh)  # GitLab invalidated the old pair
            assert not emu.is_active(token["access_token"])
            assert emu.is_active(rotated["refresh_token"])

            revoked = await aw(client.revoke_token())
            assert revoked.status_code == 200
            assert not emu.is_active(rotated["refresh_token"])

    flavor.run(scenario)

    code_call, refresh_call = emu.calls()
    assert code_call.grant_type == "authorization_code"
    assert code_call.auth_method == "client_secret_post"
    assert code_call.pkce == "S256"
    assert refresh_call.grant_type == "refresh_token"
    assert refresh_call.params["redirect_uri"] == REDIRECT
    [(saved, kwargs)] = updates  # update_token saw the rotated pair, once
    assert kwargs == {"refresh_token": refresh_call.params["refresh_token"]}
    assert saved["refresh_token"] == seen["rotated"]["refresh_token"]
    # the token was renewed before the API call: the API only ever saw the new one
    [api_call] = emu.sent(PROJECTS)
    assert api_call.bearer == seen["rotated"]["access_token"]


@each_flavor
def test_a_refresh_with_a_used_refresh_token_is_refused(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = GitLabEmulator(clock=clock)

    async def scenario() -> None:
        async with opened(named_client(flavor, emu, clock)) as client:
            token = await sign_in(client, emu)
            old = token["refresh_token"]
            await aw(client.refresh_token())
            with pytest.raises(OAuthError) as caught:
                await aw(client.refresh_token(refresh_token=old))
            assert caught.value.error == "invalid_grant"

    flavor.run(scenario)


@each_flavor
def test_sign_in_on_a_self_managed_instance(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = GitLabEmulator(SELF_MANAGED, clock=clock)

    async def scenario() -> None:
        client = named_client(flavor, emu, clock, host="gitlab.example.com")
        async with opened(client):
            url, _ = client.create_authorization_url()
            assert url.startswith(f"{SELF_MANAGED}/oauth/authorize?")
            token = await sign_in_url(client, emu, url)
            assert token["userinfo"]["iss"] == SELF_MANAGED
            user = await aw(flavor.pick(fetch_user, async_fetch_user)(client))
            assert user["web_url"] == f"{SELF_MANAGED}/john_smith"

    flavor.run(scenario)
    assert [c.request.url.host for c in emu.calls()] == ["gitlab.example.com"]


async def sign_in_url(client: Any, emu: GitLabEmulator, url: str) -> Any:
    return await aw(client.fetch_token(authorization_response=emu.approve(url).url))


@each_flavor
def test_sign_in_with_from_provider(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = GitLabEmulator(clock=clock)

    async def scenario() -> None:
        client = flavor.oauth2_client.from_provider(
            "gitlab",
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            redirect_uri=REDIRECT,
            transport=emu.transport(),
        )
        client.oauth.clock = clock
        async with opened(client):
            token = await sign_in(client, emu)
            assert token["userinfo"]["email_verified"] is True
            assert token["scope"] == "openid profile email"

    flavor.run(scenario)


@each_flavor
def test_device_authorization_grant(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = GitLabEmulator(clock=clock)
    emu.add_client("cli-uid-1406020730")  # a public client: the device flow sends only its UID

    async def scenario() -> None:
        constructor = flavor.pick(oauth2_client, async_oauth2_client)
        client = constructor("cli-uid-1406020730", scope="read_user", transport=emu.transport())
        client.oauth.clock = clock
        async with opened(client):
            authorization = await aw(client.request_device_authorization())
            assert authorization.verification_uri == f"{ROOT}/oauth/device"
            assert authorization.verification_uri_complete == (
                f"{ROOT}/oauth/device?user_code={authorization.user_code}"
            )
            assert authorization.interval == 5
            emu.approve_device(authorization.user_code)
            token = await aw(client.poll_device_token(authorization))
            assert token["scope"] == "read_user"
            assert "created_at" in token
            user = await aw(flavor.pick(fetch_user, async_fetch_user)(client))
            assert user["username"] == "john_smith"

    flavor.run(scenario)
    [device_request] = emu.sent_to("device_authorization_endpoint")
    assert device_request.url.path == "/oauth/authorize_device"
    assert device_request.form == {"client_id": "cli-uid-1406020730", "scope": "read_user"}
    [poll] = emu.calls("urn:ietf:params:oauth:grant-type:device_code")
    assert poll.auth_method == "none"


@each_flavor
def test_device_polling_waits_while_the_user_decides(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = GitLabEmulator(clock=clock)
    emu.add_client("cli-uid-1406020730")

    async def scenario() -> None:
        constructor = flavor.pick(oauth2_client, async_oauth2_client)
        client = constructor("cli-uid-1406020730", scope="read_user", transport=emu.transport())
        client.oauth.clock = clock
        async with opened(client):
            authorization = await aw(client.request_device_authorization())
            seen: list[int] = []

            def progress(status: Any) -> None:
                seen.append(status.polls)
                if status.polls == 2:
                    emu.approve_device(authorization.user_code)

            token = await aw(client.poll_device_token(authorization, progress))
            assert token["access_token"]
            assert seen[-1] == 2

    flavor.run(scenario)
    outcomes = [c.outcome for c in emu.calls("urn:ietf:params:oauth:grant-type:device_code")]
    assert outcomes == ["authorization_pending", "authorization_pending", "issued"]


@each_flavor
def test_resource_owner_password_credentials(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = GitLabEmulator(clock=clock)

    async def scenario() -> None:
        async with opened(named_client(flavor, emu, clock, scope=None)) as client:
            token = await aw(client.fetch_token(username="john_smith", password="correct horse"))
            assert token["scope"] == "api"  # GitLab's default scope for this grant
            assert token["expires_at"] == int(clock()) + 7200

    flavor.run(scenario)
    [call] = emu.calls("password")
    assert call.params["username"] == "john_smith"


# -- quirk: expires_in missing (gitlab-org/gitlab#360729) ----------------------------------------


@each_flavor
def test_quirk_missing_expires_in_is_two_hours_from_created_at(flavor: Flavor) -> None:
    clock = FakeClock()
    plugin_emu = GitLabEmulator(clock=clock, omit_expires_in=True)
    plain_emu = GitLabEmulator(clock=clock, omit_expires_in=True)

    async def scenario() -> None:
        async with (
            opened(named_client(flavor, plugin_emu, clock)) as plugin,
            opened(plain_client(flavor, plain_emu, clock)) as plain,
        ):
            plugin_token = await sign_in(plugin, plugin_emu)
            plain_token = await sign_in(plain, plain_emu)
            assert "expires_in" not in plain_token  # GitLab's answer, as the issue shows it
            assert plugin_token["expires_at"] == int(clock()) + DEFAULT_LIFETIME
            assert plain_token.expires_at is None  # the plain client believes it never expires

            clock.advance(DEFAULT_LIFETIME + 60)
            assert (await aw(plugin.get(PROJECTS))).status_code == 200
            assert (await aw(plain.get(PROJECTS))).status_code == 200  # after a 401 and a retry

            # the plugin renewed first; the plain client sent its expired token to the API
            assert [r.bearer for r in plugin_emu.sent(PROJECTS)] == [plugin.token["access_token"]]
            first, retried = plain_emu.sent(PROJECTS)
            assert first.bearer == plain_token["access_token"]
            assert not plain_emu.is_active(plain_token["access_token"])
            assert retried.bearer == plain.token["access_token"]

    flavor.run(scenario)
    assert [c.grant_type for c in plugin_emu.calls()] == ["authorization_code", "refresh_token"]


# -- quirk: expires_in is a lifetime counted from created_at ------------------------------------


@each_flavor
def test_quirk_a_token_older_than_its_answer_expires_on_time(flavor: Flavor) -> None:
    clock = FakeClock()
    # the answer reaches the client an hour after GitLab minted (and dated) the token
    plugin_emu = GitLabEmulator(clock=clock, answer_delay=3600)
    plain_emu = GitLabEmulator(clock=clock, answer_delay=3600)

    async def scenario() -> None:
        async with (
            opened(named_client(flavor, plugin_emu, clock)) as plugin,
            opened(plain_client(flavor, plain_emu, clock)) as plain,
        ):
            minted = clock()
            plugin_token = await sign_in(plugin, plugin_emu)
            received = clock()
            assert received == minted + 3600
            plain_start = clock()
            plain_token = await sign_in(plain, plain_emu)
            assert plugin_token["expires_at"] == int(minted) + 7200  # created_at + expires_in
            assert plain_token["expires_at"] == int(plain_start) + 3600 + 7200  # an hour late
            plugin_emu.answer_delay = plain_emu.answer_delay = 0  # later answers are prompt

            clock.advance(3700)  # both tokens are dead at GitLab now
            assert (await aw(plugin.get(PROJECTS))).status_code == 200
            answer = await aw(plain.get(PROJECTS))
            assert answer.status_code == 401  # it still believed its token good for an hour
            assert 'error="invalid_token"' in answer.headers["www-authenticate"]

    flavor.run(scenario)
    assert [c.grant_type for c in plugin_emu.calls()] == ["authorization_code", "refresh_token"]
    assert [c.grant_type for c in plain_emu.calls()] == ["authorization_code"]


# -- quirk: the documented refresh request carries redirect_uri ---------------------------------


@each_flavor
def test_quirk_refresh_carries_the_redirect_uri(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = GitLabEmulator(clock=clock)

    async def scenario() -> None:
        async with (
            opened(named_client(flavor, emu, clock)) as plugin,
            opened(plain_client(flavor, emu, clock)) as plain,
        ):
            await sign_in(plugin, emu)
            await sign_in(plain, emu)
            await aw(plugin.refresh_token())
            await aw(plain.refresh_token())

    flavor.run(scenario)
    plugin_refresh, plain_refresh = emu.calls("refresh_token")
    assert plugin_refresh.params["redirect_uri"] == REDIRECT  # as docs.gitlab.com shows it
    assert "redirect_uri" not in plain_refresh.params  # the plain client leaves it out


# -- the hooks on their own ----------------------------------------------------------------------


def _token_answer(body: Any, status: int = 200, **headers: str) -> httpx.Response:
    request = httpx.Request("POST", TOKEN)
    response = json_response(body, status, headers=headers)
    response.request = request
    return response


def test_expiry_hook_leaves_other_answers_alone() -> None:
    error = _token_answer({"error": "invalid_grant"}, 400)
    assert expiry_from_created_at(error) is error
    no_created_at = _token_answer({"access_token": "a", "token_type": "bearer"})
    assert expiry_from_created_at(no_created_at) is no_created_at
    not_expiring = _token_answer({"access_token": "a", "created_at": 1607635748})
    assert expiry_from_created_at(not_expiring) is not_expiring  # no refresh token: old app
    fresh = _token_answer({"access_token": "a", "expires_in": 7200, "created_at": 1607635748})
    assert expiry_from_created_at(fresh) is fresh  # no Date: nothing to take off
    html = httpx.Response(200, text="<html>", request=httpx.Request("POST", TOKEN))
    assert expiry_from_created_at(html) is html


def test_expiry_hook_counts_from_created_at_with_gitlabs_date() -> None:
    date = "Thu, 10 Dec 2020 21:39:08 GMT"  # 1607636348: ten minutes after created_at
    answer = _token_answer(
        {"access_token": "a", "refresh_token": "r", "created_at": 1607635748}, Date=date
    )
    fixed = expiry_from_created_at(answer)
    assert fixed.json()["expires_in"] == 7200 - 600
    assert fixed.status_code == 200
    assert fixed.request is answer.request
    garbled = _token_answer(
        {"access_token": "a", "refresh_token": "r", "created_at": 1607635748}, Date="soon"
    )
    assert expiry_from_created_at(garbled).json()["expires_in"] == 7200
    ancient = _token_answer({"access_token": "a", "expires_in": 7200, "created_at": 1}, Date=date)
    assert expiry_from_created_at(ancient).json()["expires_in"] == 1  # long dead: renew now


def test_refresh_hook_adds_the_redirect_uri_once() -> None:
    hook = refresh_redirect_uri(lambda: REDIRECT)
    _, _, body = hook(TOKEN, {}, "grant_type=refresh_token&refresh_token=r")
    assert body.endswith("&redirect_uri=https%3A%2F%2Fapp.example%2Fauth%2Fgitlab%2Fcallback")
    given = "grant_type=refresh_token&redirect_uri=https%3A%2F%2Fother.example%2F"
    assert hook(TOKEN, {}, given)[2] == given
    assert refresh_redirect_uri(lambda: None)(TOKEN, {}, "a=b")[2] == "a=b"


# -- from_provider applies every fix ---------------------------------------------------------


@each_flavor
def test_from_provider_refresh_carries_the_redirect_uri(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = GitLabEmulator(clock=clock)

    async def scenario() -> None:
        client = flavor.oauth2_client.from_provider(
            "gitlab",
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            redirect_uri=REDIRECT,
            scope=SCOPE,
            transport=emu.transport(),
        )
        client.oauth.clock = clock
        async with opened(client):
            await sign_in(client, emu)
            await aw(client.refresh_token())

    flavor.run(scenario)
    [refresh] = emu.calls("refresh_token")
    assert refresh.outcome == "issued"
    assert refresh.params["redirect_uri"] == REDIRECT
