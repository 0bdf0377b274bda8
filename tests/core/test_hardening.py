"""Hostile servers, failing refreshes, forged callbacks and bad input: typed errors, no leaks.

Each test names the defect of the hardening issue it pins down; redirects and body caps are in
``test_hardening_transport.py``, the parsers' property-based fuzzing in ``test_fuzz_parsers.py``.
"""

from __future__ import annotations

import copy
import pickle
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import anyio
import httpx
import pytest

from authwire import (
    AsyncOAuth2Client,
    AuthorizationRequest,
    AuthorizationResponseError,
    IDTokenError,
    MismatchingIssuerError,
    MismatchingStateError,
    OAuth2Auth,
    OAuth2Client,
    OAuthError,
    RedirectRefusedError,
    ResponseError,
    ResponseTooLargeError,
    TokenResponseError,
)
from authwire.testing import FakeProvider

from .conftest import Flavor, aw, opened

EXPIRED = {"access_token": "old-access-token", "refresh_token": "rt-secret-1", "expires_at": 1}
TOKEN_URL = "https://as.test/token"
API = "https://api.test/things"
SECRET = "client-secret-value"

# -- every waiter behind a failed refresh gets that refresh's error ---------------------------


def _html_500(request: httpx.Request) -> httpx.Response:
    return httpx.Response(500, html="<html><body>Internal error</body></html>")


def _invalid_grant(request: httpx.Request) -> httpx.Response:
    return httpx.Response(400, json={"error": "invalid_grant", "error_description": "revoked"})


def _garbage_id_token(request: httpx.Request) -> httpx.Response:
    return FakeProvider.token(access_token="new", id_token="not.a.jwt", expires_in=60)


def _redirect(request: httpx.Request) -> httpx.Response:
    return httpx.Response(307, headers={"Location": "https://evil.test/steal"})


def _huge(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=b"{" + b" " * (2 << 20) + b"}")


FAILURES: dict[str, tuple[Callable[[httpx.Request], httpx.Response], type[Exception]]] = {
    "5xx HTML": (_html_500, TokenResponseError),
    "invalid_grant": (_invalid_grant, OAuthError),
    "bad ID token": (_garbage_id_token, IDTokenError),
    "redirect": (_redirect, RedirectRefusedError),
    "too large": (_huge, ResponseTooLargeError),
}


def _fields(error: BaseException) -> dict[str, Any]:
    return {
        "type": type(error),
        "str": str(error),
        **{k: v for k, v in vars(error).items() if not k.startswith("_")},
    }


def _failing_client(cls: Any, answer: Callable[[httpx.Request], Any], **kwargs: Any) -> Any:
    return cls(
        "id",
        SECRET,
        token=EXPIRED,
        token_endpoint=TOKEN_URL,
        issuer="https://as.test",
        jwks_uri="https://as.test/jwks",
        transport=httpx.MockTransport(answer),
        **kwargs,
    )


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
@pytest.mark.parametrize("failure", list(FAILURES))
def test_200_waiting_tasks_get_the_failed_refresh_s_own_error(backend: str, failure: str) -> None:
    answer, family = FAILURES[failure]
    token_requests = 0

    async def main() -> list[BaseException]:
        gate = anyio.Event()

        async def handler(request: httpx.Request) -> httpx.Response:
            nonlocal token_requests
            if request.url.path == "/token":
                token_requests += 1
                await gate.wait()  # every other task queues behind this refresh
                return answer(request)
            return httpx.Response(200)

        errors: list[BaseException] = []
        async with _failing_client(AsyncOAuth2Client, handler) as client:

            async def call() -> None:
                try:
                    await client.get(API)
                except Exception as exc:
                    errors.append(exc)

            with anyio.fail_after(30):
                async with anyio.create_task_group() as tg:
                    for _ in range(200):
                        tg.start_soon(call)
                    await anyio.sleep(0.05)
                    gate.set()
            assert client.token["access_token"] == "old-access-token"  # nothing lost
        return errors

    errors = anyio.run(main, backend=backend)
    assert token_requests == 1
    assert len(errors) == 200
    first = _fields(errors[0])
    assert issubclass(first["type"], family)
    assert all(_fields(e) == first for e in errors)
    assert len({id(e) for e in errors}) == 200  # each waiter has its own copy


