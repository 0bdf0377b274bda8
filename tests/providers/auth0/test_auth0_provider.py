"""The Auth0 plugin's registration, provider values, named constructors and helpers.

No traffic here; the flows run against the Auth0 emulator in ``test_auth0_flows.py``.
"""

from __future__ import annotations

import base64
import json
from importlib.metadata import entry_points
from typing import Any
from urllib.parse import parse_qs, urlsplit

import authwire_auth0
import httpx
import pytest
from authwire_auth0 import (
    AUTH0,
    ORG_ID,
    ORG_NAME,
    async_client_credentials_client,
    async_oauth2_client,
    check_organization,
    client_credentials_client,
    issuer,
    legacy_logout_url,
    oauth2_client,
    organization_id_token_check,
    organization_token_request,
)

from authwire import AsyncOAuth2Client, IDTokenError, OAuth2Client, providers

pytestmark = pytest.mark.filterwarnings(
    "ignore:authwire provider plugin '(?!auth0'):authwire.providers.ProviderPluginWarning"
)

DOMAIN = "dev-abc123.us.auth0.com"
CLIENT_ID = "ENDmmAJsbwI1hOG1KPJddQ8LHjV6kLkV"
CLIENT_SECRET = "auth0-test-secret-0123456789abcdef"
API = "https://example-api/"
ORG = "org_9ybsU1dN2dKfDkBi"


def close(client: Any) -> None:
    if isinstance(client, httpx.Client):
        client.close()


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def test_registered_through_the_entry_point() -> None:
    [entry_point] = [ep for ep in entry_points(group="authwire") if ep.name == "auth0"]
    assert entry_point.load() is authwire_auth0
    assert "auth0" in providers.names()
    assert "auth0" not in providers.errors()
    assert providers.get("auth0") is AUTH0


def test_provider_values_are_the_authentication_apis() -> None:
    # https://auth0.com/docs/api/authentication
    bound = AUTH0.bind(domain=DOMAIN)
    assert bound.issuer == f"https://{DOMAIN}/"  # the trailing slash is Auth0's
    assert bound.authorization_endpoint == f"https://{DOMAIN}/authorize"
    assert bound.token_endpoint == f"https://{DOMAIN}/oauth/token"
    assert bound.userinfo_endpoint == f"https://{DOMAIN}/userinfo"
    assert bound.revocation_endpoint == f"https://{DOMAIN}/oauth/revoke"
    assert bound.jwks_uri == f"https://{DOMAIN}/.well-known/jwks.json"
    assert bound.end_session_endpoint == f"https://{DOMAIN}/oidc/logout"
    assert bound.discovery_url == f"https://{DOMAIN}/.well-known/openid-configuration"
    assert issuer("login.example.com") == "https://login.example.com/"
    assert AUTH0.protocols == ("oauth2", "openid")
    for quirk in AUTH0.quirks:
        assert quirk.url.startswith("https://auth0.com/docs/")


@pytest.mark.parametrize("bad", ["https://dev-abc123.us.auth0.com", "a.auth0.com/x", "", None])
def test_domain_must_be_a_host_name(bad: Any) -> None:
    with pytest.raises(ValueError, match="domain"):
        oauth2_client(CLIENT_ID, domain=bad)
    with pytest.raises(ValueError, match="domain"):
        client_credentials_client(CLIENT_ID, CLIENT_SECRET, domain=bad, audience=API)


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
        dict(engine.authorize_params),
        client.timeout,
    )


@pytest.mark.parametrize("is_async", [False, True])
def test_named_constructor_equals_from_provider(is_async: bool) -> None:
    cls: Any = AsyncOAuth2Client if is_async else OAuth2Client
    constructor = async_oauth2_client if is_async else oauth2_client
    common: dict[str, Any] = {"redirect_uri": "https://app.test/cb", "timeout": 7.0}
    made = constructor(CLIENT_ID, CLIENT_SECRET, domain=DOMAIN, audience=API, **common)
    expected = cls.from_provider(
        "auth0",
        domain=DOMAIN,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        audience=API,
        **common,
    )
    assert fingerprint(made) == fingerprint(expected)
    assert made.oauth.token_endpoint_auth_method == "client_secret_post"
    assert made.metadata["audience"] == API
    close(made)
    close(expected)


def test_authorization_url_carries_audience_and_organization() -> None:
    with oauth2_client(
        CLIENT_ID,
        CLIENT_SECRET,
        domain=DOMAIN,
        audience=API,
        organization=ORG,
        offline=True,
        redirect_uri="https://app.test/cb",
    ) as client:
        url, _ = client.create_authorization_url()
        params = query(url)
        assert url.startswith(f"https://{DOMAIN}/authorize?")
        assert params["audience"] == [API]
        assert params["organization"] == [ORG]
        assert params["scope"] == ["openid profile email offline_access"]
        assert params["code_challenge_method"] == ["S256"]
        # a call's own value wins
        assert query(client.create_authorization_url(organization="org_other")[0])[
            "organization"
        ] == ["org_other"]


def test_offline_adds_offline_access_to_a_given_scope_once() -> None:
    with oauth2_client(
        CLIENT_ID, domain=DOMAIN, offline=True, scope="openid offline_access read:orders"
    ) as client:
        assert client.scope == ["openid", "offline_access", "read:orders"]
    with pytest.raises(TypeError, match="offline"):
        oauth2_client(CLIENT_ID, domain=DOMAIN, offline="yes")  # type: ignore[arg-type]


