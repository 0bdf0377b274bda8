"""Google's device flow ("OAuth 2.0 for TV and Limited-Input Device Applications") through
the plugin, on the sync and async clients.

The fake answers at Google's URLs as that guide documents: the device response spells
``verification_url``; polls send ``client_id`` and ``client_secret`` in the body; errors
come as 4xx JSON (428 ``authorization_pending``, 403 ``slow_down`` and ``access_denied``);
with ``openid`` in scope the token carries an ID token, which the plugin's issuer and JWKS
make the client validate. Waits go through a :class:`FakeClock`, so nothing really sleeps.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from authwire_google import async_oauth2_client, oauth2_client
from joserfc import jwt
from joserfc.jwk import RSAKey

from authwire import (
    AccessDeniedError,
    DeviceCodeExpiredError,
    DeviceFlowError,
    IDTokenError,
    OAuthError,
    ResponseError,
)
from authwire.testing import FakeClock, RecordedRequest

from ..._flavors import Flavor, aw, opened

pytestmark = pytest.mark.filterwarnings(
    "ignore:authwire provider plugin '(?!google'):authwire.providers.ProviderPluginWarning"
)

DEVICE = "https://oauth2.googleapis.com/device/code"
TOKEN = "https://oauth2.googleapis.com/token"
JWKS_URI = "https://www.googleapis.com/oauth2/v3/certs"
API = "https://www.googleapis.com/drive/v3/files"
CLIENT_ID = "1234567890-abcdefghijklmnop.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-not-a-real-secret-0123456"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
FORM = "application/x-www-form-urlencoded"
SUB = "110169484474386276334"
ACCESS_TOKEN = "ya29.a0AfB_device-access-one"
GRANTED = (
    "openid https://www.googleapis.com/auth/userinfo.profile "
    "https://www.googleapis.com/auth/userinfo.email"
)

KEY = RSAKey.generate_key(2048, parameters={"kid": "a3b762f871cdb3bae0044c649622fc1396eda3e3"})
JWKS = {"keys": [{**KEY.as_dict(private=False), "alg": "RS256", "use": "sig"}]}

# the guide's step 2 and step 6
DEVICE_CODE = "4/4-GMMhmHCXhWEzkobqIHGG_EnNYYsAkukHspeYUk9E8"
DEVICE_ANSWER = {
    "device_code": DEVICE_CODE,
    "user_code": "GQVQ-JKEC",
    "verification_url": "https://www.google.com/device",
    "expires_in": 1800,
    "interval": 5,
}
PENDING = (428, {"error": "authorization_pending", "error_description": "Precondition Required"})
SLOW_DOWN = (403, {"error": "slow_down", "error_description": "Forbidden"})
DENIED = (403, {"error": "access_denied", "error_description": "Forbidden"})
EXPIRED = (400, {"error": "expired_token", "error_description": "Bad Request"})


def id_token(now: float, access_token: str = ACCESS_TOKEN, key: RSAKey = KEY) -> str:
    """An ID token as Google signs it, dated by the test's clock."""
    digest = hashlib.sha256(access_token.encode()).digest()[:16]
    claims = {
        "iss": "https://accounts.google.com",
        "azp": CLIENT_ID,
        "aud": CLIENT_ID,
        "sub": SUB,
        "email": "alice@example.com",
        "email_verified": True,
        "at_hash": base64.urlsafe_b64encode(digest).rstrip(b"=").decode(),
        "iat": int(now),
        "exp": int(now) + 3600,
    }
    return jwt.encode({"alg": "RS256", "kid": key.kid, "typ": "JWT"}, claims, key)


def granted(now: float, key: RSAKey = KEY) -> tuple[int, dict[str, Any]]:
    return 200, {
        "access_token": ACCESS_TOKEN,
        "expires_in": 3599,
        "refresh_token": "1//0gLdevice-refresh-one",
        "scope": GRANTED,
        "token_type": "Bearer",
        "id_token": id_token(now, key=key),
    }


