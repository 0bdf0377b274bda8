"""The Google plugin: registry entry, sign-in with OpenID Connect, service accounts.

Every exchange runs over ``httpx.MockTransport`` answering at Google's real URLs with
responses shaped as Google documents them (token endpoint, JWKS, UserInfo, revocation), on
the sync client and on the async client under asyncio and trio.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import authwire_google
import httpx
import pytest
from authwire_google import (
    GOOGLE,
    async_oauth2_client,
    async_service_account_client,
    oauth2_client,
    service_account_client,
)
from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jwt
from joserfc.jwk import RSAKey

from authwire import (
    AssertionClient,
    AsyncAssertionClient,
    AsyncOAuth2Client,
    IDTokenError,
    MismatchingIssuerError,
    OAuth2Client,
    OAuthError,
    providers,
)
from authwire.protocol.oidc_core import ID_TOKEN_ISSUER
from authwire.rfc7523 import JWT_BEARER_GRANT_TYPE
from authwire.testing import RecordedRequest

from ..._flavors import Flavor, aw, opened

# Other plugins of the workspace are not this suite's business: a warning about one of them
# is ignored, a warning about this plugin still fails the test (filterwarnings = error).
pytestmark = pytest.mark.filterwarnings(
    "ignore:authwire provider plugin '(?!google'):authwire.providers.ProviderPluginWarning"
)

AUTHORIZE = "https://accounts.google.com/o/oauth2/v2/auth"
TOKEN = "https://oauth2.googleapis.com/token"
REVOKE = "https://oauth2.googleapis.com/revoke"
USERINFO = "https://openidconnect.googleapis.com/v1/userinfo"
DEVICE = "https://oauth2.googleapis.com/device/code"
JWKS_URI = "https://www.googleapis.com/oauth2/v3/certs"
ISSUER = "https://accounts.google.com"
API = "https://www.googleapis.com/drive/v3/files"

CLIENT_ID = "1234567890-abcdefghijklmnop.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-not-a-real-secret-0123456"
REDIRECT = "https://app.test/auth/google/callback"
SUB = "110169484474386276334"
EMAIL_SCOPES = (
    "https://www.googleapis.com/auth/userinfo.email "
    "https://www.googleapis.com/auth/userinfo.profile"
)
# what Google answers to "openid email profile" (or to "email profile": it adds openid)
GRANTED_SCOPE = f"{EMAIL_SCOPES} openid"

# Google's JWKS holds two keys at a time (one current, one next); both RS256
GOOGLE_KID = "a3b762f871cdb3bae0044c649622fc1396eda3e3"
GOOGLE_KEY = RSAKey.generate_key(2048, parameters={"kid": GOOGLE_KID})
OTHER_KEY = RSAKey.generate_key(
    2048, parameters={"kid": "07b80a365428525f8bf7cd0846d74a8ee4ef3625"}
)
JWKS = {
    "keys": [
        {**key.as_dict(private=False), "alg": "RS256", "use": "sig"}
        for key in (GOOGLE_KEY, OTHER_KEY)
    ]
}

JSON_HEADERS = {"content-type": "application/json; charset=utf-8"}


def google_json(status: int, body: dict[str, Any]) -> httpx.Response:
    return httpx.Response(status, content=json.dumps(body).encode(), headers=JSON_HEADERS)


def at_hash(access_token: str) -> str:
    digest = hashlib.sha256(access_token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode("ascii")


def id_token(
    *,
    iss: str = ISSUER,
    nonce: str | None = None,
    access_token: str | None = None,
    key: RSAKey = GOOGLE_KEY,
) -> str:
    """An ID token as Google signs it (header and claims of its documentation's example)."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": iss,
        "azp": CLIENT_ID,
        "aud": CLIENT_ID,
        "sub": SUB,
        "hd": "example.com",
        "email": "alice@example.com",
        "email_verified": True,
        "name": "Alice Example",
        "picture": "https://lh3.googleusercontent.com/a/alice",
        "given_name": "Alice",
        "family_name": "Example",
        "iat": now,
        "exp": now + 3600,
    }
    if access_token is not None:
        claims["at_hash"] = at_hash(access_token)
    if nonce is not None:
        claims["nonce"] = nonce
    return jwt.encode({"alg": "RS256", "kid": key.kid, "typ": "JWT"}, claims, key)


