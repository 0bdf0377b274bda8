"""RFC 8628 device authorization grant over MockTransport, on every client flavor.

Time is a :class:`FakeClock`: waits between polls advance it and are recorded, so the
polling schedule is checked exactly and nothing really sleeps.
"""

from __future__ import annotations

import base64
from typing import Any

import anyio
import anyio.lowlevel
import httpx
import pytest
from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric import ec
from joserfc import jwt
from joserfc.jwk import ECKey

from authwire import (
    AccessDeniedError,
    DeviceCodeExpiredError,
    DeviceFlowError,
    OAuthError,
    ResponseError,
    TokenExpiredError,
    TokenResponseError,
)
from authwire.protocol.rfc8628 import (
    DEVICE_CODE_GRANT,
    DeviceAuthorization,
    DeviceFlowProgress,
    next_interval,
    process_device_authorization_response,
)
from authwire.rfc7523 import JWT_BEARER_CLIENT_ASSERTION_TYPE, PrivateKeyJWT
from authwire.testing import FakeClock, RecordedRequest

from .conftest import Flavor, aw, opened

ISSUER = "https://as.test"
DEVICE_ENDPOINT = f"{ISSUER}/device_authorization"
TOKEN_ENDPOINT = f"{ISSUER}/token"
CLIENT_ID = "device-client"
CLIENT_SECRET = "device-client-secret-0123456789"
DEVICE_CODE = "GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS"
USER_CODE = "WDJB-MJHT"
VERIFICATION_URI = "https://as.test/device"
VERIFICATION_URI_COMPLETE = "https://as.test/device?user_code=WDJB-MJHT"

_EC = ec.generate_private_key(ec.SECP256R1())
EC_PEM = _EC.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.PKCS8, ser.NoEncryption()).decode()
EC_PUBLIC = ECKey.import_key(
    _EC.public_key().public_bytes(ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo)
)


# -- a scripted authorization server ---------------------------------------------------------


class Server:
    """Answers each path with its scripted responses in order; an unscripted request fails."""

    def __init__(self) -> None:
        self.clock = FakeClock()
        self.responses: dict[str, list[httpx.Response]] = {}
        self.requests: list[RecordedRequest] = []
        #: the fake time at which each request arrived
        self.times: list[float] = []

    def script(self, path: str, *responses: httpx.Response) -> None:
        self.responses.setdefault(path, []).extend(responses)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(
            RecordedRequest(request.method, request.url, request.headers.copy(), request.read())
        )
        self.times.append(self.clock.now)
        queue = self.responses.get(request.url.path)
        if not queue:
            raise AssertionError(f"unscripted request to {request.url.path}")
        return queue.pop(0)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def polls(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.url.path == "/token"]


def device_response(**overrides: Any) -> httpx.Response:
    body: dict[str, Any] = {
        "device_code": DEVICE_CODE,
        "user_code": USER_CODE,
        "verification_uri": VERIFICATION_URI,
        "verification_uri_complete": VERIFICATION_URI_COMPLETE,
        "expires_in": 600,
        "interval": 5,
    }
    body.update(overrides)
    return httpx.Response(200, json={k: v for k, v in body.items() if v is not None})


def oauth_error(error: str, status: int = 400, **extra: Any) -> httpx.Response:
    return httpx.Response(status, json={"error": error, **extra})


def token_response(**fields: Any) -> httpx.Response:
    fields.setdefault("token_type", "Bearer")
    return httpx.Response(200, json=fields)


PENDING = "authorization_pending"


def make_client(flavor: Flavor, server: Server, **kwargs: Any) -> Any:
    kwargs.setdefault("token_endpoint", TOKEN_ENDPOINT)
    kwargs.setdefault("device_authorization_endpoint", DEVICE_ENDPOINT)
    client_id = kwargs.pop("client_id", CLIENT_ID)
    client_secret = kwargs.pop("client_secret", None)
    client = flavor.oauth2_client(client_id, client_secret, transport=server.transport(), **kwargs)
    client.oauth.clock = server.clock
    return client


