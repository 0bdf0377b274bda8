"""The Salesforce plugin against an emulated login host and org: every flow on the sync and
async clients, and each quirk handled by the plugin's client where a plain client stumbles.

The emulator (``_emulator.py``) answers as Salesforce's documentation shows it; see the pages
cited there.
"""

from __future__ import annotations

import json
from importlib.metadata import entry_points
from typing import Any

import httpx
import pytest
from authwire_salesforce import (
    DEFAULT_SESSION_TIMEOUT,
    SALESFORCE,
    assertion_audience,
    async_fetch_identity,
    async_jwt_bearer_client,
    async_oauth2_client,
    expected_signature,
    fetch_identity,
    issued_at,
    jwt_bearer_client,
    oauth2_client,
    session_expiry,
    signature_check,
)

from authwire import OAuthError, TokenResponseError, providers
from authwire.testing import (
    FakeClock,
    Flavor,
    SigningKey,
    aw,
    decode_jwt,
    each_flavor,
    json_response,
    opened,
)

from ._emulator import (
    API_VERSION,
    APP_KEY,
    CONSUMER_KEY,
    CONSUMER_SECRET,
    EXPIRED_SESSION,
    INSTANCE,
    LOGIN,
    REDIRECT,
    SANDBOX,
    USERNAME,
    SalesforceEmulator,
    identity_url,
    signature,
)

pytestmark = pytest.mark.filterwarnings(
    "ignore:authwire provider plugin '(?!salesforce'):authwire.providers.ProviderPluginWarning"
)

TOKEN = f"{LOGIN}/services/oauth2/token"
VERSIONS = f"/services/data/{API_VERSION}/"
LIMITS = f"/services/data/{API_VERSION}/limits"


def web(flavor: Flavor, emu: SalesforceEmulator, clock: FakeClock, **kwargs: Any) -> Any:
    kwargs.setdefault("redirect_uri", REDIRECT)
    constructor = flavor.pick(oauth2_client, async_oauth2_client)
    client = constructor(CONSUMER_KEY, CONSUMER_SECRET, transport=emu.transport(), **kwargs)
    client.oauth.clock = clock
    return client


def plain_web(flavor: Flavor, emu: SalesforceEmulator, clock: FakeClock) -> Any:
    """An ``OAuth2Client`` given Salesforce's endpoints by hand, without the plugin."""
    client = flavor.oauth2_client(
        client_id=CONSUMER_KEY,
        client_secret=CONSUMER_SECRET,
        token_endpoint_auth_method="client_secret_post",
        authorization_endpoint=f"{LOGIN}/services/oauth2/authorize",
        token_endpoint=TOKEN,
        redirect_uri=REDIRECT,
        scope="api refresh_token",
        transport=emu.transport(),
    )
    client.oauth.clock = clock
    return client


def robot(flavor: Flavor, emu: SalesforceEmulator, clock: FakeClock, **kwargs: Any) -> Any:
    constructor = flavor.pick(jwt_bearer_client, async_jwt_bearer_client)
    client = constructor(
        CONSUMER_KEY, USERNAME, APP_KEY.private_pem, transport=emu.transport(), **kwargs
    )
    client.oauth.clock = clock
    return client


def plain_robot(flavor: Flavor, emu: SalesforceEmulator, clock: FakeClock, **kwargs: Any) -> Any:
    """An ``AssertionClient`` for Salesforce by hand, without the plugin."""
    client = flavor.assertion_client(
        TOKEN,
        CONSUMER_KEY,
        USERNAME,
        key=APP_KEY.private_pem,
        expires_in=180,
        transport=emu.transport(),
        **kwargs,
    )
    client.oauth.clock = clock
    return client


async def sign_in(client: Any, emu: SalesforceEmulator) -> Any:
    url, _ = client.create_authorization_url()
    return await aw(client.fetch_token(authorization_response=emu.approve(url).url))


# -- the provider values and the constructors ---------------------------------------------------