@pytest.mark.parametrize("failure", list(FAILURES))
def test_31_waiting_threads_get_the_failed_refresh_s_own_error(failure: str) -> None:
    answer, family = FAILURES[failure]
    release = threading.Event()
    barrier = threading.Barrier(31, timeout=30)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/token":
            release.wait(timeout=1)
            return answer(request)
        return httpx.Response(200)

    with _failing_client(OAuth2Client, handler) as client:

        def call(_: int) -> BaseException | None:
            barrier.wait()
            try:
                client.get(API)
            except Exception as exc:
                return exc
            return None

        with ThreadPoolExecutor(31) as pool:
            errors = list(pool.map(call, range(31)))
    assert all(e is not None for e in errors)
    first = _fields(errors[0])  # type: ignore[arg-type]
    assert issubclass(first["type"], family)
    assert all(_fields(e) == first for e in errors)  # type: ignore[arg-type]


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_an_unreachable_token_endpoint_gives_every_waiter_httpx_s_own_error(backend: str) -> None:
    # httpx ends the auth flow before authwire sees a transport error, so it is not shared:
    # each waiter tries in turn (one at a time, under the lock) and gets httpx's error
    attempts = 0

    async def main() -> list[BaseException]:
        async def handler(request: httpx.Request) -> httpx.Response:
            nonlocal attempts
            if request.url.path == "/token":
                attempts += 1
                raise httpx.ConnectError("connection refused", request=request)
            return httpx.Response(200)

        errors: list[BaseException] = []
        async with _failing_client(AsyncOAuth2Client, handler) as client:

            async def call() -> None:
                try:
                    await client.get(API)
                except Exception as exc:
                    errors.append(exc)

            with anyio.fail_after(30):
                async with anyio.create_task_group() as tg:
                    for _ in range(200):
                        tg.start_soon(call)
            assert client.token["refresh_token"] == "rt-secret-1"
        return errors

    errors = anyio.run(main, backend=backend)
    assert len(errors) == 200
    assert all(type(e) is httpx.ConnectError for e in errors)
    assert attempts == 200


@pytest.mark.parametrize(
    "error",
    [
        TokenResponseError("no token", status_code=502, excerpt="text/html 'Bad gateway'"),
        IDTokenError("bad_aud", "the ID token is for someone else"),
        RedirectRefusedError("redirected", status_code=307, origin="https://evil.test"),
        ResponseTooLargeError("too large", status_code=200),
        MismatchingStateError(),
        OAuthError("invalid_grant", "revoked", "https://as.test/doc"),
    ],
)
def test_every_error_survives_copy_and_pickle_with_its_fields(error: OAuthError) -> None:
    for clone in (copy.copy(error), pickle.loads(pickle.dumps(error))):
        assert type(clone) is type(error)
        assert vars(clone) == vars(error)
        assert str(clone) == str(error)


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_cancelling_the_next_refresher_after_a_failure_lets_a_waiter_renew(backend: str) -> None:
    calls = 0

    async def main() -> list[str]:
        first_refresh_started = anyio.Event()

        async def handler(request: httpx.Request) -> httpx.Response:
            nonlocal calls
            if request.url.path != "/token":
                return httpx.Response(200, text=request.headers["authorization"])
            calls += 1
            if calls == 1:
                return httpx.Response(400, json={"error": "invalid_grant"})
            if calls == 2:
                first_refresh_started.set()
                await anyio.sleep(30)  # cancelled long before
            return FakeProvider.token(access_token="renewed", expires_in=3600)

        results: list[str] = []
        async with AsyncOAuth2Client(
            "id",
            SECRET,
            token=EXPIRED,
            token_endpoint=TOKEN_URL,
            transport=httpx.MockTransport(handler),
        ) as client:
            with pytest.raises(OAuthError):
                await client.get(API)  # the failed refresh

            async def wait_for_it() -> None:
                results.append((await client.get(API)).text)

            with anyio.fail_after(20):
                async with anyio.create_task_group() as tg:
                    doomed = anyio.CancelScope()

                    async def refresher() -> None:
                        with doomed:
                            await client.get(API)

                    tg.start_soon(refresher)
                    await first_refresh_started.wait()
                    for _ in range(50):
                        tg.start_soon(wait_for_it)
                    await anyio.sleep(0.05)
                    doomed.cancel()
        return results

    results = anyio.run(main, backend=backend)
    assert results == ["Bearer renewed"] * 50
    assert calls == 3  # failed, cancelled, then one renewal for all 50


