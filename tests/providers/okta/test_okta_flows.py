"""Every flow of the Okta plugin against the Okta emulator, on the sync and async clients.

The emulator (``emulator.py``) is an Okta org: the org authorization server and the
``default`` custom server on one domain, each with its own issuer, keys and discovery
document, answering as Okta's documentation shows. The quirk tests run the plugin's client
and a plain :class:`authwire.OAuth2Client` against the same emulator.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from authwire_okta import (
    async_oauth2_client,
    async_service_client,
    discovery_url,
    issuer,
    oauth2_client,
    service_client,
)

from authwire import IDTokenError, OAuth2Client, OAuthError
from authwire.testing import Flavor, aw, decode_jwt, each_flavor, opened

from .emulator import (
    CLIENT_ID,
    CLIENT_SECRET,
    DOMAIN,
    REDIRECT,
    SERVICE_ID,
    SIGNED_OUT,
    USER,
    OktaOrg,
    issuer_of,
    server_base,
)

pytestmark = pytest.mark.filterwarnings(
    "ignore:authwire provider plugin '(?!okta'):authwire.providers.ProviderPluginWarning"
)

SERVERS = [pytest.param("default", id="custom-server"), pytest.param(None, id="org-server")]
USERS_API = f"https://{DOMAIN}/api/v1/users"


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def browser_get(org: OktaOrg, url: str) -> httpx.Response:
    """What a browser gets on ``url`` (no redirect followed)."""
    with httpx.Client(transport=org.transport()) as browser:
        return browser.get(url)


def sign_in_client(flavor: Flavor, org: OktaOrg, server: str | None, **kwargs: Any) -> Any:
    constructor: Any = flavor.pick(oauth2_client, async_oauth2_client)
    client = constructor(
        CLIENT_ID,
        CLIENT_SECRET,
        domain=DOMAIN,
        authorization_server=server,
        redirect_uri=REDIRECT,
        transport=org.transport(),
        **kwargs,
    )
    client.oauth.clock = org.clock  # ID tokens are dated by the emulator's clock
    return client


# -- sign-in: code + PKCE, ID token, UserInfo, refresh, introspection, revocation, logout ------


@pytest.mark.parametrize("server", SERVERS)
@each_flavor
def test_sign_in_and_the_token_life_cycle(flavor: Flavor, server: str | None) -> None:
    org = OktaOrg()
    emu = org.server(server)

    async def scenario() -> None:
        client = sign_in_client(flavor, org, server, scope="openid email profile offline_access")
        async with opened(client):
            url, _ = client.create_authorization_url()
            assert url.startswith(f"{server_base(server)}/v1/authorize?")
            token = await aw(client.fetch_token(authorization_response=emu.approve(url).url))
            # checked against this server's issuer and keys
            assert token["userinfo"]["iss"] == issuer_of(server)
            assert token["userinfo"]["sub"] == USER
            assert token["userinfo"]["ver"] == 1
            info = await aw(client.userinfo())
            assert info["email"] == "john.doe@example.com"

            first_refresh = token["refresh_token"]
            org.clock.advance(3601)  # the access token expired: the next request refreshes
            assert (await aw(client.userinfo()))["sub"] == USER
            refreshed = client.token
            assert refreshed["refresh_token"] != first_refresh  # rotated
            assert not emu.is_active(first_refresh)

            introspection = await aw(client.introspect_token())
            assert introspection.json()["active"] is True
            assert introspection.json()["client_id"] == CLIENT_ID

            logout = client.create_logout_url(post_logout_redirect_uri=SIGNED_OUT, state="bye")
            assert logout.startswith(f"{server_base(server)}/v1/logout?")
            assert query(logout)["id_token_hint"] == [refreshed["id_token"]]

            await aw(client.revoke_token())
            assert not emu.is_active(refreshed["refresh_token"])

        redirect = browser_get(org, logout)
        assert redirect.status_code == 302
        assert redirect.headers["location"] == f"{SIGNED_OUT}?state=bye"

        [code] = emu.calls("authorization_code")
        assert code.auth_method == "client_secret_basic"
        assert code.pkce == "S256"
        assert [c.outcome for c in emu.calls("refresh_token")] == ["issued"]

    flavor.run(scenario)


@pytest.mark.parametrize("server", SERVERS)
@each_flavor
def test_discovery_of_each_authorization_server(flavor: Flavor, server: str | None) -> None:
    org = OktaOrg()
    emu = org.server(server)

    async def scenario() -> None:
        made = flavor.oauth2_client.from_issuer(
            issuer(DOMAIN, server),
            CLIENT_ID,
            CLIENT_SECRET,
            redirect_uri=REDIRECT,
            transport=org.transport(),
        )
        client = await aw(made)
        client.oauth.clock = org.clock
        async with opened(client):
            assert client.metadata["token_endpoint"] == f"{server_base(server)}/v1/token"
            assert client.metadata["end_session_endpoint"] == f"{server_base(server)}/v1/logout"
            url, _ = client.create_authorization_url(scope="openid")
            token = await aw(client.fetch_token(authorization_response=emu.approve(url).url))
            assert token["userinfo"]["iss"] == issuer_of(server)
        assert [r.url for r in emu.sent(discovery_url(DOMAIN, server))]

    flavor.run(scenario)


@each_flavor
def test_rfc8414_metadata_of_a_custom_server(flavor: Flavor) -> None:
    org = OktaOrg()

    async def scenario() -> None:
        made = flavor.oauth2_client.from_issuer(
            issuer(DOMAIN), CLIENT_ID, CLIENT_SECRET, kind="oauth", transport=org.transport()
        )
        async with opened(await aw(made)) as client:
            assert client.metadata["introspection_endpoint"] == (
                f"{server_base('default')}/v1/introspect"
            )
        # the form Okta calls current (RFC 8414 §3.1), which discovery_url(kind="oauth") gives
        assert org.custom.sent(discovery_url(DOMAIN, kind="oauth"))

    flavor.run(scenario)


# -- service apps: client credentials with private_key_jwt --------------------------------------


@pytest.mark.parametrize("key_form", ["pem-and-key-id", "jwk-with-kid"])
@each_flavor
def test_service_app_fetches_and_refetches_with_private_key_jwt(
    flavor: Flavor, key_form: str
) -> None:
    org = OktaOrg()
    if key_form == "pem-and-key-id":
        key: Any = org.service_key.private_pem.decode("ascii")
        key_id: str | None = "my_key_id"
    else:
        key = org.service_key.key.as_dict(private=True)  # its kid travels with it
        key_id = None

    async def scenario() -> None:
        constructor: Any = flavor.pick(service_client, async_service_client)
        client = constructor(
            SERVICE_ID,
            key,
            domain=DOMAIN,
            scope="okta.users.read",
            key_id=key_id,
            transport=org.transport(),
        )
        client.oauth.clock = org.clock
        async with opened(client):
            users = await aw(client.get(USERS_API))  # fetched on first use
            assert users.status_code == 200
            assert users.json()[0]["id"] == USER
            org.clock.advance(3601)  # Okta's service tokens live one hour
            again = await aw(client.get(USERS_API))
            assert again.status_code == 200

    flavor.run(scenario)
    calls = org.org.calls("client_credentials")
    assert [c.outcome for c in calls] == ["issued", "issued"]
    token_url = f"https://{DOMAIN}/oauth2/v1/token"
    jtis = set()
    for call in calls:
        assert call.auth_method == "private_key_jwt"
        assert call.params["scope"] == "okta.users.read"
        assert call.client_assertion is not None
        assert call.client_assertion.header["kid"] == "my_key_id"
        assert call.client_assertion.claims["aud"] == token_url
        assert call.client_assertion.claims["iss"] == SERVICE_ID
        assert call.client_assertion.claims["sub"] == SERVICE_ID
        jtis.add(call.client_assertion.claims["jti"])
    assert len(jtis) == 2  # a fresh jti each time: Okta refuses a replayed assertion


def test_service_app_for_a_custom_server_and_its_scope_errors() -> None:
    org = OktaOrg()
    org.custom.add_client(SERVICE_ID, jwt_key=org.service_key)
    with service_client(
        SERVICE_ID,
        org.service_key.private_pem,
        domain=DOMAIN,
        scope="orders:read",
        key_id="my_key_id",
        authorization_server="default",
        transport=org.transport(),
    ) as client:
        client.oauth.clock = org.clock
        assert client.fetch_token()["scope"] == "orders:read"
    assert org.custom.calls("client_credentials")[0].client_assertion is not None
    # a scope the service app was not granted: Okta's invalid_scope, raised as OAuthError
    with (
        service_client(
            SERVICE_ID,
            org.service_key.private_pem,
            domain=DOMAIN,
            scope="okta.groups.manage",
            key_id="my_key_id",
            transport=org.transport(),
        ) as client,
        pytest.raises(OAuthError) as caught,
    ):
        client.get(USERS_API)
    assert caught.value.error == "invalid_scope"


# -- quirks: the plugin's client handles each; a plain OAuth2Client does not ---------------------


@each_flavor
def test_quirk_each_authorization_server_has_its_own_issuer(flavor: Flavor) -> None:
    """Custom servers sign ID tokens as ``https://{domain}/oauth2/{id}``, not as the Okta
    domain (https://developer.okta.com/docs/concepts/auth-servers/)."""
    org = OktaOrg()
    custom = server_base("default")

    async def scenario() -> None:
        async with opened(sign_in_client(flavor, org, "default")) as client:
            url, _ = client.create_authorization_url()
            token = await aw(client.fetch_token(authorization_response=org.custom.approve(url).url))
            assert token["userinfo"]["iss"] == f"https://{DOMAIN}/oauth2/default"

        # what a client configured with "the Okta domain" as issuer does with the same login
        plain = flavor.oauth2_client(
            CLIENT_ID,
            CLIENT_SECRET,
            issuer=f"https://{DOMAIN}",
            authorization_endpoint=f"{custom}/v1/authorize",
            token_endpoint=f"{custom}/v1/token",
            jwks_uri=f"{custom}/v1/keys",
            scope="openid email profile",
            redirect_uri=REDIRECT,
            transport=org.transport(),
        )
        plain.oauth.clock = org.clock
        async with opened(plain):
            url, _ = plain.create_authorization_url()
            with pytest.raises(IDTokenError) as caught:
                await aw(plain.fetch_token(authorization_response=org.custom.approve(url).url))
        assert caught.value.reason == "iss"
        assert plain.token is None

    flavor.run(scenario)


@each_flavor
def test_quirk_service_apps_authenticate_with_private_key_jwt(flavor: Flavor) -> None:
    """Service apps calling the Okta APIs: private_key_jwt only, ``aud`` = the token endpoint
    (https://developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp/main/)."""
    org = OktaOrg()
    pem = org.service_key.private_pem.decode("ascii")

    async def scenario() -> None:
        constructor: Any = flavor.pick(service_client, async_service_client)
        client = constructor(
            SERVICE_ID,
            pem,
            domain=DOMAIN,
            scope="okta.users.read",
            key_id="my_key_id",
            transport=org.transport(),
        )
        client.oauth.clock = org.clock
        async with opened(client):
            assert (await aw(client.get(USERS_API))).status_code == 200

        # a plain client credentials client with the same key: HTTP Basic, refused
        plain = flavor.oauth2_client(
            SERVICE_ID,
            pem,
            token_endpoint=f"https://{DOMAIN}/oauth2/v1/token",
            grant_type="client_credentials",
            scope="okta.users.read",
            transport=org.transport(),
        )
        async with opened(plain):
            with pytest.raises(OAuthError) as caught:
                await aw(plain.get(USERS_API))
        assert caught.value.error == "invalid_client"
        assert plain.token is None

    flavor.run(scenario)
    outcomes = [(c.auth_method, c.outcome) for c in org.org.calls("client_credentials")]
    assert outcomes[0] == ("private_key_jwt", "issued")
    assert outcomes[-1] == ("client_secret_basic", "invalid_client")
    assert (
        decode_jwt(str(org.org.calls("client_credentials")[0].params["client_assertion"])).claims[
            "aud"
        ]
        == f"https://{DOMAIN}/oauth2/v1/token"
    )


def test_the_plain_client_needs_the_whole_configuration_the_plugin_carries() -> None:
    # the registry entry is enough: no endpoint, issuer or method to copy by hand
    org = OktaOrg()
    with OAuth2Client.from_provider(
        "okta",
        domain=DOMAIN,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uri=REDIRECT,
        transport=org.transport(),
    ) as client:
        client.oauth.clock = org.clock
        url, _ = client.create_authorization_url()
        token = client.fetch_token(authorization_response=org.custom.approve(url).url)
    assert token["userinfo"]["iss"] == f"https://{DOMAIN}/oauth2/default"
