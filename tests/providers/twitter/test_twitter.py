"""The Twitter/X plugin: its provider values, the registry, the named constructors, and X's
OAuth 1.0a and OAuth 2.0 flows over ``httpx.MockTransport``.

Response bodies follow X's documentation (docs.x.com, "Authentication"):

- OAuth 1.0a: the examples of the OAuth API reference (``POST oauth/request_token``,
  ``POST oauth/access_token``), values included.
- OAuth 2.0: the pages "Authorization Code Flow with PKCE" and "user access token" show the
  requests (client ids, codes, the Basic header) but no response body; the token bodies here
  have the fields X returns (``token_type: "bearer"``, ``expires_in: 7200``, ``scope``,
  ``refresh_token`` only with ``offline.access``).

X's "Creating a signature" example (HMAC-SHA1, on both the api.twitter.com and api.x.com
hosts) is already checked end to end in ``tests/core/test_rfc5849.py``
(``test_published_signature``, vectors ``twitter-creating-a-signature`` and
``x-creating-a-signature`` in ``tests/vectors/rfc5849.json``); it is not repeated here.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
import warnings
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any
from urllib.parse import parse_qs, parse_qsl, unquote, urlsplit
from urllib.request import parse_http_list, parse_keqv_list

import authwire_twitter
import httpx
import pytest
from authwire_twitter import (
    TWITTER,
    CallbackNotConfirmedError,
    X,
    async_oauth1_client,
    async_oauth2_client,
    oauth1_client,
    oauth2_client,
)

from authwire import (
    AsyncOAuth1Client,
    AsyncOAuth2Client,
    AuthorizationResponseError,
    OAuth1Client,
    OAuth2Client,
    OAuthError,
    TokenExpiredError,
    providers,
)
from authwire.providers import ProviderRegistry

from ..._flavors import Flavor, aw, opened

FORM = "application/x-www-form-urlencoded"

# -- X's documented values ------------------------------------------------------------------

# OAuth 1.0a API reference, POST oauth/request_token and POST oauth/access_token
REQUEST_TOKEN = "Z6eEdO8MOmk394WozF5oKyuAv855l4Mlqo7hhlSLik"
REQUEST_TOKEN_SECRET = "Kd75W4OQfb2oJTV0vzGzeXftVAwgMnEK9MumzYcM"
REQUEST_TOKEN_BODY = (
    f"oauth_token={REQUEST_TOKEN}&oauth_token_secret={REQUEST_TOKEN_SECRET}"
    "&oauth_callback_confirmed=true"
)
ACCESS_TOKEN = "6253282-eWudHldSbIaelX7swmsiHImEL4KinwaGloHANdrY"
ACCESS_TOKEN_SECRET = "2EEfA6BG5ly3sR3XjE0IBSnlQu4ZrUzPiYTmrkVU"
ACCESS_TOKEN_BODY = (
    f"oauth_token={ACCESS_TOKEN}&oauth_token_secret={ACCESS_TOKEN_SECRET}"
    "&user_id=6253282&screen_name=xapi"
)
CONSUMER_KEY = "OqEqJeafRSF11jBMStrZz"
CONSUMER_SECRET = "consumer-secret-for-tests"
VERIFIER = "ghLM8lYmAxDbaqL912RZSRjCCEXKDIzx"
PIN = "4868795"
CALLBACK = "http://myapp.com:3005/twitter/process_callback"

# OAuth 2.0 pages: the public client's id, the confidential client's Basic header, the code
PUBLIC_CLIENT_ID = "rG9n6402A3dbUJKzXTNX4oWHJ"
DOC_BASIC = (
    "Basic V1ROclFTMTRiVWhwTWw4M2FVNWFkVGQyTldNNk1UcGphUTotUm9LeDN4NThKQThTbTlKSXQyZm1B"
    "anEzcTVHWC1icVozdmpKeFNlR3NkbUd0WEViUA=="
)
CONFIDENTIAL_ID, CONFIDENTIAL_SECRET = base64.b64decode(DOC_BASIC[6:]).decode().split(":", 1)
REDIRECT = "https://www.example.com"
CODE = "VGNibzFWSWREZm01bjN1N3dicWlNUG1oa2xRRVNNdmVHelJGY2hPWGxNd2dxOjE2MjIxNjA4MjU4MjU6MToxOmFjOjE"
OAUTH2_ACCESS = (
    "Q0Mzb0VhZ0V5dmNXSTEyNER2MFNfVW50RzdXdTN6STFxQlVkTGhTc1lCdlBiOjE2MjIxNDc3NDM5MTQ6MToxOmF0OjE"
)
OAUTH2_REFRESH = (
    "bWRWa3gzdnk3WHRGU1o0bmRRcTJ5VUxWX1lZTDdJSUtmaWcxbTVxdEFXcW5tOjE2MjIxNDc3NDM5MTQ6MToxOnJ0OjE"
)

ME_URL = "https://api.x.com/2/users/me"


def x_token(access_token: str, scope: str, refresh_token: str | None = None) -> httpx.Response:
    """A token response of X's OAuth 2.0 token endpoint."""
    fields: dict[str, Any] = {
        "token_type": "bearer",
        "expires_in": 7200,
        "access_token": access_token,
        "scope": scope,
    }
    if refresh_token is not None:
        fields["refresh_token"] = refresh_token
    return httpx.Response(200, json=fields)