def basic_pair(header: str) -> tuple[str, str]:
    scheme, _, value = header.partition(" ")
    assert scheme == "Basic"
    client_id, _, secret = base64.b64decode(value).decode("ascii").partition(":")
    return client_id, secret


def authorization(clock: FakeClock, *, expires_in: float = 600, interval: int = 5) -> Any:
    return DeviceAuthorization(
        device_code=DEVICE_CODE,
        user_code=USER_CODE,
        verification_uri=VERIFICATION_URI,
        expires_at=clock.now + expires_in,
        interval=interval,
    )


# -- the device authorization request (RFC 8628 §3.1, §3.2) -----------------------------------


def test_device_authorization_request_and_response(flavor: Flavor) -> None:
    server = Server()
    server.script("/device_authorization", device_response(interval=7))

    async def scenario() -> DeviceAuthorization:
        async with opened(make_client(flavor, server, scope=["read", "write"])) as client:
            return await aw(client.request_device_authorization())

    result = flavor.run(scenario)
    [sent] = server.requests
    assert sent.method == "POST"
    assert str(sent.url) == DEVICE_ENDPOINT
    assert sent.headers["accept"] == "application/json"
    assert sent.headers["content-type"] == "application/x-www-form-urlencoded"
    assert "authorization" not in sent.headers
    assert sent.form == {"scope": "read write", "client_id": CLIENT_ID}
    assert result.device_code == DEVICE_CODE
    assert result.user_code == USER_CODE
    assert result.verification_uri == VERIFICATION_URI
    assert result.verification_uri_complete == VERIFICATION_URI_COMPLETE
    assert result.interval == 7
    assert result.expires_at == server.clock.now + 600
    assert DEVICE_CODE not in repr(result)
    assert USER_CODE in repr(result)


def test_explicit_scope_resource_and_extra_parameters(flavor: Flavor) -> None:
    server = Server()
    server.script("/other", device_response())
    resources = ["https://api.test/a", "https://api.test/b"]

    async def scenario() -> None:
        async with opened(make_client(flavor, server, scope="default-scope")) as client:
            await aw(
                client.request_device_authorization(
                    f"{ISSUER}/other",
                    ["x", "y"],
                    headers={"X-Trace": "t1"},
                    resource=resources,
                    audience="aud-1",
                )
            )

    flavor.run(scenario)
    [sent] = server.requests
    assert sent.url.path == "/other"
    assert sent.headers["x-trace"] == "t1"
    assert sent.headers["accept"] == "application/json"
    pairs = httpx.QueryParams(sent.content.decode()).multi_items()
    assert ("scope", "x y") in pairs
    assert [v for k, v in pairs if k == "resource"] == resources
    assert ("audience", "aud-1") in pairs


@pytest.mark.parametrize(
    "resource", ["relative/path", "https://api.test/#frag", ["https://api.test/", "nope"]]
)
def test_bad_resource_on_device_authorization_sends_nothing(flavor: Flavor, resource: Any) -> None:
    server = Server()

    async def scenario() -> None:
        async with opened(make_client(flavor, server)) as client:
            with pytest.raises(ValueError, match="resource"):
                await aw(client.request_device_authorization(resource=resource))

    flavor.run(scenario)
    assert server.requests == []


def test_no_device_authorization_endpoint_sends_nothing(flavor: Flavor) -> None:
    server = Server()

    async def scenario() -> None:
        async with opened(
            make_client(flavor, server, device_authorization_endpoint=None)
        ) as client:
            with pytest.raises(ValueError, match="device_authorization_endpoint"):
                await aw(client.request_device_authorization())

    flavor.run(scenario)
    assert server.requests == []


