"""The Microsoft plugin: its registration, its provider value, its constructors and helpers.

No request is sent here; the flows run against the emulator in ``test_microsoft_flows`` and
the quirks, plugin against plain client, in ``test_microsoft_quirks``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any
from urllib.parse import parse_qs, urlsplit

import authwire_microsoft
import pytest
from authwire_microsoft import (
    CLOUDS,
    MICROSOFT,
    ClientCertificate,
    async_client_credentials_client,
    async_oauth2_client,
    client_credentials_client,
    client_credentials_scope,
    default_scope,
    issuer_policy,
    normalize_tenant,
    oauth2_client,
    on_behalf_of_params,
)
from cryptography.hazmat.primitives import serialization

from authwire import AsyncOAuth2Client, OAuth2Client, providers

from .entra import (
    CLIENT_ID,
    CLIENT_SECRET,
    CONSUMERS_TENANT_ID,
    OTHER_TENANT_ID,
    REDIRECT,
    TENANT_ID,
    make_certificate,
)

pytestmark = pytest.mark.filterwarnings(
    "ignore:authwire provider plugin '(?!microsoft'):authwire.providers.ProviderPluginWarning"
)


@pytest.fixture(scope="module", autouse=True)
def registry_loaded() -> None:
    """Load the plugins once; only a warning about this plugin fails the module."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        providers.names()
    assert [str(w.message) for w in caught if "'microsoft'" in str(w.message)] == []


def test_registered_through_the_entry_point() -> None:
    [ep] = [ep for ep in entry_points(group="authwire") if ep.name == "microsoft"]
    assert ep.load() is authwire_microsoft
    assert providers.get("microsoft") is MICROSOFT
    assert "microsoft" not in providers.errors()


def test_provider_values_are_the_documented_ones() -> None:
    bound = MICROSOFT.bind()
    base = "https://login.microsoftonline.com/common"
    assert bound.authorization_endpoint == f"{base}/oauth2/v2.0/authorize"
    assert bound.token_endpoint == f"{base}/oauth2/v2.0/token"
    assert bound.device_authorization_endpoint == f"{base}/oauth2/v2.0/devicecode"
    assert bound.end_session_endpoint == f"{base}/oauth2/v2.0/logout"
    assert bound.jwks_uri == f"{base}/discovery/v2.0/keys"
    assert bound.issuer == "https://login.microsoftonline.com/{tenantid}/v2.0"
    assert MICROSOFT.revocation_endpoint is None  # Entra has no RFC 7009 endpoint
    assert MICROSOFT.scope == ("openid", "profile", "email", "offline_access")
    assert MICROSOFT.token_endpoint_auth_method == "client_secret_post"
    assert dict(MICROSOFT.parameters) == {
        "tenant": "common",
        "authority_host": "login.microsoftonline.com",
    }
    assert MICROSOFT.protocols == ("oauth2", "openid")
    assert "on_behalf_of" in MICROSOFT.flows
    assert "client_credentials" in MICROSOFT.flows
    assert len(MICROSOFT.quirks) == 7
    assert all(q.url.startswith("https://learn.microsoft.com/") for q in MICROSOFT.quirks)


def test_the_issuer_template_is_filled_from_tid() -> None:
    assert MICROSOFT.accepts_issuer(
        f"https://login.microsoftonline.com/{TENANT_ID}/v2.0", {"tid": TENANT_ID}
    )
    assert not MICROSOFT.accepts_issuer(
        f"https://login.microsoftonline.com/{TENANT_ID}/v2.0", {"tid": OTHER_TENANT_ID}
    )


def summary(client: Any) -> dict[str, Any]:
    engine = client.oauth
    return {
        "type": type(client),
        "client_id": engine.client_id,
        "client_secret": engine.client_secret,
        "auth_method": engine.token_endpoint_auth_method,
        "scope": engine.scope,
        "redirect_uri": engine.redirect_uri,
        "pkce": engine.code_challenge_method,
        "metadata": engine.metadata,
        "authorize_params": engine.authorize_params,
        "hooks": engine._hooks,
        "issuer_template": engine.issuer_policy.issuer,
    }