def test_organization_twice_must_agree() -> None:
    with oauth2_client(
        CLIENT_ID, domain=DOMAIN, organization=ORG, authorize_params={"organization": ORG}
    ) as client:
        assert client.authorize_params == {"organization": ORG}
    with pytest.raises(ValueError, match="organization is given twice"):
        oauth2_client(
            CLIENT_ID, domain=DOMAIN, organization=ORG, authorize_params={"organization": "b"}
        )
    bads: tuple[Any, ...] = ("", " org_1", "org 1", 5)
    for bad in bads:
        with pytest.raises(ValueError, match="organization"):
            oauth2_client(CLIENT_ID, domain=DOMAIN, organization=bad)


def test_client_credentials_client_configuration() -> None:
    for constructor in (client_credentials_client, async_client_credentials_client):
        client: Any = constructor(CLIENT_ID, CLIENT_SECRET, domain=DOMAIN, audience=API)
        assert client.metadata["grant_type"] == "client_credentials"
        assert client.metadata["audience"] == API
        assert client.scope is None  # not the sign-in scopes
        close(client)
    for bad in (None, "", "  "):
        with pytest.raises(ValueError, match="audience"):
            client_credentials_client(CLIENT_ID, CLIENT_SECRET, domain=DOMAIN, audience=bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="client_secret"):
        client_credentials_client(CLIENT_ID, "", domain=DOMAIN, audience=API)
    with pytest.raises(TypeError, match="grant_type"):
        client_credentials_client(
            CLIENT_ID, CLIENT_SECRET, domain=DOMAIN, audience=API, grant_type="password"
        )


# -- organizations ----------------------------------------------------------------------------


def test_check_organization_by_id_and_by_name() -> None:
    check_organization({"org_id": ORG}, ORG)
    check_organization({"org_id": ORG, "org_name": "acme"}, "acme")
    check_organization({"org_name": "acme"}, "Acme")  # Auth0 writes names in lowercase
    with pytest.raises(IDTokenError) as caught:
        check_organization({"org_id": "org_other"}, ORG)
    assert caught.value.reason == ORG_ID
    assert "org_other" in str(caught.value)
    with pytest.raises(IDTokenError) as caught:
        check_organization({}, ORG)
    assert caught.value.reason == ORG_ID
    with pytest.raises(IDTokenError) as caught:
        check_organization({"org_id": ORG}, "acme")
    assert caught.value.reason == ORG_NAME


def fake_jwt(claims: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        raw = json.dumps(value).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256'})}.{part(claims)}.c2ln"


def token_response(grant_type: str, **body: Any) -> httpx.Response:
    request = httpx.Request(
        "POST", f"https://{DOMAIN}/oauth/token", content=f"grant_type={grant_type}".encode()
    )
    return httpx.Response(200, json={"access_token": "at", **body}, request=request)


def test_organization_hook_reads_the_id_token() -> None:
    hook = organization_id_token_check(ORG)
    good = token_response("authorization_code", id_token=fake_jwt({"org_id": ORG}))
    assert hook(good) is good
    with pytest.raises(IDTokenError, match="org_other"):
        hook(token_response("authorization_code", id_token=fake_jwt({"org_id": "org_other"})))
    # a code exchange without an ID token cannot be checked
    with pytest.raises(IDTokenError, match="openid"):
        hook(token_response("authorization_code"))
    # a refresh without one keeps the previous, checked claims
    refreshed = token_response("refresh_token")
    assert hook(refreshed) is refreshed
    # errors, non-JSON and malformed tokens are the core's to report
    for passthrough in (
        httpx.Response(403, json={"error": "invalid_grant"}),
        httpx.Response(200, content=b"<html>"),
        token_response("authorization_code", id_token="not-a-jwt"),
    ):
        assert hook(passthrough) is passthrough


def test_organization_request_hook_only_touches_client_credentials() -> None:
    hook = organization_token_request(ORG)
    url = f"https://{DOMAIN}/oauth/token"
    _, _, body = hook(url, {}, "grant_type=client_credentials&audience=x")
    assert parse_qs(body)["organization"] == [ORG]
    given = "grant_type=client_credentials&organization=org_mine"
    assert hook(url, {}, given)[2] == given
    code = "grant_type=authorization_code&code=c"
    assert hook(url, {}, code)[2] == code


# -- legacy logout ----------------------------------------------------------------------------


def test_legacy_logout_url() -> None:
    with oauth2_client(CLIENT_ID, domain=DOMAIN) as client:
        url = legacy_logout_url(client, "https://app.test/bye")
        assert url == (
            f"https://{DOMAIN}/v2/logout?client_id={CLIENT_ID}&returnTo=https%3A%2F%2Fapp.test%2Fbye"
        )
        assert legacy_logout_url(client, federated=True).endswith("&federated")
        assert legacy_logout_url(client, send_client_id=False) == f"https://{DOMAIN}/v2/logout"
        assert legacy_logout_url(client, send_client_id=False, federated=True).endswith(
            "/v2/logout?federated"
        )
        with pytest.raises(ValueError, match="return_to"):
            legacy_logout_url(client, "/relative")
    with OAuth2Client(CLIENT_ID) as plain, pytest.raises(ValueError, match="Auth0 issuer"):
        legacy_logout_url(plain)