def token_response(
    access_token: str = "ya29.a0AfB_access-one",
    *,
    refresh_token: str | None = "1//0gLrefresh-token-one",
    scope: str = GRANTED_SCOPE,
    nonce: str | None = None,
    iss: str = ISSUER,
    with_id_token: bool = True,
) -> httpx.Response:
    """Google's token endpoint answer (code exchange or refresh)."""
    body: dict[str, Any] = {
        "access_token": access_token,
        "expires_in": 3599,
        "scope": scope,
        "token_type": "Bearer",
    }
    if with_id_token:
        body["id_token"] = id_token(iss=iss, nonce=nonce, access_token=access_token)
    if refresh_token is not None:
        body["refresh_token"] = refresh_token
    return google_json(200, body)


USERINFO_CLAIMS = {
    "sub": SUB,
    "name": "Alice Example",
    "given_name": "Alice",
    "family_name": "Example",
    "picture": "https://lh3.googleusercontent.com/a/alice",
    "email": "alice@example.com",
    "email_verified": True,
    "hd": "example.com",
}


@dataclass
class GoogleServer:
    """Google's endpoints over MockTransport; records every request."""

    token_responses: list[httpx.Response] = field(default_factory=list)
    revoke_response: httpx.Response | None = None
    requests: list[RecordedRequest] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(
            RecordedRequest(request.method, request.url, request.headers.copy(), request.read())
        )
        url = str(request.url.copy_with(query=None))
        if url == TOKEN and request.method == "POST":
            if not self.token_responses:
                return google_json(500, {"error": "internal_failure"})
            return self.token_responses.pop(0)
        if url == JWKS_URI and request.method == "GET":
            return google_json(200, JWKS)
        if url == USERINFO and request.method == "GET":
            if not request.headers.get("authorization", "").startswith("Bearer ya29."):
                return httpx.Response(401, headers={"WWW-Authenticate": 'Bearer realm="x"'})
            return google_json(200, USERINFO_CLAIMS)
        if url == REVOKE and request.method == "POST":
            return self.revoke_response or httpx.Response(200, headers=JSON_HEADERS)
        return google_json(200, {"authorization": request.headers.get("authorization")})

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def sent(self, url: str, method: str | None = None) -> list[RecordedRequest]:
        return [
            r
            for r in self.requests
            if str(r.url.copy_with(query=None)) == url and method in (None, r.method)
        ]


def query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def callback(state: str, *, iss: str | None = ISSUER, scope: str = GRANTED_SCOPE) -> str:
    """The redirect back from Google, with the extra parameters Google adds."""
    params = {"state": state}
    if iss is not None:
        params["iss"] = iss
    params.update(
        {
            "code": "4/0AQSTgQGx-authorization-code",
            "scope": scope,
            "authuser": "0",
            "hd": "example.com",
            "prompt": "consent",
        }
    )
    return f"{REDIRECT}?{urlencode(params)}"


def sign_in_client(flavor: Flavor, how: str, server: GoogleServer, **kwargs: Any) -> Any:
    kwargs.setdefault("redirect_uri", REDIRECT)
    if how == "from_provider":
        return flavor.oauth2_client.from_provider(
            "google",
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            transport=server.transport(),
            **kwargs,
        )
    constructor = flavor.pick(oauth2_client, async_oauth2_client)
    return constructor(CLIENT_ID, CLIENT_SECRET, transport=server.transport(), **kwargs)


# -- the registry ----------------------------------------------------------------------------


def test_registered_through_the_entry_point() -> None:
    [entry_point] = [ep for ep in entry_points(group="authwire") if ep.name == "google"]
    assert entry_point.load() is authwire_google
    assert "google" in providers.names()
    assert "google" not in providers.errors()
    assert providers.get("google") is GOOGLE
    assert providers.get("Google") is GOOGLE


def test_provider_values_are_googles_documented_ones() -> None:
    assert GOOGLE.name == "google"
    assert GOOGLE.title == "Google"
    assert GOOGLE.authorization_endpoint == AUTHORIZE
    assert GOOGLE.token_endpoint == TOKEN
    assert GOOGLE.revocation_endpoint == REVOKE
    assert GOOGLE.userinfo_endpoint == USERINFO
    assert GOOGLE.device_authorization_endpoint == DEVICE
    assert GOOGLE.jwks_uri == JWKS_URI
    assert GOOGLE.issuer == ISSUER
    assert GOOGLE.discovery_url == "https://accounts.google.com/.well-known/openid-configuration"
    assert GOOGLE.scope == ("openid", "email", "profile")
    assert GOOGLE.code_challenge_method == "S256"
    assert GOOGLE.issuers() == {"https://accounts.google.com", "accounts.google.com"}
    assert not GOOGLE.accepts_issuer("https://accounts.google.com/")
    policy = GOOGLE.issuer_policy()
    assert policy is not None
    assert policy.values == ("https://accounts.google.com", "accounts.google.com")


