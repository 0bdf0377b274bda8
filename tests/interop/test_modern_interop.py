"""Issue 8 against the real oidc-provider, on every flavor: device flow, PAR, JAR, DPoP, token
exchange and resource indicators (see ``_oidc.py`` for what each client requires).
"""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from authwire import AccessDeniedError, DeviceFlowProgress, OAuthError
from authwire.protocol.rfc8693 import ACCESS_TOKEN_TYPE
from authwire.rfc7523 import PrivateKeyJWT
from tests._flavors import Flavor, Seen, aw, opened
from tests.interop._oidc import (
    API_RESOURCE,
    OTHER_RESOURCE,
    OidcClient,
    OidcProvider,
    aapprove_device,
    afollow_authorization,
    approve_device,
    follow_authorization,
)

pytestmark = pytest.mark.interop

SCOPE = "openid email"


def jwt_claims(token: str) -> dict[str, Any]:
    part = token.split(".")[1]
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return claims


async def discover(
    flavor: Flavor, provider: OidcProvider, registered: OidcClient, **kwargs: Any
) -> Any:
    key = (
        registered.private_jwk
        if registered.token_endpoint_auth_method == "private_key_jwt"
        else None
    )
    kwargs.setdefault("client_secret", key or registered.client_secret)
    if registered.grant_types and "authorization_code" in registered.grant_types:
        kwargs.setdefault("redirect_uri", registered.redirect_uri)
        kwargs.setdefault("scope", SCOPE)
    client = await aw(
        flavor.oauth2_client.from_issuer(
            provider.issuer,
            registered.client_id,
            token_endpoint_auth_method=registered.token_endpoint_auth_method,
            **kwargs,
        )
    )
    if registered.token_endpoint_auth_method == "private_key_jwt":
        client.register_client_auth_method(PrivateKeyJWT(alg=registered.alg))
    return client


def sync_client(provider: OidcProvider, registered: OidcClient) -> Any:
    sync = Flavor("sync")
    return sync.run(lambda: discover(sync, provider, registered))


async def follow(flavor: Flavor, url: str) -> str:
    if flavor.is_async:
        return await afollow_authorization(url)
    return follow_authorization(url)


async def introspect(flavor: Flavor, client: Any, token: str) -> dict[str, Any]:
    response = await aw(client.introspect_token(token=token))
    data: dict[str, Any] = response.json()
    return data


# -- RFC 8628 device authorization grant ------------------------------------------------------


def device_user(flavor: Flavor, *, approve_after: int = 0, deny: bool = False) -> Any:
    """A progress callback that plays the user once ``approve_after`` polls have gone out."""
    done: list[str] = []

    def act(status: DeviceFlowProgress) -> str:
        return approve_device(str(status.verification_uri_complete), deny=deny)

    async def aact(status: DeviceFlowProgress) -> str:
        return await aapprove_device(str(status.verification_uri_complete), deny=deny)

    if flavor.is_async:

        async def aprogress(status: DeviceFlowProgress) -> None:
            if status.polls == approve_after and not done:
                done.append(await aact(status))

        return aprogress, done

    def progress(status: DeviceFlowProgress) -> None:
        if status.polls == approve_after and not done:
            done.append(act(status))

    return progress, done


@pytest.mark.parametrize("name", ["device", "device_confidential", "device_post", "device_pkjwt"])
def test_device_flow_approved(flavor: Flavor, oidc_provider: OidcProvider, name: str) -> None:
    registered = oidc_provider.clients[name]

    async def scenario() -> None:
        client = await discover(flavor, oidc_provider, registered, scope="openid offline_access")
        async with opened(client):
            authorization = await aw(client.request_device_authorization())
            assert authorization.verification_uri_complete
            assert authorization.user_code in authorization.verification_uri_complete
            progress, done = device_user(flavor)
            token = await aw(client.poll_device_token(authorization, progress))
            assert done  # the user approved before the first poll
            assert client.token is token
            assert token["userinfo"]["sub"] == oidc_provider.account.sub  # ID token checked
            claims = await aw(client.userinfo())
            assert claims["sub"] == oidc_provider.account.sub

    flavor.run(scenario)


def test_device_flow_pending_then_approved(flavor: Flavor, oidc_provider: OidcProvider) -> None:
    seen = Seen(flavor)

    async def scenario() -> None:
        client = await discover(
            flavor, oidc_provider, oidc_provider.device, scope="openid", event_hooks=seen.hooks
        )
        async with opened(client):
            authorization = await aw(client.request_device_authorization())
            assert authorization.interval == 1  # the provider's interval, honoured below
            progress, done = device_user(flavor, approve_after=1)
            token = await aw(client.poll_device_token(authorization, progress))
            assert done
            assert token["access_token"]

    flavor.run(scenario)
    token_answers = [status for path, status in seen.statuses if path.endswith("/token")]
    assert token_answers == [400, 200]  # authorization_pending, then the tokens (no slow_down)