@pytest.mark.parametrize(
    ("constructor", "cls"),
    [(oauth2_client, OAuth2Client), (async_oauth2_client, AsyncOAuth2Client)],
)
@pytest.mark.parametrize(
    ("cloud", "tenant"),
    [
        ("global", "common"),
        ("global", "organizations"),
        ("us_government", TENANT_ID),
        ("china", "contoso.onmicrosoft.com"),
    ],
)
def test_named_constructors_equal_from_provider(
    constructor: Callable[..., Any], cls: Any, cloud: str, tenant: str
) -> None:
    named = constructor(CLIENT_ID, CLIENT_SECRET, tenant=tenant, cloud=cloud, redirect_uri=REDIRECT)
    by_name = cls.from_provider(
        "microsoft",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        tenant=tenant,
        authority_host=CLOUDS[cloud].authority_host,
        redirect_uri=REDIRECT,
    )
    assert type(named) is cls
    assert summary(named) == summary(by_name)
    host = CLOUDS[cloud].authority_host
    assert named.metadata["token_endpoint"] == f"https://{host}/{tenant}/oauth2/v2.0/token"


def test_from_provider_pins_the_tenant_like_the_named_constructor() -> None:
    named = oauth2_client(CLIENT_ID, CLIENT_SECRET, tenant=TENANT_ID)
    by_name = OAuth2Client.from_provider(
        "microsoft", client_id=CLIENT_ID, client_secret=CLIENT_SECRET, tenant=TENANT_ID.upper()
    )
    assert named.oauth.issuer_policy == by_name.oauth.issuer_policy
    assert by_name.oauth.issuer_policy.tenants == frozenset({TENANT_ID})
    common = OAuth2Client.from_provider("microsoft", client_id=CLIENT_ID)
    assert common.oauth.issuer_policy.tenants is None  # any organization may sign in
    with pytest.raises(ValueError, match="tenant must be"):
        OAuth2Client.from_provider("microsoft", client_id=CLIENT_ID, tenant="not_a_tenant")


def test_authorization_url() -> None:
    client = oauth2_client(CLIENT_ID, CLIENT_SECRET, tenant="organizations", redirect_uri=REDIRECT)
    url, state = client.create_authorization_url(prompt="select_account", domain_hint="contoso.com")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
        "https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize"
    )
    query = parse_qs(parts.query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["scope"] == ["openid profile email offline_access"]
    assert query["state"] == [state]
    assert query["code_challenge_method"] == ["S256"]
    assert query["prompt"] == ["select_account"]
    assert query["domain_hint"] == ["contoso.com"]
    assert "nonce" in query


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("common", "common"),
        ("Organizations", "organizations"),
        (" consumers ", "consumers"),
        ("72F988BF-86F1-41AF-91AB-2D7CD011DB47", TENANT_ID),
        ("Contoso.onmicrosoft.com", "contoso.onmicrosoft.com"),
    ],
)
def test_tenants_are_normalized(given: str, expected: str) -> None:
    assert normalize_tenant(given) == expected


@pytest.mark.parametrize(
    "bad", ["", "tenant", "contoso.onmicrosoft.com/evil", "https://contoso.com", None, 42]
)
def test_a_bad_tenant_is_refused_by_name(bad: Any) -> None:
    with pytest.raises(ValueError, match="tenant must be"):
        oauth2_client(CLIENT_ID, CLIENT_SECRET, tenant=bad)


def test_a_bad_cloud_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="cloud must be one of"):
        oauth2_client(CLIENT_ID, CLIENT_SECRET, cloud="germany")
    with pytest.raises(TypeError, match="give cloud="):
        oauth2_client(CLIENT_ID, CLIENT_SECRET, authority_host="login.microsoftonline.us")