@pytest.mark.parametrize("cls", [OAuth2Client, AsyncOAuth2Client])
def test_from_provider_configures_the_client(cls: type[Any]) -> None:
    client = cls.from_provider("google", client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    assert isinstance(client, cls)
    engine = client.oauth
    assert engine.metadata == {
        "authorization_endpoint": AUTHORIZE,
        "token_endpoint": TOKEN,
        "revocation_endpoint": REVOKE,
        "userinfo_endpoint": USERINFO,
        "device_authorization_endpoint": DEVICE,
        "jwks_uri": JWKS_URI,
        "issuer": ISSUER,
    }
    assert engine.scope == "openid email profile"
    assert engine.token_endpoint_auth_method == "client_secret_post"
    assert engine.code_challenge_method == "S256"
    assert engine.issuer_policy == GOOGLE.issuer_policy()
    assert engine.validates_id_tokens
    assert engine.authorize_params == {}
    if isinstance(client, httpx.Client):
        client.close()


def test_a_public_client_sends_no_secret() -> None:
    with OAuth2Client.from_provider("google", client_id=CLIENT_ID) as client:
        assert client.oauth.token_endpoint_auth_method == "none"
    with oauth2_client(CLIENT_ID) as client:
        assert client.oauth.token_endpoint_auth_method == "none"


# -- named constructors equal from_provider ----------------------------------------------------


def oauth2_fingerprint(client: Any) -> tuple[Any, ...]:
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
        engine.issuer_policy,
        client.timeout,
    )


NAMED_CASES: list[tuple[dict[str, Any], dict[str, str]]] = [
    ({}, {}),
    ({"offline": True}, {"access_type": "offline", "prompt": "consent"}),
    (
        {"offline": True, "prompt": "select_account"},
        {"access_type": "offline", "prompt": "select_account consent"},
    ),
    ({"prompt": ["consent", "select_account"]}, {"prompt": "consent select_account"}),
    ({"prompt": "none"}, {"prompt": "none"}),
    ({"include_granted_scopes": True}, {"include_granted_scopes": "true"}),
    ({"include_granted_scopes": False}, {"include_granted_scopes": "false"}),
    ({"login_hint": "alice@example.com"}, {"login_hint": "alice@example.com"}),
    ({"hosted_domain": "example.com"}, {"hd": "example.com"}),
    (
        {"authorize_params": {"access_type": "offline"}, "hosted_domain": "example.com"},
        {"access_type": "offline", "hd": "example.com"},
    ),
]


@pytest.mark.parametrize(("named", "params"), NAMED_CASES)
@pytest.mark.parametrize("is_async", [False, True])
def test_named_constructors_equal_from_provider(
    named: dict[str, Any], params: dict[str, str], is_async: bool
) -> None:
    constructor = async_oauth2_client if is_async else oauth2_client
    cls: type[Any] = AsyncOAuth2Client if is_async else OAuth2Client
    common: dict[str, Any] = {"redirect_uri": REDIRECT, "timeout": 7.0}
    made = constructor(CLIENT_ID, CLIENT_SECRET, **named, **common)
    expected = cls.from_provider(
        "google",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        **({"authorize_params": params} if params else {}),
        **common,
    )
    assert type(made) is cls
    assert made.authorize_params == params
    assert oauth2_fingerprint(made) == oauth2_fingerprint(expected)
    for client in (made, expected):
        if isinstance(client, httpx.Client):
            client.close()


def test_named_constructor_passes_other_arguments_on() -> None:
    with oauth2_client(
        CLIENT_ID, CLIENT_SECRET, scope=["openid", "email"], redirect_uri=REDIRECT
    ) as client:
        assert client.scope == ["openid", "email"]
        assert client.redirect_uri == REDIRECT
    with pytest.raises(TypeError, match="tokn_endpoint"):
        oauth2_client(CLIENT_ID, tokn_endpoint=TOKEN)


# -- authorization parameters ------------------------------------------------------------------


def test_authorization_url_defaults() -> None:
    with oauth2_client(CLIENT_ID, CLIENT_SECRET, redirect_uri=REDIRECT) as client:
        url, state = client.create_authorization_url()
    assert url.startswith(AUTHORIZE + "?")
    params = query(url)
    assert params["response_type"] == "code"
    assert params["client_id"] == CLIENT_ID
    assert params["redirect_uri"] == REDIRECT
    assert params["scope"] == "openid email profile"
    assert params["state"] == state
    assert params["code_challenge_method"] == "S256"
    assert params["code_challenge"]
    assert params["nonce"]  # openid is in the default scope
    assert not {"access_type", "prompt", "hd", "login_hint", "include_granted_scopes"} & set(params)