def test_registered_through_the_entry_point() -> None:
    [entry] = entry_points(group="authwire", name="salesforce")
    assert entry.value == "authwire_salesforce"
    assert providers.get("salesforce") == SALESFORCE


@pytest.mark.parametrize(
    ("host", "root"),
    [
        (None, "https://login.salesforce.com"),
        ("test.salesforce.com", "https://test.salesforce.com"),
        ("acme.my.salesforce.com", "https://acme.my.salesforce.com"),
    ],
)
def test_the_login_hosts(host: str | None, root: str) -> None:
    bound = SALESFORCE.bind(**({"host": host} if host else {}))
    assert bound.issuer == root
    assert bound.authorization_endpoint == f"{root}/services/oauth2/authorize"
    assert bound.token_endpoint == f"{root}/services/oauth2/token"
    assert bound.revocation_endpoint == f"{root}/services/oauth2/revoke"
    assert bound.introspection_endpoint == f"{root}/services/oauth2/introspect"
    assert bound.userinfo_endpoint == f"{root}/services/oauth2/userinfo"
    assert bound.jwks_uri == f"{root}/id/keys"


def test_sandbox_and_my_domain_constructors() -> None:
    with oauth2_client(CONSUMER_KEY, CONSUMER_SECRET, sandbox=True) as client:
        assert client.metadata["token_endpoint"] == f"{SANDBOX}/services/oauth2/token"
    with oauth2_client(CONSUMER_KEY, host="Acme.my.salesforce.com") as client:
        assert client.metadata["issuer"] == "https://acme.my.salesforce.com"
    with pytest.raises(ValueError, match="not a sandbox host"):
        oauth2_client(CONSUMER_KEY, host="acme.my.salesforce.com", sandbox=True)
    with pytest.raises(ValueError, match="not a URL"):
        oauth2_client(CONSUMER_KEY, host="https://login.salesforce.com")
    with pytest.raises(ValueError, match="between 900 and 86400"):
        oauth2_client(CONSUMER_KEY, session_timeout=60)
    with pytest.raises(TypeError, match="session_timeout"):
        oauth2_client(CONSUMER_KEY, session_timeout=7200.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("host", "audience"),
    [
        ("login.salesforce.com", "https://login.salesforce.com"),
        ("acme.my.salesforce.com", "https://login.salesforce.com"),
        ("test.salesforce.com", "https://test.salesforce.com"),
        ("acme--uat.sandbox.my.salesforce.com", "https://test.salesforce.com"),
    ],
)
def test_the_assertion_audience_is_the_login_url(host: str, audience: str) -> None:
    assert assertion_audience(host) == audience
    client = jwt_bearer_client(CONSUMER_KEY, USERNAME, APP_KEY.private_pem, host=host)
    with client:
        assert client.oauth.audience == audience
        assert client.metadata["token_endpoint"] == f"https://{host}/services/oauth2/token"


def test_jwt_bearer_arguments_are_checked() -> None:
    key = APP_KEY.private_pem
    with pytest.raises(ValueError, match="within 180 seconds"):
        jwt_bearer_client(CONSUMER_KEY, USERNAME, key, expires_in=3600)
    with pytest.raises(TypeError, match="cannot be given"):
        jwt_bearer_client(CONSUMER_KEY, USERNAME, key, issuer="someone")
    with pytest.raises(ValueError, match="audience"):
        jwt_bearer_client(CONSUMER_KEY, USERNAME, key, audience="http://acme.force.com/x")
    with pytest.raises(ValueError, match="username"):
        jwt_bearer_client(CONSUMER_KEY, "", key)


# -- the web server flow ------------------------------------------------------------------------


