"""OAuth1Client / AsyncOAuth1Client over httpx.MockTransport, every scenario on every flavor.

The mock provider checks each HMAC-SHA1 signature with oauthlib's functions (an independent
implementation) and answers like a typical OAuth 1.0a server.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import AsyncIterator, Iterator
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qsl
from urllib.request import parse_http_list, parse_keqv_list

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from oauthlib.oauth1.rfc5849 import signature as oauthlib_signature

from authwire import (
    SIGNATURE_HMAC_SHA1,
    SIGNATURE_RSA_SHA1,
    SIGNATURE_TYPE_BODY,
    SIGNATURE_TYPE_HEADER,
    SIGNATURE_TYPE_QUERY,
    AsyncOAuth1Client,
    AuthorizationResponseError,
    MissingTokenError,
    OAuth1Auth,
    OAuth1Client,
    OAuthError,
    TokenResponseError,
)
from authwire.protocol.rfc5849 import unescape
from tests._flavors import Flavor, aw, opened
from tests._oauth1 import oauth1_client, rsa_key_pair

CLIENT_ID = "client-key-0123456789"
CLIENT_SECRET = "CLIENT-SECRET-abcdef"
BASE = "https://provider.example"
FORM = "application/x-www-form-urlencoded"


def oauth_params(request: httpx.Request) -> dict[str, str]:
    """The oauth_* parameters of a request, wherever they were placed."""
    found: dict[str, str] = {}
    header = request.headers.get("Authorization", "")
    if header.startswith("OAuth "):
        found.update(
            {k: unescape(v) for k, v in parse_keqv_list(parse_http_list(header[6:])).items()}
        )
    found.update(parse_qsl(request.url.query.decode("ascii")))
    if request.headers.get("Content-Type", "").startswith(FORM):
        found.update(parse_qsl(request.content.decode("utf-8")))
    return {k: v for k, v in found.items() if k.startswith("oauth_") or k == "realm"}


class MockProvider:
    """An OAuth 1.0a provider behind ``httpx.MockTransport``; verifies HMAC-SHA1 signatures."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.secrets = {"rt": "REQUEST-SECRET-1", "at": "ACCESS-SECRET-22"}
        self.replies: dict[str, httpx.Response] = {}

    def signature_ok(self, request: httpx.Request) -> bool:
        params = oauth_params(request)
        form = request.headers.get("Content-Type", "").startswith(FORM)
        header = request.headers.get("Authorization")
        collected = oauthlib_signature.collect_parameters(
            uri_query=request.url.query.decode("ascii"),
            body=request.content.decode("utf-8") if form else [],
            headers={"Authorization": header} if header else None,
        )
        base = oauthlib_signature.signature_base_string(
            request.method,
            oauthlib_signature.base_string_uri(str(request.url)),
            oauthlib_signature.normalize_parameters(collected),
        )
        client = SimpleNamespace(
            client_secret=CLIENT_SECRET,
            resource_owner_secret=self.secrets.get(params.get("oauth_token", ""), ""),
        )
        expected = oauthlib_signature.sign_hmac_sha1_with_client(base, client)
        return params.get("oauth_signature") == expected

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        path = request.url.path
        if path in self.replies:
            return self.replies[path]
        params = oauth_params(request)
        if params.get("oauth_signature_method") == SIGNATURE_HMAC_SHA1 and not self.signature_ok(
            request
        ):
            return httpx.Response(401, text="error=invalid_signature")
        if path == "/request_token":
            return httpx.Response(
                200,
                headers={"Content-Type": FORM},
                text="oauth_token=rt&oauth_token_secret=REQUEST-SECRET-1&oauth_callback_confirmed=true",
            )
        if path == "/access_token":
            return httpx.Response(
                200,
                headers={"Content-Type": FORM},
                text="oauth_token=at&oauth_token_secret=ACCESS-SECRET-22&screen_name=ada",
            )
        return httpx.Response(200, json={"ok": True})

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


@pytest.fixture
def mock() -> MockProvider:
    return MockProvider()