@pytest.mark.parametrize(
    "method", ["client_secret_basic", "client_secret_post", "none", "private_key_jwt"]
)
def test_client_authentication_on_the_request_and_every_poll(flavor: Flavor, method: str) -> None:
    server = Server()
    server.script("/device_authorization", device_response())
    server.script("/token", oauth_error(PENDING), token_response(access_token="device-at-1"))
    secret = {"none": None, "private_key_jwt": EC_PEM}.get(method, CLIENT_SECRET)

    async def scenario() -> None:
        async with opened(
            make_client(flavor, server, client_secret=secret, token_endpoint_auth_method=method)
        ) as client:
            if method == "private_key_jwt":
                client.register_client_auth_method(PrivateKeyJWT(TOKEN_ENDPOINT))
            found = await aw(client.request_device_authorization())
            await aw(client.poll_device_token(found))

    flavor.run(scenario)
    assert len(server.requests) == 3
    for sent in server.requests:
        form = sent.form
        if method == "client_secret_basic":
            assert basic_pair(sent.headers["authorization"]) == (CLIENT_ID, CLIENT_SECRET)
            assert "client_id" not in form
            assert "client_secret" not in form
        elif method == "client_secret_post":
            assert "authorization" not in sent.headers
            assert form["client_id"] == CLIENT_ID
            assert form["client_secret"] == CLIENT_SECRET
        elif method == "none":
            assert "authorization" not in sent.headers
            assert form["client_id"] == CLIENT_ID
            assert "client_secret" not in form
        else:
            assert "authorization" not in sent.headers
            assert form["client_id"] == CLIENT_ID
            assert form["client_assertion_type"] == JWT_BEARER_CLIENT_ASSERTION_TYPE
            claims = jwt.decode(form["client_assertion"], EC_PUBLIC, algorithms=["ES256"]).claims
            assert claims["iss"] == claims["sub"] == CLIENT_ID
            assert claims["aud"] == TOKEN_ENDPOINT
    # every assertion is single-use
    if method == "private_key_jwt":
        assertions = {r.form["client_assertion"] for r in server.requests}
        assert len(assertions) == 3


def test_device_authorization_with_explicit_auth_pair(flavor: Flavor) -> None:
    server = Server()
    server.script("/device_authorization", device_response())

    async def scenario() -> None:
        async with opened(make_client(flavor, server)) as client:
            await aw(client.request_device_authorization(auth=("other-id", "other-secret")))

    flavor.run(scenario)
    [sent] = server.requests
    assert basic_pair(sent.headers["authorization"]) == ("other-id", "other-secret")


# -- parsing the device authorization response ------------------------------------------------


def test_defaults_and_googles_spelling() -> None:
    response = httpx.Response(
        200,
        json={
            "device_code": DEVICE_CODE,
            "user_code": USER_CODE,
            "verification_url": "https://www.google.com/device",
            "expires_in": "1800",
        },
    )
    result = process_device_authorization_response(response, now=1000.0)
    assert result.verification_uri == "https://www.google.com/device"
    assert result.verification_uri_complete is None
    assert result.interval == 5
    assert result.expires_at == 2800.0


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        ({"device_code": None}, "device_code"),
        ({"user_code": ""}, "user_code"),
        ({"verification_uri": None}, "verification_uri"),
        ({"expires_in": None}, "expires_in"),
        ({"expires_in": -3}, "expires_in"),
        ({"interval": 0}, "interval"),
        ({"interval": True}, "interval"),
    ],
    ids=[
        "no-device_code",
        "empty-user_code",
        "no-verification_uri",
        "no-expires_in",
        "negative-expires_in",
        "zero-interval",
        "bool-interval",
    ],
)
def test_missing_members_raise_response_error(missing: dict[str, Any], named: str) -> None:
    response = device_response(**missing)  # None drops the member
    with pytest.raises(ResponseError) as info:
        process_device_authorization_response(response, now=0.0)
    assert not isinstance(info.value, TokenResponseError)
    assert named in str(info.value)
    assert info.value.status_code == 200
    assert DEVICE_CODE not in str(info.value)
    assert DEVICE_CODE not in repr(info.value)


