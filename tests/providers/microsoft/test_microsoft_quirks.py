"""Each quirk of the Microsoft identity platform: the plugin's client handles it, and a plain
``authwire.OAuth2Client`` talking to the same emulator fails or mishandles it.

One test per quirk of ``MICROSOFT.quirks``, on the sync client and the async clients.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from authwire_microsoft import (
    MICROSOFT,
    ClientCertificate,
    async_client_credentials_client,
    async_oauth2_client,
    async_on_behalf_of,
    client_credentials_client,
    logout_url,
    oauth2_client,
    on_behalf_of,
)

from authwire import IDTokenError, OAuthError, PrivateKeyJWT
from authwire.testing import Flavor, aw, each_flavor, opened

from .entra import (
    CLIENT_ID,
    CLIENT_SECRET,
    GLOBAL,
    OTHER_TENANT_ID,
    REDIRECT,
    TENANT_ID,
    US_GOVERNMENT,
    EntraEmulator,
    clouds,
    make_certificate,
)

pytestmark = pytest.mark.filterwarnings(
    "ignore:authwire provider plugin '(?!microsoft'):authwire.providers.ProviderPluginWarning"
)

CERTIFICATE = make_certificate()
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"


def quirk(words: str) -> Any:
    """The declared quirk whose summary holds ``words`` (the table row this test backs)."""
    [found] = [q for q in MICROSOFT.quirks if words in q.summary]
    return found


def plugin_client(flavor: Flavor, emu: EntraEmulator, **kwargs: Any) -> Any:
    constructor: Any = flavor.pick(oauth2_client, async_oauth2_client)
    kwargs.setdefault("tenant", emu.tenant)
    kwargs.setdefault("transport", emu.transport())
    client = constructor(CLIENT_ID, CLIENT_SECRET, redirect_uri=REDIRECT, **kwargs)
    client.oauth.clock = emu.clock
    return client


def plain_client(flavor: Flavor, emu: EntraEmulator, **kwargs: Any) -> Any:
    """A plain client given the documented endpoints of the emulator's authority."""
    document = emu.metadata()
    kwargs.setdefault("client_secret", CLIENT_SECRET)
    kwargs.setdefault("token_endpoint_auth_method", "client_secret_post")
    kwargs.setdefault("scope", "openid profile email offline_access")
    client = flavor.oauth2_client(
        CLIENT_ID,
        redirect_uri=REDIRECT,
        authorization_endpoint=document["authorization_endpoint"],
        token_endpoint=document["token_endpoint"],
        jwks_uri=document["jwks_uri"],
        end_session_endpoint=document["end_session_endpoint"],
        transport=emu.transport(),
        **kwargs,
    )
    client.oauth.clock = emu.clock
    return client


# -- the tenant in every endpoint -------------------------------------------------------------


@each_flavor
def test_tenant_in_the_path_plugin_signs_in_discovery_alone_fails(flavor: Flavor) -> None:
    assert quirk("tenant in its path").url.endswith("/v2-protocols-oidc")
    emu = EntraEmulator(tenant="common")
    emu.register_app()

    async def scenario() -> Exception:
        async with opened(plugin_client(flavor, emu)) as client:
            url, _ = client.create_authorization_url()
            token = await aw(client.fetch_token(authorization_response=emu.approve(url).url))
            assert token["userinfo"]["tid"] == TENANT_ID
        # a plain client finds the endpoints through discovery of the authority...
        with pytest.raises(OAuthError) as caught:
            await aw(
                flavor.oauth2_client.from_issuer(
                    f"https://{GLOBAL}/common/v2.0",
                    CLIENT_ID,
                    CLIENT_SECRET,
                    transport=emu.transport(),
                )
            )
        return caught.value

    error = flavor.run(scenario)
    # ...and refuses the document: its issuer is the template, not the authority it asked
    assert "issuer" in str(error)
    assert emu.sent(f"https://{GLOBAL}/common/v2.0/.well-known/openid-configuration")


# -- the issuer template and tid ------------------------------------------------------------