def make(flavor: Flavor, mock: MockProvider, **kwargs: Any) -> Any:
    kwargs.setdefault("client_secret", CLIENT_SECRET)
    return oauth1_client(
        flavor, CLIENT_ID, transport=httpx.MockTransport(mock), base_url=BASE, **kwargs
    )


async def _to_access_token(client: Any) -> None:
    await aw(client.fetch_request_token("/request_token"))
    client.parse_authorization_response("https://app.example/cb?oauth_token=rt&oauth_verifier=v")
    await aw(client.fetch_access_token("/access_token"))


# --- construction ----------------------------------------------------------------------------


@pytest.mark.parametrize("client_id", [None, ""])
def test_client_id_is_required(flavor: Flavor, client_id: Any) -> None:
    with pytest.raises(ValueError, match="client_id"):
        flavor.pick(OAuth1Client, AsyncOAuth1Client)(client_id)


def test_auth_argument_is_refused(flavor: Flavor) -> None:
    with pytest.raises(TypeError, match="auth="):
        flavor.pick(OAuth1Client, AsyncOAuth1Client)(CLIENT_ID, auth=("u", "p"))


def test_unknown_signature_method_is_refused(flavor: Flavor) -> None:
    with pytest.raises(ValueError, match="signature_method"):
        flavor.pick(OAuth1Client, AsyncOAuth1Client)(CLIENT_ID, signature_method="HMAC-MD5")


def test_httpx_arguments_pass_through(flavor: Flavor, mock: MockProvider) -> None:
    seen: list[str] = []

    def hook(request: httpx.Request) -> None:
        seen.append(request.url.path)

    async def ahook(request: httpx.Request) -> None:
        hook(request)

    async def scenario() -> None:
        client = make(
            flavor,
            mock,
            headers={"User-Agent": "authwire-test"},
            params={"lang": "en"},
            timeout=3.5,
            event_hooks={"request": [flavor.pick(hook, ahook)]},
        )
        async with opened(client):
            await aw(client.fetch_request_token("/request_token"))
            await aw(client.get("/photos"))
        assert seen == ["/request_token", "/photos"]
        for request in mock.requests:
            assert request.headers["User-Agent"] == "authwire-test"
            assert request.url.params["lang"] == "en"
            assert request.extensions["timeout"]["read"] == 3.5

    flavor.run(scenario)


# --- the three steps -------------------------------------------------------------------------


def test_three_legged_flow(flavor: Flavor, mock: MockProvider) -> None:
    async def scenario() -> None:
        client = make(flavor, mock, redirect_uri="https://app.example/cb")
        async with opened(client):
            request_token = await aw(client.fetch_request_token("/request_token"))
            first = oauth_params(mock.last)
            assert first["oauth_callback"] == "https://app.example/cb"
            assert "oauth_token" not in first
            assert "oauth_verifier" not in first
            assert mock.last.method == "POST"
            assert request_token == {
                "oauth_token": "rt",
                "oauth_token_secret": "REQUEST-SECRET-1",
                "oauth_callback_confirmed": "true",
            }
            assert client.token["oauth_token"] == "rt"

            url = client.create_authorization_url(f"{BASE}/authorize?lang=en", force_login="1")
            assert isinstance(url, str)
            assert url == f"{BASE}/authorize?lang=en&oauth_token=rt&force_login=1"

            params = client.parse_authorization_response(
                "https://app.example/cb?oauth_token=rt&oauth_verifier=VERIFIER"
            )
            assert params == {"oauth_token": "rt", "oauth_verifier": "VERIFIER"}
            assert client.token["oauth_verifier"] == "VERIFIER"

            access_token = await aw(client.fetch_access_token("/access_token"))
            second = oauth_params(mock.last)
            assert second["oauth_token"] == "rt"
            assert second["oauth_verifier"] == "VERIFIER"
            assert "oauth_callback" not in second
            assert access_token["screen_name"] == "ada"
            assert client.token == {
                "oauth_token": "at",
                "oauth_token_secret": "ACCESS-SECRET-22",
                "oauth_verifier": None,
                "screen_name": "ada",
            }

            response = await aw(client.get("/photos", params={"file": "vacation.jpg"}))
            assert response.status_code == 200
            third = oauth_params(mock.last)
            assert third["oauth_token"] == "at"
            assert "oauth_verifier" not in third
            assert "oauth_callback" not in third
            assert all(mock.signature_ok(request) for request in mock.requests)

    flavor.run(scenario)