class FakeX:
    """X's endpoints on a MockTransport: scripted token answers, every request recorded."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.token_responses: list[httpx.Response] = []
        self.request_token_body = REQUEST_TOKEN_BODY
        self.oauth1_content_type = FORM

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        url = str(request.url.copy_with(query=None))
        if url == TWITTER.token_endpoint:
            answer = self.token_responses.pop(0)
            return httpx.Response(answer.status_code, json=answer.json())
        if url == TWITTER.revocation_endpoint:
            return httpx.Response(200, json={"revoked": True})
        if url == TWITTER.extra["app_only_token_url"]:
            # the OAuth API reference, POST oauth2/token
            return httpx.Response(
                200, json={"token_type": "bearer", "access_token": "AAAA%2FAAA%3DAAAAAAAA"}
            )
        assert TWITTER.oauth1 is not None
        headers = {"Content-Type": self.oauth1_content_type}
        if url == TWITTER.oauth1.request_token_url:
            return httpx.Response(200, headers=headers, text=self.request_token_body)
        if url == TWITTER.oauth1.access_token_url:
            return httpx.Response(200, headers=headers, text=ACCESS_TOKEN_BODY)
        if url == ME_URL:
            return httpx.Response(200, json={"data": {"id": "6253282", "username": "xapi"}})
        return httpx.Response(404, json={"title": "Not Found Error"})

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def to(self, url: str | None) -> list[httpx.Request]:
        return [r for r in self.requests if str(r.url.copy_with(query=None)) == url]


def form(request: httpx.Request) -> dict[str, str]:
    return dict(parse_qsl(request.content.decode(), keep_blank_values=True))


def oauth_params(request: httpx.Request) -> dict[str, str]:
    value = request.headers["Authorization"]
    assert value.startswith("OAuth ")
    return {k: unquote(v) for k, v in parse_keqv_list(parse_http_list(value[6:])).items()}


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def close(client: Any) -> None:
    if isinstance(client, httpx.Client):
        client.close()


@pytest.fixture(scope="module", autouse=True)
def registry_loaded() -> None:
    """Build the process-wide registry once, failing only on a warning about this plugin.

    Other plugins in the workspace may be unfinished; their warnings are not this plugin's.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        providers.names()
    assert not [w for w in caught if "twitter" in str(w.message)]
    assert "twitter" not in providers.errors()


# -- the provider and the registry ------------------------------------------------------------


