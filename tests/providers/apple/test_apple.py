"""The Apple plugin: registration, provider value, constructors, the client secret maker and
the reader of Apple's form POST. No request is sent here (see ``test_apple_flows`` and
``test_apple_quirks`` for the emulator)."""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import authwire_apple
import pytest
from authwire_apple import (
    APPLE,
    MAX_LIFETIME,
    AppleClientSecret,
    AppleSignIn,
    AppleUser,
    async_oauth2_client,
    check_redirect_uri,
    oauth2_client,
    parse_callback,
)
from joserfc import jwt
from joserfc.jwk import ECKey

from authwire import AsyncOAuth2Client, AuthorizationResponseError, OAuth2Client, providers
from authwire.testing import FakeClock, SigningKey

from .appleid import KEY_ID, REDIRECT, SERVICES_ID, TEAM_ID

pytestmark = pytest.mark.filterwarnings(
    "ignore:authwire provider plugin '(?!apple'):authwire.providers.ProviderPluginWarning"
)

P8 = SigningKey.generate("ES256").private_pem  # stands for AuthKey_<KEY_ID>.p8


@pytest.fixture(scope="module", autouse=True)
def registry_loaded() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        providers.names()
    assert [str(w.message) for w in caught if "'apple'" in str(w.message)] == []


def test_registered_through_the_entry_point() -> None:
    [ep] = [ep for ep in entry_points(group="authwire") if ep.name == "apple"]
    assert ep.load() is authwire_apple
    assert providers.get("apple") is APPLE


def test_provider_values_are_apples_documented_ones() -> None:
    assert APPLE.issuer == "https://appleid.apple.com"
    assert APPLE.authorization_endpoint == "https://appleid.apple.com/auth/authorize"
    assert APPLE.token_endpoint == "https://appleid.apple.com/auth/token"
    assert APPLE.revocation_endpoint == "https://appleid.apple.com/auth/revoke"
    assert APPLE.jwks_uri == "https://appleid.apple.com/auth/keys"
    assert APPLE.userinfo_endpoint is None  # Apple has none
    assert APPLE.scope == ("openid", "name", "email")
    assert dict(APPLE.authorize_params) == {"response_mode": "form_post"}
    assert APPLE.token_endpoint_auth_method == "client_secret_post"
    assert APPLE.protocols == ("oauth2", "openid")
    assert APPLE.flows == ("authorization_code", "refresh_token", "revocation")
    assert len(APPLE.quirks) == 5
    assert all(q.url.startswith("https://developer.apple.com/") for q in APPLE.quirks)


def secret(**kwargs: Any) -> AppleClientSecret:
    return AppleClientSecret(TEAM_ID, KEY_ID, P8, **kwargs)


def summary(client: Any) -> dict[str, Any]:
    engine = client.oauth
    return {
        "type": type(client),
        "client_id": engine.client_id,
        "client_secret": engine.client_secret,
        "auth_method": engine.token_endpoint_auth_method,
        "auth_method_class": type(engine._methods()["client_secret_post"]).__name__,
        "scope": engine.scope,
        "redirect_uri": engine.redirect_uri,
        "pkce": engine.code_challenge_method,
        "metadata": engine.metadata,
        "authorize_params": engine.authorize_params,
    }


@pytest.mark.parametrize(
    ("constructor", "cls"),
    [(oauth2_client, OAuth2Client), (async_oauth2_client, AsyncOAuth2Client)],
)
def test_named_constructors_equal_from_provider(constructor: Callable[..., Any], cls: Any) -> None:
    key = secret()
    named = constructor(SERVICES_ID, key, redirect_uri=REDIRECT)
    by_name = cls.from_provider(
        "apple", client_id=SERVICES_ID, client_secret=key, redirect_uri=REDIRECT
    )
    assert type(named) is cls
    assert summary(named) == summary(by_name)
    assert summary(named)["auth_method_class"] == "AppleClientAuth"
    built = constructor(
        SERVICES_ID, team_id=TEAM_ID, key_id=KEY_ID, private_key=P8, secret_lifetime=3600
    )
    assert built.oauth.client_secret.lifetime == 3600