@each_flavor
def test_issuer_template_plugin_checks_tid_plain_client_refuses_every_token(
    flavor: Flavor,
) -> None:
    assert "{tenantid}" in quirk("issuer is a template").summary
    emu = EntraEmulator(tenant="organizations")
    emu.register_app()

    async def scenario() -> None:
        # the plugin: a user of any organization, iss filled with that user's tid
        for tid in (TENANT_ID, OTHER_TENANT_ID):
            async with opened(plugin_client(flavor, emu)) as client:
                url, _ = client.create_authorization_url()
                approval = emu.approve(url, claims={"tid": tid})
                token = await aw(client.fetch_token(authorization_response=approval.url))
                assert token["userinfo"]["iss"] == f"https://{GLOBAL}/{tid}/v2.0"
        # ...but not an iss that names another tenant than the token's tid
        async with opened(plugin_client(flavor, emu)) as client:
            url, _ = client.create_authorization_url()
            forged = emu.approve(
                url,
                claims={"tid": OTHER_TENANT_ID, "iss": f"https://{GLOBAL}/{TENANT_ID}/v2.0"},
            )
            with pytest.raises(IDTokenError, match="iss"):
                await aw(client.fetch_token(authorization_response=forged.url))
        # a plain client given the discovery document's issuer compares it literally
        template = emu.metadata()["issuer"]
        assert template == f"https://{GLOBAL}/{{tenantid}}/v2.0"
        async with opened(plain_client(flavor, emu, issuer=template)) as client:
            url, _ = client.create_authorization_url()
            with pytest.raises(IDTokenError, match="iss"):
                await aw(client.fetch_token(authorization_response=emu.approve(url).url))

    flavor.run(scenario)


@each_flavor
@pytest.mark.parametrize("tenant", [TENANT_ID, "consumers"])
def test_a_tenant_id_pins_tid_a_plain_client_without_issuer_checks_nothing(
    flavor: Flavor, tenant: str
) -> None:
    emu = EntraEmulator(tenant=tenant)
    emu.register_app()

    async def scenario() -> None:
        async with opened(plugin_client(flavor, emu)) as client:
            url, _ = client.create_authorization_url()
            elsewhere = emu.approve(url, claims={"tid": OTHER_TENANT_ID})
            with pytest.raises(IDTokenError, match="iss"):
                await aw(client.fetch_token(authorization_response=elsewhere.url))
        # without an issuer a plain client takes the ID token of another directory unchecked
        async with opened(plain_client(flavor, emu)) as client:
            url, _ = client.create_authorization_url()
            elsewhere = emu.approve(url, claims={"tid": OTHER_TENANT_ID})
            token = await aw(client.fetch_token(authorization_response=elsewhere.url))
            assert "userinfo" not in token  # nothing validated, nothing to read safely

    flavor.run(scenario)


# -- national clouds ------------------------------------------------------------------------


@each_flavor
def test_national_cloud_plugin_reaches_its_host_plain_client_the_global_one(
    flavor: Flavor,
) -> None:
    assert quirk("national clouds").url.endswith("/authentication-national-cloud")
    government = EntraEmulator(US_GOVERNMENT, TENANT_ID)
    government.register_app()
    worldwide = EntraEmulator(GLOBAL, TENANT_ID)  # the app is not registered there
    worldwide.register_app(client_id="some-other-app")
    transport = clouds(government, worldwide)

    async def scenario() -> OAuthError:
        constructor: Any = flavor.pick(client_credentials_client, async_client_credentials_client)
        async with opened(
            constructor(
                CLIENT_ID,
                CLIENT_SECRET,
                tenant=TENANT_ID,
                cloud="us_government",
                transport=transport,
            )
        ) as daemon:
            await aw(daemon.ensure_active_token())
        plain = flavor.oauth2_client.from_provider(
            "microsoft",
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            tenant=TENANT_ID,
            grant_type="client_credentials",
            scope="https://graph.microsoft.us/.default",
            transport=transport,
        )
        async with opened(plain):
            with pytest.raises(OAuthError) as caught:
                await aw(plain.ensure_active_token())
        return caught.value

    error = flavor.run(scenario)
    [issued] = government.calls("client_credentials")
    assert issued.outcome == "issued"
    assert issued.params["scope"] == "https://graph.microsoft.us/.default"
    assert error.error == "unauthorized_client"
    assert error.extra["error_codes"] == [700016]
    assert worldwide.calls()[0].request.url.host == GLOBAL