def test_provider_values() -> None:
    assert TWITTER.name == "twitter"
    assert TWITTER.authorization_endpoint == "https://x.com/i/oauth2/authorize"
    assert TWITTER.token_endpoint == "https://api.x.com/2/oauth2/token"
    assert TWITTER.revocation_endpoint == "https://api.x.com/2/oauth2/revoke"
    assert TWITTER.userinfo_endpoint is None  # /2/users/me is not OpenID UserInfo
    assert TWITTER.issuer is None
    assert TWITTER.token_endpoint_auth_method == "client_secret_basic"
    assert TWITTER.code_challenge_method == "S256"
    assert tuple(TWITTER.scope) == ("tweet.read", "users.read")
    assert TWITTER.oauth1 is not None
    assert TWITTER.oauth1.request_token_url == "https://api.x.com/oauth/request_token"
    assert TWITTER.oauth1.authorization_url == "https://api.x.com/oauth/authorize"
    assert TWITTER.oauth1.access_token_url == "https://api.x.com/oauth/access_token"
    assert TWITTER.oauth1.signature_method == "HMAC-SHA1"
    assert TWITTER.extra["oauth1_authenticate_url"] == "https://api.x.com/oauth/authenticate"
    assert TWITTER.extra["me_url"] == ME_URL


def test_x_is_the_same_provider_under_another_name() -> None:
    assert X.name == "x"
    for field in ("authorization_endpoint", "token_endpoint", "revocation_endpoint", "scope"):
        assert getattr(X, field) == getattr(TWITTER, field)
    assert X.oauth1 == TWITTER.oauth1
    assert X.token_endpoint_auth_method == TWITTER.token_endpoint_auth_method


def test_registry_lists_twitter_and_x() -> None:
    names = providers.names()
    assert {"twitter", "x"} <= set(names)
    assert providers.get("twitter") is TWITTER
    assert providers.get("x") is X
    assert providers.get("X") is X


def test_hook_registers_both_providers() -> None:
    registry = ProviderRegistry(group="authwire-twitter-test-no-entry-points")
    assert registry.register(authwire_twitter) == ("twitter", "x")
    assert registry.get("twitter") is TWITTER


def test_entry_point() -> None:
    [ep] = [ep for ep in entry_points(group="authwire") if ep.name == "twitter"]
    assert ep.load() is authwire_twitter


def test_exports() -> None:
    assert set(authwire_twitter.__all__) == {
        "TWITTER",
        "X",
        "CallbackNotConfirmedError",
        "register_providers",
        "oauth2_client",
        "async_oauth2_client",
        "oauth1_client",
        "async_oauth1_client",
    }
    assert issubclass(CallbackNotConfirmedError, OAuthError)


@pytest.mark.parametrize("name", ["twitter", "x"])
def test_from_provider_by_name(name: str) -> None:
    client = OAuth2Client.from_provider(name, client_id="id", client_secret="secret")
    try:
        assert client.metadata == {
            "authorization_endpoint": "https://x.com/i/oauth2/authorize",
            "token_endpoint": "https://api.x.com/2/oauth2/token",
            "revocation_endpoint": "https://api.x.com/2/oauth2/revoke",
        }
        assert client.oauth.token_endpoint_auth_method == "client_secret_basic"
        assert client.scope == "tweet.read users.read"
    finally:
        client.close()
    public = OAuth2Client.from_provider(name, client_id="id")
    try:
        assert public.oauth.token_endpoint_auth_method == "none"
    finally:
        public.close()


# -- named constructors == from_provider -------------------------------------------------------


def oauth2_state(client: Any) -> tuple[Any, ...]:
    engine = client.oauth
    return (
        type(client),
        engine.client_id,
        engine.client_secret,
        engine.token_endpoint_auth_method,
        engine.revocation_endpoint_auth_method,
        engine.scope,
        engine.redirect_uri,
        engine.code_challenge_method,
        engine.metadata,
        engine.authorize_params,
        getattr(engine, "_hooks", None),
        getattr(engine, "issuer_policy", None),
    )


