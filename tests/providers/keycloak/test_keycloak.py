"""The Keycloak plugin against an emulated realm: every flow on the sync and async clients,
and each quirk handled by the plugin's client where a plain ``OAuth2Client`` stumbles.

The emulator (``_emulator.py``) answers as Keycloak's documentation shows it; see the pages
cited there.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from authwire_keycloak import (
    ACCESS_TOKEN_TYPE,
    ID_TOKEN_TYPE,
    KEYCLOAK,
    REFRESH_TOKEN_TYPE,
    TOKEN_EXCHANGE_GRANT,
    async_exchange_token,
    async_logout,
    async_oauth2_client,
    drop_client_credentials_refresh_token,
    exchange_token,
    exchange_token_type,
    keycloak_provider,
    logout,
    oauth2_client,
)

from authwire import MissingTokenError, OAuth2Client, OAuthError, TokenResponseError, providers
from authwire.testing import FakeClock, Flavor, aw, decode_jwt, each_flavor, json_response, opened

from ._emulator import (
    ACCESS_LIFETIME,
    BASE_URL,
    CLIENT_ID,
    CLIENT_SECRET,
    DEVICE_ID,
    ISSUER,
    REALM,
    REDIRECT,
    SERVICE_ID,
    SERVICE_SECRET,
    SESSION_IDLE,
    USER_ID,
    KeycloakEmulator,
)

pytestmark = pytest.mark.filterwarnings(
    "ignore:authwire provider plugin '(?!keycloak'):authwire.providers.ProviderPluginWarning"
)

OIDC = f"{ISSUER}/protocol/openid-connect"
TOKEN = f"{OIDC}/token"
API = "https://orders.example.com/api/orders"


def named(
    flavor: Flavor, emu: KeycloakEmulator, clock: FakeClock, *args: Any, **kwargs: Any
) -> Any:
    kwargs.setdefault("base_url", BASE_URL)
    kwargs.setdefault("realm", REALM)
    constructor = flavor.pick(oauth2_client, async_oauth2_client)
    client = constructor(*args, transport=emu.transport(), **kwargs)
    client.oauth.clock = clock
    return client


def web_client(flavor: Flavor, emu: KeycloakEmulator, clock: FakeClock, **kwargs: Any) -> Any:
    return named(flavor, emu, clock, CLIENT_ID, CLIENT_SECRET, redirect_uri=REDIRECT, **kwargs)


def service_client(flavor: Flavor, emu: KeycloakEmulator, clock: FakeClock, **kwargs: Any) -> Any:
    kwargs.setdefault("grant_type", "client_credentials")
    return named(flavor, emu, clock, SERVICE_ID, SERVICE_SECRET, scope=None, **kwargs)


def plain_service_client(flavor: Flavor, emu: KeycloakEmulator, clock: FakeClock) -> Any:
    """An ``OAuth2Client`` given the realm's token endpoint by hand, without the plugin."""
    client = flavor.oauth2_client(
        client_id=SERVICE_ID,
        client_secret=SERVICE_SECRET,
        token_endpoint=TOKEN,
        grant_type="client_credentials",
        transport=emu.transport(),
    )
    client.oauth.clock = clock
    return client


async def sign_in(client: Any, emu: KeycloakEmulator) -> Any:
    url, _ = client.create_authorization_url()
    return await aw(client.fetch_token(authorization_response=emu.approve(url).url))


def api_route(emu: KeycloakEmulator) -> None:
    @emu.route("GET", API)
    def orders(request: Any) -> Any:
        grant = emu.bearer_grant(request)
        return json_response({"orders": [], "for": grant.subject})


# -- the provider value, the realm URLs, the constructors ---------------------------------------


def test_registered_through_the_entry_point() -> None:
    [entry] = entry_points(group="authwire", name="keycloak")
    assert entry.value == "authwire_keycloak"
    assert providers.get("keycloak") == KEYCLOAK


