"""OpenID Connect against the real oidc-provider, on every flavor.

Every client here comes from ``from_issuer``, so each ID token is validated (signature with
the provider's JWKS, iss, aud, exp, iat, nonce; at_hash when the provider includes one) and
its claims kept in ``token["userinfo"]``.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from authwire import IDTokenError, OAuth2Token, OAuthError
from authwire.protocol.oidc_core import (
    ID_TOKEN_NO_KEY,
    ID_TOKEN_NONCE,
    USERINFO_MALFORMED,
    UserInfoError,
)
from authwire.rfc7523 import PrivateKeyJWT
from tests._flavors import Flavor, Seen, aw, opened
from tests.interop._oidc import (
    POST_LOGOUT_REDIRECT_URI,
    OidcClient,
    OidcProvider,
    abrowser,
    afollow_authorization,
    afollow_logout,
    browser,
    follow_authorization,
    follow_logout,
)

pytestmark = pytest.mark.interop

SCOPE = "openid email"


def kid_of(token: str) -> str:
    part = token.split(".")[0]
    header = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return str(header["kid"])


async def discover(
    flavor: Flavor, provider: OidcProvider, registered: OidcClient, **kwargs: Any
) -> Any:
    """``from_issuer`` for a registered client."""
    kwargs.setdefault("redirect_uri", registered.redirect_uri)
    kwargs.setdefault("scope", SCOPE)
    kwargs.setdefault("client_secret", registered.client_secret)
    return await aw(
        flavor.oauth2_client.from_issuer(
            provider.issuer,
            registered.client_id,
            token_endpoint_auth_method=registered.token_endpoint_auth_method,
            **kwargs,
        )
    )


@asynccontextmanager
async def user_agent(flavor: Flavor) -> AsyncIterator[Any]:
    """A browser that keeps its login session at the provider between walks."""
    async with opened(abrowser() if flavor.is_async else browser()) as agent:
        yield agent


async def follow(flavor: Flavor, url: str, agent: Any = None) -> str:
    if flavor.is_async:
        return await afollow_authorization(url, agent=agent)
    return follow_authorization(url, agent=agent)


async def sign_in(flavor: Flavor, client: Any, agent: Any = None, **params: Any) -> OAuth2Token:
    """The authorization code flow with PKCE, with a scripted user agent."""
    url, _state = client.create_authorization_url(**params)
    assert "code_challenge_method=S256" in url
    assert "nonce=" in url
    callback = await follow(flavor, url, agent)
    token: OAuth2Token = await aw(client.fetch_token(authorization_response=callback))
    return token


# -- discovery --------------------------------------------------------------------------------


def test_from_issuer_fills_the_endpoints(flavor: Flavor, oidc_provider: OidcProvider) -> None:
    custom_userinfo = f"{oidc_provider.issuer}/custom-userinfo"

    async def scenario() -> None:
        client = await discover(
            flavor, oidc_provider, oidc_provider.basic, userinfo_endpoint=custom_userinfo
        )
        async with opened(client):  # still usable as a context manager
            metadata = client.metadata
            assert metadata["issuer"] == oidc_provider.issuer
            for name in (
                "authorization_endpoint",
                "token_endpoint",
                "jwks_uri",
                "end_session_endpoint",
                "revocation_endpoint",
                "introspection_endpoint",
            ):
                assert metadata[name] == oidc_provider.discovery[name], name
            assert metadata["userinfo_endpoint"] == custom_userinfo  # given values win
            assert client.oauth.validates_id_tokens
        assert client.is_closed

    flavor.run(scenario)


@pytest.mark.parametrize("mistake", ["trailing slash", "other path"])
def test_from_issuer_with_a_wrong_issuer_fails(
    flavor: Flavor, oidc_provider: OidcProvider, mistake: str
) -> None:
    issuer = oidc_provider.issuer + ("/" if mistake == "trailing slash" else "/tenant")

    async def scenario() -> None:
        with pytest.raises(OAuthError) as info:
            await aw(flavor.oauth2_client.from_issuer(issuer, oidc_provider.basic.client_id))
        assert info.value.error == "invalid_discovery_document"

    flavor.run(scenario)


# -- sign-in ----------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["basic", "public", "pkjwt_es256"])
def test_sign_in_validates_the_id_token(
    flavor: Flavor, oidc_provider: OidcProvider, which: str
) -> None:
    registered: OidcClient = getattr(oidc_provider, which)

    async def scenario() -> None:
        # the private key is the "secret" of a private_key_jwt client
        secret = registered.private_key_pem or registered.client_secret
        client = await discover(flavor, oidc_provider, registered, client_secret=secret)
        if registered.key is not None:
            client.register_client_auth_method(PrivateKeyJWT(oidc_provider.token_endpoint))
        async with opened(client):
            url, _state = client.create_authorization_url()
            nonce = client.authorization_request.nonce
            callback = await follow(flavor, url)
            token = await aw(client.fetch_token(authorization_response=callback))
            assert client.token is token
            claims = token["userinfo"]
            assert claims["sub"] == oidc_provider.account.sub
            assert claims["iss"] == oidc_provider.issuer
            assert claims["aud"] == registered.client_id
            assert claims["nonce"] == nonce
            assert kid_of(token["id_token"]).startswith("op-rs256-")

    flavor.run(scenario)


def test_a_callback_replayed_with_another_pending_nonce_is_refused(
    flavor: Flavor, oidc_provider: OidcProvider
) -> None:
    async def scenario() -> None:
        async with opened(await discover(flavor, oidc_provider, oidc_provider.basic)) as client:
            url, _state = client.create_authorization_url()
            callback = await follow(flavor, url)
            # the callback reaches a session whose pending login has another nonce (same
            # state and PKCE verifier, so the provider itself accepts the code)
            client.authorization_request = {
                **client.authorization_request.to_dict(),
                "nonce": "the-nonce-of-another-login",
            }
            with pytest.raises(IDTokenError) as info:
                await aw(client.fetch_token(authorization_response=callback))
            assert info.value.reason == ID_TOKEN_NONCE
            assert client.token is None

    flavor.run(scenario)


# -- UserInfo ---------------------------------------------------------------------------------


def test_userinfo_plain_json(flavor: Flavor, oidc_provider: OidcProvider) -> None:
    seen = Seen(flavor)

    async def scenario() -> None:
        client = await discover(flavor, oidc_provider, oidc_provider.basic, event_hooks=seen.hooks)
        async with opened(client):
            await sign_in(flavor, client)
            claims = await aw(client.userinfo())
            assert claims["sub"] == oidc_provider.account.sub
            assert claims["email"] == oidc_provider.account.claims["email"]
            assert claims["email_verified"] is True
            assert "name" not in claims  # profile was not asked for

    flavor.run(scenario)
    path = urlsplit(oidc_provider.userinfo_endpoint).path
    assert seen.content_types[path].startswith("application/json")


def test_userinfo_signed_jwt(flavor: Flavor, oidc_provider: OidcProvider) -> None:
    seen = Seen(flavor)
    registered = oidc_provider.signed_userinfo

    async def scenario() -> None:
        client = await discover(
            flavor,
            oidc_provider,
            registered,
            userinfo_signed_response_alg="RS256",
            event_hooks=seen.hooks,
        )
        async with opened(client):
            await sign_in(flavor, client)
            claims = await aw(client.userinfo())
            assert claims["sub"] == oidc_provider.account.sub
            assert claims["email"] == oidc_provider.account.claims["email"]
            assert claims["iss"] == oidc_provider.issuer  # checked, as for an ID token
            assert claims["aud"] == registered.client_id

    flavor.run(scenario)
    path = urlsplit(oidc_provider.userinfo_endpoint).path
    assert seen.content_types[path].startswith("application/jwt")


def test_userinfo_expected_signed_but_plain_is_refused(
    flavor: Flavor, oidc_provider: OidcProvider
) -> None:
    async def scenario() -> None:
        client = await discover(
            flavor, oidc_provider, oidc_provider.basic, userinfo_signed_response_alg="RS256"
        )
        async with opened(client):
            await sign_in(flavor, client)
            with pytest.raises(UserInfoError) as info:
                await aw(client.userinfo())
            assert info.value.reason == USERINFO_MALFORMED

    flavor.run(scenario)


# -- refresh ----------------------------------------------------------------------------------


def test_refresh_validates_the_new_id_token(flavor: Flavor, oidc_provider: OidcProvider) -> None:
    async def scenario() -> None:
        async with opened(await discover(flavor, oidc_provider, oidc_provider.basic)) as client:
            first = await sign_in(flavor, client)
            await aw(flavor.sleep(1.1))  # so that the new ID token has another iat
            second = await aw(client.refresh_token())
            assert client.token is second
            assert second["id_token"] != first["id_token"]
            # its claims are the new token's, validated (the nonce of a refresh is not checked)
            assert second["userinfo"]["iat"] > first["userinfo"]["iat"]
            assert second["userinfo"]["sub"] == first["userinfo"]["sub"]
            claims = await aw(client.userinfo())
            assert claims["sub"] == oidc_provider.account.sub

    flavor.run(scenario)


# -- key rotation -----------------------------------------------------------------------------


def test_key_rotation_is_followed_after_the_min_interval(
    flavor: Flavor, oidc_provider: OidcProvider
) -> None:
    seen = Seen(flavor)
    jwks_path = urlsplit(oidc_provider.jwks_uri).path

    async def scenario() -> None:
        client = await discover(flavor, oidc_provider, oidc_provider.basic, event_hooks=seen.hooks)
        async with opened(client):
            first = await sign_in(flavor, client)
            old_kid = kid_of(first["id_token"])
            assert seen.count(jwks_path) == 1

            new_kid = oidc_provider.rotate_keys()["RS256"]
            assert new_kid != old_kid

            # signed with the new key, whose kid the cached JWKS lacks; the last fetch was
            # less than the min interval ago, so the client does not ask again: refused
            with pytest.raises(IDTokenError) as info:
                await sign_in(flavor, client)
            assert info.value.reason == ID_TOKEN_NO_KEY
            assert client.token is first
            assert seen.count(jwks_path) == 1

            # once the interval has passed, the unknown kid makes it fetch the JWKS again
            offset = client.oauth.jwks_min_interval + 1
            client.oauth.clock = lambda: time.time() + offset
            second = await sign_in(flavor, client)
            assert kid_of(second["id_token"]) == new_kid
            assert second["userinfo"]["sub"] == oidc_provider.account.sub
            assert seen.count(jwks_path) == 2

            # a refresh signed with the new key needs no further fetch
            third = await aw(client.refresh_token())
            assert kid_of(third["id_token"]) == new_kid
            assert seen.count(jwks_path) == 2

    flavor.run(scenario)


def test_key_rotation_with_no_min_interval(flavor: Flavor, oidc_provider: OidcProvider) -> None:
    seen = Seen(flavor)
    jwks_path = urlsplit(oidc_provider.jwks_uri).path

    async def scenario() -> None:
        client = await discover(flavor, oidc_provider, oidc_provider.post, event_hooks=seen.hooks)
        client.oauth.jwks_min_interval = 0
        async with opened(client):
            await sign_in(flavor, client)
            new_kid = oidc_provider.rotate_keys()["RS256"]
            # the refresh token issued before the rotation still works, and its new ID
            # token is signed with the new key: fetched at once
            refreshed = await aw(client.refresh_token())
            assert kid_of(refreshed["id_token"]) == new_kid
            assert seen.count(jwks_path) == 2
            again = await sign_in(flavor, client)
            assert kid_of(again["id_token"]) == new_kid
            assert seen.count(jwks_path) == 2

    flavor.run(scenario)


# -- logout -----------------------------------------------------------------------------------


def test_rp_initiated_logout(flavor: Flavor, oidc_provider: OidcProvider) -> None:
    async def scenario() -> None:
        async with (
            user_agent(flavor) as agent,
            opened(await discover(flavor, oidc_provider, oidc_provider.basic)) as client,
        ):
            token = await sign_in(flavor, client, agent)
            # signed in at the provider: a silent authorization works
            silent = await sign_in(flavor, client, agent, prompt="none")
            assert silent["userinfo"]["sub"] == token["userinfo"]["sub"]

            url = client.create_logout_url(POST_LOGOUT_REDIRECT_URI, state="bye-123")
            query = parse_qs(urlsplit(url).query)
            assert url.startswith(oidc_provider.end_session_endpoint + "?")
            assert query["id_token_hint"] == [silent["id_token"]]
            assert query["client_id"] == [oidc_provider.basic.client_id]

            if flavor.is_async:
                landed = await afollow_logout(url, agent=agent)
            else:
                landed = follow_logout(url, agent=agent)
            assert landed == f"{POST_LOGOUT_REDIRECT_URI}?state=bye-123"

            # the session has ended: a silent authorization now needs a login
            url, _state = client.create_authorization_url(prompt="none")
            callback = await follow(flavor, url, agent)
            with pytest.raises(OAuthError) as info:
                await aw(client.fetch_token(authorization_response=callback))
            assert info.value.error == "login_required"
            # tokens are another matter: this provider's outlive the browser session
            # (expiresWithSession is off), so the client revokes what it no longer needs
            await aw(client.revoke_token())
            with pytest.raises(OAuthError) as info:
                await aw(client.refresh_token())
            assert info.value.error == "invalid_grant"

    flavor.run(scenario)


def test_logout_url_with_an_unregistered_redirect_is_refused(
    flavor: Flavor, oidc_provider: OidcProvider
) -> None:
    async def scenario() -> None:
        async with opened(await discover(flavor, oidc_provider, oidc_provider.basic)) as client:
            await sign_in(flavor, client)
            url = client.create_logout_url("http://127.0.0.1/not-registered", state="s")
        async with user_agent(flavor) as agent:
            response = await aw(agent.get(url))
            assert response.status_code == 400
            assert "post_logout_redirect_uri" in response.text

    flavor.run(scenario)