# -- .default scopes ------------------------------------------------------------------------


@each_flavor
def test_default_scope_plugin_sends_it_plain_client_is_refused(flavor: Flavor) -> None:
    assert quirk("/.default").url.endswith("/v2-oauth2-client-creds-grant-flow")
    emu = EntraEmulator(tenant=TENANT_ID)
    emu.register_app()
    constructor: Any = flavor.pick(client_credentials_client, async_client_credentials_client)

    with pytest.raises(ValueError, match=r"/\.default"):
        constructor(CLIENT_ID, CLIENT_SECRET, tenant=TENANT_ID, scope="User.Read")
    assert emu.requests == []  # refused before anything was sent

    async def scenario() -> OAuthError:
        daemon = constructor(
            CLIENT_ID,
            CLIENT_SECRET,
            tenant=TENANT_ID,
            resource="https://graph.microsoft.com",
            transport=emu.transport(),
        )
        async with opened(daemon):
            await aw(daemon.ensure_active_token())
        plain = plain_client(flavor, emu, grant_type="client_credentials", scope="User.Read")
        async with opened(plain):
            with pytest.raises(OAuthError) as caught:
                await aw(plain.ensure_active_token())
        return caught.value

    error = flavor.run(scenario)
    assert [c.outcome for c in emu.calls()] == ["issued", "invalid_scope"]
    assert error.error == "invalid_scope"
    assert error.extra["error_codes"] == [1002012]


# -- certificate credentials -------------------------------------------------------------------


@each_flavor
def test_certificate_plugin_sends_x5t_s256_plain_private_key_jwt_is_refused(
    flavor: Flavor,
) -> None:
    assert "x5t#S256" in quirk("certificate credentials").summary
    emu = EntraEmulator(tenant=TENANT_ID)
    emu.register_certificate(CERTIFICATE)
    token_endpoint = emu.endpoint("token_endpoint")

    async def scenario() -> OAuthError:
        constructor: Any = flavor.pick(client_credentials_client, async_client_credentials_client)
        credential = ClientCertificate(
            CERTIFICATE.certificate_pem, CERTIFICATE.key_pem, clock=emu.clock
        )
        async with opened(
            constructor(
                CLIENT_ID,
                tenant=TENANT_ID,
                client_certificate=credential,
                transport=emu.transport(),
            )
        ) as daemon:
            daemon.oauth.clock = emu.clock
            await aw(daemon.ensure_active_token())
        # the core's private_key_jwt with the same key: RS256, no thumbprint in the header
        plain = flavor.oauth2_client(
            CLIENT_ID,
            CERTIFICATE.key_pem.decode(),
            token_endpoint=token_endpoint,
            token_endpoint_auth_method="private_key_jwt",
            grant_type="client_credentials",
            scope="https://graph.microsoft.com/.default",
            transport=emu.transport(),
        )
        plain.register_client_auth_method(PrivateKeyJWT(token_endpoint))
        async with opened(plain):
            with pytest.raises(OAuthError) as caught:
                await aw(plain.ensure_active_token())
        return caught.value

    error = flavor.run(scenario)
    good, bad = emu.calls()
    assert good.outcome == "issued"
    assert good.client_assertion is not None
    assert good.client_assertion.header["x5t#S256"] == CERTIFICATE.x5t_s256
    assert bad.client_assertion is not None
    assert "x5t#S256" not in bad.client_assertion.header
    assert error.error == "invalid_client"
    assert error.extra["error_codes"] == [700027]