def test_error_json_and_non_json_from_the_device_endpoint(flavor: Flavor) -> None:
    server = Server()
    server.script(
        "/device_authorization",
        oauth_error("invalid_client", 401, error_description="unknown client"),
        httpx.Response(503, html="<html>maintenance</html>"),
        httpx.Response(200, json={"device_code": DEVICE_CODE}),
    )

    async def scenario() -> None:
        async with opened(make_client(flavor, server)) as client:
            with pytest.raises(OAuthError) as info:
                await aw(client.request_device_authorization())
            assert not isinstance(info.value, ResponseError)
            assert info.value.error == "invalid_client"
            assert info.value.description == "unknown client"
            with pytest.raises(ResponseError) as bad:
                await aw(client.request_device_authorization())
            assert bad.value.status_code == 503
            with pytest.raises(ResponseError, match="user_code") as lacking:
                await aw(client.request_device_authorization())
            assert DEVICE_CODE not in str(lacking.value)

    flavor.run(scenario)
    assert len(server.requests) == 3


# -- polling (RFC 8628 §3.4, §3.5) ------------------------------------------------------------


def test_first_poll_is_immediate_and_slow_down_sticks(flavor: Flavor) -> None:
    server = Server()
    server.script("/device_authorization", device_response(interval=5))
    server.script(
        "/token",
        oauth_error(PENDING),
        oauth_error("slow_down"),
        oauth_error(PENDING),
        token_response(access_token="device-at-1", refresh_token="device-rt-1", expires_in=3600),
    )

    async def scenario() -> Any:
        async with opened(make_client(flavor, server)) as client:
            found = await aw(client.request_device_authorization())
            token = await aw(client.poll_device_token(found))
            assert client.token is token
            return token

    token = flavor.run(scenario)
    assert token["access_token"] == "device-at-1"
    assert server.clock.sleeps == [5, 10, 10]
    start = server.times[0]
    assert [t - start for t in server.times] == [0, 0, 5, 15, 25]
    polls = server.polls()
    assert len(polls) == 4
    for poll in polls:
        assert poll.form == {
            "grant_type": DEVICE_CODE_GRANT,
            "device_code": DEVICE_CODE,
            "client_id": CLIENT_ID,
        }
        assert poll.headers["accept"] == "application/json"


def test_each_slow_down_adds_five_more_seconds(flavor: Flavor) -> None:
    server = Server()
    server.script(
        "/token",
        oauth_error("slow_down"),
        oauth_error("slow_down"),
        oauth_error(PENDING),
        token_response(access_token="device-at-1"),
    )

    async def scenario() -> None:
        async with opened(make_client(flavor, server)) as client:
            await aw(client.poll_device_token(authorization(server.clock, interval=2)))

    flavor.run(scenario)
    assert server.clock.sleeps == [7, 12, 12]


@pytest.mark.parametrize(
    ("error", "exception"),
    [("access_denied", AccessDeniedError), ("expired_token", DeviceCodeExpiredError)],
)
def test_denied_or_expired_by_the_server_stops_polling(
    flavor: Flavor, error: str, exception: type[DeviceFlowError]
) -> None:
    server = Server()
    server.script(
        "/token", oauth_error(PENDING), oauth_error(error, error_description="said the server")
    )

    async def scenario() -> None:
        async with opened(make_client(flavor, server)) as client:
            with pytest.raises(exception) as info:
                await aw(client.poll_device_token(authorization(server.clock)))
            assert isinstance(info.value, DeviceFlowError)
            assert info.value.error == error
            assert info.value.description == "said the server"
            assert client.token is None

    flavor.run(scenario)
    assert len(server.polls()) == 2
    assert server.clock.sleeps == [5]