# -- a request waiting behind a slow refresh keeps its own timeout -----------------------------


def test_a_thread_waiting_behind_a_slow_refresh_times_out_with_pool_timeout() -> None:
    started = threading.Event()
    release = threading.Event()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/token":
            started.set()
            release.wait(timeout=10)
            return FakeProvider.token(access_token="new", expires_in=3600)
        return httpx.Response(200)

    with (
        OAuth2Client(
            "id",
            SECRET,
            token=EXPIRED,
            token_endpoint=TOKEN_URL,
            transport=httpx.MockTransport(handler),
        ) as client,
        ThreadPoolExecutor(1) as pool,
    ):
        slow = pool.submit(client.get, API)
        assert started.wait(timeout=10)
        began = time.monotonic()
        with pytest.raises(httpx.PoolTimeout):
            client.get(API, timeout=0.3)
        waited = time.monotonic() - began
        release.set()
        assert slow.result(timeout=10).status_code == 200
    assert waited < 5  # its own 0.3 s bound, not the refresh's 10 s


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_a_task_waiting_behind_a_slow_refresh_times_out_with_pool_timeout(backend: str) -> None:
    async def main() -> float:
        started = anyio.Event()
        release = anyio.Event()

        async def handler(request: httpx.Request) -> httpx.Response:
            if request.url.path == "/token":
                started.set()
                await release.wait()
                return FakeProvider.token(access_token="new", expires_in=3600)
            return httpx.Response(200)

        async with AsyncOAuth2Client(
            "id",
            SECRET,
            token=EXPIRED,
            token_endpoint=TOKEN_URL,
            transport=httpx.MockTransport(handler),
        ) as client:
            statuses: list[int] = []

            async def slow() -> None:
                statuses.append((await client.get(API)).status_code)

            with anyio.fail_after(20):
                async with anyio.create_task_group() as tg:
                    tg.start_soon(slow)
                    await started.wait()
                    began = anyio.current_time()
                    with pytest.raises(httpx.PoolTimeout):
                        await client.get(API, timeout=httpx.Timeout(10, pool=0.3))
                    waited = anyio.current_time() - began
                    release.set()
            assert statuses == [200]
        return waited

    assert anyio.run(main, backend=backend) < 5


# -- the callback: state fails closed, checks in order, no repeated parameter ------------------


def _client(flavor: Flavor, provider: FakeProvider, **kwargs: Any) -> Any:
    kwargs.setdefault("redirect_uri", "https://app.test/cb")
    return flavor.oauth2_client(
        "id",
        SECRET,
        token_endpoint=provider.token_endpoint,
        authorization_endpoint=provider.authorization_endpoint,
        transport=provider.transport(),
        **kwargs,
    )


def test_a_callback_with_nothing_pending_is_refused_before_any_request(
    flavor: Flavor, provider: FakeProvider
) -> None:
    provider.token_responses.append(FakeProvider.token(access_token="at"))

    async def scenario() -> None:
        async with opened(_client(flavor, provider)) as client:
            with pytest.raises(MismatchingStateError, match="no authorization request is pending"):
                await aw(
                    client.fetch_token(authorization_response="https://app.test/cb?code=c&state=s")
                )

    flavor.run(scenario)
    assert provider.token_requests() == []