# -- on-behalf-of ---------------------------------------------------------------------------


@each_flavor
def test_on_behalf_of_plugin_sends_requested_token_use_plain_jwt_bearer_is_refused(
    flavor: Flavor,
) -> None:
    assert "requested_token_use=on_behalf_of" in quirk("on-behalf-of").summary
    emu = EntraEmulator(tenant=TENANT_ID)
    emu.register_app()
    incoming = emu.issue_token(CLIENT_ID, scope="api://middle-tier/access_as_user")
    scope = "https://graph.microsoft.com/user.read"

    async def scenario() -> OAuthError:
        exchange: Any = flavor.pick(on_behalf_of, async_on_behalf_of)
        async with opened(plugin_client(flavor, emu)) as api:
            token = await aw(exchange(api, incoming, scope))
            assert token["access_token"]
        async with opened(plain_client(flavor, emu)) as plain:
            with pytest.raises(OAuthError) as caught:
                await aw(plain.fetch_token(grant_type=JWT_BEARER, assertion=incoming, scope=scope))
        return caught.value

    error = flavor.run(scenario)
    assert [c.outcome for c in emu.calls(JWT_BEARER)] == ["issued", "invalid_request"]
    assert error.error == "invalid_request"
    assert error.extra["error_codes"] == [900144]
    assert error.description is not None
    assert "'requested_token_use'" in error.description


# -- the v2.0 sign-out URL ------------------------------------------------------------------


@each_flavor
def test_sign_out_plugin_sends_logout_hint_plain_client_puts_the_id_token_in_the_url(
    flavor: Flavor,
) -> None:
    assert "logout_hint" in quirk("sign-out").summary
    emu = EntraEmulator(tenant="organizations")
    emu.register_app()
    hint = "O.CiQ4NmFhNTQ4My1jNWE3LTRhMTYtOTI0Ny1hOTY1ZTA0MDc2MzYS"
    done = "https://app.example/signed-out"

    async def scenario() -> tuple[str, str, str]:
        async with opened(plugin_client(flavor, emu)) as client:
            url, _ = client.create_authorization_url()
            approval = emu.approve(url, claims={"login_hint": hint})
            await aw(client.fetch_token(authorization_response=approval.url))
            ours = logout_url(client, done)
        async with opened(plain_client(flavor, emu)) as client:
            url, _ = client.create_authorization_url()
            approval = emu.approve(url, claims={"login_hint": hint})
            token = await aw(client.fetch_token(authorization_response=approval.url))
            theirs = client.create_logout_url(done)
        return ours, theirs, token["id_token"]

    ours, theirs, id_token = flavor.run(scenario)
    mine = parse_qs(urlsplit(ours).query)
    assert mine == {"post_logout_redirect_uri": [done], "logout_hint": [hint]}
    plain = parse_qs(urlsplit(theirs).query)
    assert plain["id_token_hint"] == [id_token]  # the whole ID token, in a browser URL
    assert "logout_hint" not in plain  # Microsoft shows the account picker
    with httpx.Client(transport=emu.transport()) as browser:
        assert browser.get(ours).headers["location"] == done


# -- from_provider applies every fix ----------------------------------------------------------


@each_flavor
@pytest.mark.parametrize("tenant", [TENANT_ID, "consumers"])
def test_from_provider_pins_tid_to_the_tenant(flavor: Flavor, tenant: str) -> None:
    emu = EntraEmulator(tenant=tenant)
    emu.register_app()

    async def scenario() -> None:
        client = flavor.oauth2_client.from_provider(
            "microsoft",
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            tenant=tenant,
            redirect_uri=REDIRECT,
            transport=emu.transport(),
        )
        client.oauth.clock = emu.clock
        async with opened(client):
            url, _ = client.create_authorization_url()
            elsewhere = emu.approve(url, claims={"tid": OTHER_TENANT_ID})
            with pytest.raises(IDTokenError, match="iss"):
                await aw(client.fetch_token(authorization_response=elsewhere.url))

    flavor.run(scenario)