def test_authorization_url_carries_googles_parameters() -> None:
    with oauth2_client(
        CLIENT_ID,
        CLIENT_SECRET,
        redirect_uri=REDIRECT,
        offline=True,
        include_granted_scopes=True,
        prompt="select_account",
        login_hint="alice@example.com",
        hosted_domain="example.com",
    ) as client:
        params = query(client.create_authorization_url()[0])
        assert params["access_type"] == "offline"
        assert params["prompt"] == "select_account consent"
        assert params["include_granted_scopes"] == "true"
        assert params["login_hint"] == "alice@example.com"
        assert params["hd"] == "example.com"
        # a call's own value wins
        params = query(client.create_authorization_url(prompt="none", login_hint=SUB)[0])
        assert params["prompt"] == "none"
        assert params["login_hint"] == SUB
        assert params["access_type"] == "offline"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"prompt": "login"}, "not one of Google's values"),
        ({"prompt": ["consent", "select-account"]}, "not one of Google's values"),
        ({"prompt": "none select_account"}, "cannot be combined"),
        ({"prompt": []}, "at least one value"),
        ({"offline": True, "prompt": "none"}, "prompt='none' forbids"),
        ({"hosted_domain": ""}, "hosted_domain"),
        ({"login_hint": " "}, "login_hint"),
        (
            {"hosted_domain": "example.com", "authorize_params": {"hd": "other.example"}},
            "'hd' is given twice",
        ),
    ],
)
def test_bad_authorization_parameters_are_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        oauth2_client(CLIENT_ID, CLIENT_SECRET, **kwargs)
    with pytest.raises(ValueError, match=message):
        async_oauth2_client(CLIENT_ID, CLIENT_SECRET, **kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [{"offline": "yes"}, {"include_granted_scopes": "true"}, {"authorize_params": [("a", "b")]}],
)
def test_badly_typed_parameters_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(TypeError):
        oauth2_client(CLIENT_ID, CLIENT_SECRET, **kwargs)


def test_the_same_parameter_twice_with_one_value_is_fine() -> None:
    with oauth2_client(
        CLIENT_ID,
        hosted_domain="example.com",
        authorize_params={"hd": "example.com", "access_type": "online"},
    ) as client:
        assert client.authorize_params == {"hd": "example.com", "access_type": "online"}


# -- signing in: code flow, ID token, UserInfo, refresh, revoke --------------------------------


