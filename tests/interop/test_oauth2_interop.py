"""OAuth2Client and AsyncOAuth2Client against the real oidc-provider, on every flavor."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from authwire import OAuth2Token, OAuthError
from tests._flavors import Flavor, aw, opened
from tests.interop._oidc import (
    CLIENT_CREDENTIALS_SCOPES,
    SHORT_ACCESS_TOKEN_TTL,
    OidcClient,
    OidcProvider,
    afollow_authorization,
    follow_authorization,
)

pytestmark = pytest.mark.interop


def make_client(flavor: Flavor, provider: OidcProvider, client: OidcClient, **kwargs: Any) -> Any:
    kwargs.setdefault("token_endpoint", provider.token_endpoint)
    kwargs.setdefault("authorization_endpoint", provider.authorization_endpoint)
    kwargs.setdefault("revocation_endpoint", provider.revocation_endpoint)
    kwargs.setdefault("introspection_endpoint", provider.introspection_endpoint)
    kwargs.setdefault("issuer", provider.issuer)
    kwargs.setdefault("jwks_uri", provider.jwks_uri)  # with issuer=: ID tokens are validated
    kwargs.setdefault("redirect_uri", client.redirect_uri)
    return flavor.oauth2_client(
        client.client_id,
        client.client_secret,
        token_endpoint_auth_method=client.token_endpoint_auth_method,
        **kwargs,
    )


async def follow(flavor: Flavor, url: str) -> str:
    if flavor.is_async:
        return await afollow_authorization(url)
    return follow_authorization(url)


async def sign_in(flavor: Flavor, client: Any, scope: str = "openid email") -> OAuth2Token:
    """The authorization code flow, with a scripted user agent in place of the browser."""
    url, _state = client.create_authorization_url(scope=scope)
    assert "code_challenge_method=S256" in url
    callback = await follow(flavor, url)
    token: OAuth2Token = await aw(client.fetch_token(authorization_response=callback))
    return token


@pytest.mark.parametrize("which", ["basic_special", "post", "public"])
def test_authorization_code_with_pkce(
    flavor: Flavor, oidc_provider: OidcProvider, which: str
) -> None:
    registered: OidcClient = getattr(oidc_provider, which)

    async def scenario() -> None:
        async with opened(make_client(flavor, oidc_provider, registered)) as client:
            token = await sign_in(flavor, client)
            assert token["token_type"] == "Bearer"
            assert token.expires_at is not None
            userinfo = await aw(client.get(oidc_provider.userinfo_endpoint))
            assert userinfo.status_code == 200
            assert userinfo.json()["sub"] == oidc_provider.account.sub

    flavor.run(scenario)


def test_pkce_is_enforced_by_the_provider(flavor: Flavor, oidc_provider: OidcProvider) -> None:
    # the public client requires PKCE: with it switched off, the provider refuses
    async def scenario() -> None:
        async with opened(
            make_client(flavor, oidc_provider, oidc_provider.public, code_challenge_method=None)
        ) as client:
            url, _ = client.create_authorization_url(scope="openid")
            assert "code_challenge" not in url
            callback = await follow(flavor, url)
            with pytest.raises(OAuthError) as info:
                await aw(client.fetch_token(authorization_response=callback))
            assert info.value.error == "invalid_request"

    flavor.run(scenario)


def test_refresh_with_rotation_reaches_update_token(
    flavor: Flavor, oidc_provider: OidcProvider
) -> None:
    updates: list[tuple[dict[str, Any], dict[str, Any]]] = []

    async def async_update(token: Any, refresh_token: Any = None, access_token: Any = None) -> None:
        updates.append((dict(token), {"refresh_token": refresh_token}))

    def sync_update(token: Any, refresh_token: Any = None, access_token: Any = None) -> None:
        updates.append((dict(token), {"refresh_token": refresh_token}))

    async def scenario() -> None:
        async with opened(
            make_client(
                flavor,
                oidc_provider,
                oidc_provider.basic,
                update_token=flavor.pick(sync_update, async_update),
            )
        ) as client:
            first = await sign_in(flavor, client)
            old_refresh = first["refresh_token"]
            second = await aw(client.refresh_token())
            assert second["refresh_token"] != old_refresh  # rotated
            assert second["access_token"] != first["access_token"]
            [(stored, kwargs)] = updates
            assert stored["refresh_token"] == second["refresh_token"]
            assert kwargs == {"refresh_token": old_refresh}
            # the old refresh token is spent
            with pytest.raises(OAuthError) as info:
                await aw(client.refresh_token(refresh_token=old_refresh))
            assert info.value.error == "invalid_grant"
            assert client.token is second  # a failed refresh keeps the token

    flavor.run(scenario)


@pytest.mark.parametrize("which", ["basic_special", "basic", "post"])
def test_client_credentials(flavor: Flavor, oidc_provider: OidcProvider, which: str) -> None:
    registered: OidcClient = getattr(oidc_provider, which)

    async def scenario() -> None:
        async with opened(
            make_client(
                flavor,
                oidc_provider,
                registered,
                scope=list(CLIENT_CREDENTIALS_SCOPES),
                grant_type="client_credentials",
            )
        ) as client:
            token = await aw(client.fetch_token())
            assert token["scope"] == " ".join(CLIENT_CREDENTIALS_SCOPES)
            introspection = (await aw(client.introspect_token())).json()
            assert introspection["active"] is True
            assert introspection["client_id"] == registered.client_id

    flavor.run(scenario)


def test_introspection_and_revocation(flavor: Flavor, oidc_provider: OidcProvider) -> None:
    async def scenario() -> None:
        async with opened(make_client(flavor, oidc_provider, oidc_provider.basic)) as client:
            token = await sign_in(flavor, client)
            assert (await aw(client.introspect_token())).json()["active"] is True
            await aw(
                client.revoke_token(token=token["access_token"], token_type_hint="access_token")
            )
            assert (await aw(client.introspect_token())).json()["active"] is False
            # revoking the refresh token (the default) ends the grant
            await aw(client.revoke_token())
            refreshed = await aw(client.introspect_token(token=token["refresh_token"]))
            assert refreshed.json()["active"] is False

    flavor.run(scenario)


def test_expired_access_token_is_refreshed_before_the_request(
    flavor: Flavor, oidc_provider: OidcProvider
) -> None:
    updates: list[dict[str, Any]] = []

    async def scenario() -> None:
        async with opened(
            make_client(
                flavor,
                oidc_provider,
                oidc_provider.short_lived,
                update_token=lambda token, **kw: updates.append(kw),
            )
        ) as client:
            first = await sign_in(flavor, client)
            assert first["expires_in"] == SHORT_ACCESS_TOKEN_TTL
            await aw(flavor.sleep(SHORT_ACCESS_TOKEN_TTL + 0.2))
            # expired by now: the client refreshes before sending
            response = await aw(client.get(oidc_provider.userinfo_endpoint))
            assert response.status_code == 200
            assert client.token["access_token"] != first["access_token"]
            assert updates == [{"refresh_token": first["refresh_token"]}]

    flavor.run(scenario)


def test_seed_page_usages(flavor: Flavor, oidc_provider: OidcProvider) -> None:
    """The calls the seed page shows, with the same arguments, against the real provider."""
    registered = oidc_provider.basic
    sent: list[httpx.Request] = []
    seen_updates: list[Any] = []

    async def update_token(token: Any, refresh_token: Any = None, access_token: Any = None) -> None:
        if refresh_token:
            seen_updates.append(("refresh", refresh_token))
        elif access_token:
            seen_updates.append(("access", access_token))
        else:
            return

    def record(request: httpx.Request) -> None:
        sent.append(request)

    async def arecord(request: httpx.Request) -> None:
        sent.append(request)

    async def scenario() -> None:
        token_endpoint = oidc_provider.token_endpoint
        client = flavor.oauth2_client(
            registered.client_id,
            registered.client_secret,
            update_token=update_token if flavor.is_async else None,
            event_hooks={"request": [flavor.pick(record, arecord)]},
        )
        token = await aw(
            client.fetch_token(token_endpoint, grant_type="client_credentials", scope="api:read")
        )
        assert token["access_token"]
        for verb in ("get", "post", "put", "delete"):
            await aw(getattr(client, verb)(oidc_provider.userinfo_endpoint))
        await aw(client.close())
        assert client.is_closed
        # the token went with every request, and never with the token request
        assert [r.method for r in sent] == ["POST", "GET", "POST", "PUT", "DELETE"]
        assert "Bearer" not in sent[0].headers.get("authorization", "")
        for request in sent[1:]:
            assert request.headers["authorization"] == f"Bearer {token['access_token']}"

        if flavor.is_async:
            async with flavor.oauth2_client(registered.client_id, registered.client_secret) as c:
                assert await c.fetch_token(token_endpoint, grant_type="client_credentials")
            assert c.is_closed
        else:
            with flavor.oauth2_client(registered.client_id, registered.client_secret) as c:
                assert c.fetch_token(token_endpoint, grant_type="client_credentials")
            assert c.is_closed

    flavor.run(scenario)