@dataclass
class FakeGoogle:
    """Google's device, token, JWKS endpoints and an API; token answers are used in order."""

    token_answers: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    device_answer: tuple[int, dict[str, Any]] = (200, DEVICE_ANSWER)
    requests: list[RecordedRequest] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        sent = RecordedRequest(request.method, request.url, request.headers.copy(), request.read())
        self.requests.append(sent)
        url = str(request.url)
        if url == DEVICE and request.method == "POST":
            return httpx.Response(self.device_answer[0], json=self.device_answer[1])
        if url == TOKEN and request.method == "POST":
            assert self.token_answers, "polled after the last scripted answer"
            status, body = self.token_answers.pop(0)
            return httpx.Response(status, json=body)
        if url == JWKS_URI:
            return httpx.Response(200, json=JWKS)
        return httpx.Response(200, json={"authorization": request.headers.get("authorization")})

    def sent(self, url: str) -> list[RecordedRequest]:
        return [r for r in self.requests if str(r.url) == url]


def make_client(flavor: Flavor, how: str, google: FakeGoogle, **kwargs: Any) -> Any:
    transport = httpx.MockTransport(google.handle)
    if how == "from_provider":
        client = flavor.oauth2_client.from_provider(
            "google",
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            transport=transport,
            **kwargs,
        )
    else:
        constructor: Any = flavor.pick(oauth2_client, async_oauth2_client)
        client = constructor(CLIENT_ID, CLIENT_SECRET, transport=transport, **kwargs)
    client.oauth.clock = FakeClock()
    return client


async def device_flow(client: Any) -> Any:
    authorization = await aw(client.request_device_authorization())
    return await aw(client.poll_device_token(authorization))


@pytest.mark.parametrize("how", ["from_provider", "named"])
def test_device_flow(flavor: Flavor, how: str) -> None:
    google = FakeGoogle()
    result: dict[str, Any] = {}

    async def scenario() -> None:
        async with opened(make_client(flavor, how, google)) as client:
            clock = client.oauth.clock
            authorization = await aw(client.request_device_authorization())
            assert authorization.user_code == "GQVQ-JKEC"
            assert authorization.verification_uri == "https://www.google.com/device"
            assert authorization.expires_at == clock.now + 1800
            assert authorization.interval == 5
            # the ID token is issued when the user approves, after 25 s of polling
            google.token_answers = [PENDING, SLOW_DOWN, PENDING, granted(clock.now + 25)]
            token = await aw(client.poll_device_token(authorization))
            assert client.token is token
            assert clock.sleeps == [5, 10, 10]  # slow_down: five more, for every later poll
            result["token"] = dict(token)
            result["api"] = (await aw(client.get(API))).json()

    flavor.run(scenario)
    token = result["token"]
    assert token["access_token"] == ACCESS_TOKEN
    assert token["refresh_token"] == "1//0gLdevice-refresh-one"
    assert token["scope"] == GRANTED
    assert token["userinfo"]["sub"] == SUB  # the ID token, validated
    assert result["api"] == {"authorization": f"Bearer {ACCESS_TOKEN}"}
    client_auth = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}  # client_secret_post
    [device] = google.sent(DEVICE)
    assert device.method == "POST"
    assert device.headers["accept"] == "application/json"
    assert device.headers["content-type"] == FORM
    assert "authorization" not in device.headers
    assert device.form == {"scope": "openid email profile", **client_auth}
    polls = google.sent(TOKEN)
    assert len(polls) == 4
    for poll in polls:
        assert poll.method == "POST"
        assert "authorization" not in poll.headers
        assert poll.form == {"grant_type": DEVICE_GRANT, "device_code": DEVICE_CODE, **client_auth}
    assert len(google.sent(JWKS_URI)) == 1


