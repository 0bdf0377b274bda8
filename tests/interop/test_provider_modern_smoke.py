"""Smoke tests of the provider's issue-8 features, with plain httpx (not authwire).

Device flow (RFC 8628), PAR (RFC 9126), JAR (RFC 9101), DPoP (RFC 9449), token exchange
(RFC 8693, our own handler) and resource indicators (RFC 8707): each test proves one piece of
the configuration that the authwire interop tests rely on.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
import uuid
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import anyio
import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet

from tests.interop._oidc import (
    ACCESS_TOKEN_TYPE,
    API_RESOURCE,
    DEVICE_CODE_GRANT,
    DEVICE_POLL_INTERVAL,
    OTHER_RESOURCE,
    TOKEN_EXCHANGE_GRANT,
    AuthorizationWalkError,
    OidcClient,
    OidcProvider,
    aapprove_device,
    approve_device,
    follow_authorization,
    pkce_pair,
)

pytestmark = pytest.mark.interop

CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


# -- helpers ------------------------------------------------------------------------------------


def client_auth(provider: OidcProvider, client: OidcClient) -> dict[str, Any]:
    """httpx keyword arguments (``headers``, ``data``) authenticating ``client``."""
    method = client.token_endpoint_auth_method
    if method == "client_secret_basic":
        user, password = client.basic_auth
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        return {"headers": {"Authorization": f"Basic {token}"}, "data": {}}
    if method == "client_secret_post":
        assert client.client_secret is not None
        return {"data": {"client_id": client.client_id, "client_secret": client.client_secret}}
    if method == "none":
        return {"data": {"client_id": client.client_id}}
    assert method == "private_key_jwt"
    assert client.key is not None
    now = int(time.time())
    assertion = client.key.sign(
        {
            "iss": client.client_id,
            "sub": client.client_id,
            "aud": provider.issuer,
            "jti": uuid.uuid4().hex,
            "iat": now,
            "exp": now + 60,
        }
    )
    return {"data": {"client_assertion_type": CLIENT_ASSERTION_TYPE, "client_assertion": assertion}}


def post(
    http: httpx.Client,
    provider: OidcProvider,
    client: OidcClient,
    url: str,
    headers: dict[str, str] | None = None,
    /,
    **form: str,
) -> httpx.Response:
    """POST ``form`` to ``url`` with ``client``'s authentication."""
    auth = client_auth(provider, client)
    return http.post(
        url,
        data={**form, **auth["data"]},
        headers={**auth.get("headers", {}), **(headers or {})},
    )


def authorization_params(client: OidcClient, **params: str) -> tuple[dict[str, str], str]:
    """Code-flow parameters with S256 PKCE; returns them and the code_verifier."""
    verifier, challenge = pkce_pair()
    return {
        "response_type": "code",
        "client_id": client.client_id,
        "redirect_uri": client.redirect_uri,
        "scope": "openid email api:read",
        "state": secrets.token_urlsafe(16),
        "nonce": secrets.token_urlsafe(16),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **params,
    }, verifier


def walk(provider: OidcProvider, **query: str) -> dict[str, list[str]]:
    """Follow the authorization URL for ``query``; the redirect's query parameters."""
    redirect = follow_authorization(f"{provider.authorization_endpoint}?{urlencode(query)}")
    assert redirect.startswith(provider.basic.redirect_uri + "?"), redirect
    return parse_qs(urlsplit(redirect).query)


def exchange_code(
    http: httpx.Client,
    provider: OidcProvider,
    client: OidcClient,
    code: str,
    verifier: str,
    headers: dict[str, str] | None = None,
    /,
    **form: str,
) -> httpx.Response:
    return post(
        http,
        provider,
        client,
        provider.token_endpoint,
        headers,
        grant_type="authorization_code",
        code=code,
        code_verifier=verifier,
        redirect_uri=client.redirect_uri,
        **form,
    )