def test_device_flow_denied(flavor: Flavor, oidc_provider: OidcProvider) -> None:
    seen = Seen(flavor)

    async def scenario() -> None:
        client = await discover(
            flavor, oidc_provider, oidc_provider.device, scope="openid", event_hooks=seen.hooks
        )
        async with opened(client):
            authorization = await aw(client.request_device_authorization())
            progress, done = device_user(flavor, deny=True)
            with pytest.raises(AccessDeniedError):
                await aw(client.poll_device_token(authorization, progress))
            assert done
            assert client.token is None

    flavor.run(scenario)
    assert sum(path.endswith("/token") for path in seen.paths) == 1


# -- RFC 9126 pushed authorization requests ---------------------------------------------------


def test_par_with_a_client_that_requires_it(flavor: Flavor, oidc_provider: OidcProvider) -> None:
    registered = oidc_provider.par_required

    async def scenario() -> None:
        client = await discover(
            flavor, oidc_provider, registered, require_pushed_authorization_requests=True
        )
        async with opened(client):
            with pytest.raises(ValueError, match="push"):
                client.create_authorization_url()
            url, _state = await aw(client.start_authorization())
            query = httpx.URL(url).params
            assert set(query) == {"client_id", "request_uri"}
            assert query["request_uri"].startswith("urn:ietf:params:oauth:request_uri:")
            token = await aw(client.fetch_token(authorization_response=await follow(flavor, url)))
            assert token["userinfo"]["sub"] == oidc_provider.account.sub

    flavor.run(scenario)


def test_the_server_refuses_a_plain_url_from_a_par_client(oidc_provider: OidcProvider) -> None:
    """The client-side refusal above is not just ours: the provider insists too."""
    registered = oidc_provider.par_required
    client = sync_client(oidc_provider, registered)
    with client:
        client.metadata.pop("require_pushed_authorization_requests", None)
        url, _ = client.create_authorization_url()
        callback = follow_authorization(url)
    assert "error=invalid_request" in callback


# -- RFC 9101 signed request objects ----------------------------------------------------------


@pytest.mark.parametrize("by", ["value", "reference"])
def test_signed_request_object_with_a_client_that_requires_it(
    flavor: Flavor, oidc_provider: OidcProvider, by: str
) -> None:
    registered = oidc_provider.jar_required

    async def scenario() -> None:
        client = await discover(
            flavor,
            oidc_provider,
            registered,
            request_object_key=registered.private_jwk,
            request_object_signing_alg="ES256",
        )
        async with opened(client):
            if by == "value":
                url, _ = client.create_authorization_url()
                assert "request=" in url
            else:
                url, _ = await aw(client.push_authorization_request())
                assert "request_uri=" in url
            token = await aw(client.fetch_token(authorization_response=await follow(flavor, url)))
            assert token["userinfo"]["sub"] == oidc_provider.account.sub

    flavor.run(scenario)


def test_a_client_that_must_sign_cannot_send_plain_requests(oidc_provider: OidcProvider) -> None:
    registered = oidc_provider.jar_required
    client = sync_client(oidc_provider, registered)
    with client:
        url, _ = client.create_authorization_url()  # no key: the provider refuses it
        assert "error=invalid_request" in follow_authorization(url)
        client.metadata["require_signed_request_object"] = True
        with pytest.raises(ValueError, match="request_object_key"):
            client.create_authorization_url()


# -- RFC 9449 DPoP ----------------------------------------------------------------------------


def test_dpop_bound_tokens_with_a_nonce_challenge(
    flavor: Flavor, oidc_provider: OidcProvider
) -> None:
    registered = oidc_provider.dpop_required
    seen = Seen(flavor)

    async def scenario() -> None:
        client = await discover(
            flavor, oidc_provider, registered, dpop=True, event_hooks=seen.hooks
        )
        async with opened(client):
            url, _ = client.create_authorization_url()
            assert httpx.URL(url).params["dpop_jkt"] == client.dpop_key.thumbprint
            token = await aw(client.fetch_token(authorization_response=await follow(flavor, url)))
            assert token["token_type"] == "DPoP"
            # the first token request met the nonce challenge and was retried once
            token_answers = [s for p, s in seen.statuses if p.endswith("/token")]
            assert token_answers == [400, 200]
            info = await introspect(flavor, client, token["access_token"])
            assert info["active"] is True
            assert info["cnf"] == {"jkt": client.dpop_key.thumbprint}

            refreshed = await aw(client.refresh_token())
            assert refreshed["token_type"] == "DPoP"
            assert refreshed["access_token"] != token["access_token"]
            claims = await aw(client.userinfo())
            assert claims["sub"] == oidc_provider.account.sub

    flavor.run(scenario)
    # the nonce was kept: no further challenge on refresh or at userinfo
    assert [s for p, s in seen.statuses if p.endswith("/token")] == [400, 200, 200]
    assert [s for p, s in seen.statuses if p.endswith("/me")] == [200]