def test_callback_is_oob_without_redirect_uri(flavor: Flavor, mock: MockProvider) -> None:
    async def scenario() -> None:
        client = make(flavor, mock, token="old", token_secret="OLD-SECRET-xx")
        async with opened(client):
            await aw(client.fetch_request_token("/request_token", realm=["photos", "videos"]))
            params = oauth_params(mock.last)
            assert params["oauth_callback"] == "oob"
            assert params["realm"] == "photos videos"
            assert "oauth_token" not in params  # temporary credentials are asked without one
            assert mock.signature_ok(mock.last)

    flavor.run(scenario)


def test_verifier_given_to_fetch_access_token(flavor: Flavor, mock: MockProvider) -> None:
    async def scenario() -> None:
        client = make(flavor, mock)
        async with opened(client):
            await aw(client.fetch_request_token("/request_token"))
            await aw(client.fetch_access_token("/access_token", verifier="typed-in"))
            assert oauth_params(mock.last)["oauth_verifier"] == "typed-in"

    flavor.run(scenario)


def test_missing_verifier_raises_before_sending(flavor: Flavor, mock: MockProvider) -> None:
    async def scenario() -> None:
        client = make(flavor, mock, token="rt", token_secret="REQUEST-SECRET-1")
        async with opened(client):
            with pytest.raises(OAuthError) as caught:
                await aw(client.fetch_access_token("/access_token"))
            assert caught.value.error == "missing_verifier"
            assert mock.requests == []

    flavor.run(scenario)


def test_missing_request_token(flavor: Flavor, mock: MockProvider) -> None:
    async def scenario() -> None:
        client = make(flavor, mock)
        async with opened(client):
            with pytest.raises(MissingTokenError):
                client.create_authorization_url(f"{BASE}/authorize")
            assert client.create_authorization_url(f"{BASE}/a", request_token="given").endswith(
                "oauth_token=given"
            )
            with pytest.raises(MissingTokenError):
                await aw(client.fetch_access_token("/access_token", verifier="v"))
            assert mock.requests == []

    flavor.run(scenario)


def test_authorization_response_checks(flavor: Flavor, mock: MockProvider) -> None:
    async def scenario() -> None:
        client = make(flavor, mock)
        async with opened(client):
            await aw(client.fetch_request_token("/request_token"))
            with pytest.raises(AuthorizationResponseError) as caught:
                client.parse_authorization_response(
                    "https://app/cb?oauth_token=other&oauth_verifier=v"
                )
            assert caught.value.error == "mismatching_token"
            with pytest.raises(AuthorizationResponseError) as caught:
                client.parse_authorization_response("https://app/cb?denied=rt")
            assert caught.value.error == "access_denied"

    flavor.run(scenario)


@pytest.mark.parametrize(
    ("status", "content_type", "body", "error"),
    [
        (401, FORM, "error=invalid_signature&error_description=Bad+signature", "invalid_signature"),
        (400, "text/html", "<html><body>Denied</body></html>", "fetch_token_denied"),
        (403, "application/json", '{"message": "nope"}', "fetch_token_denied"),
        (200, FORM, "oauth_token_secret=LEAKED-SECRET-9&user=1", "invalid_token_response"),
        (
            200,
            "application/json",
            '{"oauth_token_secret": "LEAKED-SECRET-9"}',
            "invalid_token_response",
        ),
        (200, "text/html", "<html>welcome</html>", "invalid_token_response"),
    ],
)
@pytest.mark.parametrize("step", ["request", "access"])
def test_denied_or_malformed_token_responses(
    flavor: Flavor,
    mock: MockProvider,
    status: int,
    content_type: str,
    body: str,
    error: str,
    step: str,
) -> None:
    path = f"/{step}_token"
    mock.replies[path] = httpx.Response(status, headers={"Content-Type": content_type}, text=body)

    async def scenario() -> None:
        client = make(flavor, mock, token="rt", token_secret="REQUEST-SECRET-1", verifier="v")
        async with opened(client):
            call = client.fetch_request_token if step == "request" else client.fetch_access_token
            with pytest.raises(TokenResponseError) as caught:
                await aw(call(path))
            assert isinstance(caught.value, OAuthError)
            assert caught.value.error == error
            assert caught.value.status_code == status
            for text in (str(caught.value), repr(caught.value)):
                assert "LEAKED-SECRET-9" not in text
                assert "REQUEST-SECRET-1" not in text
                assert CLIENT_SECRET not in text
            assert client.token["oauth_token"] == "rt"  # unchanged

    flavor.run(scenario)