def test_code_that_would_expire_before_the_next_poll_is_not_polled_again(flavor: Flavor) -> None:
    server = Server()
    server.script("/token", oauth_error(PENDING), oauth_error(PENDING), oauth_error(PENDING))

    async def scenario() -> None:
        async with opened(make_client(flavor, server)) as client:
            with pytest.raises(DeviceCodeExpiredError):
                await aw(client.poll_device_token(authorization(server.clock, expires_in=12)))
            assert client.token is None

    flavor.run(scenario)
    # polls at 0, 5 and 10; the next would be at 15, past the expiry at 12
    assert len(server.polls()) == 3
    assert server.clock.sleeps == [5, 5]


def test_short_lived_code_is_polled_once(flavor: Flavor) -> None:
    server = Server()
    server.script("/token", oauth_error(PENDING))

    async def scenario() -> None:
        async with opened(make_client(flavor, server)) as client:
            with pytest.raises(DeviceCodeExpiredError):
                await aw(client.poll_device_token(authorization(server.clock, expires_in=3)))

    flavor.run(scenario)
    assert len(server.polls()) == 1
    assert server.clock.sleeps == []


def test_already_expired_code_is_never_polled(flavor: Flavor) -> None:
    server = Server()

    async def scenario() -> None:
        async with opened(make_client(flavor, server)) as client:
            found = authorization(server.clock, expires_in=10)
            server.clock.now += 10
            with pytest.raises(DeviceCodeExpiredError):
                await aw(client.poll_device_token(found))

    flavor.run(scenario)
    assert server.requests == []


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_progress_sees_user_code_countdown_and_polls(flavor: Flavor, kind: str) -> None:
    server = Server()
    server.script("/device_authorization", device_response())
    server.script(
        "/token",
        oauth_error(PENDING),
        oauth_error("slow_down"),
        token_response(access_token="device-at-1"),
    )
    seen: list[DeviceFlowProgress] = []

    def progress(status: DeviceFlowProgress) -> None:
        seen.append(status)

    async def async_progress(status: DeviceFlowProgress) -> None:
        await anyio.lowlevel.checkpoint()
        seen.append(status)

    callback = progress if kind == "sync" else async_progress

    async def scenario() -> None:
        async with opened(make_client(flavor, server)) as client:
            found = await aw(client.request_device_authorization())
            if kind == "async" and not flavor.is_async:
                with pytest.raises(TypeError, match="sync client"):
                    client.poll_device_token(found, callback)
                return
            await aw(client.poll_device_token(found, callback))

    flavor.run(scenario)
    if kind == "async" and not flavor.is_async:
        # the coroutine callback was refused before the first poll
        assert server.polls() == []
        assert seen == []
        return
    assert [(s.polls, s.expires_in, s.interval) for s in seen] == [
        (0, 600, 5),
        (1, 600, 5),
        (2, 595, 10),
    ]
    first = seen[0]
    assert first.user_code == USER_CODE
    assert first.verification_uri == VERIFICATION_URI
    assert first.verification_uri_complete == VERIFICATION_URI_COMPLETE
    assert len(server.polls()) == 3


class Abort(Exception):
    pass


