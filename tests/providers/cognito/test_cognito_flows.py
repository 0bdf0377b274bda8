"""Every flow of the Cognito plugin against the user pool emulator, sync and async.

The emulator (``emulator.py``) answers as the Amazon Cognito Developer Guide documents; the
quirk tests run the plugin's client and a plain :class:`authwire.OAuth2Client` against the
same pool.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from authwire_cognito import (
    async_client_credentials_client,
    async_oauth2_client,
    client_credentials_client,
    issuer,
    logout_url,
    oauth2_client,
    resource_server_scope,
)

from authwire import IDTokenError, OAuthError
from authwire.testing import Flavor, aw, each_flavor, json_response, opened

from .emulator import (
    ALLOWED_SCOPES,
    CLIENT_ID,
    CLIENT_SECRET,
    CUSTOM_DOMAIN,
    DOMAIN,
    ISSUER,
    M2M_ID,
    M2M_SECRET,
    PHOTOS,
    PUBLIC_CLIENT_ID,
    REDIRECT,
    SIGNED_OUT,
    SUB,
    USER_POOL_ID,
    CognitoUserPool,
)

pytestmark = pytest.mark.filterwarnings(
    "ignore:authwire provider plugin '(?!cognito'):authwire.providers.ProviderPluginWarning"
)

PHOTOS_API = "https://photos.app.test/albums"


def sign_in_client(
    flavor: Flavor, pool: CognitoUserPool, client_id: str = CLIENT_ID, **kwargs: Any
) -> Any:
    constructor: Any = flavor.pick(oauth2_client, async_oauth2_client)
    secret = CLIENT_SECRET if client_id == CLIENT_ID else None
    kwargs.setdefault("domain", pool.domain)
    client = constructor(
        client_id,
        secret,
        user_pool_id=USER_POOL_ID,
        redirect_uri=REDIRECT,
        transport=pool.transport(),
        **kwargs,
    )
    client.oauth.clock = pool.clock
    return client


def browser_get(pool: CognitoUserPool, url: str) -> httpx.Response:
    """What a browser gets on ``url`` (no redirect followed)."""
    with httpx.Client(transport=pool.transport()) as browser:
        return browser.get(url)


def photos_api(pool: CognitoUserPool) -> None:
    @pool.route("GET", PHOTOS_API)
    def albums(request: httpx.Request) -> httpx.Response:
        grant = pool.bearer_grant(request)
        if f"{PHOTOS}/read" not in grant.scope.split():
            return json_response({"message": "Unauthorized"}, 403)
        return json_response({"albums": [], "client": grant.client_id})


# -- signing users in -------------------------------------------------------------------------


@pytest.mark.parametrize("client_id", [CLIENT_ID, PUBLIC_CLIENT_ID], ids=["confidential", "public"])
@pytest.mark.parametrize("domain", [DOMAIN, CUSTOM_DOMAIN], ids=["prefix-domain", "custom-domain"])
@each_flavor
def test_sign_in_refresh_userinfo_revoke(flavor: Flavor, client_id: str, domain: str) -> None:
    pool = CognitoUserPool(domain=domain)

    async def scenario() -> None:
        async with opened(sign_in_client(flavor, pool, client_id, domain=domain)) as client:
            url, _ = client.create_authorization_url()
            assert url.startswith(f"https://{domain}/oauth2/authorize?")
            token = await aw(client.fetch_token(authorization_response=pool.approve(url).url))
            # signed by the pool, checked against the issuer on the service host
            assert token["userinfo"]["iss"] == ISSUER
            assert token["userinfo"]["token_use"] == "id"
            assert token["userinfo"]["sub"] == SUB
            assert (await aw(client.userinfo()))["email"] == "janedoe@example.com"

            refresh = token["refresh_token"]
            pool.time.advance(3601)
            assert (await aw(client.userinfo()))["sub"] == SUB  # refreshed on the way
            # Cognito's refresh answer has no refresh token: the first one is kept
            assert client.token["refresh_token"] == refresh
            assert client.token["id_token"] != token["id_token"]

            goodbye = logout_url(client, SIGNED_OUT)
            await aw(client.revoke_token())  # the refresh token (the default)
            assert not pool.is_active(refresh)

        assert browser_get(pool, goodbye).headers["location"] == SIGNED_OUT
        [code] = pool.calls("authorization_code")
        assert code.pkce == "S256"
        assert code.auth_method == ("client_secret_basic" if client_id == CLIENT_ID else "none")
        assert pool.calls("refresh_token")[0].outcome == "issued"

    flavor.run(scenario)


@each_flavor
def test_discovery_lives_on_the_service_host(flavor: Flavor) -> None:
    pool = CognitoUserPool()

    async def scenario() -> None:
        made = flavor.oauth2_client.from_issuer(
            issuer(USER_POOL_ID),
            CLIENT_ID,
            CLIENT_SECRET,
            redirect_uri=REDIRECT,
            transport=pool.transport(),
        )
        client = await aw(made)
        client.oauth.clock = pool.clock
        async with opened(client):
            assert client.metadata["token_endpoint"] == f"https://{DOMAIN}/oauth2/token"
            url, _ = client.create_authorization_url(scope="openid email")
            token = await aw(client.fetch_token(authorization_response=pool.approve(url).url))
        assert token["userinfo"]["iss"] == ISSUER

    flavor.run(scenario)


def test_revoking_an_access_token_is_refused() -> None:
    pool = CognitoUserPool()
    with sign_in_client(Flavor("sync"), pool) as client:
        url, _ = client.create_authorization_url()
        token = client.fetch_token(authorization_response=pool.approve(url).url)
        with pytest.raises(OAuthError) as caught:
            client.revoke_token(token=token["access_token"], token_type_hint="access_token")
    assert caught.value.error == "unsupported_token_type"
    assert pool.is_active(token["access_token"])


# -- machine to machine -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "scopes",
    [
        pytest.param([resource_server_scope(PHOTOS, "read")], id="asked"),
        pytest.param(None, id="all-allowed"),
    ],
)
@each_flavor
def test_client_credentials_fetch_and_refetch(flavor: Flavor, scopes: list[str] | None) -> None:
    pool = CognitoUserPool()
    photos_api(pool)

    async def scenario() -> None:
        constructor: Any = flavor.pick(client_credentials_client, async_client_credentials_client)
        client = constructor(
            M2M_ID,
            M2M_SECRET,
            domain=DOMAIN,
            user_pool_id=USER_POOL_ID,
            scopes=scopes,
            transport=pool.transport(),
        )
        client.oauth.clock = pool.clock
        async with opened(client):
            assert (await aw(client.get(PHOTOS_API))).json()["client"] == M2M_ID
            pool.time.advance(3601)
            assert (await aw(client.get(PHOTOS_API))).status_code == 200

    flavor.run(scenario)
    calls = pool.calls("client_credentials")
    assert [c.outcome for c in calls] == ["issued", "issued"]
    for call in calls:
        assert call.auth_method == "client_secret_basic"
        assert call.params.get("scope") == (None if scopes is None else f"{PHOTOS}/read")


# -- quirks: the plugin's client handles each; a plain OAuth2Client does not ---------------------


@each_flavor
def test_quirk_the_issuer_is_not_on_the_domain(flavor: Flavor) -> None:
    """The issuer, discovery and keys are on cognito-idp.{region}.amazonaws.com, the OAuth
    endpoints on the pool's domain
    (https://docs.aws.amazon.com/cognito/latest/developerguide/federation-endpoints.html)."""
    pool = CognitoUserPool()

    async def scenario() -> None:
        async with opened(sign_in_client(flavor, pool)) as client:
            url, _ = client.create_authorization_url()
            token = await aw(client.fetch_token(authorization_response=pool.approve(url).url))
            assert token["userinfo"]["iss"] == ISSUER

        # the domain as issuer: no discovery document there...
        with pytest.raises(OAuthError) as refused:
            await aw(
                flavor.oauth2_client.from_issuer(
                    f"https://{DOMAIN}", CLIENT_ID, CLIENT_SECRET, transport=pool.transport()
                )
            )
        assert refused.value.error == "invalid_discovery_document"

        # ...and no token of the pool says it
        plain = flavor.oauth2_client(
            CLIENT_ID,
            CLIENT_SECRET,
            issuer=f"https://{DOMAIN}",
            authorization_endpoint=f"https://{DOMAIN}/oauth2/authorize",
            token_endpoint=f"https://{DOMAIN}/oauth2/token",
            jwks_uri=f"{ISSUER}/.well-known/jwks.json",
            scope="openid email profile",
            redirect_uri=REDIRECT,
            transport=pool.transport(),
        )
        plain.oauth.clock = pool.clock
        async with opened(plain):
            url, _ = plain.create_authorization_url()
            with pytest.raises(IDTokenError) as caught:
                await aw(plain.fetch_token(authorization_response=pool.approve(url).url))
        assert caught.value.reason == "iss"

    flavor.run(scenario)


@each_flavor
def test_quirk_client_credentials_take_resource_server_scopes(flavor: Flavor) -> None:
    """Custom scopes only, by their full name ``{identifier}/{scope name}``
    (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-define-resource-servers.html)."""
    pool = CognitoUserPool()
    photos_api(pool)

    async def scenario() -> None:
        constructor: Any = flavor.pick(client_credentials_client, async_client_credentials_client)
        with pytest.raises(ValueError, match="resource-server scope"):
            constructor(
                M2M_ID, M2M_SECRET, domain=DOMAIN, user_pool_id=USER_POOL_ID, scopes=["read"]
            )
        with pytest.raises(ValueError, match="client_secret is required"):
            constructor(M2M_ID, None, domain=DOMAIN, user_pool_id=USER_POOL_ID)
        assert pool.calls() == []  # refused before asking Cognito

        client = constructor(
            M2M_ID,
            M2M_SECRET,
            domain=DOMAIN,
            user_pool_id=USER_POOL_ID,
            scopes=list(ALLOWED_SCOPES),
            transport=pool.transport(),
        )
        async with opened(client):
            assert (await aw(client.get(PHOTOS_API))).status_code == 200

        plain = flavor.oauth2_client(
            M2M_ID,
            M2M_SECRET,
            token_endpoint=f"https://{DOMAIN}/oauth2/token",
            grant_type="client_credentials",
            scope="read",
            transport=pool.transport(),
        )
        async with opened(plain):
            with pytest.raises(OAuthError) as caught:
                await aw(plain.get(PHOTOS_API))
        assert caught.value.error == "invalid_scope"
        assert caught.value.description is None  # Cognito says no more than that

    flavor.run(scenario)


@each_flavor
def test_quirk_logout_is_not_rp_initiated_logout(flavor: Flavor) -> None:
    """``/logout`` takes ``client_id`` and ``logout_uri``
    (https://docs.aws.amazon.com/cognito/latest/developerguide/logout-endpoint.html)."""
    pool = CognitoUserPool()

    async def scenario() -> None:
        async with opened(sign_in_client(flavor, pool)) as client:
            url, _ = client.create_authorization_url()
            await aw(client.fetch_token(authorization_response=pool.approve(url).url))
            goodbye = logout_url(client, SIGNED_OUT)
            with pytest.raises(ValueError, match="no end_session_endpoint"):
                client.create_logout_url(post_logout_redirect_uri=SIGNED_OUT)
            # aimed at /logout by hand, RP-initiated parameters are not Cognito's
            plain = client.create_logout_url(
                post_logout_redirect_uri=SIGNED_OUT, url=f"https://{DOMAIN}/logout"
            )
        assert browser_get(pool, goodbye).headers["location"] == SIGNED_OUT
        refused = browser_get(pool, plain)
        assert refused.status_code == 400
        assert "logout_uri or redirect_uri" in refused.text

    flavor.run(scenario)