def oauth1_state(client: Any) -> tuple[Any, ...]:
    hooks = client.event_hooks["response"]
    return (
        type(client),
        client.oauth.client_id,
        client.oauth.signature_method,
        client.redirect_uri,
        [getattr(h, "__qualname__", h) for h in hooks],
    )


OAUTH2_CASES: list[tuple[tuple[Any, ...], dict[str, Any], dict[str, Any]]] = [
    (("cid",), {}, {"client_id": "cid"}),
    (
        ("cid", "csecret"),
        {"redirect_uri": REDIRECT},
        {"client_id": "cid", "client_secret": "csecret", "redirect_uri": REDIRECT},
    ),
    (
        ("cid", "csecret"),
        {"offline": True},
        {
            "client_id": "cid",
            "client_secret": "csecret",
            "scope": "tweet.read users.read offline.access",
        },
    ),
    (
        ("cid",),
        {"offline": True, "scope": ["tweet.read", "tweet.write"]},
        {"client_id": "cid", "scope": "tweet.read tweet.write offline.access"},
    ),
    (
        ("cid",),
        {"offline": True, "scope": "offline.access users.read"},
        {"client_id": "cid", "scope": "offline.access users.read"},
    ),
    (("cid",), {"scope": "dm.read"}, {"client_id": "cid", "scope": "dm.read"}),
]


@pytest.mark.parametrize(("args", "kwargs", "expected"), OAUTH2_CASES)
@pytest.mark.parametrize("is_async", [False, True])
def test_oauth2_constructors_equal_from_provider(
    args: tuple[Any, ...], kwargs: dict[str, Any], expected: dict[str, Any], is_async: bool
) -> None:
    cls: type[Any] = AsyncOAuth2Client if is_async else OAuth2Client
    named: Callable[..., Any] = async_oauth2_client if is_async else oauth2_client
    ours = named(*args, **kwargs)
    theirs = cls.from_provider("twitter", **expected)
    try:
        assert type(ours) is cls
        assert oauth2_state(ours) == oauth2_state(theirs)
    finally:
        close(ours)
        close(theirs)


@pytest.mark.parametrize("is_async", [False, True])
def test_oauth1_constructors_equal_from_provider(is_async: bool) -> None:
    cls: type[Any] = AsyncOAuth1Client if is_async else OAuth1Client
    named: Callable[..., Any] = async_oauth1_client if is_async else oauth1_client
    ours = named(CONSUMER_KEY, CONSUMER_SECRET, redirect_uri=CALLBACK)
    theirs = cls.from_provider(
        "twitter", client_id=CONSUMER_KEY, client_secret=CONSUMER_SECRET, redirect_uri=CALLBACK
    )
    try:
        assert type(ours) is cls
        assert oauth1_state(ours) == oauth1_state(theirs)
        assert len(ours.event_hooks["response"]) == 1  # the oauth_callback_confirmed check
    finally:
        close(ours)
        close(theirs)


def test_oauth2_constructor_refuses_to_turn_pkce_off() -> None:
    with pytest.raises(ValueError, match="requires PKCE"):
        oauth2_client("cid", code_challenge_method=None)
    with pytest.raises(ValueError, match="requires PKCE"):
        async_oauth2_client("cid", code_challenge_method=None)


# -- OAuth 1.0a: the three-legged flow --------------------------------------------------------