def test_raising_from_progress_cancels(flavor: Flavor) -> None:
    server = Server()
    server.script("/token", oauth_error(PENDING))
    calls: list[int] = []

    def progress(status: DeviceFlowProgress) -> None:
        calls.append(status.polls)
        if status.polls == 1:
            raise Abort("the user pressed Ctrl-C")

    async def scenario() -> None:
        async with opened(make_client(flavor, server)) as client:
            with pytest.raises(Abort):
                await aw(client.poll_device_token(authorization(server.clock), progress))
            assert client.token is None

    flavor.run(scenario)
    assert calls == [0, 1]
    assert len(server.polls()) == 1
    assert server.clock.sleeps == []


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_cancel_scope_from_progress_stops_polling(backend: str) -> None:
    flavor = Flavor(backend)
    server = Server()
    server.script("/token", oauth_error(PENDING), oauth_error(PENDING))

    async def scenario() -> None:
        async with opened(make_client(flavor, server)) as client:
            with anyio.CancelScope() as scope:

                def progress(status: DeviceFlowProgress) -> None:
                    if status.polls == 2:
                        scope.cancel()

                await client.poll_device_token(authorization(server.clock), progress)
            assert scope.cancelled_caught
            assert client.token is None

    flavor.run(scenario)
    assert len(server.polls()) == 2
    # the first wait finished; the second was cancelled at FakeClock's checkpoint
    assert server.clock.sleeps == [5]


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_move_on_after_stops_polling(backend: str) -> None:
    flavor = Flavor(backend)
    server = Server()
    server.script("/token", oauth_error(PENDING))

    async def scenario() -> None:
        async with opened(make_client(flavor, server)) as client:
            with anyio.move_on_after(0) as scope:
                await client.poll_device_token(authorization(server.clock))
            assert scope.cancelled_caught
            assert client.token is None

    flavor.run(scenario)
    # cancelled at the first checkpoint: at most the immediate first poll went out
    assert len(server.polls()) <= 1
    assert server.clock.sleeps == []


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_real_sleep_is_cancellable(backend: str) -> None:
    """With the system clock the wait is ``anyio.sleep``: a cancel scope ends it at once."""
    flavor = Flavor(backend)
    server = Server()
    server.script("/token", oauth_error(PENDING))
    seen: list[int] = []

    async def scenario() -> None:
        client = flavor.oauth2_client(
            CLIENT_ID, token_endpoint=TOKEN_ENDPOINT, transport=server.transport()
        )
        async with opened(client):
            now = client.oauth.clock()
            found = DeviceAuthorization(DEVICE_CODE, USER_CODE, VERIFICATION_URI, now + 600, 30)
            with anyio.fail_after(5), anyio.CancelScope() as scope:

                def progress(status: DeviceFlowProgress) -> None:
                    seen.append(status.polls)
                    if status.polls == 1:
                        scope.cancel()

                await client.poll_device_token(found, progress)
            assert scope.cancelled_caught

    flavor.run(scenario)
    assert seen == [0, 1]
    assert len(server.polls()) == 1


def test_unrelated_error_and_non_json_propagate(flavor: Flavor) -> None:
    server = Server()
    server.script(
        "/token",
        oauth_error(PENDING),
        oauth_error("invalid_client", 401, error_description="bad client"),
        httpx.Response(500, text="Internal Server Error"),
    )

    async def scenario() -> None:
        async with opened(make_client(flavor, server)) as client:
            with pytest.raises(OAuthError) as info:
                await aw(client.poll_device_token(authorization(server.clock)))
            assert not isinstance(info.value, DeviceFlowError | ResponseError)
            assert info.value.error == "invalid_client"
            with pytest.raises(TokenResponseError) as bad:
                await aw(client.poll_device_token(authorization(server.clock)))
            assert bad.value.status_code == 500
            assert client.token is None

    flavor.run(scenario)
    assert len(server.polls()) == 3
    assert server.clock.sleeps == [5]


def test_device_token_is_not_renewed_with_the_used_code(flavor: Flavor) -> None:
    server = Server()
    server.script("/token", token_response(access_token="device-at-1", expires_in=3600))

    async def scenario() -> None:
        async with opened(make_client(flavor, server)) as client:
            token = await aw(client.poll_device_token(authorization(server.clock)))
            assert client.token is token
            client.token["expires_at"] = 1
            with pytest.raises(TokenExpiredError):
                await aw(client.get("https://api.test/"))

    flavor.run(scenario)
    assert len(server.requests) == 1


def test_device_token_with_refresh_token_is_refreshed(flavor: Flavor) -> None:
    server = Server()
    server.script(
        "/token",
        token_response(access_token="device-at-1", refresh_token="device-rt-1", expires_in=60),
        token_response(access_token="device-at-2", expires_in=3600),
    )
    server.script("/api", httpx.Response(200, json={"ok": True}))

    async def scenario() -> None:
        async with opened(make_client(flavor, server)) as client:
            await aw(client.poll_device_token(authorization(server.clock)))
            client.token["expires_at"] = 1
            response = await aw(client.get(f"{ISSUER}/api"))
            assert response.json() == {"ok": True}
            assert client.token["access_token"] == "device-at-2"

    flavor.run(scenario)
    refresh = server.requests[1]
    assert refresh.form["grant_type"] == "refresh_token"
    assert refresh.form["refresh_token"] == "device-rt-1"
    assert server.requests[2].headers["authorization"] == "Bearer device-at-2"


