"""GitHub's device flow (RFC 8628) through the plugin, on the sync and async clients.

The fake answers as docs.github.com "Authorizing OAuth apps — Device flow" documents:
``POST /login/device/code`` and ``POST /login/oauth/access_token`` speak JSON only when asked
with ``Accept: application/json`` (form encoding otherwise), and every polling error comes
back with HTTP 200. Waits go through a :class:`FakeClock`, so nothing really sleeps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from authwire_github import async_fetch_user, async_oauth2_client, fetch_user, oauth2_client

from authwire import AccessDeniedError, DeviceCodeExpiredError, DeviceFlowError, OAuthError
from authwire.testing import FakeClock, RecordedRequest

from ..._flavors import Flavor, aw, opened

pytestmark = pytest.mark.filterwarnings(
    "ignore:authwire provider plugin '(?!github'):authwire.providers.ProviderPluginWarning"
)

DEVICE_URL = "https://github.com/login/device/code"
TOKEN_URL = "https://github.com/login/oauth/access_token"
USER_URL = "https://api.github.com/user"
CLIENT_ID = "Iv1.8a61f9b3a7aba766"
CLIENT_SECRET = "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
FORM = "application/x-www-form-urlencoded"

# docs.github.com, "Device flow", step 1 and step 3
DEVICE_CODE = "3584d83530557fdd1f46af8289938c8ef79f9dc5"
DEVICE_ANSWER = {
    "device_code": DEVICE_CODE,
    "user_code": "WDJB-MJHT",
    "verification_uri": "https://github.com/login/device",
    "expires_in": 900,
    "interval": 5,
}
TOKEN = {
    "access_token": "gho_16C7e42F292c6912E7710c838347Ae178B4a",
    "token_type": "bearer",
    "scope": "read:user,user:email",
}


def error(code: str, description: str, **extra: Any) -> dict[str, Any]:
    """A device-flow error as GitHub sends it (HTTP 200; "Error codes for the device flow")."""
    uri = f"https://docs.github.com/developers/apps/authorizing-oauth-apps#{code.replace('_', '-')}"
    return {"error": code, "error_description": description, "error_uri": uri, **extra}


PENDING = error("authorization_pending", "The authorization request is still pending.")
# "5 extra seconds are added ... The error response includes the new interval that you must use."
SLOW_DOWN = error(
    "slow_down", "Too many requests have been made in the same timeframe.", interval=10
)
EXPIRED = error("expired_token", "The device code has expired.")
DENIED = error("access_denied", "The authorization request was denied.")


@dataclass
class FakeGitHub:
    """github.com's device, token and REST endpoints; token answers are used in order.

    ``honour_accept=False`` makes the token endpoint answer in form encoding whatever the
    ``Accept`` header says (GitHub's default format, as in test_github.py).
    """

    token_answers: list[dict[str, Any]] = field(default_factory=list)
    device_answer: dict[str, Any] = field(default_factory=lambda: dict(DEVICE_ANSWER))
    honour_accept: bool = True
    requests: list[RecordedRequest] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        sent = RecordedRequest(request.method, request.url, request.headers.copy(), request.read())
        self.requests.append(sent)
        url = str(request.url)
        if request.method == "POST" and url in (DEVICE_URL, TOKEN_URL):
            assert url == DEVICE_URL or self.token_answers, "polled after the last scripted answer"
            fields = self.device_answer if url == DEVICE_URL else self.token_answers.pop(0)
            honoured = self.honour_accept or url == DEVICE_URL
            if honoured and "application/json" in request.headers.get("accept", ""):
                return httpx.Response(200, json=fields)
            return httpx.Response(200, text=urlencode(fields), headers={"Content-Type": FORM})
        if url == USER_URL and request.headers.get("authorization", "").startswith("Bearer gho_"):
            return httpx.Response(200, json={"login": "octocat", "id": 1})
        return httpx.Response(401, json={"message": "Requires authentication"})

    def sent(self, url: str) -> list[RecordedRequest]:
        return [r for r in self.requests if str(r.url) == url]


def make_client(flavor: Flavor, how: str, github: FakeGitHub, **kwargs: Any) -> Any:
    transport = httpx.MockTransport(github.handle)
    if how == "from_provider":
        client = flavor.oauth2_client.from_provider(
            "github", client_id=CLIENT_ID, transport=transport, **kwargs
        )
    else:
        constructor: Any = flavor.pick(oauth2_client, async_oauth2_client)
        client = constructor(CLIENT_ID, transport=transport, **kwargs)
    client.oauth.clock = FakeClock()
    return client


async def device_flow(client: Any) -> Any:
    authorization = await aw(client.request_device_authorization())
    return await aw(client.poll_device_token(authorization))


@pytest.mark.parametrize("secret", [None, CLIENT_SECRET], ids=["public", "confidential"])
@pytest.mark.parametrize("how", ["from_provider", "named"])
def test_device_flow(flavor: Flavor, how: str, secret: str | None) -> None:
    github = FakeGitHub([PENDING, SLOW_DOWN, PENDING, TOKEN])
    seen: list[tuple[str, int, int]] = []
    result: dict[str, Any] = {}

    async def scenario() -> None:
        async with opened(make_client(flavor, how, github, client_secret=secret)) as client:
            clock = client.oauth.clock
            authorization = await aw(client.request_device_authorization())
            assert authorization.user_code == "WDJB-MJHT"
            assert authorization.verification_uri == "https://github.com/login/device"
            assert authorization.interval == 5
            assert authorization.expires_at == clock.now + 900
            token = await aw(
                client.poll_device_token(
                    authorization, lambda p: seen.append((p.user_code, p.interval, p.polls))
                )
            )
            assert client.token is token
            assert clock.sleeps == [5, 10, 10]  # slow_down: five more, for every later poll
            result["token"] = dict(token)
            result["user"] = await aw(flavor.pick(fetch_user, async_fetch_user)(client))

    flavor.run(scenario)
    assert result["token"]["access_token"] == TOKEN["access_token"]
    assert result["token"]["scope"] == "read:user,user:email"
    assert result["user"]["login"] == "octocat"
    assert seen == [("WDJB-MJHT", 5, 0), ("WDJB-MJHT", 5, 1), ("WDJB-MJHT", 10, 2),
                    ("WDJB-MJHT", 10, 3)]  # fmt: skip
    # client_secret_post, as the plugin configures it; GitHub's device flow needs no secret
    client_auth = {"client_id": CLIENT_ID} | ({"client_secret": secret} if secret else {})
    [device] = github.sent(DEVICE_URL)
    assert device.method == "POST"
    assert device.headers["accept"] == "application/json"
    assert device.headers["content-type"] == FORM
    assert "authorization" not in device.headers
    assert device.form == {"scope": "read:user user:email", **client_auth}
    polls = github.sent(TOKEN_URL)
    assert len(polls) == 4
    for poll in polls:
        assert poll.method == "POST"
        assert poll.headers.get_list("accept") == ["application/json"]
        assert "authorization" not in poll.headers
        assert poll.form == {"grant_type": DEVICE_GRANT, "device_code": DEVICE_CODE, **client_auth}
    [api] = github.sent(USER_URL)
    assert api.headers["authorization"] == f"Bearer {TOKEN['access_token']}"


@pytest.mark.parametrize("honour_accept", [True, False], ids=["json", "form"])
def test_denied(flavor: Flavor, honour_accept: bool) -> None:
    github = FakeGitHub([PENDING, SLOW_DOWN, DENIED], honour_accept=honour_accept)

    async def scenario() -> None:
        async with opened(make_client(flavor, "named", github)) as client:
            with pytest.raises(AccessDeniedError) as caught:
                await device_flow(client)
            assert caught.value.description == DENIED["error_description"]
            assert client.token is None
            assert client.oauth.clock.sleeps == [5, 10]

    flavor.run(scenario)
    assert len(github.sent(TOKEN_URL)) == 3


@pytest.mark.parametrize("honour_accept", [True, False], ids=["json", "form"])
def test_expired_by_github(flavor: Flavor, honour_accept: bool) -> None:
    github = FakeGitHub([PENDING, EXPIRED], honour_accept=honour_accept)

    async def scenario() -> None:
        async with opened(make_client(flavor, "from_provider", github)) as client:
            with pytest.raises(DeviceCodeExpiredError):
                await device_flow(client)
            assert client.token is None
            assert client.oauth.clock.sleeps == [5]

    flavor.run(scenario)


def test_expired_on_the_clock(flavor: Flavor) -> None:
    """Polls at 0, 5 and 10 s of a 12 s code; the next would come too late, so none is sent."""
    github = FakeGitHub([PENDING] * 3, device_answer={**DEVICE_ANSWER, "expires_in": 12})

    async def scenario() -> None:
        async with opened(make_client(flavor, "named", github)) as client:
            with pytest.raises(DeviceCodeExpiredError):
                await device_flow(client)
            assert client.oauth.clock.sleeps == [5, 5]

    flavor.run(scenario)
    assert len(github.sent(TOKEN_URL)) == 3


@pytest.mark.parametrize(
    "code",
    ["incorrect_device_code", "device_flow_disabled", "incorrect_client_credentials",
     "unsupported_grant_type"],
)  # fmt: skip
def test_other_errors_stop_polling(flavor: Flavor, code: str) -> None:
    github = FakeGitHub([error(code, "Not this time.")])

    async def scenario() -> None:
        async with opened(make_client(flavor, "named", github)) as client:
            with pytest.raises(OAuthError) as caught:
                await device_flow(client)
            assert caught.value.error == code
            assert not isinstance(caught.value, DeviceFlowError)
            assert client.oauth.clock.sleeps == []

    flavor.run(scenario)
    assert len(github.sent(TOKEN_URL)) == 1


def test_slow_down_uses_the_interval_github_sends(flavor: Flavor) -> None:
    github = FakeGitHub([{**SLOW_DOWN, "interval": 15}, TOKEN])

    async def scenario() -> None:
        async with opened(make_client(flavor, "named", github)) as client:
            await device_flow(client)
            assert client.oauth.clock.sleeps == [15]

    flavor.run(scenario)
