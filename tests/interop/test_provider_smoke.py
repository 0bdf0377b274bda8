"""Smoke tests of the interop OpenID provider itself, with plain httpx (not authwire).

They prove that the provider's configuration does what the authwire interop tests rely on.
"""

from __future__ import annotations

import base64
import secrets
import time
import uuid
import warnings
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import anyio
import httpx
import pytest
from joserfc import jwt
from joserfc.errors import SecurityWarning
from joserfc.jwk import KeySet, OctKey

from tests.interop._oidc import (
    CLIENT_CREDENTIALS_SCOPES,
    JWT_BEARER_GRANT,
    REDIRECT_URI,
    SHORT_ACCESS_TOKEN_TTL,
    OidcClient,
    OidcProvider,
    afollow_authorization,
    follow_authorization,
    generate_key,
    pkce_pair,
)

pytestmark = pytest.mark.interop

CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def authorization_url(provider: OidcProvider, client: OidcClient, **params: str) -> str:
    query = {
        "response_type": "code",
        "client_id": client.client_id,
        "redirect_uri": client.redirect_uri,
        "scope": "openid email profile api:read",
        "state": secrets.token_urlsafe(16),
        "nonce": secrets.token_urlsafe(16),
        **params,
    }
    return f"{provider.authorization_endpoint}?{urlencode(query)}"


def authorize(provider: OidcProvider, client: OidcClient, **params: str) -> tuple[str, str]:
    """Run the authorization request with S256 PKCE; return (code, code_verifier)."""
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(16)
    url = authorization_url(
        provider,
        client,
        state=state,
        code_challenge=challenge,
        code_challenge_method="S256",
        **params,
    )
    redirect = follow_authorization(url)
    parts = urlsplit(redirect)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == client.redirect_uri
    query = parse_qs(parts.query)
    assert "error" not in query, query
    assert query["state"] == [state]
    assert query["iss"] == [provider.issuer]  # RFC 9207
    return query["code"][0], verifier


def basic_header(client: OidcClient) -> dict[str, str]:
    """RFC 6749 section 2.3.1: form-encode id and secret, then base64 "id:secret"."""
    user, password = client.basic_auth
    token = base64.b64encode(f"{user}:{password}".encode("ascii")).decode("ascii")
    return {"Authorization": f"Basic {token}"}


def client_auth(
    provider: OidcProvider, client: OidcClient
) -> tuple[dict[str, str], dict[str, str]]:
    """(headers, form fields) authenticating ``client`` at the token endpoint."""
    method = client.token_endpoint_auth_method
    if method == "client_secret_basic":
        return basic_header(client), {}
    if method == "client_secret_post":
        assert client.client_secret is not None
        return {}, {"client_id": client.client_id, "client_secret": client.client_secret}
    if method == "none":
        return {}, {"client_id": client.client_id}
    if method in ("private_key_jwt", "client_secret_jwt"):
        return {}, {
            "client_assertion_type": CLIENT_ASSERTION_TYPE,
            "client_assertion": client_assertion(provider, client),
        }
    raise AssertionError(method)


def client_assertion(provider: OidcProvider, client: OidcClient, alg: str | None = None) -> str:
    now = int(time.time())
    claims = {
        "iss": client.client_id,
        "sub": client.client_id,
        "aud": provider.token_endpoint,
        "jti": uuid.uuid4().hex,
        "iat": now,
        "exp": now + 60,
    }
    if client.token_endpoint_auth_method == "client_secret_jwt":
        assert client.client_secret is not None
        key = OctKey.import_key(client.client_secret.encode())
        return jwt.encode({"alg": "HS256"}, claims, key)
    assert client.key is not None
    return client.key.sign(claims, alg=alg)


def token_request(
    http: httpx.Client, provider: OidcProvider, client: OidcClient, **form: str
) -> httpx.Response:
    headers, auth_fields = client_auth(provider, client)
    return http.post(provider.token_endpoint, data={**form, **auth_fields}, headers=headers)


