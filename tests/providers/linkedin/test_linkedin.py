"""The LinkedIn plugin against an emulated LinkedIn: every flow on the sync and async clients,
what LinkedIn refuses (refused here first), and each quirk handled by the plugin's client where
a plain ``OAuth2Client`` stumbles.

The emulator (``_emulator.py``) answers as LinkedIn's documentation shows it; see the pages
cited there.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from authwire_linkedin import (
    LINKEDIN,
    LINKEDIN_NATIVE,
    async_fetch_email_address,
    async_fetch_me,
    async_fetch_userinfo,
    async_native_oauth2_client,
    async_oauth2_client,
    fetch_email_address,
    fetch_me,
    fetch_userinfo,
    id_token_claims,
    native_oauth2_client,
    normalize_claims,
    oauth2_client,
    space_separated_scope,
)

from authwire import IDTokenError, OAuthError, providers
from authwire.testing import FakeClock, Flavor, aw, each_flavor, json_response, opened

from ._emulator import (
    AUTHORIZE,
    CLIENT_ID,
    CLIENT_SECRET,
    DISCOVERY,
    INTROSPECT,
    ISSUER,
    LOOPBACK,
    MEMBER,
    NATIVE_AUTHORIZE,
    NATIVE_ID,
    REDIRECT,
    TOKEN,
    LinkedInEmulator,
)

pytestmark = pytest.mark.filterwarnings(
    "ignore:authwire provider plugin '(?!linkedin'):authwire.providers.ProviderPluginWarning"
)


def web(flavor: Flavor, emu: LinkedInEmulator, clock: FakeClock, **kwargs: Any) -> Any:
    kwargs.setdefault("redirect_uri", REDIRECT)
    constructor = flavor.pick(oauth2_client, async_oauth2_client)
    client = constructor(CLIENT_ID, CLIENT_SECRET, transport=emu.transport(), **kwargs)
    client.oauth.clock = clock
    return client


def native(flavor: Flavor, emu: LinkedInEmulator, clock: FakeClock, **kwargs: Any) -> Any:
    constructor = flavor.pick(native_oauth2_client, async_native_oauth2_client)
    client = constructor(NATIVE_ID, redirect_uri=LOOPBACK, transport=emu.transport(), **kwargs)
    client.oauth.clock = clock
    return client


def plain(flavor: Flavor, emu: LinkedInEmulator, clock: FakeClock, **kwargs: Any) -> Any:
    """An ``OAuth2Client`` given LinkedIn's OpenID Connect endpoints by hand (PKCE, nonce:
    the client's defaults)."""
    kwargs.setdefault("scope", "openid profile email")
    client = flavor.oauth2_client(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        token_endpoint_auth_method="client_secret_post",
        issuer=ISSUER,
        authorization_endpoint=AUTHORIZE,
        token_endpoint=TOKEN,
        userinfo_endpoint=DISCOVERY["userinfo_endpoint"],
        jwks_uri=DISCOVERY["jwks_uri"],
        redirect_uri=REDIRECT,
        transport=emu.transport(),
        **kwargs,
    )
    client.oauth.clock = clock
    return client


async def sign_in(client: Any, emu: LinkedInEmulator) -> Any:
    url, _ = client.create_authorization_url()
    return await aw(client.fetch_token(authorization_response=emu.approve(url).url))


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


# -- the provider values -------------------------------------------------------------------------


def test_registered_through_the_entry_point() -> None:
    [entry] = entry_points(group="authwire", name="linkedin")
    assert entry.value == "authwire_linkedin"
    assert providers.get("linkedin") == LINKEDIN
    assert providers.get("linkedin-native") == LINKEDIN_NATIVE


def test_provider_values_are_linkedins_documented_ones() -> None:
    assert LINKEDIN.issuer == "https://www.linkedin.com/oauth"
    assert (
        LINKEDIN.discovery_url == "https://www.linkedin.com/oauth/.well-known/openid-configuration"
    )
    for name in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri"):
        assert getattr(LINKEDIN, name) == DISCOVERY[name]
    assert LINKEDIN.introspection_endpoint == INTROSPECT
    assert LINKEDIN.token_endpoint_auth_method == "client_secret_post"
    assert LINKEDIN.code_challenge_method is None
    assert LINKEDIN.scope == ("openid", "profile", "email")
    assert LINKEDIN_NATIVE.authorization_endpoint == NATIVE_AUTHORIZE
    assert LINKEDIN_NATIVE.code_challenge_method == "S256"
    assert LINKEDIN_NATIVE.token_endpoint == TOKEN
    assert all(
        q.url.startswith("https://learn.microsoft.com/en-us/linkedin/") for q in LINKEDIN.quirks
    )