def test_the_realm_endpoints_as_keycloak_spells_them() -> None:
    bound = KEYCLOAK.bind(host="sso.example.com", realm_name="acme")
    oidc = "https://sso.example.com/realms/acme/protocol/openid-connect"
    assert bound.issuer == "https://sso.example.com/realms/acme"
    assert (
        bound.discovery_url
        == "https://sso.example.com/realms/acme/.well-known/openid-configuration"
    )
    assert bound.authorization_endpoint == f"{oidc}/auth"
    assert bound.token_endpoint == f"{oidc}/token"
    assert bound.userinfo_endpoint == f"{oidc}/userinfo"
    assert bound.jwks_uri == f"{oidc}/certs"
    assert bound.end_session_endpoint == f"{oidc}/logout"
    assert bound.revocation_endpoint == f"{oidc}/revoke"
    assert bound.introspection_endpoint == f"{oidc}/token/introspect"
    assert bound.device_authorization_endpoint == f"{oidc}/auth/device"
    assert KEYCLOAK.token_endpoint_auth_method == "client_secret_basic"
    assert KEYCLOAK.protocols == ("oauth2", "openid")
    assert {"token_exchange", "device_code", "logout"} <= set(KEYCLOAK.flows)


def test_the_registered_provider_needs_its_host_and_realm() -> None:
    with pytest.raises(ValueError, match="host"):
        KEYCLOAK.bind(realm_name="acme")
    with pytest.raises(ValueError, match="realm_name"):
        KEYCLOAK.bind(host="sso.example.com")


@pytest.mark.parametrize(
    ("base_url", "issuer"),
    [
        ("https://sso.example.com", "https://sso.example.com/realms/acme"),
        ("https://sso.example.com/", "https://sso.example.com/realms/acme"),
        ("https://sso.example.com/auth", "https://sso.example.com/auth/realms/acme"),
        ("http://localhost:8080", "http://localhost:8080/realms/acme"),
    ],
)
def test_keycloak_provider_takes_any_server_url(base_url: str, issuer: str) -> None:
    provider = keycloak_provider(base_url, "acme")
    assert provider.issuer == issuer
    assert provider.token_endpoint == f"{issuer}/protocol/openid-connect/token"
    assert provider.is_bound