def test_a_dpop_client_without_a_key_is_refused(oidc_provider: OidcProvider) -> None:
    registered = oidc_provider.dpop_required
    client = sync_client(oidc_provider, registered)
    with client:
        client.oauth.dpop_key = None  # as if constructed without dpop=
        url, _ = client.create_authorization_url()
        with pytest.raises(OAuthError) as caught:
            client.fetch_token(authorization_response=follow_authorization(url))
    assert caught.value.error == "invalid_grant"
    assert "DPoP proof JWT not provided" in oidc_provider.server_log()


# -- RFC 8693 token exchange and RFC 8707 resource indicators ---------------------------------


def test_token_exchange_with_and_without_an_actor(
    flavor: Flavor, oidc_provider: OidcProvider
) -> None:
    async def scenario() -> None:
        subject_client = await discover(flavor, oidc_provider, oidc_provider.basic)
        actor_client = await discover(flavor, oidc_provider, oidc_provider.post)
        exchanger = await discover(flavor, oidc_provider, oidc_provider.exchanger)
        async with opened(subject_client), opened(actor_client), opened(exchanger):
            subject = await aw(
                subject_client.fetch_token(grant_type="client_credentials", scope="api:read")
            )
            actor = await aw(actor_client.fetch_token(grant_type="client_credentials"))

            plain = await aw(
                exchanger.exchange_token(subject["access_token"], audience="https://svc.test")
            )
            assert plain["issued_token_type"] == ACCESS_TOKEN_TYPE
            assert exchanger.token is plain
            info = await introspect(flavor, exchanger, plain["access_token"])
            assert info["sub"] == oidc_provider.basic.client_id
            assert info["aud"] == "https://svc.test"
            assert "act" not in info

            acting = await aw(
                exchanger.exchange_token(
                    subject["access_token"],
                    ACCESS_TOKEN_TYPE,
                    actor_token=actor["access_token"],
                    actor_token_type=ACCESS_TOKEN_TYPE,
                    scope="api:read",
                )
            )
            info = await introspect(flavor, exchanger, acting["access_token"])
            assert info["sub"] == oidc_provider.basic.client_id
            assert info["act"] == {"sub": oidc_provider.post.client_id}
            assert info["scope"] == "api:read"

            with pytest.raises(OAuthError) as caught:
                await aw(exchanger.exchange_token("not-a-token-we-issued"))
            assert caught.value.error == "invalid_grant"

    flavor.run(scenario)


def test_a_resource_changes_the_access_token_audience(
    flavor: Flavor, oidc_provider: OidcProvider
) -> None:
    async def scenario() -> None:
        client = await discover(flavor, oidc_provider, oidc_provider.basic)
        async with opened(client):
            audiences = []
            for resource in (API_RESOURCE, OTHER_RESOURCE):
                token = await aw(
                    client.fetch_token(
                        grant_type="client_credentials", scope="api:read", resource=resource
                    )
                )
                audiences.append(jwt_claims(token["access_token"])["aud"])
            assert audiences == [API_RESOURCE, OTHER_RESOURCE]

    flavor.run(scenario)


def test_a_resource_on_the_authorization_code_flow(
    flavor: Flavor, oidc_provider: OidcProvider
) -> None:
    async def scenario() -> None:
        client = await discover(flavor, oidc_provider, oidc_provider.basic, scope="openid api:read")
        async with opened(client):
            url, _ = client.create_authorization_url(resource=API_RESOURCE)
            token = await aw(
                client.fetch_token(
                    authorization_response=await follow(flavor, url), resource=API_RESOURCE
                )
            )
            assert jwt_claims(token["access_token"])["aud"] == API_RESOURCE
            refreshed = await aw(client.refresh_token(resource=API_RESOURCE))
            assert refreshed["access_token"] != token["access_token"]
            assert jwt_claims(refreshed["access_token"])["aud"] == API_RESOURCE

    flavor.run(scenario)
