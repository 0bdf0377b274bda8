"""OAuth 1.0a against a real provider (oauthlib's endpoints), on every client flavor.

Every signature method x every placement runs the three-legged flow and then signed requests
to a protected resource; oauthlib checks each signature with its own code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from authwire import (
    SIGNATURE_HMAC_SHA1,
    SIGNATURE_HMAC_SHA256,
    SIGNATURE_PLAINTEXT,
    SIGNATURE_RSA_SHA1,
    SIGNATURE_RSA_SHA256,
    SIGNATURE_TYPE_BODY,
    SIGNATURE_TYPE_HEADER,
    SIGNATURE_TYPE_QUERY,
    OAuth1Auth,
    OAuthError,
    TokenResponseError,
)
from authwire.protocol import rfc5849
from tests._flavors import Flavor, aw, opened
from tests._oauth1 import oauth1_client, rsa_key_pair
from tests.interop.oauth1_server import OAuth1Provider

pytestmark = pytest.mark.interop

METHODS = [
    SIGNATURE_HMAC_SHA1,
    SIGNATURE_HMAC_SHA256,
    SIGNATURE_RSA_SHA1,
    SIGNATURE_RSA_SHA256,
    SIGNATURE_PLAINTEXT,
]
PLACEMENTS = [SIGNATURE_TYPE_HEADER, SIGNATURE_TYPE_QUERY, SIGNATURE_TYPE_BODY]


def _credentials(provider: OAuth1Provider, method: str) -> dict[str, Any]:
    if method.startswith("RSA-"):
        private_pem, public_pem = rsa_key_pair()
        client = provider.register_client(rsa_public_key=public_pem)
        return {"client_id": client.client_key, "rsa_key": private_pem}
    client = provider.register_client()
    return {"client_id": client.client_key, "client_secret": client.client_secret}


def _approve(authorization_url: str) -> httpx.Response:
    """The resource owner's browser: open the authorization URL, follow the redirect."""
    with httpx.Client(follow_redirects=True, timeout=10) as browser:
        response = browser.get(authorization_url)
    assert response.status_code == 200
    return response


async def _three_legs(client: Any, provider: OAuth1Provider) -> tuple[Any, Any, Any]:
    request_token = await aw(client.fetch_request_token(provider.url("/request_token")))
    authorization_url = client.create_authorization_url(provider.url("/authorize"))
    assert isinstance(authorization_url, str)
    callback = _approve(authorization_url)
    params = client.parse_authorization_response(str(callback.url))
    access_token = await aw(client.fetch_access_token(provider.url("/access_token")))
    return request_token, params, access_token


@pytest.mark.parametrize("placement", PLACEMENTS)
@pytest.mark.parametrize("method", METHODS)
def test_three_legged_flow_then_signed_get_and_form_post(
    oauth1_provider: OAuth1Provider, flavor: Flavor, method: str, placement: str
) -> None:
    provider = oauth1_provider

    async def scenario() -> None:
        client = oauth1_client(
            flavor,
            **_credentials(provider, method),
            signature_method=method,
            signature_type=placement,
            redirect_uri=provider.url("/callback?session=abc"),
            timeout=10,
        )
        async with opened(client):
            request_token, params, access_token = await _three_legs(client, provider)

            assert request_token["oauth_callback_confirmed"] == "true"
            assert params["oauth_token"] == request_token["oauth_token"]
            assert params["session"] == "abc"
            assert params["oauth_verifier"]
            assert access_token["oauth_token"] in provider.state.access_tokens
            assert request_token["oauth_token"] not in provider.state.request_tokens  # spent
            assert client.token["oauth_token"] == access_token["oauth_token"]
            assert client.token["oauth_token_secret"] == access_token["oauth_token_secret"]
            assert client.token["oauth_verifier"] is None

            if placement != SIGNATURE_TYPE_BODY:  # body placement needs a form body
                response = await aw(
                    client.get(
                        provider.url("/resource/photos"),
                        params={"file": "vacation.jpg", "size": "original", "note": "a b+c/é~"},
                    )
                )
                assert response.status_code == 200, response.text
                echo = response.json()
                assert echo["method"] == "GET"
                assert echo["token"] == access_token["oauth_token"]
                assert echo["oauth_params"]["oauth_signature_method"] == method
                query = dict(echo["query"])
                assert query["note"] == "a b+c/é~"
                assert ("oauth_signature" in query) is (placement == SIGNATURE_TYPE_QUERY)

            response = await aw(
                client.post(
                    provider.url("/resource/upload?album=summer"),
                    data={
                        "title": "Hello Ladies + Gentlemen, a signed request!",
                        "tag": ["a", "b"],
                    },
                )
            )
            assert response.status_code == 200, response.text
            echo = response.json()
            assert echo["content_type"].startswith("application/x-www-form-urlencoded")
            assert echo["token"] == access_token["oauth_token"]
            assert "title=Hello+Ladies+%2B+Gentlemen%2C+a+signed+request%21" in echo["body"]
            assert ("oauth_signature=" in echo["body"]) is (placement == SIGNATURE_TYPE_BODY)

    flavor.run(scenario)