@pytest.mark.parametrize("how", ["from_provider", "named"])
def test_sign_in_with_google(flavor: Flavor, how: str) -> None:
    server = GoogleServer()
    result: dict[str, Any] = {}

    async def scenario() -> None:
        kwargs = {"offline": True} if how == "named" else {}
        async with opened(sign_in_client(flavor, how, server, **kwargs)) as client:
            url, state = client.create_authorization_url()
            nonce = query(url)["nonce"]
            server.token_responses.append(token_response(nonce=nonce))
            token = await aw(client.fetch_token(authorization_response=callback(state)))
            result["token"] = dict(token)
            result["userinfo"] = await aw(client.userinfo())
            result["api"] = (await aw(client.get(API))).json()
            server.token_responses.append(
                token_response("ya29.a0AfB_access-two", refresh_token=None)
            )
            refreshed = await aw(client.refresh_token())
            result["refreshed"] = dict(refreshed)
            result["revoked"] = (await aw(client.revoke_token())).status_code

    flavor.run(scenario)

    token = result["token"]
    assert token["access_token"] == "ya29.a0AfB_access-one"
    assert token["refresh_token"] == "1//0gLrefresh-token-one"
    assert token["scope"] == GRANTED_SCOPE  # kept as Google granted it
    claims = token["userinfo"]  # the validated ID token
    assert claims["sub"] == SUB
    assert claims["iss"] == ISSUER
    assert claims["hd"] == "example.com"
    assert result["userinfo"] == USERINFO_CLAIMS
    assert result["api"] == {"authorization": "Bearer ya29.a0AfB_access-one"}

    code_request, refresh_request = server.sent(TOKEN)
    assert code_request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert "authorization" not in code_request.headers  # client_secret_post
    form = code_request.form
    assert form["grant_type"] == "authorization_code"
    assert form["code"] == "4/0AQSTgQGx-authorization-code"
    assert form["redirect_uri"] == REDIRECT
    assert form["client_id"] == CLIENT_ID
    assert form["client_secret"] == CLIENT_SECRET
    assert len(form["code_verifier"]) >= 43

    assert refresh_request.form == {
        "grant_type": "refresh_token",
        "refresh_token": "1//0gLrefresh-token-one",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    refreshed = result["refreshed"]
    assert refreshed["access_token"] == "ya29.a0AfB_access-two"
    assert refreshed["refresh_token"] == "1//0gLrefresh-token-one"  # Google sends none back
    assert refreshed["userinfo"]["sub"] == SUB

    [jwks_request] = server.sent(JWKS_URI)  # fetched once, then cached
    assert jwks_request.method == "GET"
    [userinfo_request] = server.sent(USERINFO)
    assert userinfo_request.headers["authorization"] == "Bearer ya29.a0AfB_access-one"
    [revoke_request] = server.sent(REVOKE)
    assert revoke_request.form["token"] == "1//0gLrefresh-token-one"
    assert result["revoked"] == 200


@pytest.mark.parametrize("iss", ["https://accounts.google.com", "accounts.google.com"])
@pytest.mark.parametrize("how", ["from_provider", "named"])
def test_both_google_issuer_spellings_validate(flavor: Flavor, how: str, iss: str) -> None:
    server = GoogleServer()

    async def scenario() -> Any:
        async with opened(sign_in_client(flavor, how, server)) as client:
            url, state = client.create_authorization_url()
            server.token_responses.append(token_response(nonce=query(url)["nonce"], iss=iss))
            return await aw(client.fetch_token(authorization_response=callback(state)))

    token = flavor.run(scenario)
    assert token["userinfo"]["iss"] == iss
    assert token["userinfo"]["sub"] == SUB


@pytest.mark.parametrize(
    "iss",
    [
        "https://accounts.google.com/",
        "http://accounts.google.com",
        "https://ACCOUNTS.google.com",
        "https://accounts.google.com.evil.example",
        "https://evil.example",
    ],
)
def test_any_other_issuer_spelling_is_refused(flavor: Flavor, iss: str) -> None:
    server = GoogleServer()

    async def scenario() -> None:
        async with opened(sign_in_client(flavor, "named", server)) as client:
            url, state = client.create_authorization_url()
            server.token_responses.append(token_response(nonce=query(url)["nonce"], iss=iss))
            with pytest.raises(IDTokenError) as caught:
                await aw(client.fetch_token(authorization_response=callback(state)))
            assert caught.value.reason == ID_TOKEN_ISSUER
            assert client.token is None

    flavor.run(scenario)


def test_an_id_token_signed_by_another_key_is_refused(flavor: Flavor) -> None:
    server = GoogleServer()
    forged_key = RSAKey.generate_key(2048, parameters={"kid": GOOGLE_KID})

    async def scenario() -> None:
        async with opened(sign_in_client(flavor, "named", server)) as client:
            url, state = client.create_authorization_url()
            nonce = query(url)["nonce"]
            body = json.loads(token_response(nonce=nonce).content)
            body["id_token"] = id_token(
                nonce=nonce, access_token=body["access_token"], key=forged_key
            )
            server.token_responses.append(google_json(200, body))
            with pytest.raises(IDTokenError):
                await aw(client.fetch_token(authorization_response=callback(state)))

    flavor.run(scenario)


def test_google_adding_openid_to_the_granted_scope_breaks_nothing(flavor: Flavor) -> None:
    """Asked for ``email profile``, Google grants ``openid`` too and sends an ID token.

    oauthlib raises "Scope has changed" here (requests-oauthlib#387); authwire keeps the
    granted scope as Google wrote it, validates the ID token (no nonce was sent, none is
    expected), refreshes, and uses the token.
    """
    server = GoogleServer()
    result: dict[str, Any] = {}

    async def scenario() -> None:
        async with opened(
            sign_in_client(flavor, "named", server, scope=["email", "profile"])
        ) as client:
            url, state = client.create_authorization_url()
            params = query(url)
            assert params["scope"] == "email profile"
            assert "nonce" not in params
            server.token_responses.append(token_response())
            token = await aw(
                client.fetch_token(
                    authorization_response=callback(state, scope=f"email profile {GRANTED_SCOPE}")
                )
            )
            result["token"] = dict(token)
            server.token_responses.append(
                token_response("ya29.a0AfB_access-two", refresh_token=None)
            )
            result["refreshed"] = dict(await aw(client.refresh_token()))
            result["api"] = (await aw(client.get(API))).json()

    flavor.run(scenario)
    assert result["token"]["scope"] == GRANTED_SCOPE
    assert "openid" in result["token"]["scope"].split()
    assert result["token"]["userinfo"]["sub"] == SUB
    assert result["refreshed"]["scope"] == GRANTED_SCOPE
    assert result["api"] == {"authorization": "Bearer ya29.a0AfB_access-two"}


def test_a_scope_without_openid_and_no_id_token(flavor: Flavor) -> None:
    """A plain API scope: Google answers without an ID token; nothing is validated."""
    server = GoogleServer()
    drive = "https://www.googleapis.com/auth/drive.readonly"

    async def scenario() -> Any:
        async with opened(sign_in_client(flavor, "named", server, scope=drive)) as client:
            _, state = client.create_authorization_url()
            server.token_responses.append(token_response(scope=drive, with_id_token=False))
            return await aw(client.fetch_token(authorization_response=callback(state, scope=drive)))

    token = flavor.run(scenario)
    assert token["scope"] == drive
    assert "userinfo" not in token


def test_callback_iss_parameter(flavor: Flavor) -> None:
    """Google adds ``iss`` to the redirect (RFC 9207) without advertising it; older
    redirects have none. Both work; another issuer is refused before the code is sent."""
    server = GoogleServer()

    async def scenario() -> None:
        async with opened(sign_in_client(flavor, "named", server)) as client:
            url, state = client.create_authorization_url()
            server.token_responses.append(token_response(nonce=query(url)["nonce"]))
            await aw(client.fetch_token(authorization_response=callback(state, iss=None)))

            url, state = client.create_authorization_url()
            with pytest.raises(MismatchingIssuerError):
                await aw(
                    client.fetch_token(
                        authorization_response=callback(state, iss="https://evil.example")
                    )
                )

    flavor.run(scenario)
    assert len(server.sent(TOKEN)) == 1


def test_google_token_errors_are_raised(flavor: Flavor) -> None:
    server = GoogleServer(
        token_responses=[
            google_json(400, {"error": "invalid_grant", "error_description": "Bad Request"})
        ],
        revoke_response=google_json(
            400, {"error": "invalid_token", "error_description": "Token expired or revoked"}
        ),
    )

    async def scenario() -> None:
        async with opened(sign_in_client(flavor, "named", server)) as client:
            _, state = client.create_authorization_url()
            with pytest.raises(OAuthError) as caught:
                await aw(client.fetch_token(authorization_response=callback(state)))
            assert caught.value.error == "invalid_grant"
            with pytest.raises(OAuthError) as caught:
                await aw(client.revoke_token(token="ya29.expired"))
            assert caught.value.error == "invalid_token"
            assert caught.value.description == "Token expired or revoked"

    flavor.run(scenario)


# -- service accounts --------------------------------------------------------------------------

_SA_RSA = rsa.generate_private_key(public_exponent=65537, key_size=2048)
SA_PRIVATE_PEM = _SA_RSA.private_bytes(
    ser.Encoding.PEM, ser.PrivateFormat.PKCS8, ser.NoEncryption()
).decode("ascii")
SA_PUBLIC = RSAKey.import_key(
    _SA_RSA.public_key().public_bytes(ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo)
)
SA_KEY_BODY = "".join(SA_PRIVATE_PEM.splitlines()[1:-1])
SA_SCOPES = [
    "https://www.googleapis.com/auth/cloud-platform",
    "https://www.googleapis.com/auth/drive.readonly",
]


def key_file(**changes: Any) -> dict[str, Any]:
    """A service account key as the Cloud console hands it out (all its fields)."""
    info: dict[str, Any] = {
        "type": "service_account",
        "project_id": "authwire-tests",
        "private_key_id": "3f1a8e0c5b7d9e2f4a6c8b0d1e3f5a7c9b2d4e6f",
        "private_key": SA_PRIVATE_PEM,
        "client_email": "robot@authwire-tests.iam.gserviceaccount.com",
        "client_id": "104512345678901234567",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": TOKEN,
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": (
            "https://www.googleapis.com/robot/v1/metadata/x509/"
            "robot%40authwire-tests.iam.gserviceaccount.com"
        ),
        "universe_domain": "googleapis.com",
    }
    info.update(changes)
    return {k: v for k, v in info.items() if v is not None}