@pytest.mark.parametrize("content_type", [FORM, "text/html; charset=utf-8"])
def test_oauth1_three_legged_flow(flavor: Flavor, content_type: str) -> None:
    """Request token → authorize (or authenticate) → access token with user_id and screen_name.

    X's reference gives no media type for these form-encoded bodies (it labels them JSON), so
    the label must not matter.
    """
    fake = FakeX()
    fake.oauth1_content_type = content_type
    assert TWITTER.oauth1 is not None
    endpoints = TWITTER.oauth1

    async def scenario() -> None:
        make = flavor.pick(oauth1_client, async_oauth1_client)
        client = make(
            CONSUMER_KEY, CONSUMER_SECRET, redirect_uri=CALLBACK, transport=fake.transport()
        )
        async with opened(client):
            request_token = await aw(client.fetch_request_token(endpoints.request_token_url))
            assert request_token["oauth_token"] == REQUEST_TOKEN
            assert request_token["oauth_token_secret"] == REQUEST_TOKEN_SECRET
            assert request_token["oauth_callback_confirmed"] == "true"
            [sent] = fake.to(endpoints.request_token_url)
            assert sent.method == "POST"
            first = oauth_params(sent)
            assert first["oauth_callback"] == CALLBACK
            assert first["oauth_consumer_key"] == CONSUMER_KEY
            assert first["oauth_signature_method"] == "HMAC-SHA1"
            assert "oauth_token" not in first

            # Sign in with X: /oauth/authenticate, with its two optional parameters
            url = client.create_authorization_url(
                TWITTER.extra["oauth1_authenticate_url"], force_login="true", screen_name="xapi"
            )
            parts = urlsplit(url)
            assert (parts.netloc, parts.path) == ("api.x.com", "/oauth/authenticate")
            assert parse_qs(parts.query) == {
                "oauth_token": [REQUEST_TOKEN],
                "force_login": ["true"],
                "screen_name": ["xapi"],
            }
            url = client.create_authorization_url(endpoints.authorization_url)
            assert url == f"https://api.x.com/oauth/authorize?oauth_token={REQUEST_TOKEN}"

            client.parse_authorization_response(
                f"{CALLBACK}?oauth_token={REQUEST_TOKEN}&oauth_verifier={VERIFIER}"
            )
            token = await aw(client.fetch_access_token(endpoints.access_token_url))
            assert token["oauth_token"] == ACCESS_TOKEN
            assert token["oauth_token_secret"] == ACCESS_TOKEN_SECRET
            assert token["user_id"] == "6253282"
            assert token["screen_name"] == "xapi"
            [sent] = fake.to(endpoints.access_token_url)
            third = oauth_params(sent)
            assert third["oauth_token"] == REQUEST_TOKEN
            assert third["oauth_verifier"] == VERIFIER
            assert third["oauth_signature_method"] == "HMAC-SHA1"

            assert client.token["user_id"] == "6253282"
            assert client.token["screen_name"] == "xapi"
            response = await aw(client.get(ME_URL))
            assert response.json()["data"]["username"] == "xapi"
            assert oauth_params(fake.requests[-1])["oauth_token"] == ACCESS_TOKEN

    flavor.run(scenario)


def test_oauth1_pin_based_flow(flavor: Flavor) -> None:
    """Without a redirect_uri the client asks for ``oob`` and takes the PIN as the verifier."""
    fake = FakeX()
    assert TWITTER.oauth1 is not None
    endpoints = TWITTER.oauth1

    async def scenario() -> None:
        make = flavor.pick(oauth1_client, async_oauth1_client)
        client = make(CONSUMER_KEY, CONSUMER_SECRET, transport=fake.transport())
        async with opened(client):
            await aw(client.fetch_request_token(endpoints.request_token_url))
            assert oauth_params(fake.requests[0])["oauth_callback"] == "oob"
            token = await aw(client.fetch_access_token(endpoints.access_token_url, verifier=PIN))
            assert token["screen_name"] == "xapi"
            assert oauth_params(fake.requests[1])["oauth_verifier"] == PIN

    flavor.run(scenario)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (f"oauth_token={REQUEST_TOKEN}&oauth_token_secret={REQUEST_TOKEN_SECRET}", "missing"),
        (
            f"oauth_token={REQUEST_TOKEN}&oauth_token_secret={REQUEST_TOKEN_SECRET}"
            "&oauth_callback_confirmed=false",
            "not 'true'",
        ),
    ],
    ids=["missing", "false"],
)
def test_oauth1_callback_must_be_confirmed(flavor: Flavor, body: str, problem: str) -> None:
    fake = FakeX()
    fake.request_token_body = body
    assert TWITTER.oauth1 is not None
    endpoints = TWITTER.oauth1
    seen: list[Any] = []

    async def scenario() -> None:
        make = flavor.pick(oauth1_client, async_oauth1_client)
        client = make(
            CONSUMER_KEY, CONSUMER_SECRET, redirect_uri=CALLBACK, transport=fake.transport()
        )
        async with opened(client):
            with pytest.raises(CallbackNotConfirmedError, match=problem) as caught:
                await aw(client.fetch_request_token(endpoints.request_token_url))
            seen.append(caught.value)
            assert client.token["oauth_token"] is None  # the unconfirmed token was not kept

    flavor.run(scenario)
    [error] = seen
    assert isinstance(error, OAuthError)
    assert error.error == "callback_not_confirmed"
    assert REQUEST_TOKEN_SECRET not in str(error)


