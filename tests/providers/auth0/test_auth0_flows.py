"""Every flow of the Auth0 plugin against the Auth0 emulator, on the sync and async clients.

The emulator (``emulator.py``) is an Auth0 tenant answering as Auth0 documents; the quirk
tests run the plugin's client and a plain :class:`authwire.OAuth2Client` against the same
tenant and show what the plain one gets wrong.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from authwire_auth0 import (
    ORG_ID,
    ORG_NAME,
    async_client_credentials_client,
    async_oauth2_client,
    client_credentials_client,
    issuer,
    legacy_logout_url,
    oauth2_client,
)

from authwire import IDTokenError, OAuthError
from authwire.testing import Flavor, aw, decode_jwt, each_flavor, opened

from .emulator import (
    API,
    API_URL,
    CLIENT_ID,
    CLIENT_SECRET,
    CUSTOM_DOMAIN,
    DOMAIN,
    HOME,
    M2M_ID,
    M2M_SECRET,
    OTHER_ORG_ID,
    REDIRECT,
    SIGNED_OUT,
    USER,
    Auth0Tenant,
    management_api,
)
from .emulator import (
    ORG_ID as ACME,
)

pytestmark = pytest.mark.filterwarnings(
    "ignore:authwire provider plugin '(?!auth0'):authwire.providers.ProviderPluginWarning"
)

TOKEN_URL = f"https://{DOMAIN}/oauth/token"


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def login_client(flavor: Flavor, tenant: Auth0Tenant, **kwargs: Any) -> Any:
    constructor: Any = flavor.pick(oauth2_client, async_oauth2_client)
    kwargs.setdefault("domain", tenant.domain)
    client = constructor(
        CLIENT_ID, CLIENT_SECRET, redirect_uri=REDIRECT, transport=tenant.transport(), **kwargs
    )
    client.oauth.clock = tenant.clock
    return client


def browser_get(tenant: Auth0Tenant, url: str) -> httpx.Response:
    with httpx.Client(transport=tenant.transport()) as browser:
        return browser.get(url)


# -- logging users in -------------------------------------------------------------------------


@each_flavor
def test_login_for_an_api_refresh_userinfo_revoke_and_logout(flavor: Flavor) -> None:
    tenant = Auth0Tenant()

    async def scenario() -> None:
        client = login_client(flavor, tenant, audience=API, offline=True)
        async with opened(client):
            url, _ = client.create_authorization_url()
            assert url.startswith(f"https://{DOMAIN}/authorize?")
            assert query(url)["audience"] == [API]
            token = await aw(client.fetch_token(authorization_response=tenant.approve(url).url))
            assert token["userinfo"]["iss"] == f"https://{DOMAIN}/"
            assert token["userinfo"]["sub"] == USER
            access = decode_jwt(token["access_token"]).claims  # a JWT for the API
            assert access["aud"] == [API, f"https://{DOMAIN}/userinfo"]
            assert (await aw(client.get(API_URL))).json()["for"] == USER
            assert (await aw(client.userinfo()))["email"] == "username@exampleco.com"

            first_refresh = token["refresh_token"]
            tenant.time.advance(86401)
            assert (await aw(client.get(API_URL))).status_code == 200  # refreshed first
            # no rotation by default: the same refresh token is kept
            assert client.token["refresh_token"] == first_refresh
            assert client.token["access_token"] != token["access_token"]
            assert [c.params.get("audience") for c in tenant.calls("refresh_token")] == [None]

            rp = client.create_logout_url(post_logout_redirect_uri=SIGNED_OUT, state="s1")
            legacy = legacy_logout_url(client, HOME, federated=True)

            await aw(client.revoke_token())  # the refresh token
            assert not tenant.is_active(first_refresh)

        assert browser_get(tenant, rp).headers["location"] == f"{SIGNED_OUT}?state=s1"
        assert browser_get(tenant, legacy).headers["location"] == HOME
        [code] = tenant.calls("authorization_code")
        assert code.auth_method == "client_secret_post"
        assert code.pkce == "S256"

    flavor.run(scenario)


@each_flavor
def test_without_offline_access_there_is_no_refresh_token(flavor: Flavor) -> None:
    tenant = Auth0Tenant()

    async def scenario() -> None:
        async with opened(login_client(flavor, tenant)) as client:
            url, _ = client.create_authorization_url()
            token = await aw(client.fetch_token(authorization_response=tenant.approve(url).url))
        assert "refresh_token" not in token
        assert query(url)["scope"] == ["openid profile email"]

    flavor.run(scenario)


@each_flavor
def test_discovery_with_the_trailing_slash_and_a_custom_domain(flavor: Flavor) -> None:
    tenant = Auth0Tenant(domain=CUSTOM_DOMAIN)

    async def scenario() -> None:
        made = flavor.oauth2_client.from_issuer(
            issuer(CUSTOM_DOMAIN),
            CLIENT_ID,
            CLIENT_SECRET,
            redirect_uri=REDIRECT,
            transport=tenant.transport(),
        )
        client = await aw(made)
        client.oauth.clock = tenant.clock
        async with opened(client):
            url, _ = client.create_authorization_url(scope="openid")
            token = await aw(client.fetch_token(authorization_response=tenant.approve(url).url))
        assert token["userinfo"]["iss"] == "https://login.example.com/"

        async with opened(login_client(flavor, tenant, domain=CUSTOM_DOMAIN)) as client:
            url, _ = client.create_authorization_url()
            token = await aw(client.fetch_token(authorization_response=tenant.approve(url).url))
        assert token["userinfo"]["iss"] == "https://login.example.com/"

    flavor.run(scenario)


# -- organizations ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("organization", "names", "claims"),
    [
        pytest.param(ACME, False, {"org_id": ACME}, id="by-id"),
        pytest.param("acme", True, {"org_id": ACME, "org_name": "acme"}, id="by-name"),
    ],
)
@each_flavor
def test_login_into_an_organization_checks_every_id_token(
    flavor: Flavor, organization: str, names: bool, claims: dict[str, str]
) -> None:
    tenant = Auth0Tenant(organization_names=names)

    async def scenario() -> None:
        client = login_client(flavor, tenant, organization=organization, offline=True)
        async with opened(client):
            url, _ = client.create_authorization_url()
            assert query(url)["organization"] == [organization]
            token = await aw(client.fetch_token(authorization_response=tenant.approve(url).url))
            for name, value in claims.items():
                assert token["userinfo"][name] == value
            refreshed = await aw(client.refresh_token())  # its ID token is checked too
            assert refreshed["userinfo"]["org_id"] == ACME

    flavor.run(scenario)


@each_flavor
def test_machine_to_machine_fetch_and_refetch_keep_audience_and_organization(
    flavor: Flavor,
) -> None:
    tenant = Auth0Tenant()

    async def scenario() -> None:
        constructor: Any = flavor.pick(client_credentials_client, async_client_credentials_client)
        client = constructor(
            M2M_ID,
            M2M_SECRET,
            domain=DOMAIN,
            audience=API,
            organization=ACME,
            transport=tenant.transport(),
        )
        client.oauth.clock = tenant.clock
        async with opened(client):
            first = await aw(client.get(API_URL))  # fetched on first use
            assert first.json() == {"orders": [], "for": f"{M2M_ID}@clients", "org_id": ACME}
            tenant.time.advance(86401)
            assert (await aw(client.get(API_URL))).status_code == 200  # re-fetched
            tenant.time.advance(86401)
            assert (await aw(client.get(API_URL))).status_code == 200

    flavor.run(scenario)
    calls = tenant.calls("client_credentials")
    assert len(calls) == 3
    for call in calls:
        assert call.params["audience"] == API
        assert call.params["organization"] == ACME
        assert call.auth_method == "client_secret_post"
        assert call.outcome == "issued"
        assert "scope" not in call.params  # not the sign-in scopes


def test_machine_to_machine_for_the_management_api() -> None:
    tenant = Auth0Tenant()
    with client_credentials_client(
        M2M_ID,
        M2M_SECRET,
        domain=DOMAIN,
        audience=management_api(),
        transport=tenant.transport(),
    ) as client:
        client.oauth.clock = tenant.clock
        users = client.get(f"https://{DOMAIN}/api/v2/users")
    assert users.json()[0]["user_id"] == USER
    # an API the tenant does not have: Auth0 refuses the grant
    with (
        client_credentials_client(
            M2M_ID,
            M2M_SECRET,
            domain=DOMAIN,
            audience="https://nope.example/",
            transport=tenant.transport(),
        ) as client,
        pytest.raises(OAuthError) as caught,
    ):
        client.get(API_URL)
    assert caught.value.error == "access_denied"


# -- quirks: the plugin's client handles each; a plain OAuth2Client does not ---------------------


@each_flavor
def test_quirk_the_issuer_ends_with_a_slash(flavor: Flavor) -> None:
    tenant = Auth0Tenant()

    async def scenario() -> None:
        async with opened(login_client(flavor, tenant)) as client:
            url, _ = client.create_authorization_url()
            token = await aw(client.fetch_token(authorization_response=tenant.approve(url).url))
            assert token["userinfo"]["iss"] == f"https://{DOMAIN}/"

        # the issuer as people write a domain's URL, without the slash
        plain = flavor.oauth2_client(
            CLIENT_ID,
            CLIENT_SECRET,
            issuer=f"https://{DOMAIN}",
            authorization_endpoint=f"https://{DOMAIN}/authorize",
            token_endpoint=TOKEN_URL,
            jwks_uri=f"https://{DOMAIN}/.well-known/jwks.json",
            scope="openid profile email",
            redirect_uri=REDIRECT,
            transport=tenant.transport(),
        )
        plain.oauth.clock = tenant.clock
        async with opened(plain):
            url, _ = plain.create_authorization_url()
            with pytest.raises(IDTokenError) as caught:
                await aw(plain.fetch_token(authorization_response=tenant.approve(url).url))
        assert caught.value.reason == "iss"

        # and discovery from it finds a document for another issuer
        with pytest.raises(OAuthError) as refused:
            await aw(
                flavor.oauth2_client.from_issuer(
                    f"https://{DOMAIN}", CLIENT_ID, transport=tenant.transport()
                )
            )
        assert refused.value.error == "invalid_discovery_document"

    flavor.run(scenario)


@each_flavor
def test_quirk_audience_on_authorize_else_an_opaque_token(flavor: Flavor) -> None:
    """Without Auth0's ``audience`` the access token is opaque, for /userinfo only
    (https://auth0.com/docs/secure/tokens/access-tokens/get-access-tokens); the standard
    ``resource`` parameter (RFC 8707) does not replace it."""
    tenant = Auth0Tenant()

    async def scenario() -> None:
        async with opened(login_client(flavor, tenant, audience=API)) as client:
            url, _ = client.create_authorization_url()
            await aw(client.fetch_token(authorization_response=tenant.approve(url).url))
            assert (await aw(client.get(API_URL))).status_code == 200

        for extra in ({}, {"resource": API}):
            plain = flavor.oauth2_client(
                CLIENT_ID,
                CLIENT_SECRET,
                authorization_endpoint=f"https://{DOMAIN}/authorize",
                token_endpoint=TOKEN_URL,
                scope="openid profile email",
                redirect_uri=REDIRECT,
                transport=tenant.transport(),
                **extra,
            )
            async with opened(plain):
                url, _ = plain.create_authorization_url()
                token = await aw(plain.fetch_token(authorization_response=tenant.approve(url).url))
                with pytest.raises(ValueError):
                    decode_jwt(token["access_token"])  # opaque
                refused = await aw(plain.get(API_URL))
            assert refused.status_code == 401
            assert refused.headers["www-authenticate"] == 'Bearer error="invalid_token"'

    flavor.run(scenario)


@each_flavor
def test_quirk_audience_on_client_credentials_and_every_refetch(flavor: Flavor) -> None:
    tenant = Auth0Tenant()

    async def scenario() -> None:
        constructor: Any = flavor.pick(client_credentials_client, async_client_credentials_client)
        client = constructor(
            M2M_ID, M2M_SECRET, domain=DOMAIN, audience=API, transport=tenant.transport()
        )
        client.oauth.clock = tenant.clock
        async with opened(client):
            for _ in range(3):
                assert (await aw(client.get(API_URL))).status_code == 200
                tenant.time.advance(86401)

        plain = flavor.oauth2_client(
            M2M_ID,
            M2M_SECRET,
            token_endpoint=TOKEN_URL,
            grant_type="client_credentials",
            token_endpoint_auth_method="client_secret_post",
            transport=tenant.transport(),
        )
        plain.oauth.clock = tenant.clock
        async with opened(plain):
            refused = await aw(plain.get(API_URL))
        assert refused.status_code == 401
        assert plain.token is not None
        with pytest.raises(ValueError):
            decode_jwt(plain.token["access_token"])

    flavor.run(scenario)
    audiences = [c.params.get("audience") for c in tenant.calls("client_credentials")]
    assert audiences == [API, API, API, None]


@each_flavor
def test_quirk_the_organization_of_the_id_token_is_checked(flavor: Flavor) -> None:
    """A login that ends in another organization (the Organization Picker, a tampered
    callback) must be refused: Auth0 asks applications to check ``org_id``
    (https://auth0.com/docs/manage-users/organizations/using-tokens)."""
    tenant = Auth0Tenant()

    async def scenario() -> None:
        async with opened(login_client(flavor, tenant, organization=ACME)) as client:
            url, _ = client.create_authorization_url()
            approval = tenant.approve(url, claims={"org_id": OTHER_ORG_ID})
            with pytest.raises(IDTokenError) as caught:
                await aw(client.fetch_token(authorization_response=approval.url))
            assert caught.value.reason == ORG_ID
            assert OTHER_ORG_ID in str(caught.value)
            assert client.token is None

        plain = flavor.oauth2_client(
            CLIENT_ID,
            CLIENT_SECRET,
            issuer=f"https://{DOMAIN}/",
            authorization_endpoint=f"https://{DOMAIN}/authorize",
            token_endpoint=TOKEN_URL,
            jwks_uri=f"https://{DOMAIN}/.well-known/jwks.json",
            scope="openid profile email",
            redirect_uri=REDIRECT,
            transport=tenant.transport(),
        )
        plain.oauth.clock = tenant.clock
        async with opened(plain):
            url, _ = plain.create_authorization_url(organization=ACME)
            approval = tenant.approve(url, claims={"org_id": OTHER_ORG_ID})
            token = await aw(plain.fetch_token(authorization_response=approval.url))
        assert token["userinfo"]["org_id"] == OTHER_ORG_ID  # accepted for the wrong org

    flavor.run(scenario)


def test_quirk_an_organization_name_is_checked_against_org_name() -> None:
    tenant = Auth0Tenant(organization_names=True)
    with login_client(Flavor("sync"), tenant, organization="acme") as client:
        url, _ = client.create_authorization_url()
        approval = tenant.approve(url, claims={"org_id": OTHER_ORG_ID, "org_name": "globex"})
        with pytest.raises(IDTokenError) as caught:
            client.fetch_token(authorization_response=approval.url)
    assert caught.value.reason == ORG_NAME


@each_flavor
def test_quirk_rp_logout_of_a_tenant_that_does_not_advertise_it(flavor: Flavor) -> None:
    """Tenants created before 2023-11-14 leave ``end_session_endpoint`` out of discovery
    (https://auth0.com/docs/authenticate/login/logout/log-users-out-of-auth0)."""
    tenant = Auth0Tenant(rp_logout_discovery=False)

    async def scenario() -> None:
        async with opened(login_client(flavor, tenant)) as client:
            url, _ = client.create_authorization_url()
            await aw(client.fetch_token(authorization_response=tenant.approve(url).url))
            logout = client.create_logout_url(post_logout_redirect_uri=SIGNED_OUT)

        made = flavor.oauth2_client.from_issuer(
            issuer(DOMAIN), CLIENT_ID, CLIENT_SECRET, transport=tenant.transport()
        )
        async with opened(await aw(made)) as plain:
            with pytest.raises(ValueError, match="no end_session_endpoint"):
                plain.create_logout_url(post_logout_redirect_uri=SIGNED_OUT)

        assert browser_get(tenant, logout).headers["location"] == SIGNED_OUT

    flavor.run(scenario)


def test_quirk_legacy_logout_takes_return_to() -> None:
    tenant = Auth0Tenant()
    with login_client(Flavor("sync"), tenant) as client:
        legacy = legacy_logout_url(client, SIGNED_OUT)
        # a plain client aims its RP-initiated URL at /v2/logout: post_logout_redirect_uri
        # means nothing there, so Auth0 returns to the first allowed URL instead
        plain = client.create_logout_url(
            post_logout_redirect_uri=SIGNED_OUT, url=f"https://{DOMAIN}/v2/logout"
        )
    assert browser_get(tenant, legacy).headers["location"] == SIGNED_OUT
    assert browser_get(tenant, plain).headers["location"] == HOME


# -- from_provider applies every fix ----------------------------------------------------------


@each_flavor
def test_from_provider_checks_the_organization_of_the_id_token(flavor: Flavor) -> None:
    tenant = Auth0Tenant()

    async def scenario() -> None:
        client = flavor.oauth2_client.from_provider(
            "auth0",
            domain=tenant.domain,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            redirect_uri=REDIRECT,
            authorize_params={"organization": ACME},
            transport=tenant.transport(),
        )
        client.oauth.clock = tenant.clock
        async with opened(client):
            url, _ = client.create_authorization_url()
            assert query(url)["organization"] == [ACME]
            approval = tenant.approve(url, claims={"org_id": OTHER_ORG_ID})
            with pytest.raises(IDTokenError) as caught:
                await aw(client.fetch_token(authorization_response=approval.url))
            assert caught.value.reason == ORG_ID
            url, _ = client.create_authorization_url()
            token = await aw(client.fetch_token(authorization_response=tenant.approve(url).url))
            assert token["userinfo"]["org_id"] == ACME

    flavor.run(scenario)
