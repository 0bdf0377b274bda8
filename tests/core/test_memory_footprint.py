"""What the per-client memory cuts must leave unchanged (issue 20).

The engines keep their state in slots and share what holds no state: the empty hooks table,
the three built-in client auth methods, an empty ``authorize_params``, the lock made on
first use. Each engine must still behave as if it owned all of it. No timing here: the
figures are in ``benchmarks/`` (``python -m benchmarks --only memory``).
"""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from authwire import OAuth1Client, OAuth2Auth, OAuth2Client
from authwire.protocol._transport import is_loopback_host, is_loopback_url
from authwire.protocol.client_auth import add_form_params
from authwire.protocol.rfc7523 import JWT_BEARER_CLIENT_ASSERTION_TYPE, _with_assertion

TOKEN = {"access_token": "a-token", "token_type": "Bearer", "expires_in": 3600}


def _hook(url: str, headers: dict[str, str], body: Any) -> tuple[str, dict[str, str], Any]:
    return url, {**headers, "X-Hooked": "1"}, body


def test_a_hook_registered_on_one_engine_is_not_seen_by_another() -> None:
    first, second = OAuth2Auth(TOKEN), OAuth2Auth(TOKEN)
    first.register_compliance_hook("protected_request", _hook)

    def send(engine: OAuth2Auth) -> httpx.Request:
        seen: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return httpx.Response(200)

        with httpx.Client(auth=engine, transport=httpx.MockTransport(handler)) as client:
            client.get("https://api.example.test/r")
        return seen[0]

    assert send(first).headers.get("X-Hooked") == "1"
    assert "X-Hooked" not in send(second).headers
    assert send(second).headers["Authorization"] == "Bearer a-token"


def test_hooks_of_one_type_still_run_in_registration_order() -> None:
    engine = OAuth2Auth(TOKEN)
    calls: list[str] = []

    def make(name: str) -> Any:
        def hook(url: str, headers: dict[str, str], body: Any) -> Any:
            calls.append(name)
            return url, headers, body

        return hook

    for name in ("a", "b", "c"):
        engine.register_compliance_hook("protected_request", make(name))
    with httpx.Client(
        auth=engine, transport=httpx.MockTransport(lambda r: httpx.Response(200))
    ) as client:
        client.get("https://api.example.test/r")
    assert calls == ["a", "b", "c"]


def test_an_unknown_hook_type_is_still_refused() -> None:
    with pytest.raises(ValueError, match="hook_type must be one of"):
        OAuth2Auth(TOKEN).register_compliance_hook("nope", _hook)


def test_a_client_auth_method_registered_on_one_engine_stays_there() -> None:
    def custom(client: Any, method: str, uri: str, headers: Any, body: str) -> Any:
        return uri, headers, body + "&custom=1"

    first = OAuth2Auth(client_id="c", client_secret="s")
    second = OAuth2Auth(client_id="c", client_secret="s")
    first.register_client_auth_method(("custom_method", custom))
    assert first.client_auth("custom_method") is not None
    with pytest.raises(ValueError, match="not registered"):
        second.client_auth("custom_method")
    # the built-in methods are still there for both
    for engine in (first, second):
        for name in ("client_secret_basic", "client_secret_post", "none"):
            assert engine.client_auth(name) is not None


def test_authorize_params_are_per_client_and_sent() -> None:
    first = OAuth2Client(client_id="c", authorization_endpoint="https://as.example.test/authorize")
    second = OAuth2Client(client_id="c", authorization_endpoint="https://as.example.test/authorize")
    first.authorize_params["access_type"] = "offline"
    url_first, _ = first.create_authorization_url()
    url_second, _ = second.create_authorization_url()
    assert "access_type=offline" in url_first
    assert "access_type" not in url_second
    assert second.authorize_params == {}
    first.oauth.authorize_params = {"prompt": "consent"}
    assert "prompt=consent" in first.create_authorization_url()[0]
    with pytest.raises(TypeError, match="authorize_params must be a mapping"):
        first.oauth.authorize_params = ["prompt"]  # type: ignore[assignment]


def test_the_thread_lock_is_made_once_even_when_first_asked_from_many_threads() -> None:
    engine = OAuth2Auth(TOKEN)
    seen: list[object] = []
    barrier = threading.Barrier(8, timeout=10)

    def ask() -> None:
        barrier.wait()
        seen.append(engine.thread_lock)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(seen) == 8
    assert all(lock is seen[0] for lock in seen)
    assert engine.thread_lock is seen[0]