@pytest.mark.parametrize(
    ("base_url", "realm", "message"),
    [
        ("sso.example.com", "acme", "http"),
        ("https://sso.example.com/realms/acme", "acme", "not a realm's"),
        ("https://sso.example.com?x=1", "acme", "without query"),
        ("https://sso.example.com", "ac/me", "realm"),
        ("https://sso.example.com", "", "realm"),
    ],
)
def test_bad_server_urls_and_realms_are_refused(base_url: str, realm: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        keycloak_provider(base_url, realm)


def test_idp_hint_goes_to_every_authorization_url() -> None:
    with oauth2_client(CLIENT_ID, base_url=BASE_URL, realm=REALM, idp_hint="google") as client:
        url, _ = client.create_authorization_url(redirect_uri=REDIRECT)
    assert parse_qs(urlsplit(url).query)["kc_idp_hint"] == ["google"]
    with pytest.raises(ValueError, match="not both"):
        oauth2_client(
            CLIENT_ID,
            base_url=BASE_URL,
            realm=REALM,
            idp_hint="google",
            authorize_params={"kc_idp_hint": "github"},
        )


# -- signing in ---------------------------------------------------------------------------------


@each_flavor
def test_sign_in_userinfo_refresh_introspect_revoke(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = KeycloakEmulator(clock=clock)
    api_route(emu)

    async def scenario() -> None:
        async with opened(web_client(flavor, emu, clock)) as client:
            token = await sign_in(client, emu)
            assert token["userinfo"]["iss"] == ISSUER
            assert token["userinfo"]["sub"] == USER_ID
            assert token["userinfo"]["preferred_username"] == "alice"
            assert token["refresh_expires_in"] == SESSION_IDLE
            assert token["not-before-policy"] == 0
            info = await aw(client.userinfo())
            assert info["email"] == "alice@example.com"

            clock.advance(ACCESS_LIFETIME)  # five minutes: renewed on the next request
            answer = await aw(client.get(API))
            assert answer.json()["for"] == USER_ID
            assert client.token["access_token"] != token["access_token"]

            active = await aw(client.introspect_token())
            assert active.json()["active"] is True
            revoked = await aw(client.revoke_token())
            assert revoked.status_code == 200
            assert not emu.is_active(client.token["refresh_token"])

    flavor.run(scenario)
    code, refresh = emu.calls()
    assert (code.grant_type, code.auth_method, code.pkce) == (
        "authorization_code",
        "client_secret_basic",
        "S256",
    )
    assert refresh.grant_type == "refresh_token"
    [introspection] = emu.sent_to("introspection_endpoint")
    assert introspection.basic_auth == (CLIENT_ID, CLIENT_SECRET)


@each_flavor
def test_sign_in_with_from_provider_and_discovery_spellings(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = KeycloakEmulator(clock=clock)

    async def scenario() -> None:
        client = flavor.oauth2_client.from_provider(
            "keycloak",
            host="sso.example.com",
            realm_name=REALM,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            redirect_uri=REDIRECT,
            transport=emu.transport(),
        )
        client.oauth.clock = clock
        async with opened(client):
            token = await sign_in(client, emu)
            assert token["userinfo"]["azp"] == CLIENT_ID
        # the discovery document Keycloak serves names the same endpoints
        discovered = await aw(
            flavor.oauth2_client.from_issuer(ISSUER, CLIENT_ID, transport=emu.transport())
        )
        async with opened(discovered):
            assert discovered.metadata["token_endpoint"] == TOKEN
            assert discovered.metadata["device_authorization_endpoint"] == f"{OIDC}/auth/device"
            assert discovered.metadata["end_session_endpoint"] == f"{OIDC}/logout"

    flavor.run(scenario)


@each_flavor
def test_a_legacy_server_below_auth(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = KeycloakEmulator("https://legacy.example.com/auth", clock=clock)

    async def scenario() -> None:
        client = named(
            flavor,
            emu,
            clock,
            CLIENT_ID,
            CLIENT_SECRET,
            base_url="https://legacy.example.com/auth",
            redirect_uri=REDIRECT,
        )
        async with opened(client):
            token = await sign_in(client, emu)
            assert token["userinfo"]["iss"] == "https://legacy.example.com/auth/realms/acme"

    flavor.run(scenario)


@each_flavor
def test_a_development_server_on_localhost(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = KeycloakEmulator("http://localhost:8080", clock=clock)

    async def scenario() -> None:
        client = service_client(flavor, emu, clock, base_url="http://localhost:8080")
        async with opened(client):
            token = await aw(client.fetch_token())
            assert token["access_token"]

    flavor.run(scenario)
    [call] = emu.calls()
    assert (
        str(call.request.url) == "http://localhost:8080/realms/acme/protocol/openid-connect/token"
    )


# -- service accounts: client credentials -------------------------------------------------------


@each_flavor
def test_service_account_tokens_are_fetched_and_fetched_again(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = KeycloakEmulator(clock=clock)
    api_route(emu)

    async def scenario() -> None:
        async with opened(service_client(flavor, emu, clock)) as client:
            first = await aw(client.get(API))  # no token yet: the grant runs first
            assert first.json()["for"] == f"service-account-{SERVICE_ID}"
            clock.advance(ACCESS_LIFETIME)
            await aw(client.get(API))

    flavor.run(scenario)
    assert [c.grant_type for c in emu.calls()] == ["client_credentials", "client_credentials"]
    assert all(c.auth_method == "client_secret_basic" for c in emu.calls())


# -- quirk: a client credentials refresh token dies with the session ----------------------------


@each_flavor
def test_quirk_client_credentials_are_renewed_by_the_grant(flavor: Flavor) -> None:
    clock = FakeClock()
    plugin_emu = KeycloakEmulator(clock=clock, client_credentials_refresh=True)
    plain_emu = KeycloakEmulator(clock=clock, client_credentials_refresh=True)
    api_route(plugin_emu)
    api_route(plain_emu)

    async def scenario() -> None:
        async with (
            opened(service_client(flavor, plugin_emu, clock)) as plugin,
            opened(plain_service_client(flavor, plain_emu, clock)) as plain,
        ):
            await aw(plugin.get(API))
            await aw(plain.get(API))
            assert "refresh_token" not in plugin.token  # dropped by the plugin
            assert plain.token["refresh_token"]  # Keycloak sent one

            clock.advance(SESSION_IDLE + 60)  # the service account's session has timed out
            assert (await aw(plugin.get(API))).status_code == 200
            with pytest.raises(OAuthError) as caught:
                await aw(plain.get(API))
            assert caught.value.error == "invalid_grant"
            assert caught.value.description == "Token is not active"

    flavor.run(scenario)
    assert [c.grant_type for c in plugin_emu.calls()] == ["client_credentials"] * 2
    assert [c.outcome for c in plain_emu.calls()] == ["issued", "invalid_grant"]


# -- the device authorization grant -------------------------------------------------------------


@each_flavor
def test_device_authorization_grant(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = KeycloakEmulator(clock=clock)

    async def scenario() -> None:
        client = named(flavor, emu, clock, DEVICE_ID, scope="openid profile")
        async with opened(client):
            authorization = await aw(client.request_device_authorization())
            assert authorization.verification_uri == f"{ISSUER}/device"
            assert authorization.interval == 5
            assert authorization.expires_at == clock() + 600
            emu.approve_device(authorization.user_code)
            token = await aw(client.poll_device_token(authorization))
            assert token["userinfo"]["sub"] == USER_ID
            assert token["refresh_expires_in"] == SESSION_IDLE

    flavor.run(scenario)
    [device_request] = emu.sent_to("device_authorization_endpoint")
    assert device_request.url.path == "/realms/acme/protocol/openid-connect/auth/device"


@each_flavor
def test_a_client_without_the_device_grant_is_refused(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = KeycloakEmulator(clock=clock)

    async def scenario() -> None:
        async with opened(web_client(flavor, emu, clock)) as client:
            with pytest.raises(OAuthError) as caught:
                await aw(client.request_device_authorization())
            assert caught.value.error == "unauthorized_client"
            assert "Device Authorization Grant" in str(caught.value.description)

    flavor.run(scenario)


# -- token exchange -----------------------------------------------------------------------------


@each_flavor
def test_standard_token_exchange(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = KeycloakEmulator(clock=clock)
    subject = emu.issue_token("orders-web", scope="openid", subject=USER_ID)

    async def scenario() -> None:
        exchange = flavor.pick(exchange_token, async_exchange_token)
        async with opened(service_client(flavor, emu, clock, grant_type=None)) as client:
            token = await aw(
                exchange(client, subject, audience=["billing", "shipping"], scope="optional-scope2")
            )
            assert token["issued_token_type"] == ACCESS_TOKEN_TYPE
            assert token["refresh_expires_in"] == 0
            assert client.token is token  # the exchanged token is the client's now
            with_refresh = await aw(
                exchange(client, subject, requested_token_type=REFRESH_TOKEN_TYPE)
            )
            assert with_refresh["refresh_token"]
            assert with_refresh["issued_token_type"] == REFRESH_TOKEN_TYPE

    flavor.run(scenario)
    first, second = emu.calls(TOKEN_EXCHANGE_GRANT)
    assert first.auth_method == "client_secret_basic"
    assert first.params["subject_token_type"] == ACCESS_TOKEN_TYPE
    assert parse_qs(first.request.content.decode())["audience"] == ["billing", "shipping"]
    assert second.params["requested_token_type"] == REFRESH_TOKEN_TYPE


@each_flavor
def test_exchanging_for_an_id_token(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = KeycloakEmulator(clock=clock)
    subject = emu.issue_token("orders-web", scope="openid", subject=USER_ID)

    async def scenario() -> None:
        exchange = flavor.pick(exchange_token, async_exchange_token)
        async with opened(service_client(flavor, emu, clock, grant_type=None)) as client:
            token = await aw(exchange(client, subject, requested_token_type=ID_TOKEN_TYPE))
            assert token["token_type"] == "N_A"
            assert token["issued_token_type"] == ID_TOKEN_TYPE
            assert decode_jwt(token["access_token"]).claims["typ"] == "ID"

    flavor.run(scenario)


@each_flavor
def test_legacy_impersonation_without_a_subject_token(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = KeycloakEmulator(clock=clock, legacy_token_exchange=True)
    api_route(emu)

    async def scenario() -> None:
        exchange = flavor.pick(exchange_token, async_exchange_token)
        async with opened(service_client(flavor, emu, clock, grant_type=None)) as client:
            token = await aw(
                exchange(client, requested_subject="bob", requested_token_type=ACCESS_TOKEN_TYPE)
            )
            assert token["issued_token_type"] == ACCESS_TOKEN_TYPE
            answer = await aw(client.get(API))
            assert answer.json()["for"] == "bob"

    flavor.run(scenario)
    [call] = emu.calls(TOKEN_EXCHANGE_GRANT)
    assert "subject_token" not in call.params
    assert call.params["requested_subject"] == "bob"


@each_flavor
def test_a_client_without_token_exchange_is_refused(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = KeycloakEmulator(clock=clock)
    subject = emu.issue_token("orders-web", scope="openid")

    async def scenario() -> None:
        exchange = flavor.pick(exchange_token, async_exchange_token)
        async with opened(web_client(flavor, emu, clock)) as client:
            with pytest.raises(OAuthError) as caught:
                await aw(exchange(client, subject, audience="billing"))
            assert caught.value.error == "unauthorized_client"

    flavor.run(scenario)


def test_exchange_arguments_are_checked_before_sending() -> None:
    clock = FakeClock()
    emu = KeycloakEmulator(clock=clock)
    with oauth2_client(
        SERVICE_ID, SERVICE_SECRET, base_url=BASE_URL, realm=REALM, transport=emu.transport()
    ) as client:
        with pytest.raises(TypeError, match="requested_subject"):
            exchange_token(client)
        with pytest.raises(TypeError, match="subject_issuer"):
            exchange_token(client, subject_issuer="facebook", requested_subject="bob")
        with pytest.raises(ValueError, match="single audience"):
            exchange_token(client, requested_subject="bob", audience=["a", "b"])
    assert emu.calls() == []


# -- quirk: the legacy token exchange answers without issued_token_type -------------------------


@each_flavor
def test_quirk_legacy_exchange_answers_without_issued_token_type(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = KeycloakEmulator(clock=clock, legacy_token_exchange=True)
    subject = emu.issue_token("orders-web", scope="openid", subject=USER_ID)

    async def scenario() -> None:
        exchange = flavor.pick(exchange_token, async_exchange_token)
        async with (
            opened(service_client(flavor, emu, clock, grant_type=None)) as plugin,
            opened(plain_service_client(flavor, emu, clock)) as plain,
        ):
            token = await aw(exchange(plugin, subject, audience="billing"))
            # the legacy default: an access and a refresh token, typed as a refresh token
            assert token["refresh_token"]
            assert token["issued_token_type"] == REFRESH_TOKEN_TYPE
            with pytest.raises(TokenResponseError, match="issued_token_type"):
                await aw(plain.exchange_token(subject, audience="billing"))

    flavor.run(scenario)
    answers = emu.calls(TOKEN_EXCHANGE_GRANT)
    assert [c.outcome for c in answers] == ["issued", "issued"]  # Keycloak answered both alike


# -- quirk: token exchange ignores resource -----------------------------------------------------


@each_flavor
def test_quirk_resource_is_refused_before_keycloak_ignores_it(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = KeycloakEmulator(clock=clock)
    subject = emu.issue_token("orders-web", scope="openid", subject=USER_ID)

    async def scenario() -> None:
        exchange = flavor.pick(exchange_token, async_exchange_token)
        async with (
            opened(service_client(flavor, emu, clock, grant_type=None)) as plugin,
            opened(plain_service_client(flavor, emu, clock)) as plain,
        ):
            with pytest.raises(ValueError, match="resource"):
                await aw(exchange(plugin, subject, resource="https://billing.example.com/"))
            assert emu.calls() == []  # nothing was sent
            token = await aw(plain.exchange_token(subject, resource="https://billing.example.com/"))
            assert token["access_token"]  # a token anyway: the restriction was dropped

    flavor.run(scenario)
    assert emu.ignored == ["resource"]


# -- logout -------------------------------------------------------------------------------------


@each_flavor
def test_logout_in_the_browser_and_from_the_server(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = KeycloakEmulator(clock=clock)

    async def scenario() -> None:
        async with opened(web_client(flavor, emu, clock)) as client:
            token = await sign_in(client, emu)
            url = client.create_logout_url("https://app.example/bye", state="s1")
            query = parse_qs(urlsplit(url).query)
            assert url.startswith(f"{OIDC}/logout?")
            assert query["id_token_hint"] == [token["id_token"]]
            assert query["client_id"] == [CLIENT_ID]
            browser = await aw(client.get(url, withhold_token=True))
            assert browser.status_code == 302
            assert browser.headers["location"] == "https://app.example/bye?state=s1"

            await aw(flavor.pick(logout, async_logout)(client))
            assert not emu.is_active(token["refresh_token"])
            with pytest.raises(OAuthError) as caught:
                await aw(flavor.pick(logout, async_logout)(client))
            assert caught.value.error == "invalid_grant"

    flavor.run(scenario)
    first, _ = emu.sent(f"{OIDC}/logout", "POST")
    assert first.basic_auth == (CLIENT_ID, CLIENT_SECRET)
    assert set(first.form) == {"refresh_token"}
    assert first.headers.get("authorization", "").startswith("Basic ")
    assert emu.logged_out == [USER_ID]


def test_logout_needs_a_refresh_token_and_an_endpoint() -> None:
    clock = FakeClock()
    emu = KeycloakEmulator(clock=clock)
    with (
        oauth2_client(
            CLIENT_ID, CLIENT_SECRET, base_url=BASE_URL, realm=REALM, transport=emu.transport()
        ) as client,
        pytest.raises(MissingTokenError),
    ):
        logout(client)
    with (
        OAuth2Client(CLIENT_ID, token_endpoint=TOKEN) as bare,
        pytest.raises(ValueError, match="end_session"),
    ):
        logout(bare, refresh_token="rt")


# -- the hooks on their own ---------------------------------------------------------------------


def _answer(form: str, body: Any, status: int = 200) -> httpx.Response:
    request = httpx.Request("POST", TOKEN, content=form.encode())
    response = json_response(body, status)
    response.request = request
    return response


def test_exchange_hook_only_touches_exchange_answers() -> None:
    exchange = f"grant_type={TOKEN_EXCHANGE_GRANT}&subject_token=x"
    typed = exchange_token_type(
        _answer(exchange + f"&requested_token_type={ID_TOKEN_TYPE}", {"access_token": "a"})
    )
    assert typed.json()["issued_token_type"] == ID_TOKEN_TYPE
    plain = exchange_token_type(_answer(exchange, {"access_token": "a"}))
    assert plain.json()["issued_token_type"] == ACCESS_TOKEN_TYPE
    for untouched in (
        _answer("grant_type=authorization_code", {"access_token": "a"}),
        _answer(exchange, {"error": "invalid_grant"}, 400),
        _answer(exchange, {"access_token": "a", "issued_token_type": REFRESH_TOKEN_TYPE}),
    ):
        assert exchange_token_type(untouched) is untouched


def test_client_credentials_hook_only_touches_client_credentials_answers() -> None:
    body = {"access_token": "a", "refresh_token": "r", "refresh_expires_in": 1800}
    dropped = drop_client_credentials_refresh_token(_answer("grant_type=client_credentials", body))
    assert dropped.json() == {"access_token": "a"}
    kept = _answer("grant_type=authorization_code&code=c", body)
    assert drop_client_credentials_refresh_token(kept) is kept