def test_misuse_is_refused_before_any_request(flavor: Flavor) -> None:
    server = Server()

    async def scenario() -> None:
        async with opened(make_client(flavor, server)) as client:
            with pytest.raises(TypeError, match="DeviceAuthorization"):
                await aw(client.poll_device_token({"device_code": DEVICE_CODE}))
            with pytest.raises(TypeError, match="progress"):
                await aw(client.poll_device_token(authorization(server.clock), "not callable"))

    flavor.run(scenario)
    assert server.requests == []


def test_device_hooks_run(flavor: Flavor) -> None:
    server = Server()
    # a provider that spells the member its own way; the response hook repairs it
    server.script(
        "/device_authorization",
        httpx.Response(
            200,
            json={
                "device_code": DEVICE_CODE,
                "user_code": USER_CODE,
                "verify_here": VERIFICATION_URI,
                "expires_in": 600,
            },
        ),
    )
    order: list[str] = []

    def on_request(url: str, headers: dict[str, str], body: str) -> Any:
        order.append("request")
        headers = {**headers, "X-Hooked": "1"}
        return url, headers, body + "&extra=1"

    async def on_request_async(url: str, headers: dict[str, str], body: str) -> Any:
        return on_request(url, headers, body)

    def on_response(response: httpx.Response) -> httpx.Response:
        order.append("response")
        data = response.json()
        data["verification_uri"] = data.pop("verify_here")
        return httpx.Response(200, json=data)

    async def on_response_async(response: httpx.Response) -> httpx.Response:
        return on_response(response)

    async def scenario() -> DeviceAuthorization:
        async with opened(make_client(flavor, server, scope="s")) as client:
            client.register_compliance_hook(
                "device_authorization_request", flavor.pick(on_request, on_request_async)
            )
            client.register_compliance_hook(
                "device_authorization_response", flavor.pick(on_response, on_response_async)
            )
            return await aw(client.request_device_authorization())

    result = flavor.run(scenario)
    assert order == ["request", "response"]
    assert result.verification_uri == VERIFICATION_URI
    [sent] = server.requests
    assert sent.headers["x-hooked"] == "1"
    assert sent.form["extra"] == "1"
    assert sent.form["scope"] == "s"
    assert sent.form["client_id"] == CLIENT_ID  # client authentication applied after the hook


# -- next_interval, the polling rule on its own -----------------------------------------------


def test_next_interval() -> None:
    assert next_interval(OAuthError(PENDING), 5) == 5
    assert next_interval(OAuthError("slow_down"), 5) == 10
    with pytest.raises(AccessDeniedError):
        next_interval(OAuthError("access_denied"), 5)
    with pytest.raises(DeviceCodeExpiredError):
        next_interval(OAuthError("expired_token"), 5)
    other = OAuthError("invalid_grant")
    with pytest.raises(OAuthError) as info:
        next_interval(other, 5)
    assert info.value is other


def test_slow_down_takes_a_longer_interval_the_server_names() -> None:
    def slow_down(**extra: object) -> OAuthError:
        error = OAuthError("slow_down")
        error.extra = dict(extra)
        return error

    assert next_interval(slow_down(interval=15), 5) == 15  # GitHub names the new interval
    assert next_interval(slow_down(interval=7), 5) == 10  # never less than RFC 8628's +5
    assert next_interval(slow_down(interval="15"), 5) == 10  # not a number: ignored
    assert next_interval(slow_down(interval=True), 5) == 10
    assert "15" not in repr(slow_down(interval=15))