def test_the_engine_state_lives_in_slots_and_subclasses_may_add_attributes() -> None:
    engine = OAuth2Auth(TOKEN, client_id="c", token_endpoint="https://as.example.test/t")
    assert vars(engine) == {}  # nothing of the engine's own state in a per-instance dict
    engine.custom_note = "kept"  # type: ignore[attr-defined]
    assert engine.custom_note == "kept"  # type: ignore[attr-defined]

    class Custom(OAuth2Auth):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.extra = 1

    assert Custom(TOKEN).extra == 1


def test_trusted_audiences_default_is_empty_and_a_given_one_kept() -> None:
    assert OAuth2Auth().trusted_audiences == frozenset()
    assert OAuth2Auth(trusted_audiences=["api"]).trusted_audiences == frozenset({"api"})


def test_oauth1_token_extras_are_per_client() -> None:
    first = OAuth1Client("ck", "cs", token={"oauth_token": "t", "user_id": "7"})
    second = OAuth1Client("ck", "cs")
    assert first.token["user_id"] == "7"
    assert "user_id" not in second.token
    second.token = {"oauth_token": "t2", "oauth_token_secret": "s2", "screen_name": "x"}
    assert second.token["screen_name"] == "x"
    assert "screen_name" not in first.token
    second.token = None
    assert second.token["oauth_token"] is None
    assert "screen_name" not in second.token


# -- the client assertion's form body -----------------------------------------------------

JWS = "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJjIn0.c2lnbmF0dXJlLXZhbHVlXy0"


def _general(body: str, client_id: str | None) -> str:
    params: dict[str, str] = {}
    if client_id is not None:
        params["client_id"] = client_id
    params["client_assertion_type"] = JWT_BEARER_CLIENT_ASSERTION_TYPE
    params["client_assertion"] = JWS
    return add_form_params(body, params)


@pytest.mark.parametrize(
    "body",
    [
        "",
        "grant_type=client_credentials",
        "grant_type=client_credentials&scope=read+write",
        "grant_type=authorization_code&code=abc&redirect_uri=https%3A%2F%2Fapp.example%2Fcb",
    ],
)
@pytest.mark.parametrize("client_id", ["client-1", "client with space/é", None])
def test_the_assertion_body_is_what_the_general_encoder_gives(
    body: str, client_id: str | None
) -> None:
    assert _with_assertion(body, client_id, JWS) == _general(body, client_id)


@pytest.mark.parametrize(
    "body",
    [
        "grant_type=client_credentials&client_id=old",
        "client_assertion=old&grant_type=client_credentials",
        "client%5Fid=old&grant_type=client_credentials",
        "grant_type=client_credentials&&scope=a",
        "scope=a%20b",
    ],
)
def test_an_unusual_body_gets_the_same_fields_as_the_general_encoder(body: str) -> None:
    fast = parse_qsl(_with_assertion(body, "c", JWS), keep_blank_values=True)
    general = parse_qsl(_general(body, "c"), keep_blank_values=True)
    assert fast == general
    assert [name for name, _ in fast].count("client_id") == 1


# -- the loopback check of the request hot path --------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/r",
        "http://127.0.0.2/r",
        "http://localhost/r",
        "http://LOCALHOST:1/r",
        "http://api.localhost/r",
        "http://[::1]:8000/r",
        "http://example.com/r",
        "http://10.0.0.1/r",
        "http://bücher.example/r",
        "http://xn--bcher-kva.localhost/r",
    ],
)
def test_the_hot_path_loopback_check_agrees_with_the_general_one(url: str) -> None:
    parsed = httpx.URL(url)
    assert is_loopback_url(parsed) == is_loopback_host(parsed.host)


def test_plain_http_to_loopback_sends_the_token_without_touching_the_lock() -> None:
    engine = OAuth2Auth(TOKEN)
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("authorization"))
        return httpx.Response(200)

    with httpx.Client(auth=engine, transport=httpx.MockTransport(handler)) as client:
        client.get("http://127.0.0.1:9/r")
        client.get("http://localhost:9/r")
    assert seen == ["Bearer a-token", "Bearer a-token"]
    assert engine._thread_lock is None  # the fast path: no renewal machinery involved