def introspect(http: httpx.Client, provider: OidcProvider, token: str) -> dict[str, Any]:
    response = post(
        http, provider, provider.exchanger, provider.introspection_endpoint, token=token
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


# -- discovery ----------------------------------------------------------------------------------


def test_discovery_lists_the_new_features(provider: OidcProvider, http: httpx.Client) -> None:
    doc = http.get(provider.discovery_url).json()
    assert provider.device_authorization_endpoint == f"{provider.issuer}/device/auth"
    assert {DEVICE_CODE_GRANT, TOKEN_EXCHANGE_GRANT} <= set(doc["grant_types_supported"])
    assert doc["request_parameter_supported"] is True
    assert "ES256" in doc["request_object_signing_alg_values_supported"]
    assert doc["dpop_signing_alg_values_supported"] == ["ES256", "Ed25519", "EdDSA"]
    assert doc["pushed_authorization_request_endpoint"] == f"{provider.issuer}/request"


# -- device authorization grant (RFC 8628) -----------------------------------------------------


def device_authorization(
    http: httpx.Client, provider: OidcProvider, client: OidcClient, **form: str
) -> dict[str, Any]:
    response = post(http, provider, client, provider.device_authorization_endpoint, **form)
    assert response.status_code == 200, response.text
    return dict(response.json())


def poll(
    http: httpx.Client, provider: OidcProvider, client: OidcClient, device_code: str
) -> httpx.Response:
    return post(
        http,
        provider,
        client,
        provider.token_endpoint,
        grant_type=DEVICE_CODE_GRANT,
        device_code=device_code,
    )


def test_device_flow_approved(provider: OidcProvider, http: httpx.Client) -> None:
    client = provider.device
    started = device_authorization(http, provider, client, scope="openid email api:read")
    assert set(started) == {
        "device_code",
        "user_code",
        "verification_uri",
        "verification_uri_complete",
        "expires_in",
        "interval",
    }
    assert started["verification_uri"] == f"{provider.issuer}/device"
    assert started["interval"] == DEVICE_POLL_INTERVAL
    assert started["expires_in"] == 600

    pending = poll(http, provider, client, started["device_code"])
    assert pending.status_code == 400
    assert pending.json()["error"] == "authorization_pending"
    too_fast = poll(http, provider, client, started["device_code"])
    assert too_fast.status_code == 400
    assert too_fast.json()["error"] == "slow_down"

    page = approve_device(started["verification_uri"], started["user_code"])
    assert 'data-outcome="success"' in page

    time.sleep(DEVICE_POLL_INTERVAL)
    tokens = poll(http, provider, client, started["device_code"])
    assert tokens.status_code == 200, tokens.text
    body = tokens.json()
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "openid email api:read"
    assert {"access_token", "id_token", "refresh_token", "expires_in"} <= set(body)

    used = poll(http, provider, client, started["device_code"])
    assert used.json()["error"] == "invalid_grant"
    with pytest.raises(AuthorizationWalkError, match="NotFoundError"):  # consumed: gone
        approve_device(started["verification_uri_complete"])


def test_device_flow_denied(provider: OidcProvider, http: httpx.Client) -> None:
    client = provider.device_confidential
    started = device_authorization(http, provider, client, scope="openid")
    page = anyio.run(lambda: aapprove_device(started["verification_uri_complete"], deny=True))
    assert 'data-error="AbortedError"' in page
    denied = poll(http, provider, client, started["device_code"])
    assert denied.status_code == 400
    assert denied.json()["error"] == "access_denied"


@pytest.mark.parametrize("name", ["device_confidential", "device_post", "device_pkjwt"])
def test_device_authorization_authenticates_clients(
    provider: OidcProvider, http: httpx.Client, name: str
) -> None:
    client = getattr(provider, name)
    started = device_authorization(http, provider, client, scope="api:read")
    assert poll(http, provider, client, started["device_code"]).json()["error"] == (
        "authorization_pending"
    )

    wrong = http.post(
        provider.device_authorization_endpoint,
        data={"scope": "api:read"},
        auth=(provider.device_confidential.client_id, "not-the-secret"),
    )
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"


# -- pushed authorization requests (RFC 9126) ---------------------------------------------------


def test_par_required(provider: OidcProvider, http: httpx.Client) -> None:
    client = provider.par_required
    params, verifier = authorization_params(client)
    refused = walk(provider, **params)
    assert refused["error"] == ["invalid_request"]
    assert refused["error_description"] == ["Pushed Authorization Request must be used"]

    pushed = post(http, provider, client, provider.pushed_authorization_request_endpoint, **params)
    assert pushed.status_code == 201, pushed.text
    assert pushed.json()["expires_in"] == 60
    request_uri = pushed.json()["request_uri"]
    assert request_uri.startswith("urn:ietf:params:oauth:request_uri:")

    query = walk(provider, client_id=client.client_id, request_uri=request_uri)
    assert query["state"] == [params["state"]]
    tokens = exchange_code(http, provider, client, query["code"][0], verifier)
    assert tokens.status_code == 200, tokens.text


# -- JWT-secured authorization requests (RFC 9101) ----------------------------------------------


def request_object(provider: OidcProvider, client: OidcClient, params: dict[str, str]) -> str:
    """A request object: the parameters as claims, plus iss = client_id and aud = issuer."""
    assert client.key is not None
    now = int(time.time())
    claims = {"iss": client.client_id, "aud": provider.issuer, "iat": now, "exp": now + 60}
    return client.key.sign({**claims, **params}, typ="oauth-authz-req+jwt")


def test_jar_required(provider: OidcProvider, http: httpx.Client) -> None:
    client = provider.jar_required
    params, verifier = authorization_params(client)
    refused = walk(provider, **params)
    assert refused["error"] == ["invalid_request"]
    assert refused["error_description"] == ["Request Object must be used by this client"]

    by_value = walk(
        provider, client_id=client.client_id, request=request_object(provider, client, params)
    )
    assert by_value["state"] == [params["state"]]
    tokens = exchange_code(http, provider, client, by_value["code"][0], verifier)
    assert tokens.status_code == 200, tokens.text

    params, verifier = authorization_params(client)
    pushed = post(
        http,
        provider,
        client,
        provider.pushed_authorization_request_endpoint,
        request=request_object(provider, client, params),
    )
    assert pushed.status_code == 201, pushed.text
    by_reference = walk(
        provider, client_id=client.client_id, request_uri=pushed.json()["request_uri"]
    )
    assert by_reference["state"] == [params["state"]]
    tokens = exchange_code(http, provider, client, by_reference["code"][0], verifier)
    assert tokens.status_code == 200, tokens.text


# -- DPoP (RFC 9449) -------------------------------------------------------------------------------


def dpop_proof(
    key: ECKey,
    method: str,
    url: str,
    *,
    nonce: str | None = None,
    access_token: str | None = None,
) -> str:
    header = {"typ": "dpop+jwt", "alg": "ES256", "jwk": key.as_dict(private=False)}
    claims: dict[str, Any] = {
        "jti": uuid.uuid4().hex,
        "htm": method,
        "htu": url,
        "iat": int(time.time()),
    }
    if nonce is not None:
        claims["nonce"] = nonce
    if access_token is not None:
        digest = hashlib.sha256(access_token.encode("ascii")).digest()
        claims["ath"] = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return jwt.encode(header, claims, key)


def test_dpop_required_client_needs_proof_and_nonce(
    provider: OidcProvider, http: httpx.Client
) -> None:
    client = provider.dpop_required
    key = ECKey.generate_key("P-256")
    params, verifier = authorization_params(client)
    code = walk(provider, **params)["code"][0]
    token_url = provider.token_endpoint

    no_proof = exchange_code(http, provider, client, code, verifier)
    assert no_proof.status_code == 400
    assert no_proof.json() == {
        "error": "invalid_grant",
        "error_description": "grant request is invalid",
    }

    proof = dpop_proof(key, "POST", token_url)
    challenge = exchange_code(http, provider, client, code, verifier, {"DPoP": proof})
    assert challenge.status_code == 400
    assert challenge.json() == {
        "error": "use_dpop_nonce",
        "error_description": "nonce is required in the DPoP proof",
    }
    nonce = challenge.headers["DPoP-Nonce"]
    assert "www-authenticate" not in challenge.headers

    proof = dpop_proof(key, "POST", token_url, nonce=nonce)
    tokens = exchange_code(http, provider, client, code, verifier, {"DPoP": proof})
    assert tokens.status_code == 200, tokens.text
    assert tokens.json()["token_type"] == "DPoP"
    access_token = tokens.json()["access_token"]
    info = introspect(http, provider, access_token)
    assert info["token_type"] == "DPoP"
    assert info["cnf"] == {"jkt": key.thumbprint()}

    userinfo = provider.userinfo_endpoint
    proof = dpop_proof(key, "GET", userinfo, access_token=access_token)
    challenged = http.get(
        userinfo, headers={"Authorization": f"DPoP {access_token}", "DPoP": proof}
    )
    assert challenged.status_code == 401
    assert challenged.headers["www-authenticate"].startswith('DPoP realm="')
    assert 'error="use_dpop_nonce"' in challenged.headers["www-authenticate"]
    assert challenged.json()["error"] == "use_dpop_nonce"
    nonce = challenged.headers["DPoP-Nonce"]

    proof = dpop_proof(key, "GET", userinfo, access_token=access_token, nonce=nonce)
    answered = http.get(userinfo, headers={"Authorization": f"DPoP {access_token}", "DPoP": proof})
    assert answered.status_code == 200, answered.text
    assert answered.json()["sub"] == provider.account.sub

    as_bearer = http.get(userinfo, headers={"Authorization": f"Bearer {access_token}"})
    assert as_bearer.status_code == 401


def test_dpop_without_nonce_for_other_clients(provider: OidcProvider, http: httpx.Client) -> None:
    key = ECKey.generate_key("P-256")
    proof = dpop_proof(key, "POST", provider.token_endpoint)
    response = post(
        http,
        provider,
        provider.basic,
        provider.token_endpoint,
        {"DPoP": proof},
        grant_type="client_credentials",
        scope="api:read",
    )
    assert response.status_code == 200, response.text
    assert response.json()["token_type"] == "DPoP"
    assert "DPoP-Nonce" in response.headers  # offered, not required


# -- token exchange (RFC 8693, our handler in oidc_provider/token_exchange.mjs) -----------------


def client_credentials(
    http: httpx.Client, provider: OidcProvider, client: OidcClient, **form: str
) -> dict[str, Any]:
    response = post(
        http, provider, client, provider.token_endpoint, grant_type="client_credentials", **form
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def exchange(http: httpx.Client, provider: OidcProvider, **form: str) -> httpx.Response:
    return post(
        http,
        provider,
        provider.exchanger,
        provider.token_endpoint,
        grant_type=TOKEN_EXCHANGE_GRANT,
        **form,
    )


def test_token_exchange_of_a_user_token(provider: OidcProvider, http: httpx.Client) -> None:
    client = provider.basic
    params, verifier = authorization_params(client, scope="openid api:read api:write")
    code = walk(provider, **params)["code"][0]
    user_token = exchange_code(http, provider, client, code, verifier).json()["access_token"]

    response = exchange(
        http,
        provider,
        subject_token=user_token,
        subject_token_type=ACCESS_TOKEN_TYPE,
        audience="urn:authwire:backend",
        scope="api:read",
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["issued_token_type"] == ACCESS_TOKEN_TYPE
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "api:read"
    assert 0 < body["expires_in"] <= 600
    info = introspect(http, provider, body["access_token"])
    assert info["active"] is True
    assert info["sub"] == provider.account.sub
    assert info["aud"] == "urn:authwire:backend"
    assert info["client_id"] == provider.exchanger.client_id
    assert "act" not in info


def test_token_exchange_with_actor(provider: OidcProvider, http: httpx.Client) -> None:
    subject = client_credentials(http, provider, provider.basic, scope="api:read api:write")
    actor = client_credentials(http, provider, provider.exchanger)
    response = exchange(
        http,
        provider,
        subject_token=subject["access_token"],
        subject_token_type=ACCESS_TOKEN_TYPE,
        actor_token=actor["access_token"],
        actor_token_type=ACCESS_TOKEN_TYPE,
        resource=API_RESOURCE,
        requested_token_type=ACCESS_TOKEN_TYPE,
    )
    assert response.status_code == 200, response.text
    assert response.json()["scope"] == "api:read api:write"
    info = introspect(http, provider, response.json()["access_token"])
    assert info["sub"] == provider.basic.client_id
    assert info["act"] == {"sub": provider.exchanger.client_id}
    assert info["aud"] == API_RESOURCE


@pytest.mark.parametrize(
    ("case", "error"),
    [
        ("no_subject_token_type", "invalid_request"),
        ("actor_without_type", "invalid_request"),
        ("refresh_token_type", "invalid_request"),
        ("unknown_subject", "invalid_grant"),
        ("wider_scope", "invalid_scope"),
        ("unknown_resource", "invalid_target"),
    ],
)
def test_token_exchange_rejects(
    provider: OidcProvider, http: httpx.Client, case: str, error: str
) -> None:
    subject = client_credentials(http, provider, provider.basic, scope="api:read")["access_token"]
    form = {"subject_token": subject, "subject_token_type": ACCESS_TOKEN_TYPE}
    changes: dict[str, dict[str, str]] = {
        "no_subject_token_type": {"subject_token_type": ""},
        "actor_without_type": {"actor_token": subject},
        "refresh_token_type": {
            "subject_token_type": "urn:ietf:params:oauth:token-type:refresh_token"
        },
        "unknown_subject": {"subject_token": "no-such-token"},
        "wider_scope": {"scope": "api:read api:write"},
        "unknown_resource": {"resource": "https://unknown.authwire.test/"},
    }
    form.update(changes[case])
    response = exchange(http, provider, **{k: v for k, v in form.items() if v})
    assert response.status_code == 400, response.text
    assert response.json()["error"] == error
    assert response.json()["error_description"]


# -- resource indicators (RFC 8707) ---------------------------------------------------------------


def decode_access_token(http: httpx.Client, provider: OidcProvider, token: str) -> dict[str, Any]:
    keys = KeySet.import_key_set(http.get(provider.jwks_uri).json())
    decoded = jwt.decode(token, keys)
    assert decoded.header["typ"] == "at+jwt"
    return dict(decoded.claims)


def test_resource_indicator_sets_the_audience(provider: OidcProvider, http: httpx.Client) -> None:
    client = provider.basic
    plain = client_credentials(http, provider, client, scope="api:read")
    assert plain["access_token"].count(".") == 0  # opaque, as without resource indicators

    for resource in (API_RESOURCE, OTHER_RESOURCE):
        body = client_credentials(http, provider, client, scope="api:read", resource=resource)
        claims = decode_access_token(http, provider, body["access_token"])
        assert claims["aud"] == resource
        assert claims["client_id"] == claims["sub"] == client.client_id
        assert claims["scope"] == "api:read"

    unknown = post(
        http,
        provider,
        client,
        provider.token_endpoint,
        grant_type="client_credentials",
        resource="https://unknown.authwire.test/",
    )
    assert unknown.status_code == 400
    assert unknown.json()["error"] == "invalid_target"


def test_resource_indicator_in_the_code_flow(provider: OidcProvider, http: httpx.Client) -> None:
    client = provider.basic
    params, verifier = authorization_params(client, resource=API_RESOURCE)
    code = walk(provider, **params)["code"][0]
    tokens = exchange_code(http, provider, client, code, verifier, resource=API_RESOURCE)
    assert tokens.status_code == 200, tokens.text
    claims = decode_access_token(http, provider, tokens.json()["access_token"])
    assert claims["aud"] == API_RESOURCE
    assert claims["sub"] == provider.account.sub
    assert claims["scope"] == "api:read"

    refreshed = post(
        http,
        provider,
        client,
        provider.token_endpoint,
        grant_type="refresh_token",
        refresh_token=tokens.json()["refresh_token"],
    )
    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.json()["access_token"].count(".") == 0  # no resource: for UserInfo