@pytest.mark.parametrize(
    ("tenant", "tenants", "allowed"),
    [
        ("common", None, None),
        ("organizations", None, None),
        ("contoso.onmicrosoft.com", None, None),
        ("consumers", None, {CONSUMERS_TENANT_ID}),
        (TENANT_ID, None, {TENANT_ID}),
        ("common", [TENANT_ID, OTHER_TENANT_ID.upper()], {TENANT_ID, OTHER_TENANT_ID}),
        (TENANT_ID, [TENANT_ID, OTHER_TENANT_ID], {TENANT_ID}),
    ],
)
def test_issuer_policy_per_tenant(tenant: str, tenants: Any, allowed: Any) -> None:
    policy = issuer_policy(tenant, "login.microsoftonline.us", tenants)
    assert policy.issuer == "https://login.microsoftonline.us/{tenantid}/v2.0"
    assert policy.tenant_claim == "tid"
    assert policy.tenants == (None if allowed is None else frozenset(allowed))


def test_tenants_that_exclude_the_tenant_are_refused() -> None:
    with pytest.raises(ValueError, match="does not include"):
        issuer_policy(TENANT_ID, "login.microsoftonline.com", [OTHER_TENANT_ID])
    with pytest.raises(ValueError, match="tenant IDs"):
        issuer_policy("common", "login.microsoftonline.com", ["contoso.com"])
    with pytest.raises(ValueError, match="at least one"):
        issuer_policy("common", "login.microsoftonline.com", [])


# -- client credentials scopes --------------------------------------------------------------


def test_default_scope() -> None:
    assert default_scope("https://graph.microsoft.com") == "https://graph.microsoft.com/.default"
    assert default_scope("https://graph.microsoft.com/") == "https://graph.microsoft.com/.default"
    assert default_scope("api://app-id/.default") == "api://app-id/.default"
    with pytest.raises(ValueError, match="resource"):
        default_scope("two words")


@pytest.mark.parametrize(
    ("scope", "resource", "cloud", "expected"),
    [
        (None, None, "global", "https://graph.microsoft.com/.default"),
        (None, None, "us_government", "https://graph.microsoft.us/.default"),
        (None, None, "china", "https://microsoftgraph.chinacloudapi.cn/.default"),
        (None, "api://11111111-2222/", "global", "api://11111111-2222/.default"),
        ("api://x/.default", None, "global", "api://x/.default"),
        (["api://x/.default", "api://x/.default"], None, "global", "api://x/.default"),
    ],
)
def test_client_credentials_scope(scope: Any, resource: Any, cloud: str, expected: str) -> None:
    assert client_credentials_scope(scope, resource, CLOUDS[cloud]) == expected