def test_a_second_callback_after_the_exchange_is_refused(
    flavor: Flavor, provider: FakeProvider
) -> None:
    provider.token_responses.append(FakeProvider.token(access_token="at"))

    async def scenario() -> None:
        async with opened(_client(flavor, provider)) as client:
            _url, state = client.create_authorization_url()
            callback = f"https://app.test/cb?code=c&state={state}"
            await aw(client.fetch_token(authorization_response=callback))
            assert client.authorization_request is None
            with pytest.raises(MismatchingStateError):
                await aw(client.fetch_token(authorization_response=callback))

    flavor.run(scenario)
    assert len(provider.token_requests()) == 1


def test_a_restored_request_or_an_explicit_state_still_completes(
    flavor: Flavor, provider: FakeProvider
) -> None:
    provider.token_responses.append(FakeProvider.token(access_token="at"))

    async def scenario() -> None:
        async with opened(_client(flavor, provider)) as first:
            _url, state = first.create_authorization_url()
            saved = first.authorization_request.to_dict()
        async with opened(_client(flavor, provider)) as worker:
            worker.authorization_request = AuthorizationRequest.from_dict(saved)
            await aw(
                worker.fetch_token(
                    authorization_response=f"https://app.test/cb?code=c&state={state}"
                )
            )
        async with opened(_client(flavor, provider)) as explicit:
            await aw(
                explicit.fetch_token(
                    authorization_response="https://app.test/cb?code=d&state=mine", state="mine"
                )
            )
        async with opened(_client(flavor, provider)) as caller_checked:
            await aw(caller_checked.fetch_token(code="e"))  # no callback URL: the caller checked

    flavor.run(scenario)
    forms = [r.form for r in provider.token_requests()]
    assert [f["code"] for f in forms] == ["c", "d", "e"]
    assert "code_verifier" in forms[0]


@pytest.mark.parametrize(
    ("callback", "error"),
    [
        ("error=access_denied&error_description=Click+here&state=forged", MismatchingStateError),
        ("error=access_denied&state={state}&iss=https://evil.test", MismatchingIssuerError),
        ("code=A&code=B&state={state}", AuthorizationResponseError),
        ("code=A&state={state}&state={state}", AuthorizationResponseError),
        (
            "code=A&state={state}&iss=https://as.test&iss=https://as.test",
            AuthorizationResponseError,
        ),
    ],
    ids=["forged error", "error from another issuer", "two codes", "two states", "two iss"],
)
def test_a_forged_or_spliced_callback_is_refused_before_its_text_is_believed(
    flavor: Flavor, provider: FakeProvider, callback: str, error: type[Exception]
) -> None:
    async def scenario() -> None:
        async with opened(_client(flavor, provider, issuer="https://as.test")) as client:
            _url, state = client.create_authorization_url()
            url = "https://app.test/cb?" + callback.format(state=state)
            with pytest.raises(error) as info:
                await aw(client.fetch_token(authorization_response=url))
            assert type(info.value) is error
            assert "Click" not in str(info.value)
            assert client.authorization_request is not None  # a forgery spends nothing

    flavor.run(scenario)
    assert provider.token_requests() == []


# -- messages: no echoed secret, no control characters, bounded -------------------------------