@each_flavor
def test_web_server_flow_identity_refresh_revoke(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = SalesforceEmulator(clock=clock)

    async def scenario() -> None:
        async with opened(web(flavor, emu, clock, scope="api refresh_token openid")) as client:
            token = await sign_in(client, emu)
            assert token["instance_url"] == INSTANCE
            assert token["id"] == identity_url()
            assert issued_at(token) == clock()  # milliseconds on the wire, seconds here
            assert token["expires_at"] == int(clock()) + DEFAULT_SESSION_TIMEOUT
            assert token["userinfo"]["sub"] == identity_url()  # the validated ID token
            assert client.base_url.host == "acme.my.salesforce.com"
            versions = await aw(client.get(VERSIONS))
            assert versions.json()["limits"] == LIMITS
            identity = await aw(flavor.pick(fetch_identity, async_fetch_identity)(client))
            assert identity["username"] == USERNAME
            info = await aw(client.userinfo())
            assert info["organization_id"] == "00Dxx0000001gPLEAY"

            refreshed = await aw(client.refresh_token())
            assert refreshed["refresh_token"] == token["refresh_token"]  # kept: none came back
            assert refreshed["access_token"] != token["access_token"]
            active = (await aw(client.introspect_token())).json()
            assert active["active"] is True
            assert (await aw(client.revoke_token())).status_code == 200
            assert not emu.is_active(token["refresh_token"])

    flavor.run(scenario)
    code, refresh = emu.calls()
    assert (code.auth_method, code.pkce) == ("client_secret_post", "S256")
    assert refresh.grant_type == "refresh_token"
    [api_call] = emu.sent(f"{INSTANCE}{VERSIONS}")
    assert api_call.url.host == "acme.my.salesforce.com"


# -- from_provider applies every fix of the named constructors ---------------------------------


def from_provider(flavor: Flavor, emu: SalesforceEmulator, clock: FakeClock, **kwargs: Any) -> Any:
    client = flavor.oauth2_client.from_provider(
        "salesforce",
        client_id=CONSUMER_KEY,
        client_secret=CONSUMER_SECRET,
        redirect_uri=REDIRECT,
        transport=emu.transport(),
        **kwargs,
    )
    client.oauth.clock = clock
    return client


@each_flavor
def test_from_provider_follows_the_instance_url(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = SalesforceEmulator(clock=clock)

    async def scenario() -> None:
        async with opened(from_provider(flavor, emu, clock)) as client:
            assert str(client.base_url) == ""
            token = await sign_in(client, emu)
            assert token["expires_at"] == int(clock()) + DEFAULT_SESSION_TIMEOUT
            assert client.base_url.host == "acme.my.salesforce.com"
            assert (await aw(client.get(LIMITS))).status_code == 200
        stored = {"access_token": "00Dxx!AR8AQ", "token_type": "Bearer", "instance_url": INSTANCE}
        async with opened(from_provider(flavor, emu, clock, token=stored)) as client:
            assert client.base_url.host == "acme.my.salesforce.com"

    flavor.run(scenario)
    [api_call] = emu.sent(f"{INSTANCE}{LIMITS}")
    assert api_call.url.host == "acme.my.salesforce.com"


@each_flavor
def test_from_provider_checks_the_signature(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = SalesforceEmulator(clock=clock, tamper_id=True)

    async def scenario() -> None:
        async with opened(from_provider(flavor, emu, clock)) as client:
            with pytest.raises(TokenResponseError, match="signature"):
                await sign_in(client, emu)
            assert client.token is None
            assert str(client.base_url) == ""  # the refused answer moved nothing

    flavor.run(scenario)


@each_flavor
def test_from_provider_makes_salesforce_s_assertion(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = SalesforceEmulator(clock=clock)

    async def scenario() -> None:
        client = flavor.assertion_client.from_provider(
            "salesforce",
            issuer=CONSUMER_KEY,
            subject=USERNAME,
            key=APP_KEY.private_pem,
            transport=emu.transport(),
        )
        client.oauth.clock = clock
        async with opened(client):
            await aw(client.ensure_active_token())
            assert client.base_url.host == "acme.my.salesforce.com"
            assert (await aw(client.get(LIMITS))).status_code == 200
        sandbox = flavor.assertion_client.from_provider(
            "salesforce",
            host="test.salesforce.com",
            issuer=CONSUMER_KEY,
            subject=USERNAME,
            key=APP_KEY.private_pem,
        )
        async with opened(sandbox):
            assert sandbox.oauth.audience == SANDBOX
        with pytest.raises(ValueError, match="RS256"):
            flavor.assertion_client.from_provider(
                "salesforce",
                issuer=CONSUMER_KEY,
                subject=USERNAME,
                key=SigningKey.generate("ES256").private_pem,
            )

    flavor.run(scenario)
    [call] = emu.calls()
    assertion = decode_jwt(call.params["assertion"])
    assert assertion.header["alg"] == "RS256"
    claims = assertion.claims
    assert (claims["iss"], claims["sub"], claims["aud"]) == (CONSUMER_KEY, USERNAME, LOGIN)
    assert claims["exp"] - claims["iat"] == 180  # not AssertionClient's default hour


@each_flavor
def test_a_sandbox_login(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = SalesforceEmulator(SANDBOX, clock=clock)

    async def scenario() -> None:
        async with opened(web(flavor, emu, clock, sandbox=True)) as client:
            token = await sign_in(client, emu)
            assert token["id"] == identity_url(SANDBOX)

    flavor.run(scenario)
    assert emu.calls()[0].request.url.host == "test.salesforce.com"


# -- the JWT bearer flow ------------------------------------------------------------------------


@each_flavor
def test_jwt_bearer_flow(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = SalesforceEmulator(clock=clock)

    async def scenario() -> None:
        async with opened(robot(flavor, emu, clock)) as client:
            # the instance is known once there is a token: fetch it, then use relative paths
            with pytest.raises(ValueError, match="http"):
                await aw(client.get(LIMITS))
            await aw(client.ensure_active_token())
            limits = await aw(client.get(LIMITS))
            assert limits.json()["DailyApiRequests"]["Max"] == 15000
            token = client.token
            assert token["instance_url"] == INSTANCE
            assert token["scope"] == "web openid api id"
            assert "refresh_token" not in token
            assert "signature" not in token
            identity = await aw(flavor.pick(fetch_identity, async_fetch_identity)(client))
            assert identity["user_id"] == "005xx000001SwiUAAS"

    flavor.run(scenario)
    [call] = emu.calls()
    assert call.grant_type == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    assertion = decode_jwt(call.params["assertion"])
    assert assertion.header["alg"] == "RS256"
    claims = assertion.claims
    assert (claims["iss"], claims["sub"], claims["aud"]) == (CONSUMER_KEY, USERNAME, LOGIN)
    assert claims["exp"] - claims["iat"] == 180


@each_flavor
def test_jwt_bearer_for_a_user_who_has_not_approved(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = SalesforceEmulator(clock=clock)
    emu.pre_authorized.clear()

    async def scenario() -> None:
        async with opened(robot(flavor, emu, clock)) as client:
            with pytest.raises(OAuthError) as caught:
                await aw(client.ensure_active_token())
            assert caught.value.error == "invalid_grant"
            assert caught.value.description == "user hasn't approved this consumer"

    flavor.run(scenario)


# -- quirk: no expires_in; issued_at in milliseconds --------------------------------------------


@each_flavor
def test_quirk_sessions_end_without_expires_in(flavor: Flavor) -> None:
    clock = FakeClock()
    # Salesforce dated the token ten minutes before the answer reached the client
    plugin_emu = SalesforceEmulator(clock=clock, session_timeout=3600, answer_delay=600)
    plain_emu = SalesforceEmulator(clock=clock, session_timeout=3600, answer_delay=600)

    async def scenario() -> None:
        async with (
            opened(web(flavor, plugin_emu, clock, session_timeout=3600)) as plugin,
            opened(plain_web(flavor, plain_emu, clock)) as plain,
        ):
            issued = clock()
            token = await sign_in(plugin, plugin_emu)
            assert token["issued_at"] == str(int(issued * 1000))  # milliseconds
            assert token["expires_at"] == int(issued) + 3600  # issued_at + the session timeout
            plain_token = await sign_in(plain, plain_emu)
            assert "expires_in" not in plain_token
            assert plain_token.expires_at is None  # the plain client thinks it never expires
            plugin_emu.answer_delay = plain_emu.answer_delay = 0

            clock.advance(3600)  # both sessions have timed out at Salesforce
            assert (await aw(plugin.get(LIMITS))).status_code == 200  # renewed first
            answer = await aw(plain.get(f"{INSTANCE}{LIMITS}"))
            assert answer.status_code == 401  # and no challenge to renew on
            assert answer.json() == EXPIRED_SESSION
            assert "www-authenticate" not in answer.headers

    flavor.run(scenario)
    assert [c.grant_type for c in plugin_emu.calls()] == ["authorization_code", "refresh_token"]
    assert [c.grant_type for c in plain_emu.calls()] == ["authorization_code"]


@each_flavor
def test_quirk_a_jwt_bearer_session_is_fetched_again(flavor: Flavor) -> None:
    clock = FakeClock()
    plugin_emu = SalesforceEmulator(clock=clock)
    plain_emu = SalesforceEmulator(clock=clock)

    async def scenario() -> None:
        async with (
            opened(robot(flavor, plugin_emu, clock)) as plugin,
            opened(plain_robot(flavor, plain_emu, clock, audience=LOGIN)) as plain,
        ):
            await aw(plugin.ensure_active_token())
            await aw(plugin.get(LIMITS))
            await aw(plain.get(f"{INSTANCE}{LIMITS}"))
            clock.advance(DEFAULT_SESSION_TIMEOUT)
            assert (await aw(plugin.get(LIMITS))).status_code == 200
            assert (await aw(plain.get(f"{INSTANCE}{LIMITS}"))).status_code == 401

    flavor.run(scenario)
    assert len(plugin_emu.calls()) == 2  # a new assertion after the session timeout
    assert len(plain_emu.calls()) == 1


# -- quirk: the assertion's aud is the login URL ------------------------------------------------


@each_flavor
def test_quirk_the_assertion_audience(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = SalesforceEmulator(clock=clock)

    async def scenario() -> None:
        async with (
            opened(robot(flavor, emu, clock)) as plugin,
            opened(plain_robot(flavor, emu, clock)) as plain,
        ):
            assert (await aw(plugin.get(f"{INSTANCE}{LIMITS}"))).status_code == 200
            with pytest.raises(OAuthError) as caught:
                await aw(plain.get(f"{INSTANCE}{LIMITS}"))
            assert caught.value.error == "invalid_grant"
            assert caught.value.description == "audience is invalid"

    flavor.run(scenario)
    plugin_call, plain_call = emu.calls()
    assert decode_jwt(plugin_call.params["assertion"]).claims["aud"] == LOGIN
    assert decode_jwt(plain_call.params["assertion"]).claims["aud"] == TOKEN


# -- quirk: instance_url is the API base --------------------------------------------------------


@each_flavor
def test_quirk_the_api_lives_at_the_instance_url(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = SalesforceEmulator(clock=clock)

    async def scenario() -> None:
        async with (
            opened(web(flavor, emu, clock)) as plugin,
            opened(plain_web(flavor, emu, clock)) as plain,
        ):
            await sign_in(plugin, emu)
            await sign_in(plain, emu)
            assert (await aw(plugin.get(VERSIONS))).json()["limits"] == LIMITS
            with pytest.raises(ValueError, match="http"):
                await aw(plain.get(VERSIONS))
            # the token came with the instance; the plain client never looked at it
            assert str(plain.base_url) == ""
            assert plain.token["instance_url"] == INSTANCE

    flavor.run(scenario)


def test_a_stored_token_moves_the_base_url_at_construction() -> None:
    stored = {"access_token": "00Dxx!AR8AQ", "token_type": "Bearer", "instance_url": INSTANCE}
    with oauth2_client(CONSUMER_KEY, CONSUMER_SECRET, token=stored) as client:
        assert client.base_url.host == "acme.my.salesforce.com"


@each_flavor
def test_an_instance_url_that_is_not_https_is_refused(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = SalesforceEmulator(clock=clock)
    emu.script(
        "POST",
        TOKEN,
        json_response(
            {
                "access_token": "00Dxx!AR8AQ",
                "instance_url": "http://acme.my.salesforce.com",
                "id": identity_url(),
                "token_type": "Bearer",
            }
        ),
    )

    async def scenario() -> None:
        async with opened(robot(flavor, emu, clock)) as client:
            with pytest.raises(TokenResponseError, match="https"):
                await aw(client.ensure_active_token())
            assert client.token is None

    flavor.run(scenario)


# -- quirk: the signature over id + issued_at ---------------------------------------------------


@each_flavor
def test_quirk_a_changed_identity_url_is_caught_by_the_signature(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = SalesforceEmulator(clock=clock, tamper_id=True)

    async def scenario() -> None:
        async with (
            opened(web(flavor, emu, clock)) as plugin,
            opened(plain_web(flavor, emu, clock)) as plain,
        ):
            with pytest.raises(TokenResponseError, match="signature"):
                await sign_in(plugin, emu)
            assert plugin.token is None
            token = await sign_in(plain, emu)
            assert token["id"].endswith("/005xx00000EVILUSR")  # taken as it came

    flavor.run(scenario)


# -- the hooks on their own ---------------------------------------------------------------------


def _answer(body: Any, status: int = 200, **headers: str) -> httpx.Response:
    response = json_response(body, status, headers=headers)
    response.request = httpx.Request("POST", TOKEN)
    return response


def test_issued_at_reads_milliseconds() -> None:
    assert issued_at({"issued_at": "1278448832702"}) == 1278448832.702
    assert issued_at({"issued_at": 1278448832702}) == 1278448832.702
    assert issued_at({"issued_at": "soon"}) is None
    assert issued_at({"issued_at": True}) is None
    assert issued_at({}) is None


def test_session_expiry_counts_from_issued_at() -> None:
    hook = session_expiry(7200)
    date = "Tue, 06 Jul 2010 20:50:32 GMT"  # 1278449432: 599.298 s after issued_at (in ms)
    fixed = hook(_answer({"access_token": "a", "issued_at": "1278448832702"}, Date=date))
    assert fixed.json()["expires_in"] == 6600  # int(7200 - 599.298)
    no_date = hook(_answer({"access_token": "a", "issued_at": "1278448832702"}))
    assert no_date.json()["expires_in"] == 7200
    given = _answer({"access_token": "a", "expires_in": 300})
    assert hook(given) is given
    error = _answer({"error": "invalid_grant"}, 400)
    assert hook(error) is error
    with pytest.raises(ValueError):
        session_expiry(30)


def test_signature_check() -> None:
    identity, issued = identity_url(), "1278448832702"
    good = signature(identity, issued)
    assert expected_signature(CONSUMER_SECRET, identity, issued) == good
    hook = signature_check(CONSUMER_SECRET)
    signed = _answer({"access_token": "a", "id": identity, "issued_at": issued, "signature": good})
    assert hook(signed) is signed
    unsigned = _answer({"access_token": "a", "id": identity})
    assert hook(unsigned) is unsigned
    with pytest.raises(TokenResponseError, match="lacks"):
        hook(_answer({"access_token": "a", "signature": good}))
    forged = json.loads(signed.content)
    forged["issued_at"] = "1278448832703"
    with pytest.raises(TokenResponseError, match="does not match"):
        hook(_answer(forged))
    with pytest.raises(TypeError):
        signature_check("")