def test_the_web_authorization_url_has_no_pkce_and_no_nonce() -> None:
    with oauth2_client(CLIENT_ID, CLIENT_SECRET, redirect_uri=REDIRECT) as client:
        url, state = client.create_authorization_url()
    params = query(url)
    assert url.startswith(f"{AUTHORIZE}?")
    assert params["scope"] == ["openid profile email"]
    assert params["state"] == [state]
    assert "code_challenge" not in params
    assert "nonce" not in params


def test_the_native_authorization_url_has_pkce_and_a_loopback_redirect() -> None:
    with native_oauth2_client(NATIVE_ID, redirect_uri=LOOPBACK) as client:
        url, _ = client.create_authorization_url()
    params = query(url)
    assert url.startswith(f"{NATIVE_AUTHORIZE}?")
    assert params["code_challenge_method"] == ["S256"]
    assert params["redirect_uri"] == [LOOPBACK]
    assert "nonce" not in params


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://app.example/callback",
        "http://localhost:8765/callback",
        "http://127.0.0.1/callback",
        "myapp://callback",
    ],
)
def test_a_native_redirect_uri_must_be_a_loopback_ip_with_a_port(redirect_uri: str) -> None:
    with pytest.raises(ValueError, match="loopback"):
        native_oauth2_client(NATIVE_ID, redirect_uri=redirect_uri)


def test_what_linkedin_lacks_is_refused_at_construction() -> None:
    with pytest.raises(ValueError, match="implicit"):
        oauth2_client(CLIENT_ID, CLIENT_SECRET, response_type="token")
    with pytest.raises(ValueError, match="code_challenge_method"):
        oauth2_client(CLIENT_ID, CLIENT_SECRET, code_challenge_method="S256")
    with pytest.raises(TypeError, match="client_secret"):
        native_oauth2_client(NATIVE_ID, redirect_uri=LOOPBACK, client_secret="s")
    with pytest.raises(ValueError, match="S256"):
        native_oauth2_client(NATIVE_ID, redirect_uri=LOOPBACK, code_challenge_method="plain")


# -- the flows ----------------------------------------------------------------------------------