def test_authorization_url_asks_for_a_form_post() -> None:
    client = oauth2_client(SERVICES_ID, secret(), redirect_uri=REDIRECT)
    url, state = client.create_authorization_url()
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == APPLE.authorization_endpoint
    query = parse_qs(parts.query)
    assert query["response_mode"] == ["form_post"]
    assert query["scope"] == ["openid name email"]
    assert query["client_id"] == [SERVICES_ID]
    assert query["state"] == [state]
    assert query["code_challenge_method"] == ["S256"]
    assert "nonce" in query


def test_a_plain_string_secret_is_refused() -> None:
    with pytest.raises(TypeError, match="AppleClientSecret"):
        OAuth2Client.from_provider("apple", client_id=SERVICES_ID, client_secret=P8.decode())
    with pytest.raises(TypeError, match="AppleClientSecret"):
        oauth2_client(SERVICES_ID, "a-static-secret")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="team_id=, key_id= and private_key="):
        oauth2_client(SERVICES_ID, team_id=TEAM_ID)
    with pytest.raises(TypeError, match="not both"):
        oauth2_client(SERVICES_ID, secret(), team_id=TEAM_ID)


@pytest.mark.parametrize(
    "uri",
    [
        "http://app.example/cb",
        "https://localhost/cb",
        "https://localhost:8443/cb",
        "https://dev.localhost/cb",
        "https://127.0.0.1/cb",
        "https://[::1]/cb",
        "https://intranet/cb",
    ],
)
def test_redirect_uris_apple_refuses_are_refused_early(uri: str) -> None:
    with pytest.raises(ValueError, match="redirect_uri"):
        oauth2_client(SERVICES_ID, secret(), redirect_uri=uri)


def test_a_good_redirect_uri_passes() -> None:
    assert check_redirect_uri(REDIRECT) == REDIRECT


def test_response_mode_other_than_form_post_with_user_scopes_is_refused() -> None:
    with pytest.raises(ValueError, match="form_post"):
        oauth2_client(SERVICES_ID, secret(), response_mode="query")
    with pytest.raises(ValueError, match="email"):
        oauth2_client(SERVICES_ID, secret(), response_mode="fragment", scope="openid email")
    quiet = oauth2_client(SERVICES_ID, secret(), response_mode="query", scope="openid")
    assert "response_mode=query" in quiet.create_authorization_url()[0]


# -- the client secret -----------------------------------------------------------------------


def test_the_client_secret_is_the_documented_jwt() -> None:
    clock = FakeClock()
    made = secret(clock=clock).for_client(SERVICES_ID)
    token = jwt.decode(made, ECKey.import_key(P8), algorithms=["ES256"])
    assert token.header == {"alg": "ES256", "kid": KEY_ID}
    assert token.claims == {
        "iss": TEAM_ID,
        "iat": int(clock.now),
        "exp": int(clock.now) + 86_400,
        "aud": "https://appleid.apple.com",
        "sub": SERVICES_ID,
    }