@pytest.mark.parametrize(
    ("scope", "message"),
    [
        ("User.Read", "/.default scope"),
        ("https://graph.microsoft.com/User.Read", "/.default scope"),
        ("/.default", "/.default scope"),
        ("api://a/.default api://b/.default", "several resources"),
        ("", "one resource"),
    ],
)
def test_client_credentials_scope_refusals(scope: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        client_credentials_scope(scope, None, CLOUDS["global"])
    with pytest.raises(TypeError, match="not both"):
        client_credentials_scope("api://a/.default", "api://a", CLOUDS["global"])


@pytest.mark.parametrize(
    "constructor", [client_credentials_client, async_client_credentials_client]
)
def test_client_credentials_constructor_arguments(constructor: Callable[..., Any]) -> None:
    client = constructor(CLIENT_ID, CLIENT_SECRET, tenant=TENANT_ID, cloud="us_government")
    assert client.oauth.scope == "https://graph.microsoft.us/.default"
    assert client.metadata["grant_type"] == "client_credentials"
    assert client.metadata["token_endpoint"] == (
        f"https://login.microsoftonline.us/{TENANT_ID}/oauth2/v2.0/token"
    )
    for alias in ("common", "organizations", "consumers"):
        with pytest.raises(ValueError, match="one directory"):
            constructor(CLIENT_ID, CLIENT_SECRET, tenant=alias)
    with pytest.raises(ValueError, match="client_secret= or client_certificate="):
        constructor(CLIENT_ID, tenant=TENANT_ID)
    with pytest.raises(TypeError, match="grant_type"):
        constructor(CLIENT_ID, CLIENT_SECRET, tenant=TENANT_ID, grant_type="password")


# -- certificates ---------------------------------------------------------------------------

CERTIFICATE = make_certificate()


def test_client_certificate_header_and_repr() -> None:
    credential = ClientCertificate(CERTIFICATE.certificate_pem, CERTIFICATE.key_pem)
    assert credential.header == {"alg": "PS256", "typ": "JWT", "x5t#S256": CERTIFICATE.x5t_s256}
    legacy = ClientCertificate(
        CERTIFICATE.certificate_pem.decode(), CERTIFICATE.key_pem.decode(), thumbprint="sha1"
    )
    assert legacy.header == {"alg": "RS256", "typ": "JWT", "x5t": CERTIFICATE.x5t}
    shown = repr(credential)
    assert CERTIFICATE.x5t_s256 in shown
    assert "PRIVATE" not in shown


def test_client_certificate_refusals() -> None:
    other = make_certificate("another-app")
    with pytest.raises(ValueError, match="do not match"):
        ClientCertificate(CERTIFICATE.certificate_pem, other.key_pem)
    with pytest.raises(ValueError, match=r"not a PEM X\.509 certificate"):
        ClientCertificate(CERTIFICATE.key_pem, CERTIFICATE.key_pem)
    with pytest.raises(ValueError, match="not a PEM private key"):
        ClientCertificate(CERTIFICATE.certificate_pem, CERTIFICATE.certificate_pem)
    with pytest.raises(ValueError, match="thumbprint"):
        ClientCertificate(CERTIFICATE.certificate_pem, CERTIFICATE.key_pem, thumbprint="md5")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="expires_in"):
        ClientCertificate(CERTIFICATE.certificate_pem, CERTIFICATE.key_pem, expires_in=3600)
    key = serialization.load_pem_private_key(CERTIFICATE.key_pem, None)
    locked = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"pw"),
    )
    with pytest.raises(ValueError, match="encrypted"):
        ClientCertificate(CERTIFICATE.certificate_pem, locked)
    unlocked = ClientCertificate(CERTIFICATE.certificate_pem, locked, password="pw")
    assert unlocked.thumbprint == CERTIFICATE.x5t_s256


def test_a_certificate_with_a_secret_is_refused() -> None:
    credential = ClientCertificate(CERTIFICATE.certificate_pem, CERTIFICATE.key_pem)
    with pytest.raises(TypeError, match="not both"):
        oauth2_client(CLIENT_ID, CLIENT_SECRET, client_certificate=credential)
    with pytest.raises(TypeError, match="private_key_jwt"):
        oauth2_client(
            CLIENT_ID,
            client_certificate=credential,
            token_endpoint_auth_method="client_secret_basic",
        )
    client = oauth2_client(CLIENT_ID, client_certificate=credential)
    assert client.oauth.token_endpoint_auth_method == "private_key_jwt"


# -- on-behalf-of parameters ------------------------------------------------------------------


def test_on_behalf_of_params() -> None:
    assert on_behalf_of_params("eyJ0.eyJh.c2ln", ["https://graph.microsoft.com/user.read"]) == {
        "assertion": "eyJ0.eyJh.c2ln",
        "scope": "https://graph.microsoft.com/user.read",
        "requested_token_use": "on_behalf_of",
    }
    with pytest.raises(ValueError, match="assertion"):
        on_behalf_of_params("", "openid")
    with pytest.raises(ValueError, match="scope"):
        on_behalf_of_params("eyJ0.eyJh.c2ln", "  ")