@each_flavor
def test_sign_in_with_linkedin_using_openid_connect(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = LinkedInEmulator(clock=clock)

    async def scenario() -> None:
        async with opened(web(flavor, emu, clock)) as client:
            token = await sign_in(client, emu)
            assert token["expires_at"] == int(clock()) + 5184000  # 60 days
            assert "refresh_token" not in token  # not an approved partner
            claims = id_token_claims(token)
            assert claims is not None
            assert claims["iss"] == ISSUER
            assert claims["sub"] == MEMBER
            member = await aw(flavor.pick(fetch_userinfo, async_fetch_userinfo)(client))
            assert member["sub"] == MEMBER
            assert member["email"] == "paul@example.com"
            assert member["email_verified"] is True
            introspected = (await aw(client.introspect_token())).json()
            assert introspected["active"] is True
            assert introspected["auth_type"] == "3L"

    flavor.run(scenario)
    [call] = emu.calls()
    assert call.auth_method == "client_secret_post"
    assert call.pkce is None
    assert "code_verifier" not in call.params
    [introspection] = emu.sent(INTROSPECT)
    assert introspection.form["client_secret"] == CLIENT_SECRET


@each_flavor
def test_sign_in_with_from_provider(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = LinkedInEmulator(clock=clock)

    async def scenario() -> None:
        client = flavor.oauth2_client.from_provider(
            "linkedin",
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            redirect_uri=REDIRECT,
            transport=emu.transport(),
        )
        client.oauth.clock = clock
        async with opened(client):
            url, _ = client.create_authorization_url(nonce=None)  # LinkedIn echoes no nonce
            approval = emu.approve(url)
            token = await aw(client.fetch_token(authorization_response=approval.url))
            assert token["userinfo"]["sub"] == MEMBER
            assert token["scope"] == "email openid profile"

    flavor.run(scenario)


@each_flavor
def test_native_apps_sign_in_with_pkce(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = LinkedInEmulator(clock=clock)

    async def scenario() -> None:
        async with opened(native(flavor, emu, clock)) as client:
            url, _ = client.create_authorization_url()
            token = await aw(client.fetch_token(authorization_response=emu.approve(url).url))
            assert token["userinfo"]["sub"] == MEMBER

    flavor.run(scenario)
    [call] = emu.calls()
    assert (call.auth_method, call.pkce) == ("none", "S256")
    assert "client_secret" not in call.params


@each_flavor
def test_partners_refresh_with_the_same_refresh_token(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = LinkedInEmulator(clock=clock, partner=True)

    async def scenario() -> None:
        async with opened(web(flavor, emu, clock)) as client:
            token = await sign_in(client, emu)
            assert token["refresh_token_expires_in"] == 31536000
            clock.advance(5184000)  # 60 days: the access token is spent
            await aw(client.ensure_active_token())
            assert client.token["access_token"] != token["access_token"]
            assert client.token["refresh_token"] == token["refresh_token"]
            assert client.token["scope"] == "email openid profile"

    flavor.run(scenario)
    assert [c.grant_type for c in emu.calls()] == ["authorization_code", "refresh_token"]


@each_flavor
def test_two_legged_client_credentials(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = LinkedInEmulator(clock=clock)

    async def scenario() -> None:
        client = web(flavor, emu, clock, scope=None, grant_type="client_credentials")
        async with opened(client):
            token = await aw(client.fetch_token())
            assert set(token) == {"access_token", "expires_in", "expires_at"}
            assert token["expires_at"] == int(clock()) + 1799
            clock.advance(1800)
            await aw(client.ensure_active_token())  # fetched again: no refresh token here

    flavor.run(scenario)
    assert [c.grant_type for c in emu.calls()] == ["client_credentials"] * 2


@each_flavor
def test_legacy_member_endpoints(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = LinkedInEmulator(clock=clock)

    async def scenario() -> None:
        client = web(flavor, emu, clock, scope="r_liteprofile r_emailaddress")
        async with opened(client):
            await sign_in(client, emu)
            me = await aw(flavor.pick(fetch_me, async_fetch_me)(client))
            assert (me["localizedFirstName"], me["localizedLastName"]) == ("Tina", "Belcher")
            address = await aw(flavor.pick(fetch_email_address, async_fetch_email_address)(client))
            assert address == "hsimpson@linkedin.com"

    flavor.run(scenario)
    me_request = emu.sent("https://api.linkedin.com/v2/me")[0]
    assert me_request.headers["x-restli-protocol-version"] == "2.0.0"


@each_flavor
def test_legacy_endpoints_without_their_scope_are_forbidden(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = LinkedInEmulator(clock=clock)

    async def scenario() -> None:
        async with opened(web(flavor, emu, clock)) as client:
            await sign_in(client, emu)  # openid profile email: a new app's scopes
            with pytest.raises(httpx.HTTPStatusError) as caught:
                await aw(flavor.pick(fetch_me, async_fetch_me)(client))
            assert caught.value.response.status_code == 403

    flavor.run(scenario)


# -- quirk: ID tokens carry no nonce ---------------------------------------------------------------


@each_flavor
def test_quirk_no_nonce_in_linkedins_id_tokens(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = LinkedInEmulator(clock=clock)

    async def scenario() -> None:
        async with (
            opened(web(flavor, emu, clock)) as plugin,
            opened(plain(flavor, emu, clock, code_challenge_method=None)) as bare,
        ):
            token = await sign_in(plugin, emu)
            assert token["userinfo"]["sub"] == MEMBER
            url, _ = bare.create_authorization_url()
            assert "nonce" in query(url)  # the plain client asks for a nonce...
            approval = emu.approve(url)
            with pytest.raises(IDTokenError) as caught:  # ...which LinkedIn never echoes
                await aw(bare.fetch_token(authorization_response=approval.url))
            assert caught.value.reason == "nonce"

    flavor.run(scenario)


# -- quirk: PKCE only for native apps -------------------------------------------------------------


@each_flavor
def test_quirk_pkce_from_a_web_app_is_refused(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = LinkedInEmulator(clock=clock)

    async def scenario() -> None:
        async with (
            opened(web(flavor, emu, clock)) as plugin,
            opened(plain(flavor, emu, clock, scope="r_liteprofile")) as bare,
        ):
            await sign_in(plugin, emu)  # no PKCE: accepted
            with pytest.raises(OAuthError) as caught:  # PKCE by default: invalid_client
                await sign_in(bare, emu)
            assert caught.value.error == "invalid_client"
            url, _ = plugin.create_authorization_url()
            approval = emu.approve(url)
            with pytest.raises(ValueError, match="native"):  # refused before sending
                await aw(
                    plugin.fetch_token(authorization_response=approval.url, code_verifier="v" * 43)
                )

    flavor.run(scenario)
    assert [c.outcome for c in emu.calls()] == ["issued", "invalid_client"]


@each_flavor
def test_quirk_a_native_code_exchange_needs_its_verifier(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = LinkedInEmulator(clock=clock)

    async def scenario() -> None:
        async with opened(native(flavor, emu, clock)) as client:
            url, _ = client.create_authorization_url()
            approval = emu.approve(url)
            client.authorization_request = None  # the verifier is lost
            with pytest.raises(ValueError, match="code_verifier"):
                await aw(client.fetch_token(code=approval.code))

    flavor.run(scenario)
    assert emu.calls() == []


# -- quirk: grants LinkedIn does not have, refused before any request ------------------------------


@each_flavor
def test_quirk_unsupported_grants_are_refused_before_sending(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = LinkedInEmulator(clock=clock)

    async def scenario() -> None:
        async with (
            opened(web(flavor, emu, clock)) as plugin,
            opened(plain(flavor, emu, clock)) as bare,
        ):
            with pytest.raises(ValueError, match="no resource owner password grant"):
                await aw(plugin.fetch_token(username="paul", password="hunter2-hunter2"))
            with pytest.raises(ValueError, match="token exchange"):
                await aw(plugin.exchange_token("some-token"))
            with pytest.raises(ValueError, match="device authorization"):
                await aw(
                    plugin.request_device_authorization(
                        url="https://www.linkedin.com/oauth/v2/device"
                    )
                )
            assert emu.requests == []  # nothing left the plugin's client
            with pytest.raises(OAuthError) as caught:
                await aw(bare.fetch_token(username="paul", password="hunter2-hunter2"))
            assert caught.value.error == "unsupported_grant_type"

    flavor.run(scenario)
    [sent] = emu.calls()
    assert sent.params["password"] == "hunter2-hunter2"  # the plain client sent the password


# -- quirk: a comma-separated granted scope -------------------------------------------------------


@each_flavor
def test_quirk_the_granted_scope_is_comma_separated(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = LinkedInEmulator(clock=clock)

    async def scenario() -> None:
        async with (
            opened(web(flavor, emu, clock)) as plugin,
            opened(
                plain(
                    flavor,
                    emu,
                    clock,
                    code_challenge_method=None,
                    scope="r_liteprofile r_emailaddress",
                )
            ) as bare,
        ):
            token = await sign_in(plugin, emu)
            assert token["scope"].split() == ["email", "openid", "profile"]
            bare_token = await sign_in(bare, emu)
            assert bare_token["scope"] == "r_emailaddress,r_liteprofile"
            assert "r_liteprofile" not in bare_token["scope"].split()  # RFC 6749 §3.3 reading

    flavor.run(scenario)


# -- quirk: claims in the wrong JSON types --------------------------------------------------------


@each_flavor
def test_quirk_email_verified_and_locale_types(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = LinkedInEmulator(clock=clock)

    async def scenario() -> None:
        async with (
            opened(web(flavor, emu, clock)) as plugin,
            opened(plain(flavor, emu, clock, code_challenge_method=None)) as bare,
        ):
            token = await sign_in(plugin, emu)
            claims = id_token_claims(token)
            assert claims is not None
            assert claims["email_verified"] is True
            member = await aw(flavor.pick(fetch_userinfo, async_fetch_userinfo)(plugin))
            assert (member["email_verified"], member["locale"]) == (True, "en_US")

            url, _ = bare.create_authorization_url(nonce=None)  # past the nonce quirk
            bare_token = await aw(bare.fetch_token(authorization_response=emu.approve(url).url))
            raw = bare_token["userinfo"]  # the validated ID token, as LinkedIn typed it
            assert raw["email_verified"] == "true"  # a str: "false" would be truthy too
            assert raw["email_verified"] is not True
            bare_info = await aw(bare.userinfo())
            assert bare_info["locale"] == {"country": "US", "language": "en"}  # not a str

    flavor.run(scenario)


def test_normalize_claims_never_trusts_a_false_string() -> None:
    assert normalize_claims({"email_verified": "false"})["email_verified"] is False
    assert normalize_claims({"email_verified": "TRUE"})["email_verified"] is True
    assert normalize_claims({"email_verified": "yes"})["email_verified"] is None
    assert normalize_claims({"email_verified": 1})["email_verified"] is None
    assert normalize_claims({"locale": {"language": "fr"}})["locale"] == "fr"
    assert normalize_claims({"locale": {"country": "FR"}})["locale"] is None
    assert normalize_claims({"sub": "x"}) == {"sub": "x"}
    assert id_token_claims(None) is None
    assert id_token_claims({"access_token": "a"}) is None
    with pytest.raises(TypeError):
        normalize_claims("claims")  # type: ignore[arg-type]


def test_scope_hook_leaves_other_answers_alone() -> None:
    request = httpx.Request("POST", TOKEN)
    error = json_response({"error": "invalid_request", "scope": "a,b"}, 400)
    error.request = request
    assert space_separated_scope(error) is error
    spaced = json_response({"access_token": "a", "scope": "a b"})
    spaced.request = request
    assert space_separated_scope(spaced) is spaced