# --- bodies and placements -------------------------------------------------------------------


@pytest.mark.parametrize("force_include_body", [False, True])
def test_json_body_is_kept_and_body_hash_when_forced(
    flavor: Flavor, mock: MockProvider, force_include_body: bool
) -> None:
    async def scenario() -> None:
        client = make(
            flavor,
            mock,
            token="at",
            token_secret="ACCESS-SECRET-22",
            force_include_body=force_include_body,
        )
        async with opened(client):
            payload = {"status": "Hello Ladies + Gentlemen", "list": [1, 2]}
            response = await aw(client.post("/statuses", json=payload))
            assert response.status_code == 200
            sent = mock.last
            assert json.loads(sent.content) == payload
            assert sent.headers["Content-Type"] == "application/json"
            params = oauth_params(sent)
            if force_include_body:
                digest = base64.b64encode(hashlib.sha1(sent.content).digest()).decode("ascii")
                assert params["oauth_body_hash"] == digest
            else:
                assert "oauth_body_hash" not in params
            assert mock.signature_ok(sent)

    flavor.run(scenario)


def test_streamed_body_is_read_before_signing(flavor: Flavor, mock: MockProvider) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"a": '
        yield b"1}"

    async def achunks() -> AsyncIterator[bytes]:
        for chunk in chunks():
            yield chunk

    async def scenario() -> None:
        client = make(
            flavor, mock, token="at", token_secret="ACCESS-SECRET-22", force_include_body=True
        )
        async with opened(client):
            content = flavor.pick(chunks(), achunks())
            await aw(client.post("/upload", content=content, headers={"Content-Type": "x/y"}))
            digest = base64.b64encode(hashlib.sha1(b'{"a": 1}').digest()).decode("ascii")
            assert oauth_params(mock.last)["oauth_body_hash"] == digest
            assert mock.last.content == b'{"a": 1}'

    flavor.run(scenario)


@pytest.mark.parametrize(
    "placement", [SIGNATURE_TYPE_HEADER, SIGNATURE_TYPE_QUERY, SIGNATURE_TYPE_BODY]
)
def test_every_placement_through_the_flow(
    flavor: Flavor, mock: MockProvider, placement: str
) -> None:
    async def scenario() -> None:
        client = make(flavor, mock, signature_type=placement, realm="photos")
        async with opened(client):
            await _to_access_token(client)
            await aw(client.post("/photos?album=1", data={"title": "a b", "tags": ["x", "y"]}))
            if placement != SIGNATURE_TYPE_BODY:
                await aw(client.get("/photos", params={"q": "é ~"}))
            else:
                with pytest.raises(ValueError, match="BODY"):
                    await aw(client.get("/photos"))
            for request in mock.requests:
                assert mock.signature_ok(request), request
                header = request.headers.get("Authorization")
                assert (header is not None) is (placement == SIGNATURE_TYPE_HEADER)
                in_query = b"oauth_signature=" in request.url.query
                assert in_query is (placement == SIGNATURE_TYPE_QUERY)
                if placement == SIGNATURE_TYPE_HEADER:
                    assert header is not None
                    assert header.startswith('OAuth realm="photos", ')

    flavor.run(scenario)


# --- token, secrets, keys --------------------------------------------------------------------