@pytest.mark.parametrize("placement", [SIGNATURE_TYPE_HEADER, SIGNATURE_TYPE_QUERY])
def test_json_body_is_sent_and_covered_by_body_hash(
    oauth1_provider: OAuth1Provider, flavor: Flavor, placement: str
) -> None:
    provider = oauth1_provider

    async def scenario() -> None:
        client = oauth1_client(
            flavor,
            **_credentials(provider, SIGNATURE_HMAC_SHA1),
            signature_type=placement,
            redirect_uri=provider.url("/callback"),
            force_include_body=True,
            timeout=10,
        )
        async with opened(client):
            await _three_legs(client, provider)
            payload = {"status": "Hello Ladies + Gentlemen", "n": [1, 2, 3], "é": True}
            response = await aw(client.post(provider.url("/resource/json"), json=payload))
            assert response.status_code == 200, response.text
            echo = response.json()
            sent = response.request.content
            assert echo["body"].encode("utf-8") == sent
            assert json.loads(echo["body"]) == payload
            expected = base64.b64encode(hashlib.sha1(sent).digest()).decode("ascii")
            assert echo["oauth_params"]["oauth_body_hash"] == expected

    flavor.run(scenario)


def test_json_body_without_force_include_body_is_sent_unhashed(
    oauth1_provider: OAuth1Provider, flavor: Flavor
) -> None:
    provider = oauth1_provider

    async def scenario() -> None:
        client = oauth1_client(
            flavor,
            **_credentials(provider, SIGNATURE_HMAC_SHA1),
            redirect_uri=provider.url("/callback"),
            timeout=10,
        )
        async with opened(client):
            await _three_legs(client, provider)
            response = await aw(client.put(provider.url("/resource/json"), json={"a": 1}))
            assert response.status_code == 200, response.text
            echo = response.json()
            assert json.loads(echo["body"]) == {"a": 1}
            assert "oauth_body_hash" not in echo["oauth_params"]

    flavor.run(scenario)


def test_out_of_band_flow_with_realm(oauth1_provider: OAuth1Provider, flavor: Flavor) -> None:
    """No redirect URI: ``oauth_callback=oob``; the verifier is shown, then typed in."""
    provider = oauth1_provider

    async def scenario() -> None:
        client = oauth1_client(
            flavor, **_credentials(provider, SIGNATURE_HMAC_SHA1), realm="photos", timeout=10
        )
        async with opened(client):
            await aw(client.fetch_request_token(provider.url("/request_token")))
            shown = _approve(client.create_authorization_url(provider.url("/authorize")))
            assert shown.headers["content-type"] == "application/x-www-form-urlencoded"
            verifier = httpx.QueryParams(shown.text)["oauth_verifier"]
            token = await aw(
                client.fetch_access_token(provider.url("/access_token"), verifier=verifier)
            )
            assert token["oauth_authorized_realms"] == "photos"
            echo = (await aw(client.get(provider.url("/resource/r")))).json()
            assert echo["realm"] == "photos"

    flavor.run(scenario)