def test_an_api_scope_without_openid_brings_no_id_token(flavor: Flavor) -> None:
    drive = "https://www.googleapis.com/auth/drive.file"
    body = {
        "access_token": ACCESS_TOKEN,
        "expires_in": 3599,
        "scope": drive,
        "token_type": "Bearer",
    }
    google = FakeGoogle([PENDING, (200, body)])

    async def scenario() -> Any:
        async with opened(make_client(flavor, "named", google, scope=drive)) as client:
            return dict(await device_flow(client))

    token = flavor.run(scenario)
    assert "userinfo" not in token
    assert google.sent(DEVICE)[0].form["scope"] == drive
    assert google.sent(JWKS_URI) == []


def test_an_id_token_signed_by_another_key_is_refused(flavor: Flavor) -> None:
    google = FakeGoogle()
    forged = RSAKey.generate_key(2048, parameters={"kid": KEY.kid})

    async def scenario() -> None:
        async with opened(make_client(flavor, "from_provider", google)) as client:
            google.token_answers = [granted(client.oauth.clock.now, key=forged)]
            with pytest.raises(IDTokenError):
                await device_flow(client)
            assert client.token is None

    flavor.run(scenario)


@pytest.mark.parametrize(
    ("expires_in", "answers", "expected", "sleeps"),
    [
        (1800, [PENDING, SLOW_DOWN, DENIED], AccessDeniedError, [5, 10]),
        (1800, [PENDING, EXPIRED], DeviceCodeExpiredError, [5]),
        # polls at 0, 5 and 10 s of a 12 s code; the next would come too late: none is sent
        (12, [PENDING] * 3, DeviceCodeExpiredError, [5, 5]),
    ],
    ids=["denied", "expired", "expired-on-the-clock"],
)
def test_the_user_says_no_or_waits_too_long(
    flavor: Flavor,
    expires_in: int,
    answers: list[Any],
    expected: type[Exception],
    sleeps: list[int],
) -> None:
    google = FakeGoogle(list(answers), (200, {**DEVICE_ANSWER, "expires_in": expires_in}))

    async def scenario() -> None:
        async with opened(make_client(flavor, "named", google)) as client:
            with pytest.raises(expected):
                await device_flow(client)
            assert client.token is None
            assert client.oauth.clock.sleeps == sleeps

    flavor.run(scenario)
    assert len(google.sent(TOKEN)) == len(answers)


@pytest.mark.parametrize(
    "answer",
    [(401, {"error": "invalid_client", "error_description": "Unauthorized"}),
     (400, {"error": "invalid_grant", "error_description": "Bad Request"}),
     (403, {"error": "org_internal", "error_description": "Forbidden"})],
    ids=lambda answer: answer[1]["error"],
)  # fmt: skip
def test_other_errors_stop_polling(flavor: Flavor, answer: tuple[int, dict[str, Any]]) -> None:
    google = FakeGoogle([answer])

    async def scenario() -> None:
        async with opened(make_client(flavor, "named", google)) as client:
            with pytest.raises(OAuthError) as caught:
                await device_flow(client)
            assert caught.value.error == answer[1]["error"]
            assert not isinstance(caught.value, DeviceFlowError)
            assert client.oauth.clock.sleeps == []

    flavor.run(scenario)
    assert len(google.sent(TOKEN)) == 1


def test_quota_exceeded_on_the_device_endpoint(flavor: Flavor) -> None:
    """Google's 403 ``{"error_code": "rate_limit_exceeded"}`` is no OAuth error object."""
    google = FakeGoogle(device_answer=(403, {"error_code": "rate_limit_exceeded"}))

    async def scenario() -> None:
        async with opened(make_client(flavor, "named", google)) as client:
            with pytest.raises(ResponseError) as caught:
                await aw(client.request_device_authorization())
            assert caught.value.status_code == 403

    flavor.run(scenario)
    assert google.sent(TOKEN) == []