def test_secrets_a_server_echoes_are_redacted_from_every_message(
    flavor: Flavor, provider: FakeProvider
) -> None:
    def echo(request: httpx.Request) -> httpx.Response:
        sent = request.content.decode()
        return httpx.Response(
            400,
            json={
                "error": "invalid_grant",
                "error_description": f"you sent {sent}; secret={SECRET}",
            },
        )

    def echo_html(request: httpx.Request) -> httpx.Response:
        return httpx.Response(502, text=f"bad gateway {request.content.decode()} {SECRET}")

    async def scenario() -> None:
        async with opened(
            _client(flavor, provider, token_endpoint_auth_method="client_secret_post")
        ) as client:
            _url, _state = client.create_authorization_url()
            verifier = client.authorization_request.code_verifier
            state = client.authorization_request.state
            for answer in (echo, echo_html):
                provider.token_responses[:] = [answer]
                client.create_authorization_url(state=state, code_verifier=verifier)
                with pytest.raises(OAuthError) as info:
                    await aw(
                        client.fetch_token(
                            authorization_response=f"https://app.test/cb?code=the-auth-code&state={state}"
                        )
                    )
                text = str(info.value) + repr(info.value) + repr(info.value.args)
                for secret in (SECRET, verifier, "the-auth-code"):
                    assert secret not in text
                assert "[redacted]" in text
            client.token = {"access_token": "at-xyz-123", "refresh_token": "rt-xyz-456"}
            provider.token_responses[:] = [echo]
            with pytest.raises(OAuthError) as info:
                await aw(client.refresh_token())
            assert "rt-xyz-456" not in str(info.value)

    flavor.run(scenario)


def test_control_bidi_and_overlong_server_text_is_cleaned(
    flavor: Flavor, provider: FakeProvider
) -> None:
    description = "line1\r\nFAKE LOG LINE \x1b[31mred\u202eevil\u2066" + "x" * 5000
    provider.token_responses.append(
        httpx.Response(400, json={"error": "invalid_request", "error_description": description})
    )

    async def scenario() -> None:
        async with opened(_client(flavor, provider)) as client:
            with pytest.raises(OAuthError) as info:
                await aw(client.fetch_token(grant_type="client_credentials"))
            text = str(info.value)
            for forbidden in ("\n", "\r", "\x1b", "\u202e", "\u2066"):
                assert forbidden not in text
            assert len(text) < 500

    flavor.run(scenario)


@pytest.mark.parametrize(
    "access_token", ["abc def", "abc\r\nX-Injected: 1", "tok\u00e9n", "a\x00b"]
)
def test_an_access_token_no_header_can_carry_is_refused_when_received(
    flavor: Flavor, provider: FakeProvider, access_token: str
) -> None:
    provider.token_responses.append(FakeProvider.token(access_token=access_token))

    async def scenario() -> None:
        async with opened(_client(flavor, provider)) as client:
            with pytest.raises(TokenResponseError, match="Authorization header") as info:
                await aw(client.fetch_token(grant_type="client_credentials"))
            assert access_token not in str(info.value)
            assert client.token is None

    flavor.run(scenario)


# -- hostile numbers and JSON from the token endpoint -----------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"access_token": "at", "expires_in": NaN}',
        b'{"access_token": "at", "expires_in": Infinity}',
    ],
    ids=["deep nesting", "NaN", "Infinity"],
)
def test_hostile_json_from_the_token_endpoint_is_a_token_response_error(
    flavor: Flavor, provider: FakeProvider, body: bytes
) -> None:
    provider.token_responses.append(
        httpx.Response(200, content=body, headers={"content-type": "application/json"})
    )

    async def scenario() -> None:
        async with opened(_client(flavor, provider)) as client:
            with pytest.raises(TokenResponseError):
                await aw(client.fetch_token(grant_type="client_credentials"))

    flavor.run(scenario)


@pytest.mark.parametrize("field", ["expires_in", "expires_at"])
def test_a_400_digit_expiry_is_no_expiry_not_an_overflow(
    flavor: Flavor, provider: FakeProvider, field: str
) -> None:
    body = b'{"access_token": "at", "token_type": "Bearer", "%s": 1%s}' % (
        field.encode(),
        b"0" * 400,
    )
    provider.token_responses.append(
        httpx.Response(200, content=body, headers={"content-type": "application/json"})
    )

    async def scenario() -> None:
        async with opened(_client(flavor, provider)) as client:
            token = await aw(client.fetch_token(grant_type="client_credentials"))
            assert token.expires_at is None

    flavor.run(scenario)


# -- provider metadata cannot configure the client ---------------------------------------------