def test_wrong_verifier_is_refused(oauth1_provider: OAuth1Provider, flavor: Flavor) -> None:
    provider = oauth1_provider

    async def scenario() -> None:
        client = oauth1_client(
            flavor,
            **_credentials(provider, SIGNATURE_HMAC_SHA1),
            redirect_uri=provider.url("/callback"),
            timeout=10,
        )
        async with opened(client):
            await aw(client.fetch_request_token(provider.url("/request_token")))
            _approve(client.create_authorization_url(provider.url("/authorize")))
            with pytest.raises(TokenResponseError) as caught:
                await aw(
                    client.fetch_access_token(provider.url("/access_token"), verifier="x" * 30)
                )
            assert caught.value.status_code == 401
            assert caught.value.error == "fetch_token_denied"
            assert isinstance(caught.value, OAuthError)

    flavor.run(scenario)


def _sign_hmac_sha512(base_string: str, key: rfc5849.SigningKey) -> str:
    digest = hmac.digest(key.hmac_key, base_string.encode("ascii"), "sha512")
    return base64.b64encode(digest).decode("ascii")


def test_registered_signature_method_hmac_sha512(
    oauth1_provider: OAuth1Provider, flavor: Flavor
) -> None:
    """A method added through the registry (oauthlib verifies HMAC-SHA512)."""
    provider = oauth1_provider

    async def scenario() -> None:
        client = oauth1_client(
            flavor,
            **_credentials(provider, SIGNATURE_HMAC_SHA1),
            signature_method="HMAC-SHA512",
            redirect_uri=provider.url("/callback"),
            timeout=10,
        )
        async with opened(client):
            await _three_legs(client, provider)
            echo = (await aw(client.get(provider.url("/resource/x")))).json()
            assert echo["oauth_params"]["oauth_signature_method"] == "HMAC-SHA512"

    rfc5849.register_signature_method("HMAC-SHA512", _sign_hmac_sha512)
    try:
        flavor.run(scenario)
    finally:
        rfc5849.unregister_signature_method("HMAC-SHA512")


def test_oauth1_auth_on_a_plain_httpx_client(
    oauth1_provider: OAuth1Provider, flavor: Flavor
) -> None:
    """The token from the flow, used through ``OAuth1Auth`` on a plain httpx client."""
    provider = oauth1_provider
    credentials = _credentials(provider, SIGNATURE_RSA_SHA256)

    async def scenario() -> None:
        client = oauth1_client(
            flavor,
            **credentials,
            signature_method=SIGNATURE_RSA_SHA256,
            redirect_uri=provider.url("/callback"),
            timeout=10,
        )
        async with opened(client):
            _, _, token = await _three_legs(client, provider)
        auth = OAuth1Auth(
            credentials["client_id"],
            token=token["oauth_token"],
            token_secret=token["oauth_token_secret"],
            rsa_key=credentials["rsa_key"],
            signature_method=SIGNATURE_RSA_SHA256,
        )
        plain = flavor.pick(httpx.Client, httpx.AsyncClient)(auth=auth, timeout=10)
        async with opened(plain):
            response = await aw(plain.post(provider.url("/resource/plain"), data={"k": "v"}))
        assert response.status_code == 200, response.text
        assert response.json()["token"] == token["oauth_token"]

    flavor.run(scenario)


@pytest.mark.parametrize("method", [SIGNATURE_HMAC_SHA1, SIGNATURE_RSA_SHA256, SIGNATURE_PLAINTEXT])
def test_wrong_credentials_are_refused(
    oauth1_provider: OAuth1Provider, flavor: Flavor, method: str
) -> None:
    """The provider really checks: a wrong secret (or another RSA key) is a 401."""
    provider = oauth1_provider
    credentials = _credentials(provider, method)
    if method.startswith("RSA-"):
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        credentials["rsa_key"] = other
    else:
        credentials["client_secret"] = "not-the-secret"

    async def scenario() -> None:
        client = oauth1_client(flavor, **credentials, signature_method=method, timeout=10)
        async with opened(client):
            with pytest.raises(TokenResponseError) as caught:
                await aw(client.fetch_request_token(provider.url("/request_token")))
            assert caught.value.status_code == 401
            assert "not-the-secret" not in str(caught.value)

    flavor.run(scenario)