def test_oauth1_the_check_also_runs_through_from_provider(flavor: Flavor) -> None:
    fake = FakeX()
    fake.request_token_body = f"oauth_token={REQUEST_TOKEN}&oauth_token_secret=s"
    assert TWITTER.oauth1 is not None
    url = TWITTER.oauth1.request_token_url

    async def scenario() -> None:
        cls = flavor.pick(OAuth1Client, AsyncOAuth1Client)
        client = cls.from_provider(
            "x", client_id=CONSUMER_KEY, client_secret="cs", transport=fake.transport()
        )
        async with opened(client):
            with pytest.raises(CallbackNotConfirmedError):
                await aw(client.fetch_request_token(url))

    flavor.run(scenario)


def test_oauth1_denied_callback(flavor: Flavor) -> None:
    """X sends ``denied=<request token>`` when the user cancels."""
    fake = FakeX()
    assert TWITTER.oauth1 is not None
    url = TWITTER.oauth1.request_token_url

    async def scenario() -> None:
        make = flavor.pick(oauth1_client, async_oauth1_client)
        client = make(
            CONSUMER_KEY, CONSUMER_SECRET, redirect_uri=CALLBACK, transport=fake.transport()
        )
        async with opened(client):
            await aw(client.fetch_request_token(url))
            with pytest.raises(AuthorizationResponseError, match="access_denied"):
                client.parse_authorization_response(f"{CALLBACK}?denied={REQUEST_TOKEN}")

    flavor.run(scenario)


# -- OAuth 2.0: authorization code with PKCE --------------------------------------------------


def start(client: Any) -> tuple[dict[str, str], str]:
    """Build the authorize URL; return its parameters and X's redirect back."""
    url, state = client.create_authorization_url()
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "x.com", "/i/oauth2/authorize")
    params = {k: v[0] for k, v in parse_qs(parts.query).items()}
    return params, f"{REDIRECT}/?state={state}&code={CODE}"


