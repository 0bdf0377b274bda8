"""The Okta plugin's registration, provider values and named constructors (no traffic).

The flows themselves run against the Okta emulator in ``test_okta_flows.py``.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

import authwire_okta
import httpx
import pytest
from authwire_okta import (
    OKTA,
    OKTA_ORG,
    async_oauth2_client,
    async_service_client,
    discovery_url,
    issuer,
    oauth2_client,
    provider_for,
    service_client,
)
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from authwire import AsyncOAuth2Client, OAuth2Client, providers

# Other plugins of the workspace are not this suite's business: a warning about one of them
# is ignored, a warning about this plugin still fails the test (filterwarnings = error).
pytestmark = pytest.mark.filterwarnings(
    "ignore:authwire provider plugin '(?!okta'):authwire.providers.ProviderPluginWarning"
)

DOMAIN = "dev-123456.okta.com"
CLIENT_ID = "0oa5km1v306LXN57y5d7"
CLIENT_SECRET = "okta-test-secret-0123456789abcdef"

KEY_PEM = (
    rsa.generate_private_key(public_exponent=65537, key_size=2048)
    .private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    .decode("ascii")
)


def close(client: Any) -> None:
    if isinstance(client, httpx.Client):
        client.close()


def test_registered_through_the_entry_point() -> None:
    [entry_point] = [ep for ep in entry_points(group="authwire") if ep.name == "okta"]
    assert entry_point.load() is authwire_okta
    assert "okta" in providers.names()
    assert "okta" not in providers.errors()
    assert providers.get("okta") is OKTA
    # the org authorization server under a name of its own
    assert providers.get("okta-org") is OKTA_ORG
    assert "okta-org" not in providers.errors()


def test_custom_authorization_server_urls() -> None:
    # https://developer.okta.com/docs/concepts/auth-servers/ and the OIDC API reference,
    # "Composing your base URL": https://{domain}/oauth2/{authServerId}/v1/...
    bound = OKTA.bind(domain=DOMAIN)
    base = f"https://{DOMAIN}/oauth2/default"
    assert bound.issuer == base
    assert bound.authorization_endpoint == f"{base}/v1/authorize"
    assert bound.token_endpoint == f"{base}/v1/token"
    assert bound.revocation_endpoint == f"{base}/v1/revoke"
    assert bound.introspection_endpoint == f"{base}/v1/introspect"
    assert bound.userinfo_endpoint == f"{base}/v1/userinfo"
    assert bound.jwks_uri == f"{base}/v1/keys"
    assert bound.end_session_endpoint == f"{base}/v1/logout"
    assert bound.discovery_url == f"{base}/.well-known/openid-configuration"
    other = OKTA.bind(domain=DOMAIN, authorization_server="aus9o8wzkhckw9TLa0h7z")
    assert other.issuer == f"https://{DOMAIN}/oauth2/aus9o8wzkhckw9TLa0h7z"


def test_org_authorization_server_urls() -> None:
    # https://developer.okta.com/docs/api/openapi/okta-oauth/oauth/orgas: the issuer
    # is https://{yourOktaDomain}; endpoints under /oauth2/v1/
    bound = OKTA_ORG.bind(domain=DOMAIN)
    assert bound.issuer == f"https://{DOMAIN}"
    assert bound.authorization_endpoint == f"https://{DOMAIN}/oauth2/v1/authorize"
    assert bound.token_endpoint == f"https://{DOMAIN}/oauth2/v1/token"
    assert bound.jwks_uri == f"https://{DOMAIN}/oauth2/v1/keys"
    assert bound.end_session_endpoint == f"https://{DOMAIN}/oauth2/v1/logout"
    assert bound.discovery_url == f"https://{DOMAIN}/.well-known/openid-configuration"


def test_issuer_and_discovery_helpers() -> None:
    assert issuer(DOMAIN) == f"https://{DOMAIN}/oauth2/default"
    assert issuer(DOMAIN, None) == f"https://{DOMAIN}"
    assert discovery_url(DOMAIN) == (
        f"https://{DOMAIN}/oauth2/default/.well-known/openid-configuration"
    )
    assert discovery_url(DOMAIN, None) == f"https://{DOMAIN}/.well-known/openid-configuration"
    # RFC 8414 §3.1 form, the one Okta calls current for custom servers
    assert discovery_url(DOMAIN, kind="oauth") == (
        f"https://{DOMAIN}/.well-known/oauth-authorization-server/oauth2/default"
    )
    assert discovery_url(DOMAIN, None, kind="oauth") == (
        f"https://{DOMAIN}/.well-known/oauth-authorization-server"
    )
    with pytest.raises(ValueError, match="kind must be"):
        discovery_url(DOMAIN, kind="saml")


def test_quirk_metadata_cites_oktas_pages() -> None:
    assert OKTA.protocols == ("oauth2", "openid")
    assert {"authorization_code", "refresh_token", "client_credentials"} <= set(OKTA.flows)
    assert OKTA.quirks
    for quirk in OKTA.quirks:
        assert quirk.url.startswith("https://developer.okta.com/docs/")
    assert OKTA_ORG.quirks == OKTA.quirks


@pytest.mark.parametrize("bad", ["https://dev-123456.okta.com", "dev-1.okta.com/", "", "  ", 3])
def test_domain_must_be_a_host_name(bad: Any) -> None:
    with pytest.raises(ValueError, match="domain"):
        oauth2_client(CLIENT_ID, domain=bad)
    with pytest.raises(ValueError, match="domain"):
        provider_for(bad)


@pytest.mark.parametrize("bad", ["", "  ", 7, "a/b"])
def test_authorization_server_must_be_an_id_or_none(bad: Any) -> None:
    with pytest.raises(ValueError, match="authorization_server"):
        oauth2_client(CLIENT_ID, domain=DOMAIN, authorization_server=bad)


def fingerprint(client: Any) -> tuple[Any, ...]:
    engine = client.oauth
    return (
        type(client),
        engine.client_id,
        engine.client_secret,
        engine.token_endpoint_auth_method,
        engine.scope,
        engine.redirect_uri,
        engine.code_challenge_method,
        dict(engine.metadata),
        dict(engine.authorize_params),
        client.timeout,
    )


@pytest.mark.parametrize("is_async", [False, True])
@pytest.mark.parametrize("server", ["default", "aus9o8wzkhckw9TLa0h7z", None])
def test_named_constructor_equals_from_provider(is_async: bool, server: str | None) -> None:
    cls: Any = AsyncOAuth2Client if is_async else OAuth2Client
    constructor = async_oauth2_client if is_async else oauth2_client
    common: dict[str, Any] = {"redirect_uri": "https://app.test/cb", "timeout": 7.0}
    made = constructor(
        CLIENT_ID, CLIENT_SECRET, domain=DOMAIN, authorization_server=server, **common
    )
    if server is None:
        expected = cls.from_provider(
            "okta-org", domain=DOMAIN, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, **common
        )
    else:
        expected = cls.from_provider(
            "okta",
            domain=DOMAIN,
            authorization_server=server,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            **common,
        )
    assert type(made) is cls
    assert fingerprint(made) == fingerprint(expected)
    assert made.oauth.token_endpoint_auth_method == "client_secret_basic"
    assert made.scope == "openid email profile"
    assert made.oauth.validates_id_tokens
    close(made)
    close(expected)


def test_a_public_client_has_no_secret() -> None:
    with oauth2_client(CLIENT_ID, domain=DOMAIN) as client:
        assert client.oauth.token_endpoint_auth_method == "none"
        assert client.oauth.code_challenge_method == "S256"


def test_service_client_configuration() -> None:
    with service_client(
        CLIENT_ID, KEY_PEM, domain=DOMAIN, scope=["okta.users.read", "okta.apps.read"]
    ) as client:
        assert client.oauth.token_endpoint_auth_method == "private_key_jwt"
        assert client.metadata["grant_type"] == "client_credentials"
        # the org authorization server by default: the Okta APIs' tokens
        assert client.metadata["token_endpoint"] == f"https://{DOMAIN}/oauth2/v1/token"
        assert client.scope == "okta.users.read okta.apps.read"
        assert KEY_PEM not in repr(client)


@pytest.mark.parametrize("scope", [None, "", [], ["okta.users.read", ""], ["a b"]])
def test_service_client_needs_scopes(scope: Any) -> None:
    with pytest.raises((TypeError, ValueError), match="scope"):
        service_client(CLIENT_ID, KEY_PEM, domain=DOMAIN, scope=scope)


@pytest.mark.parametrize("name", ["client_secret", "token_endpoint_auth_method", "grant_type"])
def test_service_client_refuses_what_it_sets(name: str) -> None:
    with pytest.raises(TypeError, match=name):
        service_client(CLIENT_ID, KEY_PEM, domain=DOMAIN, scope="okta.users.read", **{name: "x"})


def test_service_client_refuses_a_key_that_cannot_sign_at_once() -> None:
    for constructor in (service_client, async_service_client):
        with pytest.raises(ValueError) as caught:
            constructor(CLIENT_ID, "not a key at all", domain=DOMAIN, scope="okta.users.read")
        assert "not a key at all" not in str(caught.value)
    with pytest.raises(ValueError, match="key_id"):
        service_client(CLIENT_ID, KEY_PEM, domain=DOMAIN, scope="okta.users.read", key_id="")