def sa_token_response(access_token: str = "ya29.c.b0Aaekm1-service-one") -> httpx.Response:
    # Google's answer to the jwt-bearer grant: no refresh token, no scope
    return google_json(
        200, {"access_token": access_token, "expires_in": 3599, "token_type": "Bearer"}
    )


def sa_constructor(flavor: Flavor) -> Callable[..., Any]:
    return flavor.pick(service_account_client, async_service_account_client)


@pytest.mark.parametrize("subject", [None, "alice@example.com"])
@pytest.mark.parametrize("source", ["dict", "path", "str path"])
def test_service_account_assertion(
    flavor: Flavor, subject: str | None, source: str, tmp_path: Path
) -> None:
    server = GoogleServer(token_responses=[sa_token_response()])
    info = key_file()
    path = tmp_path / "authwire-tests-3f1a8e0c5b7d.json"
    path.write_text(json.dumps(info), encoding="utf-8")
    given: Any = {"dict": info, "path": path, "str path": str(path)}[source]

    async def scenario() -> Any:
        client = sa_constructor(flavor)(given, SA_SCOPES, subject, transport=server.transport())
        assert isinstance(client, flavor.assertion_client)
        async with opened(client):
            return (await aw(client.get(API))).json()

    assert flavor.run(scenario) == {"authorization": "Bearer ya29.c.b0Aaekm1-service-one"}
    [sent] = server.sent(TOKEN)
    assert sent.headers["content-type"] == "application/x-www-form-urlencoded"
    assert "authorization" not in sent.headers
    assert set(sent.form) == {"grant_type", "assertion"}
    assert (
        sent.form["grant_type"]
        == JWT_BEARER_GRANT_TYPE
        == ("urn:ietf:params:oauth:grant-type:jwt-bearer")
    )
    assertion = jwt.decode(sent.form["assertion"], SA_PUBLIC)  # verifies the signature
    assert assertion.header == {"alg": "RS256", "typ": "JWT", "kid": info["private_key_id"]}
    claims = assertion.claims
    assert claims["iss"] == info["client_email"]
    assert claims["aud"] == info["token_uri"]
    assert claims["scope"] == " ".join(SA_SCOPES)
    assert isinstance(claims["iat"], int)
    assert abs(claims["iat"] - time.time()) < 60
    assert claims["iat"] < claims["exp"] <= claims["iat"] + 3600
    if subject is None:
        assert "sub" not in claims
    else:
        assert claims["sub"] == subject


