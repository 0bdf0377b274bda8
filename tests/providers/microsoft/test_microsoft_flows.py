"""Every flow the Microsoft plugin offers, against the Entra emulator, on the sync client and on
the async client (asyncio and trio): sign-in with each kind of tenant and in each cloud,
refresh, sign-out, the device flow, client credentials with a secret and with a certificate,
and on-behalf-of.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from authwire_microsoft import (
    ClientCertificate,
    async_client_credentials_client,
    async_oauth2_client,
    async_on_behalf_of,
    client_credentials_client,
    logout_url,
    oauth2_client,
    on_behalf_of,
)

from authwire import OAuthError
from authwire.testing import (
    FakeClock,
    Flavor,
    aw,
    each_flavor,
    json_response,
    opened,
)

from .entra import (
    CHINA,
    CLIENT_ID,
    CLIENT_SECRET,
    CONSUMERS_TENANT_ID,
    GLOBAL,
    REDIRECT,
    SUBJECT,
    TENANT_ID,
    US_GOVERNMENT,
    USER,
    EntraEmulator,
    make_certificate,
)

pytestmark = pytest.mark.filterwarnings(
    "ignore:authwire provider plugin '(?!microsoft'):authwire.providers.ProviderPluginWarning"
)

CLOUD_OF = {GLOBAL: "global", US_GOVERNMENT: "us_government", CHINA: "china"}
GRAPH_OF = {
    GLOBAL: "https://graph.microsoft.com",
    US_GOVERNMENT: "https://graph.microsoft.us",
    CHINA: "https://microsoftgraph.chinacloudapi.cn",
}
# an optional claim the app registration adds to ID tokens (v2-protocols-oidc, sign-out)
LOGIN_HINT = "O.CiQ4NmFhNTQ4My1jNWE3LTRhMTYtOTI0Ny1hOTY1ZTA0MDc2MzYSJDkxODgwNDBkLTZjNjct"
CERTIFICATE = make_certificate()


def with_graph(emu: EntraEmulator) -> EntraEmulator:
    """Microsoft Graph's ``/me`` and ``/users`` for the emulator's tokens.

    Bodies from "Get user" and "List users" (learn.microsoft.com/graph/api/user-get,
    /graph/api/user-list): ``mail`` may be null, ``userPrincipalName`` is always there.
    """
    graph = GRAPH_OF[emu.host]

    @emu.route("GET", f"{graph}/v1.0/me")
    def me(request: Any) -> Any:
        emu.bearer_grant(request)
        return json_response(
            {
                "@odata.context": f"{graph}/v1.0/$metadata#users/$entity",
                "displayName": USER["name"],
                "mail": None,
                "userPrincipalName": USER["preferred_username"],
                "id": USER["oid"],
            }
        )

    @emu.route("GET", f"{graph}/v1.0/users")
    def users(request: Any) -> Any:
        emu.bearer_grant(request)
        return json_response(
            {
                "@odata.context": f"{graph}/v1.0/$metadata#users",
                "value": [{"displayName": "Conf Room Adams", "id": "6ea91a8d-e32e"}],
            }
        )

    return emu


def sign_in_client(flavor: Flavor, emu: EntraEmulator, **kwargs: Any) -> Any:
    constructor: Any = flavor.pick(oauth2_client, async_oauth2_client)
    secret = kwargs.pop("client_secret", CLIENT_SECRET)
    kwargs.setdefault("redirect_uri", REDIRECT)
    client = constructor(
        CLIENT_ID,
        secret,
        tenant=emu.tenant,
        cloud=CLOUD_OF[emu.host],
        transport=emu.transport(),
        **kwargs,
    )
    client.oauth.clock = emu.clock
    return client


def daemon_client(flavor: Flavor, emu: EntraEmulator, **kwargs: Any) -> Any:
    constructor: Any = flavor.pick(client_credentials_client, async_client_credentials_client)
    if "client_certificate" not in kwargs:
        kwargs.setdefault("client_secret", CLIENT_SECRET)
    client = constructor(
        CLIENT_ID,
        tenant=emu.tenant,
        cloud=CLOUD_OF[emu.host],
        transport=emu.transport(),
        **kwargs,
    )
    client.oauth.clock = emu.clock
    return client


# -- sign-in, refresh, sign-out ---------------------------------------------------------------


@each_flavor
@pytest.mark.parametrize(
    "tenant", ["common", "organizations", "consumers", TENANT_ID, "contoso.onmicrosoft.com"]
)
def test_sign_in_refresh_and_sign_out(flavor: Flavor, tenant: str) -> None:
    emu = with_graph(EntraEmulator(tenant=tenant))
    emu.register_app()
    saved: list[tuple[Any, Any]] = []

    def update_token(token: Any, refresh_token: Any = None, access_token: Any = None) -> None:
        saved.append((token, refresh_token))

    async def scenario() -> None:
        async with opened(sign_in_client(flavor, emu, update_token=update_token)) as client:
            url, _ = client.create_authorization_url()
            assert url.startswith(f"https://{GLOBAL}/{tenant}/oauth2/v2.0/authorize?")
            approval = emu.approve(url, claims={"login_hint": LOGIN_HINT})
            token = await aw(client.fetch_token(authorization_response=approval.url))
            claims = token["userinfo"]
            assert claims["tid"] == emu.home_tenant
            assert claims["iss"] == f"https://{GLOBAL}/{emu.home_tenant}/v2.0"
            assert claims["oid"] == USER["oid"]
            assert claims["sub"] == SUBJECT
            me = await aw(client.get("https://graph.microsoft.com/v1.0/me"))
            assert me.json()["userPrincipalName"] == USER["preferred_username"]

            emu.clock.advance(3600)  # type: ignore[attr-defined]
            again = await aw(client.get("https://graph.microsoft.com/v1.0/me"))
            assert again.status_code == 200
            [(new, old_refresh)] = saved
            assert old_refresh == token["refresh_token"]
            assert new["refresh_token"] != token["refresh_token"]  # rotated
            assert new["userinfo"]["sub"] == SUBJECT

            signed_out = logout_url(client, "https://app.example/signed-out")
        assert signed_out == (
            f"https://{GLOBAL}/{tenant}/oauth2/v2.0/logout"
            "?post_logout_redirect_uri=https%3A%2F%2Fapp.example%2Fsigned-out"
            f"&logout_hint={LOGIN_HINT}"
        )
        [code_call] = emu.calls("authorization_code")
        assert code_call.auth_method == "client_secret_post"
        assert code_call.pkce == "S256"
        assert [c.outcome for c in emu.calls("refresh_token")] == ["issued"]

    flavor.run(scenario)
    if tenant == "consumers":
        assert emu.home_tenant == CONSUMERS_TENANT_ID


@each_flavor
@pytest.mark.parametrize("host", [GLOBAL, US_GOVERNMENT, CHINA])
def test_sign_in_in_each_national_cloud(flavor: Flavor, host: str) -> None:
    emu = with_graph(EntraEmulator(host, "organizations"))
    emu.register_app()

    async def scenario() -> None:
        async with opened(sign_in_client(flavor, emu)) as client:
            url, _ = client.create_authorization_url()
            assert urlsplit(url).netloc == host
            token = await aw(client.fetch_token(authorization_response=emu.approve(url).url))
            assert token["userinfo"]["iss"] == f"https://{host}/{TENANT_ID}/v2.0"
            response = await aw(client.get(f"{GRAPH_OF[host]}/v1.0/me"))
            assert response.status_code == 200

    flavor.run(scenario)
    assert {r.url.host for r in emu.requests} == {host, urlsplit(GRAPH_OF[host]).netloc}


@each_flavor
def test_sign_in_with_a_certificate(flavor: Flavor) -> None:
    emu = EntraEmulator(tenant=TENANT_ID)
    emu.register_certificate(CERTIFICATE)

    async def scenario() -> None:
        credential = ClientCertificate(
            CERTIFICATE.certificate_pem, CERTIFICATE.key_pem, clock=emu.clock
        )
        client = sign_in_client(flavor, emu, client_secret=None, client_certificate=credential)
        async with opened(client):
            url, _ = client.create_authorization_url()
            await aw(client.fetch_token(authorization_response=emu.approve(url).url))
            await aw(client.refresh_token())

    flavor.run(scenario)
    calls = emu.calls()
    assert [c.grant_type for c in calls] == ["authorization_code", "refresh_token"]
    assert [c.outcome for c in calls] == ["issued", "issued"]
    assert all(c.auth_method == "private_key_jwt" for c in calls)
    assertions = [c.client_assertion for c in calls]
    assert all(a is not None for a in assertions)
    jtis = {a.claims["jti"] for a in assertions if a is not None}
    assert len(jtis) == 2  # a fresh assertion for each request


# -- device authorization -------------------------------------------------------------------


@each_flavor
def test_device_flow(flavor: Flavor) -> None:
    clock = FakeClock()
    emu = EntraEmulator(tenant="organizations", clock=clock)
    emu.register_app(secret=None)  # a public client ("Allow public client flows")

    async def scenario() -> None:
        client = sign_in_client(flavor, emu, client_secret=None, redirect_uri=None)
        async with opened(client):
            authorization = await aw(client.request_device_authorization())
            emu.approve_device(authorization.user_code)
            token = await aw(client.poll_device_token(authorization))
            assert token["userinfo"]["tid"] == TENANT_ID

    flavor.run(scenario)
    [device_request] = emu.sent_to("device_authorization_endpoint")
    assert device_request.url.path == "/organizations/oauth2/v2.0/devicecode"
    assert device_request.form["scope"] == "openid profile email offline_access"


# -- client credentials ---------------------------------------------------------------------


@each_flavor
def test_client_credentials_fetch_and_refetch(flavor: Flavor) -> None:
    emu = with_graph(EntraEmulator(tenant=TENANT_ID))
    emu.register_app()

    async def scenario() -> None:
        async with opened(daemon_client(flavor, emu)) as daemon:
            first = await aw(daemon.get("https://graph.microsoft.com/v1.0/users"))
            assert first.json()["value"][0]["displayName"] == "Conf Room Adams"
            emu.clock.advance(3600)  # type: ignore[attr-defined]
            second = await aw(daemon.get("https://graph.microsoft.com/v1.0/users"))
            assert second.status_code == 200

    flavor.run(scenario)
    calls = emu.calls("client_credentials")
    assert [c.outcome for c in calls] == ["issued", "issued"]
    assert {c.params["scope"] for c in calls} == {"https://graph.microsoft.com/.default"}
    assert {c.auth_method for c in calls} == {"client_secret_post"}
    assert "refresh_token" not in emu.calls()[0].request.content.decode()


@each_flavor
@pytest.mark.parametrize(
    ("thumbprint", "alg", "header"), [("sha256", "PS256", "x5t#S256"), ("sha1", "RS256", "x5t")]
)
def test_client_credentials_with_a_certificate(
    flavor: Flavor, thumbprint: Any, alg: str, header: str
) -> None:
    emu = with_graph(EntraEmulator(tenant=TENANT_ID))
    emu.register_certificate(CERTIFICATE, alg=alg)

    async def scenario() -> None:
        credential = ClientCertificate(
            CERTIFICATE.certificate_pem,
            CERTIFICATE.key_pem,
            thumbprint=thumbprint,
            clock=emu.clock,
        )
        daemon = daemon_client(flavor, emu, client_certificate=credential)
        async with opened(daemon):
            response = await aw(daemon.get("https://graph.microsoft.com/v1.0/users"))
            assert response.status_code == 200

    flavor.run(scenario)
    [call] = emu.calls("client_credentials")
    assert call.outcome == "issued"
    assert call.auth_method == "private_key_jwt"
    assert call.params["client_id"] == CLIENT_ID
    assert "client_secret" not in call.params
    assertion = call.client_assertion
    assert assertion is not None
    expected = CERTIFICATE.x5t_s256 if header == "x5t#S256" else CERTIFICATE.x5t
    assert assertion.header == {"alg": alg, "typ": "JWT", header: expected}
    claims = assertion.claims
    assert claims["aud"] == f"https://{GLOBAL}/{TENANT_ID}/oauth2/v2.0/token"
    assert claims["iss"] == claims["sub"] == CLIENT_ID
    assert claims["nbf"] == claims["iat"] == int(emu.clock())
    assert claims["exp"] - claims["iat"] == 600  # "5-10 minutes after nbf at most"
    assert str(uuid.UUID(claims["jti"])) == claims["jti"]  # "a Guid"


# -- on-behalf-of ---------------------------------------------------------------------------


@each_flavor
def test_on_behalf_of(flavor: Flavor) -> None:
    emu = with_graph(EntraEmulator(tenant=TENANT_ID))
    emu.register_app()
    incoming = emu.issue_token(CLIENT_ID, scope="api://middle-tier/access_as_user")

    async def scenario() -> None:
        exchange: Any = flavor.pick(on_behalf_of, async_on_behalf_of)
        async with opened(sign_in_client(flavor, emu)) as api:
            token = await aw(
                exchange(api, incoming, ["https://graph.microsoft.com/user.read", "offline_access"])
            )
            assert token["ext_expires_in"] == 0  # the documented success response
            assert token["refresh_token"]
            me = await aw(api.get("https://graph.microsoft.com/v1.0/me"))
            assert me.status_code == 200
            emu.clock.advance(3600)  # type: ignore[attr-defined]
            again = await aw(api.get("https://graph.microsoft.com/v1.0/me"))
            assert again.status_code == 200

    flavor.run(scenario)
    [call] = emu.calls("urn:ietf:params:oauth:grant-type:jwt-bearer")
    assert call.params["assertion"] == incoming
    assert call.params["requested_token_use"] == "on_behalf_of"
    assert call.params["scope"] == "https://graph.microsoft.com/user.read offline_access"
    assert call.auth_method == "client_secret_post"
    assert [c.outcome for c in emu.calls("refresh_token")] == ["issued"]


# "Error response example" of the on-behalf-of flow: the downstream API needs MFA
# (learn.microsoft.com/entra/identity-platform/v2-oauth2-on-behalf-of-flow)
INTERACTION_REQUIRED = {
    "error": "interaction_required",
    "error_description": (
        "AADSTS50079: Due to a configuration change made by your administrator, or because you "
        "moved to a new location, you must enroll in multifactor authentication to access "
        "'bf8d80f9-9098-4972-b203-500f535113b1'.\r\nTrace ID: "
        "b72a68c3-0926-4b8e-bc35-3150069c2800\r\nCorrelation ID: "
        "73d656cf-54b1-4eb2-b429-26d8165a52d7\r\nTimestamp: 2017-05-01 22:43:20Z"
    ),
    "error_codes": [50079],
    "timestamp": "2017-05-01 22:43:20Z",
    "trace_id": "b72a68c3-0926-4b8e-bc35-3150069c2800",
    "correlation_id": "73d656cf-54b1-4eb2-b429-26d8165a52d7",
    "claims": (
        '{"access_token":{"polids":{"essential":true,"values":'
        '["9ab03e19-ed42-4168-b6b7-7001fb3e933a"]}}}'
    ),
}


@each_flavor
def test_on_behalf_of_interaction_required_carries_the_claims_challenge(flavor: Flavor) -> None:
    emu = EntraEmulator(tenant=TENANT_ID)
    emu.register_app()
    emu.script("POST", emu.endpoint("token_endpoint"), json_response(INTERACTION_REQUIRED, 400))

    async def scenario() -> OAuthError:
        exchange: Any = flavor.pick(on_behalf_of, async_on_behalf_of)
        async with opened(sign_in_client(flavor, emu)) as api:
            with pytest.raises(OAuthError) as caught:
                await aw(exchange(api, "eyJ0.eyJh.c2ln", "https://graph.microsoft.com/user.read"))
        return caught.value

    error = flavor.run(scenario)
    assert error.error == "interaction_required"
    assert error.extra["error_codes"] == [50079]
    assert error.extra["claims"] == INTERACTION_REQUIRED["claims"]


def test_token_errors_keep_the_aadsts_codes() -> None:
    emu = EntraEmulator(tenant=TENANT_ID)
    emu.register_app()
    with (
        client_credentials_client(
            CLIENT_ID, "wrong-secret", tenant=TENANT_ID, transport=emu.transport()
        ) as daemon,
        pytest.raises(OAuthError) as caught,
    ):
        daemon.get("https://graph.microsoft.com/v1.0/users")
    assert caught.value.error == "invalid_client"
    assert caught.value.description is not None
    assert caught.value.description.startswith("AADSTS7000215: Invalid client secret provided.")
    assert caught.value.extra["error_codes"] == [7000215]
    assert caught.value.uri == f"https://{GLOBAL}/error?code=7000215"


def test_sign_out_without_a_signed_in_user() -> None:
    url = logout_url(oauth2_client(CLIENT_ID, tenant="consumers"))
    assert url == f"https://{GLOBAL}/consumers/oauth2/v2.0/logout"
    assert parse_qs(urlsplit(url).query) == {}