@pytest.mark.parametrize("kind", ["confidential", "public"])
def test_oauth2_code_exchange_with_pkce(flavor: Flavor, kind: str) -> None:
    fake = FakeX()
    fake.token_responses.append(x_token(OAUTH2_ACCESS, "tweet.read users.read"))
    confidential = kind == "confidential"
    client_id = CONFIDENTIAL_ID if confidential else PUBLIC_CLIENT_ID
    secret = CONFIDENTIAL_SECRET if confidential else None

    async def scenario() -> None:
        make = flavor.pick(oauth2_client, async_oauth2_client)
        client = make(client_id, secret, redirect_uri=REDIRECT, transport=fake.transport())
        async with opened(client):
            params, callback = start(client)
            assert params["response_type"] == "code"
            assert params["client_id"] == client_id
            assert params["redirect_uri"] == REDIRECT
            assert params["scope"] == "tweet.read users.read"
            assert params["code_challenge_method"] == "S256"
            assert params["state"]

            token = await aw(client.fetch_token(authorization_response=callback))
            assert token["access_token"] == OAUTH2_ACCESS
            assert token["expires_in"] == 7200
            assert token.expires_at is not None
            assert "refresh_token" not in token

            [sent] = fake.to(TWITTER.token_endpoint)
            body = form(sent)
            assert sent.headers["Content-Type"] == FORM
            assert body["grant_type"] == "authorization_code"
            assert body["code"] == CODE
            assert body["redirect_uri"] == REDIRECT
            assert s256(body["code_verifier"]) == params["code_challenge"]
            assert "client_secret" not in body
            if confidential:
                # "You don't need client id for confidential clients with a valid
                # Authorization Header": the header is exactly the one X's page shows
                assert sent.headers["Authorization"] == DOC_BASIC
                assert "client_id" not in body
            else:
                assert "Authorization" not in sent.headers
                assert body["client_id"] == PUBLIC_CLIENT_ID

            response = await aw(client.get(ME_URL))
            assert response.status_code == 200
            assert fake.requests[-1].headers["Authorization"] == f"Bearer {OAUTH2_ACCESS}"

    flavor.run(scenario)


def test_oauth2_expired_code_is_an_oauth_error(flavor: Flavor) -> None:
    """The code lives 30 s; X answers a late (or reused) one with invalid_request."""
    fake = FakeX()
    fake.token_responses.append(
        httpx.Response(
            400,
            json={
                "error": "invalid_request",
                "error_description": "Value passed for the authorization code was invalid.",
            },
        )
    )

    async def scenario() -> None:
        make = flavor.pick(oauth2_client, async_oauth2_client)
        client = make("cid", "csecret", redirect_uri=REDIRECT, transport=fake.transport())
        async with opened(client):
            _, callback = start(client)
            with pytest.raises(OAuthError) as caught:
                await aw(client.fetch_token(authorization_response=callback))
            assert caught.value.error == "invalid_request"
            assert client.token is None

    flavor.run(scenario)


@pytest.mark.parametrize("kind", ["confidential", "public"])
def test_oauth2_refresh_with_offline_access(flavor: Flavor, kind: str) -> None:
    """``offline=True`` asks for offline.access; X then issues refresh tokens, newest used."""
    fake = FakeX()
    scope = "tweet.read users.read offline.access"
    fake.token_responses += [
        x_token(OAUTH2_ACCESS, scope, OAUTH2_REFRESH),
        x_token("access-2", scope, "refresh-2"),
        x_token("access-3", scope, "refresh-3"),
    ]
    confidential = kind == "confidential"
    updates: list[tuple[dict[str, Any], dict[str, Any]]] = []

    def update_token(token: dict[str, Any], **kwargs: Any) -> None:
        updates.append((dict(token), kwargs))

    def check_client_auth(request: httpx.Request) -> None:
        if confidential:
            assert request.headers["Authorization"] == DOC_BASIC
            assert "client_id" not in form(request)
        else:
            assert "Authorization" not in request.headers
            assert form(request)["client_id"] == PUBLIC_CLIENT_ID

    async def scenario() -> None:
        make = flavor.pick(oauth2_client, async_oauth2_client)
        client = make(
            CONFIDENTIAL_ID if confidential else PUBLIC_CLIENT_ID,
            CONFIDENTIAL_SECRET if confidential else None,
            offline=True,
            redirect_uri=REDIRECT,
            update_token=update_token,
            transport=fake.transport(),
        )
        async with opened(client):
            params, callback = start(client)
            assert params["scope"] == scope
            token = await aw(client.fetch_token(authorization_response=callback))
            assert token["refresh_token"] == OAUTH2_REFRESH

            # an explicit refresh, as X's page shows it
            new = await aw(client.refresh_token())
            assert (new["access_token"], new["refresh_token"]) == ("access-2", "refresh-2")
            sent = fake.to(TWITTER.token_endpoint)[-1]
            assert form(sent)["grant_type"] == "refresh_token"
            assert form(sent)["refresh_token"] == OAUTH2_REFRESH
            check_client_auth(sent)

            # after two hours: the next API call refreshes first, with the newest refresh token
            expired = dict(client.token)
            expired["expires_at"] = int(time.time()) - 10
            client.token = expired
            response = await aw(client.get(ME_URL))
            assert response.status_code == 200
            sent = fake.to(TWITTER.token_endpoint)[-1]
            assert form(sent)["refresh_token"] == "refresh-2"
            check_client_auth(sent)
            assert fake.requests[-1].headers["Authorization"] == "Bearer access-3"
            assert client.token["refresh_token"] == "refresh-3"

    flavor.run(scenario)
    assert [(u[0]["access_token"], u[1]) for u in updates] == [
        ("access-2", {"refresh_token": OAUTH2_REFRESH}),
        ("access-3", {"refresh_token": "refresh-2"}),
    ]