def test_service_account_token_uri_comes_from_the_key_file(flavor: Flavor) -> None:
    other_uri = "https://oauth2.sandbox.googleapis.example/token"
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return sa_token_response()

    async def scenario() -> None:
        client = sa_constructor(flavor)(
            key_file(token_uri=other_uri), "scope-a scope-b", transport=httpx.MockTransport(handle)
        )
        async with opened(client):
            await aw(client.fetch_token())

    flavor.run(scenario)
    [request] = seen
    assert str(request.url) == other_uri
    form = dict(parse_qsl(request.content.decode()))
    claims = jwt.decode(form["assertion"], SA_PUBLIC).claims
    assert claims["aud"] == other_uri
    assert claims["scope"] == "scope-a scope-b"


def test_service_account_fetches_anew_with_a_fresh_assertion(flavor: Flavor) -> None:
    server = GoogleServer(
        token_responses=[sa_token_response("ya29.c.one"), sa_token_response("ya29.c.two")]
    )

    async def scenario() -> list[str]:
        client = sa_constructor(flavor)(
            key_file(), SA_SCOPES, expires_in=600, transport=server.transport()
        )
        async with opened(client):
            first = await aw(client.fetch_token())
            second = await aw(client.fetch_token())
            return [first["access_token"], second["access_token"]]

    assert flavor.run(scenario) == ["ya29.c.one", "ya29.c.two"]
    first, second = (jwt.decode(r.form["assertion"], SA_PUBLIC).claims for r in server.sent(TOKEN))
    assert first["jti"] != second["jti"]
    assert first["exp"] == first["iat"] + 600


def test_service_account_refused_by_google(flavor: Flavor) -> None:
    server = GoogleServer(
        token_responses=[
            google_json(
                400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
            )
        ]
    )

    async def scenario() -> None:
        client = sa_constructor(flavor)(key_file(), SA_SCOPES, transport=server.transport())
        async with opened(client):
            with pytest.raises(OAuthError) as caught:
                await aw(client.get(API))
            assert caught.value.error == "invalid_grant"
            assert caught.value.description == "Invalid JWT Signature."

    flavor.run(scenario)


def assertion_fingerprint(client: Any) -> tuple[Any, ...]:
    engine = client.oauth
    signed = engine.signer.sign(engine.issuer, engine.audience, engine.subject, engine.claims)
    header = jwt.decode(signed, SA_PUBLIC).header
    return (
        type(client),
        engine.issuer,
        engine.subject,
        engine.audience,
        engine.claims,
        engine.grant_type,
        engine.expires_in,
        engine.scope,
        engine.client_id,
        engine.token_endpoint_auth_method,
        dict(engine.metadata),
        engine.signer.alg,
        header,
        client.timeout,
    )