def test_a_discovery_document_cannot_set_client_side_values(flavor: Flavor) -> None:
    document = {
        "issuer": "https://as.test",
        "authorization_endpoint": "https://as.test/authorize",
        "token_endpoint": "https://as.test/token",
        "jwks_uri": "https://as.test/jwks",
        "response_types_supported": ["code"],
        "nonce": "fixed-by-the-server",
        "prompt": "none",
        "response_type": "token",
        "id_token_signed_response_alg": "HS256",
    }
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=document))

    async def scenario() -> None:
        client = await aw(
            flavor.oauth2_client.from_issuer(
                "https://as.test", "id", SECRET, scope="openid", transport=transport
            )
        )
        async with opened(client):
            for name in ("nonce", "prompt", "response_type", "id_token_signed_response_alg"):
                assert name not in client.metadata
            url, _state = client.create_authorization_url()
            query = httpx.URL(url).params
            assert query["response_type"] == "code"
            assert query["nonce"] != "fixed-by-the-server"
            assert "prompt" not in query
            assert client.oauth.id_token_algorithms() == ("RS256",)

    flavor.run(scenario)


# -- one engine, one world; callbacks a sync client cannot await are refused first -------------


def test_an_engine_serving_sync_clients_refuses_an_async_one() -> None:
    provider = FakeProvider(
        token_responses=[FakeProvider.token(access_token="new", expires_in=3600)]
    )
    engine = OAuth2Auth(
        EXPIRED, client_id="id", client_secret=SECRET, token_endpoint=provider.token_endpoint
    )
    with httpx.Client(auth=engine, transport=provider.transport()) as client:
        assert client.get(API).status_code == 200

    async def main() -> None:
        engine.token = EXPIRED
        async with httpx.AsyncClient(auth=engine, transport=provider.transport()) as client:
            with pytest.raises(TypeError, match="already serves sync clients"):
                await client.get(API)

    anyio.run(main)
    assert len(provider.token_requests()) == 1  # never twice with one refresh token


@pytest.mark.parametrize("where", ["update_token", "hook"])
def test_a_coroutine_callback_on_a_sync_client_is_refused_before_any_request(where: str) -> None:
    provider = FakeProvider(
        token_responses=[FakeProvider.token(access_token="new", expires_in=3600)]
    )

    async def update_token(token: Any, **kwargs: Any) -> None:
        raise AssertionError("never called")

    async def hook(response: httpx.Response) -> httpx.Response:
        return response

    engine = OAuth2Auth(
        EXPIRED,
        client_id="id",
        client_secret=SECRET,
        token_endpoint=provider.token_endpoint,
        update_token=update_token if where == "update_token" else None,
    )
    if where == "hook":
        engine.register_compliance_hook("refresh_token_response", hook)
    with (
        httpx.Client(auth=engine, transport=provider.transport()) as client,
        pytest.raises(TypeError, match="coroutine function"),
    ):
        client.get(API)
    assert provider.requests == []
    assert engine.token["refresh_token"] == "rt-secret-1"


@pytest.mark.parametrize("result", [None, ("url", {}), "text", ("u", "not headers", "")])
def test_a_hook_returning_the_wrong_shape_is_a_type_error_naming_it(
    flavor: Flavor, provider: FakeProvider, result: Any
) -> None:
    provider.token_responses.append(FakeProvider.token(access_token="at"))

    def broken_request_hook(url: str, headers: dict[str, str], body: str) -> Any:
        return result

    def broken_response_hook(response: httpx.Response) -> Any:
        return result

    async def scenario() -> None:
        for kind, hook in (
            ("access_token_request", broken_request_hook),
            ("access_token_response", broken_response_hook),
        ):
            async with opened(_client(flavor, provider)) as client:
                client.register_compliance_hook(kind, hook)
                with pytest.raises(TypeError, match=f"{kind} compliance hook .*broken_"):
                    await aw(client.fetch_token(grant_type="client_credentials"))

    flavor.run(scenario)