def test_token_property(flavor: Flavor, mock: MockProvider) -> None:
    async def scenario() -> None:
        client = make(
            flavor,
            mock,
            token={"oauth_token": "at", "oauth_token_secret": "ACCESS-SECRET-22", "user_id": "7"},
        )
        async with opened(client):
            assert client.token["user_id"] == "7"
            await aw(client.get("/me"))
            assert mock.signature_ok(mock.last)
            client.token = {"oauth_token": "rt"}  # keeps the secret, as Authlib does
            assert client.token["oauth_token_secret"] == "ACCESS-SECRET-22"
            assert "user_id" not in client.token
            client.token = None
            assert client.token["oauth_token"] is None
            assert client.token["oauth_token_secret"] is None
            with pytest.raises(ValueError, match="oauth_token"):
                client.token = {"oauth_token_secret": "x"}

    flavor.run(scenario)


def test_no_secret_in_repr_or_str(flavor: Flavor, mock: MockProvider) -> None:
    private_pem, _ = rsa_key_pair()

    async def scenario() -> None:
        client = make(flavor, mock, redirect_uri="https://app.example/cb")
        rsa_client = make(flavor, mock, signature_method=SIGNATURE_RSA_SHA1, rsa_key=private_pem)
        async with opened(client), opened(rsa_client):
            await _to_access_token(client)
            await aw(client.get("/me"))
            await aw(rsa_client.get("/me"))
            signatures = [oauth_params(r)["oauth_signature"] for r in mock.requests]
            shown = [
                client,
                client.auth,
                client.token,
                client.auth.signer,
                rsa_client,
                rsa_client.auth,
                rsa_client.auth.signer,
                mock.last,
                mock.last.headers,
            ]
            for obj in shown:
                for text in (repr(obj), str(obj)):
                    for secret in (
                        CLIENT_SECRET,
                        "REQUEST-SECRET-1",
                        "ACCESS-SECRET-22",
                        "PRIVATE KEY",
                        *signatures,
                    ):
                        assert secret not in text, (type(obj), secret)

    flavor.run(scenario)


def test_rsa_key_is_loaded_once(
    flavor: Flavor, mock: MockProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    private_pem, _ = rsa_key_pair()
    calls: list[bytes] = []
    real = serialization.load_pem_private_key

    def counting(data: bytes, *args: Any, **kwargs: Any) -> Any:
        calls.append(data)
        return real(data, *args, **kwargs)

    monkeypatch.setattr(serialization, "load_pem_private_key", counting)

    async def scenario() -> None:
        client = make(flavor, mock, signature_method=SIGNATURE_RSA_SHA1, rsa_key=private_pem)
        async with opened(client):
            await _to_access_token(client)
            for _ in range(3):
                await aw(client.get("/photos"))
            client.token = {"oauth_token": "t2", "oauth_token_secret": "s2"}
            await aw(client.get("/photos"))
        assert len(mock.requests) == 6
        assert len(calls) == 1

    flavor.run(scenario)


def test_async_client_close(flavor: Flavor, mock: MockProvider) -> None:
    async def scenario() -> None:
        client = make(flavor, mock)
        await aw(client.close())
        assert client.is_closed

    flavor.run(scenario)


def test_oauth1_auth_on_its_own(flavor: Flavor, mock: MockProvider) -> None:
    """Authlib-style standalone use: callback without a token, verifier while set."""
    auth = OAuth1Auth(
        CLIENT_ID,
        CLIENT_SECRET,
        redirect_uri="https://app.example/cb",
        nonce_factory=lambda: "fixednonce0123456789",
        clock=lambda: 1_700_000_000.9,
    )

    async def scenario() -> None:
        plain = flavor.pick(httpx.Client, httpx.AsyncClient)(
            auth=auth, transport=httpx.MockTransport(mock), base_url=BASE
        )
        async with opened(plain):
            await aw(plain.post("/request_token"))
            first = oauth_params(mock.last)
            assert first["oauth_callback"] == "https://app.example/cb"
            assert first["oauth_nonce"] == "fixednonce0123456789"
            assert first["oauth_timestamp"] == "1700000000"
            auth.set_token("rt", "REQUEST-SECRET-1")
            auth.verifier = "v"
            await aw(plain.post("/access_token"))
            second = oauth_params(mock.last)
            assert second["oauth_verifier"] == "v"
            assert "oauth_callback" not in second
            assert all(mock.signature_ok(r) for r in mock.requests)

    flavor.run(scenario)