@pytest.mark.parametrize("subject", [None, "alice@example.com"])
@pytest.mark.parametrize("is_async", [False, True])
def test_service_account_constructors_equal_the_seed_setup(
    subject: str | None, is_async: bool
) -> None:
    info = key_file()
    cls: type[Any] = AsyncAssertionClient if is_async else AssertionClient
    constructor = async_service_account_client if is_async else service_account_client
    seed_kwargs: dict[str, Any] = {
        "token_endpoint": info["token_uri"],
        "issuer": info["client_email"],
        "audience": info["token_uri"],
        "claims": {"scope": " ".join(SA_SCOPES)},
        "subject": subject,
        "key": info["private_key"],
        "header": {"alg": "RS256", "kid": info["private_key_id"]},
        "timeout": 9.0,
    }
    clients = [
        constructor(info, SA_SCOPES, subject, timeout=9.0),
        cls(**seed_kwargs),
        cls.from_provider("google", **seed_kwargs),
    ]
    made = assertion_fingerprint(clients[0])
    assert made[0] is cls
    assert made[3] == TOKEN
    assert all(assertion_fingerprint(other) == made for other in clients[1:])
    for client in clients:
        if isinstance(client, httpx.Client):
            client.close()


@pytest.mark.parametrize(
    "missing", ["type", "client_email", "private_key", "private_key_id", "token_uri"]
)
@pytest.mark.parametrize("constructor", [service_account_client, async_service_account_client])
def test_a_missing_field_is_named(missing: str, constructor: Callable[..., Any]) -> None:
    with pytest.raises(ValueError, match=f"no '{missing}' field") as caught:
        constructor(key_file(**{missing: None}), SA_SCOPES)
    assert SA_KEY_BODY[:40] not in str(caught.value)


@pytest.mark.parametrize(
    "field_name", ["client_email", "private_key", "private_key_id", "token_uri"]
)
def test_an_empty_or_non_string_field_is_named(field_name: str) -> None:
    for value in ("", "   ", 42, ["x"]):
        with pytest.raises(ValueError, match=f"'{field_name}' field must be a non-empty str"):
            service_account_client(key_file(**{field_name: value}), SA_SCOPES)


@pytest.mark.parametrize("kind", ["authorized_user", "external_account", 7])
def test_another_credential_type_is_refused(kind: Any) -> None:
    with pytest.raises(ValueError, match="not a service account key") as caught:
        service_account_client(key_file(type=kind), SA_SCOPES)
    assert SA_KEY_BODY[:40] not in str(caught.value)


def test_key_file_errors_never_show_the_key(tmp_path: Path) -> None:
    text = json.dumps(key_file())
    with pytest.raises(ValueError, match="not JSON text") as caught:
        service_account_client(text, SA_SCOPES)
    assert SA_KEY_BODY[:40] not in str(caught.value)

    broken = tmp_path / "broken.json"
    broken.write_text(text[:-10], encoding="utf-8")  # truncated: not JSON
    with pytest.raises(ValueError, match="is not a JSON service account key file") as caught:
        service_account_client(broken, SA_SCOPES)
    assert SA_KEY_BODY[:40] not in str(caught.value)
    assert caught.value.__context__ is None  # the decoder's error holds the whole file

    listed = tmp_path / "list.json"
    listed.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ValueError, match="JSON object"):
        service_account_client(listed, SA_SCOPES)

    with pytest.raises(FileNotFoundError):
        service_account_client(tmp_path / "absent.json", SA_SCOPES)
    with pytest.raises(TypeError, match="path to its JSON file or the parsed dict"):
        service_account_client(b"{}", SA_SCOPES)  # type: ignore[arg-type]

    with pytest.raises(ValueError) as caught:
        service_account_client(
            key_file(private_key="-----BEGIN PRIVATE KEY-----\nnot a key"), SA_SCOPES
        )
    assert "not a key" not in str(caught.value)


@pytest.mark.parametrize(
    ("scopes", "error"),
    [("", ValueError), ([], ValueError), (["a b"], ValueError), ([""], ValueError), (5, TypeError)],
)
def test_bad_scopes_are_refused(scopes: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        service_account_client(key_file(), scopes)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"scope": "x"}, TypeError, "scope claim"),
        ({"issuer": "someone"}, TypeError, "client_email"),
        ({"claims": {"scope": "x"}}, TypeError, "scopes"),
        ({"header": {"kid": "x"}}, TypeError, "private_key_id"),
        ({"key": SA_PRIVATE_PEM}, TypeError, "private_key"),
        ({"expires_in": 7200}, ValueError, "at most 3600"),
        ({"subject": ""}, ValueError, "email address"),
    ],
)
def test_arguments_the_key_file_decides_are_refused(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        service_account_client(key_file(), SA_SCOPES, **kwargs)
    with pytest.raises(error, match=message):
        async_service_account_client(key_file(), SA_SCOPES, **kwargs)


def test_service_account_repr_shows_no_key() -> None:
    with service_account_client(key_file(), SA_SCOPES) as client:
        text = repr(client)
    assert "robot@authwire-tests.iam.gserviceaccount.com" in text
    assert SA_KEY_BODY[:40] not in text