def test_oauth2_without_offline_access_the_token_just_expires(flavor: Flavor) -> None:
    fake = FakeX()

    async def scenario() -> None:
        make = flavor.pick(oauth2_client, async_oauth2_client)
        client = make(
            "cid",
            "csecret",
            token={
                "token_type": "bearer",
                "access_token": OAUTH2_ACCESS,
                "scope": "tweet.read users.read",
                "expires_at": int(time.time()) - 10,
            },
            transport=fake.transport(),
        )
        async with opened(client):
            with pytest.raises(TokenExpiredError):
                await aw(client.get(ME_URL))
        assert fake.requests == []

    flavor.run(scenario)


@pytest.mark.parametrize("kind", ["confidential", "public"])
def test_oauth2_revoke(flavor: Flavor, kind: str) -> None:
    fake = FakeX()
    confidential = kind == "confidential"

    async def scenario() -> None:
        make = flavor.pick(oauth2_client, async_oauth2_client)
        client = make(
            CONFIDENTIAL_ID if confidential else PUBLIC_CLIENT_ID,
            CONFIDENTIAL_SECRET if confidential else None,
            token={"token_type": "bearer", "access_token": OAUTH2_ACCESS, "expires_in": 7200},
            transport=fake.transport(),
        )
        async with opened(client):
            response = await aw(client.revoke_token())
            assert json.loads(response.content) == {"revoked": True}
        [sent] = fake.to(TWITTER.revocation_endpoint)
        body = form(sent)
        assert body["token"] == OAUTH2_ACCESS
        if confidential:
            assert sent.headers["Authorization"] == DOC_BASIC
            assert "client_id" not in body
        else:
            assert "Authorization" not in sent.headers
            assert body["client_id"] == PUBLIC_CLIENT_ID

    flavor.run(scenario)


def test_app_only_bearer_token_with_the_core_client(flavor: Flavor) -> None:
    """App-only auth is not this provider's flow, but its URL is kept for the documented
    recipe: a plain core client, the API key and secret, client_credentials over Basic."""
    fake = FakeX()
    url = TWITTER.extra["app_only_token_url"]

    async def scenario() -> None:
        cls = flavor.pick(OAuth2Client, AsyncOAuth2Client)
        client = cls(CONSUMER_KEY, CONSUMER_SECRET, token_endpoint=url, transport=fake.transport())
        async with opened(client):
            token = await aw(client.fetch_token(grant_type="client_credentials"))
            assert token["access_token"] == "AAAA%2FAAA%3DAAAAAAAA"
            await aw(client.get(ME_URL))
        [sent] = fake.to(url)
        assert form(sent) == {"grant_type": "client_credentials"}
        expected = base64.b64encode(f"{CONSUMER_KEY}:{CONSUMER_SECRET}".encode()).decode()
        assert sent.headers["Authorization"] == f"Basic {expected}"
        assert fake.requests[-1].headers["Authorization"] == "Bearer AAAA%2FAAA%3DAAAAAAAA"

    flavor.run(scenario)