def test_the_client_secret_is_reused_then_renewed_before_it_expires() -> None:
    clock = FakeClock()
    maker = secret(clock=clock, lifetime=10_000)
    first = maker.for_client(SERVICES_ID)
    clock.advance(8_999)  # more than a tenth of the lifetime left: reused
    assert maker.for_client(SERVICES_ID) == first
    clock.advance(1)  # a tenth left: renewed, well before exp
    second = maker.for_client(SERVICES_ID)
    assert second != first
    claims = jwt.decode(second, ECKey.import_key(P8), algorithms=["ES256"]).claims
    assert claims["iat"] == int(clock.now)
    assert maker.for_client("com.example.other") != second  # one per client ID


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"team_id": "TEAM"}, "team_id"),
        ({"key_id": "KEY_12345678"}, "key_id"),
        ({"lifetime": MAX_LIFETIME + 1}, "lifetime"),
        ({"lifetime": 599}, "lifetime"),
        ({"lifetime": True}, "lifetime"),
        ({"private_key": "AuthKey_KEY1234567.p8"}, "content of the .p8"),
        ({"private_key": SigningKey.generate("ES384").private_pem}, "P-256"),
        ({"private_key": SigningKey.shared("RS256").private_pem}, "P-256"),
    ],
)
def test_bad_secret_arguments_are_named(kwargs: dict[str, Any], message: str) -> None:
    arguments: dict[str, Any] = {"team_id": TEAM_ID, "key_id": KEY_ID, "private_key": P8}
    lifetime = kwargs.pop("lifetime", None)
    arguments.update(kwargs)
    extra = {} if lifetime is None else {"lifetime": lifetime}
    with pytest.raises(ValueError, match=message):
        AppleClientSecret(**arguments, **extra)


def test_the_secret_never_shows_the_key() -> None:
    maker = secret()
    shown = repr(maker)
    assert TEAM_ID in shown
    assert KEY_ID in shown
    assert "PRIVATE" not in shown
    assert P8.decode().splitlines()[1] not in shown


# -- Apple's form POST -------------------------------------------------------------------------

USER_JSON = '{"name":{"firstName":"Jane","lastName":"Appleseed"},"email":"jane@example.com"}'


@pytest.mark.parametrize(
    "form",
    [
        urlencode({"code": "c1", "state": "s1", "id_token": "x.y.z", "user": USER_JSON}).encode(),
        urlencode({"code": "c1", "state": "s1", "user": USER_JSON}),
        {"code": "c1", "state": "s1", "user": USER_JSON},
        {"code": ["c1"], "state": ["s1"], "user": [USER_JSON]},
    ],
)
def test_the_form_post_is_read_in_every_shape(form: Any) -> None:
    callback = parse_callback(form)
    assert dict(callback.params) == {"code": "c1", "state": "s1"}
    assert callback.user == AppleUser("Jane", "Appleseed", "jane@example.com")
    assert callback.user.name == "Jane Appleseed"
    assert callback.authorization_response(REDIRECT) == f"{REDIRECT}?code=c1&state=s1"


def test_later_sign_ins_have_no_user() -> None:
    assert parse_callback(b"code=c2&state=s2").user is None
    assert parse_callback({"error": "user_cancelled_authorize", "state": "s"}).params == {
        "error": "user_cancelled_authorize",
        "state": "s",
    }


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (b"code=a&code=b&state=s", "repeats"),
        ({"code": ["a", "b"], "state": "s"}, "repeats"),
        (b"code=a&user=%7Bnot+json", "not JSON"),
        (b"code=a&user=%5B1%5D", "not a JSON object"),
        (b"code=a&user=" + urlencode({"x": json.dumps({"name": "Jane"})})[2:].encode(), "name"),
        (b"code=a&user=" + urlencode({"x": '{"email": 5}'})[2:].encode(), "email"),
        (b"code=a&user=" + b"x" * 9000, "over"),
        (b"\xff\xfe", "not application/x-www-form-urlencoded"),
        (b"a" * 70_000, "over"),
    ],
)
def test_a_broken_form_post_is_refused(form: Any, message: str) -> None:
    with pytest.raises(AuthorizationResponseError, match=message):
        parse_callback(form)


def test_a_form_of_another_type_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="form must be"):
        parse_callback(42)  # type: ignore[arg-type]


def test_the_sign_in_result_reads_apples_string_booleans() -> None:
    result = AppleSignIn(
        token=None,  # type: ignore[arg-type]
        claims={"sub": "s", "email": "e@x", "email_verified": "true", "is_private_email": False},
    )
    assert result.subject == "s"
    assert result.email == "e@x"
    assert result.email_verified is True
    assert result.is_private_email is False
    assert result.name is None
    assert AppleSignIn(token=None, claims={"email_verified": "yes"}).email_verified is None  # type: ignore[arg-type]
