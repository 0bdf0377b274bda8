"""The Cognito plugin's registration, provider values, named constructors and helpers.

No traffic here; the flows run against the Cognito emulator in ``test_cognito_flows.py``.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

import authwire_cognito
import httpx
import pytest
from authwire_cognito import (
    COGNITO,
    async_client_credentials_client,
    async_oauth2_client,
    client_credentials_client,
    client_credentials_scope,
    issuer,
    logout_url,
    oauth2_client,
    region_of,
    resource_server_scope,
)

from authwire import AsyncOAuth2Client, OAuth2Client, providers

pytestmark = pytest.mark.filterwarnings(
    "ignore:authwire provider plugin '(?!cognito'):authwire.providers.ProviderPluginWarning"
)

DOMAIN = "mydomain.auth.us-east-1.amazoncognito.com"
POOL = "us-east-1_AbCdEf123"
CLIENT_ID = "djc98u3jiedmi283eu928"
CLIENT_SECRET = "abcdef01234567890"
SERVICE = f"https://cognito-idp.us-east-1.amazonaws.com/{POOL}"


def close(client: Any) -> None:
    if isinstance(client, httpx.Client):
        client.close()


def test_registered_through_the_entry_point() -> None:
    [entry_point] = [ep for ep in entry_points(group="authwire") if ep.name == "cognito"]
    assert entry_point.load() is authwire_cognito
    assert "cognito" in providers.names()
    assert "cognito" not in providers.errors()
    assert providers.get("cognito") is COGNITO


def test_provider_values_are_the_user_pool_endpoints() -> None:
    # https://docs.aws.amazon.com/cognito/latest/developerguide/federation-endpoints.html
    bound = COGNITO.bind(domain=DOMAIN, region="us-east-1", user_pool_id=POOL)
    assert bound.authorization_endpoint == f"https://{DOMAIN}/oauth2/authorize"
    assert bound.token_endpoint == f"https://{DOMAIN}/oauth2/token"
    assert bound.userinfo_endpoint == f"https://{DOMAIN}/oauth2/userInfo"
    assert bound.revocation_endpoint == f"https://{DOMAIN}/oauth2/revoke"
    assert bound.issuer == SERVICE
    assert bound.jwks_uri == f"{SERVICE}/.well-known/jwks.json"
    assert bound.discovery_url == f"{SERVICE}/.well-known/openid-configuration"
    assert bound.end_session_endpoint is None  # /logout is not RP-initiated logout
    for quirk in COGNITO.quirks:
        assert quirk.url.startswith("https://docs.aws.amazon.com/cognito/")


def test_region_comes_from_the_user_pool_id() -> None:
    assert region_of(POOL) == "us-east-1"
    assert region_of("eu-central-2_xyz") == "eu-central-2"
    assert region_of("us-gov-west-1_Q1") == "us-gov-west-1"
    assert issuer(POOL) == SERVICE
    assert issuer(POOL, "us-east-1") == SERVICE
    with pytest.raises(ValueError, match="Region of user pool"):
        issuer(POOL, "eu-west-1")
    bads: tuple[Any, ...] = ("nounderscore", "abc_123", "us-east-1_", "us-east-1_a/b", 3)
    for bad in bads:
        with pytest.raises(ValueError, match="user_pool_id"):
            region_of(bad) if bad == "abc_123" else issuer(bad)


def fingerprint(client: Any) -> tuple[Any, ...]:
    engine = client.oauth
    return (
        type(client),
        engine.client_id,
        engine.client_secret,
        engine.token_endpoint_auth_method,
        engine.scope,
        engine.redirect_uri,
        dict(engine.metadata),
        client.timeout,
    )


@pytest.mark.parametrize("is_async", [False, True])
def test_named_constructor_equals_from_provider(is_async: bool) -> None:
    cls: Any = AsyncOAuth2Client if is_async else OAuth2Client
    constructor = async_oauth2_client if is_async else oauth2_client
    common: dict[str, Any] = {"redirect_uri": "https://app.test/cb", "timeout": 7.0}
    made = constructor(CLIENT_ID, CLIENT_SECRET, domain=DOMAIN, user_pool_id=POOL, **common)
    expected = cls.from_provider(
        "cognito",
        domain=DOMAIN,
        region="us-east-1",
        user_pool_id=POOL,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        **common,
    )
    assert fingerprint(made) == fingerprint(expected)
    assert made.oauth.token_endpoint_auth_method == "client_secret_basic"
    assert made.scope == "openid email profile"
    close(made)
    close(expected)


@pytest.mark.parametrize("bad", [f"https://{DOMAIN}", f"{DOMAIN}/oauth2", ""])
def test_domain_must_be_a_host_name(bad: str) -> None:
    with pytest.raises(ValueError, match="domain"):
        oauth2_client(CLIENT_ID, domain=bad, user_pool_id=POOL)


def test_resource_server_scopes() -> None:
    assert resource_server_scope("com.example.photos", "read") == "com.example.photos/read"
    assert (
        resource_server_scope("https://myphotosapi.example.com", "photos.read")
        == "https://myphotosapi.example.com/photos.read"
    )
    assert client_credentials_scope(None) is None
    assert client_credentials_scope("a.b/read a.b/write") == "a.b/read a.b/write"
    assert client_credentials_scope(["https://api.example.com/x"]) == "https://api.example.com/x"
    for bad in ("read", ["openid"], ["a.b/read", "write"], "/read", "a.b/", []):
        with pytest.raises(ValueError, match="scope"):
            client_credentials_scope(bad)
    for identifier, name in (("", "read"), ("a", ""), ("a b", "read"), ("a", "b/c")):
        with pytest.raises(ValueError):
            resource_server_scope(identifier, name)


def test_client_credentials_client_configuration() -> None:
    for constructor in (client_credentials_client, async_client_credentials_client):
        client: Any = constructor(
            CLIENT_ID, CLIENT_SECRET, domain=DOMAIN, user_pool_id=POOL, scopes=["a.b/read"]
        )
        assert client.metadata["grant_type"] == "client_credentials"
        assert client.scope == "a.b/read"
        close(client)
    with pytest.raises(ValueError, match="client_secret is required"):
        client_credentials_client(CLIENT_ID, None, domain=DOMAIN, user_pool_id=POOL)
    with pytest.raises(TypeError, match="scopes="):
        client_credentials_client(
            CLIENT_ID, CLIENT_SECRET, domain=DOMAIN, user_pool_id=POOL, scope="a.b/read"
        )
    with pytest.raises(ValueError, match="resource-server scope"):
        client_credentials_client(
            CLIENT_ID, CLIENT_SECRET, domain=DOMAIN, user_pool_id=POOL, scopes="read"
        )


def test_logout_url() -> None:
    # https://docs.aws.amazon.com/cognito/latest/developerguide/logout-endpoint.html
    with oauth2_client(CLIENT_ID, domain=DOMAIN, user_pool_id=POOL) as client:
        assert logout_url(client, "https://myclient/logout") == (
            f"https://{DOMAIN}/logout?client_id={CLIENT_ID}"
            "&logout_uri=https%3A%2F%2Fmyclient%2Flogout"
        )
        assert logout_url(client, "com.myclientapp://myclient/logout").endswith(
            "logout_uri=com.myclientapp%3A%2F%2Fmyclient%2Flogout"
        )
        with pytest.raises(ValueError, match="logout_uri"):
            logout_url(client, "nowhere")
    with OAuth2Client(CLIENT_ID) as plain, pytest.raises(ValueError, match="Cognito token"):
        logout_url(plain, "https://myclient/logout")