def introspect(http: httpx.Client, provider: OidcProvider, token: str) -> dict[str, Any]:
    response = http.post(
        provider.introspection_endpoint,
        data={"token": token},
        headers=basic_header(provider.basic),
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_discovery(provider: OidcProvider, http: httpx.Client) -> None:
    response = http.get(provider.discovery_url)
    assert response.status_code == 200
    doc = response.json()
    assert doc["issuer"] == provider.issuer == f"http://127.0.0.1:{provider.port}"
    assert doc["token_endpoint"] == f"{provider.issuer}/token"
    for name in (
        "authorization_endpoint",
        "introspection_endpoint",
        "revocation_endpoint",
        "userinfo_endpoint",
        "jwks_uri",
        "pushed_authorization_request_endpoint",
    ):
        assert doc[name].startswith(provider.issuer + "/")
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert doc["authorization_response_iss_parameter_supported"] is True
    assert {"authorization_code", "refresh_token", "client_credentials", JWT_BEARER_GRANT} <= set(
        doc["grant_types_supported"]
    )
    assert {
        "client_secret_basic",
        "client_secret_post",
        "client_secret_jwt",
        "private_key_jwt",
        "none",
    } <= set(doc["token_endpoint_auth_methods_supported"])
    assert {"RS256", "PS256", "ES256", "EdDSA", "Ed25519", "HS256"} <= set(
        doc["token_endpoint_auth_signing_alg_values_supported"]
    )
    assert set(CLIENT_CREDENTIALS_SCOPES) <= set(doc["scopes_supported"])


@pytest.mark.parametrize("name", ["basic_special", "basic", "post", "secret_jwt"])
def test_client_credentials(provider: OidcProvider, http: httpx.Client, name: str) -> None:
    client = getattr(provider, name)
    response = token_request(
        http, provider, client, grant_type="client_credentials", scope="api:read api:write"
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "api:read api:write"
    assert body["expires_in"] > 0
    info = introspect(http, provider, body["access_token"])
    assert info["active"] is True
    assert info["client_id"] == client.client_id


def test_basic_special_needs_form_encoding(provider: OidcProvider, http: httpx.Client) -> None:
    client = provider.basic_special
    assert client.client_secret is not None
    for char in ":% ":
        assert char in client.client_id
        assert char in client.client_secret
    raw = base64.b64encode(f"{client.client_id}:{client.client_secret}".encode()).decode()
    response = http.post(
        provider.token_endpoint,
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {raw}"},
    )
    assert response.status_code in (400, 401), response.text
    assert response.json()["error"] in ("invalid_client", "invalid_request")


def test_wrong_secret_is_invalid_client(provider: OidcProvider, http: httpx.Client) -> None:
    response = http.post(
        provider.token_endpoint,
        data={"grant_type": "client_credentials"},
        auth=(provider.basic.client_id, "not-the-secret"),
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response.headers["www-authenticate"].startswith("Basic ")


def test_authorization_code_pkce_userinfo_and_id_token(
    provider: OidcProvider, http: httpx.Client
) -> None:
    client = provider.basic_special
    nonce = secrets.token_urlsafe(16)
    code, verifier = authorize(provider, client, nonce=nonce)
    response = token_request(
        http,
        provider,
        client,
        grant_type="authorization_code",
        code=code,
        redirect_uri=client.redirect_uri,
        code_verifier=verifier,
    )
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert tokens["token_type"] == "Bearer"
    assert set(tokens) >= {"access_token", "id_token", "refresh_token", "expires_in", "scope"}

    jwks = KeySet.import_key_set(http.get(provider.jwks_uri).json())
    id_token = jwt.decode(tokens["id_token"], jwks)
    assert id_token.header["alg"] == "RS256"
    assert id_token.claims["iss"] == provider.issuer
    assert id_token.claims["aud"] == client.client_id
    assert id_token.claims["sub"] == provider.account.sub
    assert id_token.claims["nonce"] == nonce

    userinfo = http.get(
        provider.userinfo_endpoint,
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )
    assert userinfo.status_code == 200, userinfo.text
    claims = userinfo.json()
    assert claims["sub"] == provider.account.sub
    assert claims["email"] == provider.account.claims["email"]
    assert claims["email_verified"] is True
    assert claims["name"] == provider.account.claims["name"]

    replay = token_request(
        http,
        provider,
        client,
        grant_type="authorization_code",
        code=code,
        redirect_uri=client.redirect_uri,
        code_verifier=verifier,
    )
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"


def test_wrong_code_verifier_is_invalid_grant(provider: OidcProvider, http: httpx.Client) -> None:
    client = provider.post
    code, _ = authorize(provider, client)
    response = token_request(
        http,
        provider,
        client,
        grant_type="authorization_code",
        code=code,
        redirect_uri=client.redirect_uri,
        code_verifier=pkce_pair()[0],
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_public_client_requires_s256_pkce(provider: OidcProvider) -> None:
    client = provider.public
    for extra in ({}, {"code_challenge": "a" * 43, "code_challenge_method": "plain"}):
        redirect = follow_authorization(authorization_url(provider, client, **extra))
        query = parse_qs(urlsplit(redirect).query)
        assert query["error"] == ["invalid_request"], query
        assert query["iss"] == [provider.issuer]


@pytest.mark.parametrize("name", ["public", "basic_special", "post"])
def test_refresh_rotates(provider: OidcProvider, http: httpx.Client, name: str) -> None:
    client = getattr(provider, name)
    code, verifier = authorize(provider, client, scope="openid api:read")
    first = token_request(
        http,
        provider,
        client,
        grant_type="authorization_code",
        code=code,
        redirect_uri=client.redirect_uri,
        code_verifier=verifier,
    )
    assert first.status_code == 200, first.text
    old = first.json()["refresh_token"]

    second = token_request(http, provider, client, grant_type="refresh_token", refresh_token=old)
    assert second.status_code == 200, second.text
    rotated = second.json()
    assert rotated["refresh_token"] != old
    assert rotated["access_token"] != first.json()["access_token"]
    assert rotated["scope"] == "openid api:read"

    reused = token_request(http, provider, client, grant_type="refresh_token", refresh_token=old)
    assert reused.status_code == 400
    assert reused.json()["error"] == "invalid_grant"


def test_introspection_and_revocation(provider: OidcProvider, http: httpx.Client) -> None:
    client = provider.basic
    code, verifier = authorize(provider, client)
    tokens = token_request(
        http,
        provider,
        client,
        grant_type="authorization_code",
        code=code,
        redirect_uri=client.redirect_uri,
        code_verifier=verifier,
    ).json()

    info = introspect(http, provider, tokens["access_token"])
    assert info["active"] is True
    assert info["sub"] == provider.account.sub
    assert info["client_id"] == client.client_id
    assert info["token_type"] == "Bearer"
    assert "api:read" in info["scope"].split()
    assert introspect(http, provider, tokens["refresh_token"])["active"] is True

    revoke = http.post(
        provider.revocation_endpoint,
        data={"token": tokens["access_token"], "token_type_hint": "access_token"},
        headers=basic_header(client),
    )
    assert revoke.status_code == 200, revoke.text
    assert introspect(http, provider, tokens["access_token"])["active"] is False

    revoke = http.post(
        provider.revocation_endpoint,
        data={"token": tokens["refresh_token"]},
        headers=basic_header(client),
    )
    assert revoke.status_code == 200, revoke.text
    assert introspect(http, provider, tokens["refresh_token"])["active"] is False
    assert introspect(http, provider, "no-such-token") == {"active": False}


@pytest.mark.parametrize(
    ("name", "alg"),
    [
        ("pkjwt_rs256", None),
        ("pkjwt_ps256", None),
        ("pkjwt_es256", None),
        ("pkjwt_ed25519", None),
        ("pkjwt_ed25519", "EdDSA"),
    ],
)
def test_private_key_jwt(
    provider: OidcProvider, http: httpx.Client, name: str, alg: str | None
) -> None:
    client = getattr(provider, name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)  # joserfc: "EdDSA" is RFC 9864-deprecated
        assertion = client_assertion(provider, client, alg)
    form = {
        "grant_type": "client_credentials",
        "scope": "api:read",
        "client_assertion_type": CLIENT_ASSERTION_TYPE,
        "client_assertion": assertion,
    }
    response = http.post(provider.token_endpoint, data=form)
    assert response.status_code == 200, response.text
    assert response.json()["scope"] == "api:read"

    replay = http.post(provider.token_endpoint, data=form)
    assert replay.status_code == 401
    assert replay.json()["error"] == "invalid_client"


def test_private_key_jwt_by_authorization_code(provider: OidcProvider, http: httpx.Client) -> None:
    client = provider.pkjwt_es256
    code, verifier = authorize(provider, client)
    response = token_request(
        http,
        provider,
        client,
        grant_type="authorization_code",
        code=code,
        redirect_uri=client.redirect_uri,
        code_verifier=verifier,
    )
    assert response.status_code == 200, response.text
    assert "refresh_token" in response.json()


def test_short_lived_access_tokens(provider: OidcProvider, http: httpx.Client) -> None:
    client = provider.short_lived
    response = token_request(http, provider, client, grant_type="client_credentials")
    assert response.status_code == 200, response.text
    assert response.json()["expires_in"] == SHORT_ACCESS_TOKEN_TTL

    code, verifier = authorize(provider, client)
    tokens = token_request(
        http,
        provider,
        client,
        grant_type="authorization_code",
        code=code,
        redirect_uri=client.redirect_uri,
        code_verifier=verifier,
    ).json()
    assert tokens["expires_in"] == SHORT_ACCESS_TOKEN_TTL
    assert "refresh_token" in tokens

    deadline = time.monotonic() + SHORT_ACCESS_TOKEN_TTL + 3
    for _ in range(20):
        if not introspect(http, provider, tokens["access_token"])["active"]:
            break
        assert time.monotonic() < deadline, "the short-lived access token did not expire"
        time.sleep(0.5)
    refreshed = token_request(
        http, provider, client, grant_type="refresh_token", refresh_token=tokens["refresh_token"]
    )
    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.json()["expires_in"] == SHORT_ACCESS_TOKEN_TTL


def test_async_follow_authorization(provider: OidcProvider) -> None:
    url = authorization_url(
        provider,
        provider.basic,
        code_challenge=pkce_pair()[1],
        code_challenge_method="S256",
    )
    redirect = anyio.run(afollow_authorization, url)
    assert redirect.startswith(REDIRECT_URI + "?")
    assert "code" in parse_qs(urlsplit(redirect).query)


# -- jwt-bearer grant (our own handler in oidc_provider/jwt_bearer.mjs) -------------------------


def jwt_bearer(http: httpx.Client, provider: OidcProvider, assertion: str, **form: str) -> Any:
    return http.post(
        provider.token_endpoint,
        data={"grant_type": JWT_BEARER_GRANT, "assertion": assertion, **form},
    )


@pytest.mark.parametrize("alg", ["RS256", "ES256"])
def test_jwt_bearer_assertion_alone(provider: OidcProvider, http: httpx.Client, alg: str) -> None:
    account = provider.service_account
    assertion = account.assertion(provider.token_endpoint, alg=alg, scope="api:read")
    response = jwt_bearer(http, provider, assertion)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert 0 < body["expires_in"] <= 600
    assert body["scope"] == "api:read"
    info = introspect(http, provider, body["access_token"])
    assert info["active"] is True
    assert info["sub"] == account.issuer
    assert info["client_id"] == provider.jwt_bearer_public.client_id

    replay = jwt_bearer(http, provider, assertion)
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"


def test_jwt_bearer_scope_parameter_and_issuer_audience(
    provider: OidcProvider, http: httpx.Client
) -> None:
    assertion = provider.service_account.assertion(provider.issuer, scope="api:read")
    response = jwt_bearer(http, provider, assertion, scope="api:write")
    assert response.status_code == 200, response.text
    assert response.json()["scope"] == "api:write"


def test_jwt_bearer_with_client_authentication(provider: OidcProvider, http: httpx.Client) -> None:
    assertion = provider.service_account.assertion(provider.token_endpoint)
    response = http.post(
        provider.token_endpoint,
        data={"grant_type": JWT_BEARER_GRANT, "assertion": assertion, "scope": "api:read"},
        headers=basic_header(provider.basic),
    )
    assert response.status_code == 200, response.text
    info = introspect(http, provider, response.json()["access_token"])
    assert info["client_id"] == provider.basic.client_id

    explicit = jwt_bearer(
        http,
        provider,
        provider.service_account.assertion(provider.token_endpoint),
        client_id=provider.jwt_bearer_public.client_id,
    )
    assert explicit.status_code == 200, explicit.text


@pytest.mark.parametrize(
    ("case", "error"),
    [
        ("wrong_audience", "invalid_grant"),
        ("expired", "invalid_grant"),
        ("too_long", "invalid_grant"),
        ("unknown_issuer", "invalid_grant"),
        ("bad_signature", "invalid_grant"),
        ("scope_not_allowed", "invalid_scope"),
    ],
)
def test_jwt_bearer_rejects(
    provider: OidcProvider, http: httpx.Client, case: str, error: str
) -> None:
    account = provider.service_account
    aud = provider.token_endpoint
    assertion = {
        "wrong_audience": lambda: account.assertion(f"{provider.issuer}/elsewhere"),
        "expired": lambda: account.assertion(aud, iat=int(time.time()) - 600, lifetime=-300),
        "too_long": lambda: account.assertion(aud, lifetime=2 * 3600),
        "unknown_issuer": lambda: account.assertion(aud, iss="someone@else.test"),
        # right iss and kid, but signed by a key the service account does not have
        "bad_signature": lambda: generate_key("RS256").sign(
            {"iss": account.issuer, "aud": aud, "exp": int(time.time()) + 60},
            kid=account.keys["RS256"].kid,
        ),
        "scope_not_allowed": lambda: account.assertion(aud, scope="openid admin"),
    }[case]()
    response = jwt_bearer(http, provider, assertion)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == error


def test_unauthenticated_other_grants_still_rejected(
    provider: OidcProvider, http: httpx.Client
) -> None:
    response = http.post(provider.token_endpoint, data={"grant_type": "client_credentials"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