# -- bad input fails early, naming the argument ------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"client_secret": 123}, "client_secret"),
        ({"state": 123}, "state"),
        ({"redirect_uri": 5}, "redirect_uri"),
        ({"id_token_signed_response_alg": ["RS256"]}, "id_token_signed_response_alg"),
        ({"require_pushed_authorization_requests": "yes"}, "require_pushed_authorization_requests"),
        ({"token_endpoint": 42}, "token_endpoint"),
        ({"max_age": "soon"}, "max_age"),
        ({"scope": ["openid", 7]}, "scope"),
        ({"trusted_audiences": [3]}, "trusted_audiences"),
        ({"max_response_bytes": 0}, "max_response_bytes"),
    ],
)
def test_bad_constructor_input_is_refused_naming_the_argument(
    flavor: Flavor, kwargs: dict[str, Any], named: str
) -> None:
    kwargs = {"client_secret": SECRET, **kwargs}
    with pytest.raises((TypeError, ValueError), match=named):
        flavor.oauth2_client("id", **kwargs)


def test_bad_call_input_is_refused_naming_the_argument(
    flavor: Flavor, provider: FakeProvider
) -> None:
    async def scenario() -> None:
        async with opened(
            _client(flavor, provider, revocation_endpoint=provider.revocation_endpoint)
        ) as client:
            with pytest.raises(TypeError, match="token must be"):
                await aw(client.revoke_token(token=123))
            with pytest.raises(TypeError, match="state must be"):
                await aw(
                    client.fetch_token(
                        authorization_response="https://app.test/cb?code=c", state=123
                    )
                )
            with pytest.raises(ValueError, match="follow_redirects=True is refused"):
                await aw(client.fetch_token(grant_type="client_credentials", follow_redirects=True))

    flavor.run(scenario)
    assert provider.requests == []


def test_httpx_arguments_of_a_token_call_go_to_httpx_not_the_form(
    flavor: Flavor, provider: FakeProvider
) -> None:
    seen: list[Any] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions.get("timeout"))
        return FakeProvider.token(access_token="at")

    provider.token_responses.append(answer)

    async def scenario() -> None:
        async with opened(_client(flavor, provider)) as client:
            await aw(client.fetch_token(grant_type="client_credentials", timeout=5))

    flavor.run(scenario)
    assert "timeout" not in provider.token_requests()[0].form
    assert seen[0]["read"] == 5
    assert seen[0]["pool"] == 5


def test_a_generator_scope_serves_every_request(flavor: Flavor, provider: FakeProvider) -> None:
    provider.token_responses.append(FakeProvider.token(access_token="at", expires_in=1))

    async def scenario() -> None:
        async with opened(
            _client(flavor, provider, scope=(s for s in ["read", "write"]))
        ) as client:
            await aw(client.fetch_token(grant_type="client_credentials"))
            await aw(client.fetch_token(grant_type="client_credentials"))

    flavor.run(scenario)
    assert [r.form["scope"] for r in provider.token_requests()] == ["read write", "read write"]


def test_response_error_family_is_what_callers_catch() -> None:
    # the two new errors are ResponseErrors: existing `except ResponseError` keeps working
    assert issubclass(RedirectRefusedError, ResponseError)
    assert issubclass(ResponseTooLargeError, ResponseError)


def test_an_automatic_refresh_inherits_the_resource_request_s_timeout(flavor: Flavor) -> None:
    seen: dict[str, Any] = {}

    def answer(request: httpx.Request) -> httpx.Response:
        seen[request.url.path] = request.extensions.get("timeout")
        if request.url.path == "/token":
            return FakeProvider.token(access_token="new", expires_in=3600)
        return httpx.Response(200)

    async def scenario() -> None:
        async with opened(
            flavor.oauth2_client(
                "id",
                SECRET,
                token=EXPIRED,
                token_endpoint=TOKEN_URL,
                transport=httpx.MockTransport(answer),
            )
        ) as client:
            await aw(client.get(API, timeout=7))

    flavor.run(scenario)
    # without it, httpx sends a request made inside an auth flow with no timeout at all
    assert seen["/token"] == seen["/things"]
    assert seen["/token"]["read"] == 7
