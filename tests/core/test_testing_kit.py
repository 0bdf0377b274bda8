"""The smaller pieces of ``authwire.testing``: FakeProvider kept as it was, the request log's
decoders, replies, signing keys, flavors, the loopback server and the emulator's defaults."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import OctKey

import authwire.testing as testing
from authwire import AsyncOAuth2Client, OAuth2Client, OAuthError
from authwire.testing import (
    JWT_BEARER,
    TOKEN_EXCHANGE,
    Emulator,
    FakeProvider,
    Flavor,
    LoopbackServer,
    MockServer,
    RecordedRequest,
    SigningKey,
    aw,
    decode_jwt,
    each_flavor,
    form_response,
    json_response,
    jwks,
    oauth_error,
    opened,
    text_response,
    token_hash,
)

# -- FakeProvider, as before ------------------------------------------------------------------


def test_every_earlier_public_name_is_still_importable() -> None:
    for name in ("FakeClock", "FakeProvider", "RecordedRequest", "Responder", "json_body"):
        assert hasattr(testing, name)
    assert set(testing.__all__) <= set(dir(testing))


def test_fake_provider_keeps_its_behaviour() -> None:
    provider = FakeProvider(
        token_responses=[
            FakeProvider.token(access_token="a1"),
            FakeProvider.token(access_token="a2"),
        ]
    )
    assert isinstance(provider, MockServer)
    assert provider.token_endpoint == "https://provider.test/token"
    with httpx.Client(transport=provider.transport()) as http:
        answers = [http.post(provider.token_endpoint).json()["access_token"] for _ in range(3)]
        assert http.post(provider.revocation_endpoint).status_code == 200
        assert http.post(provider.introspection_endpoint).json() == {"active": True}
        echoed = http.get("https://api.test/x", headers={"Authorization": "Bearer t"}).json()
    assert answers == ["a1", "a2", "a2"]  # the last one repeats
    assert echoed == {"authorization": "Bearer t"}
    assert len(provider.token_requests()) == 3
    assert len(provider.requests) == 6


def test_fake_provider_routes_and_scripts_come_before_its_defaults() -> None:
    provider = FakeProvider(base_url="https://p.test", resource=lambda r: text_response("res"))
    provider.route("GET", "/special", json_response({"special": True}))
    provider.script("POST", "/token", oauth_error("slow_down"))
    provider.token_responses.append(FakeProvider.token(access_token="a"))
    with httpx.Client(transport=provider.transport()) as http:
        assert http.post("https://p.test/token").json()["error"] == "slow_down"
        assert http.post("https://p.test/token").json()["access_token"] == "a"
        assert http.get("https://p.test/special").json() == {"special": True}
        assert http.get("https://p.test/other").text == "res"
    empty = FakeProvider()
    with httpx.Client(transport=empty.transport()) as http:
        assert http.post(empty.token_endpoint).status_code == 500


# -- the request log and replies ------------------------------------------------------------------


def recorded(**kwargs: Any) -> RecordedRequest:
    return RecordedRequest.of(httpx.Request("POST", "https://p.test/t?a=1", **kwargs))


def test_basic_credentials_are_form_decoded_as_rfc_6749_says() -> None:
    # RFC 6749 §2.3.1: "a:b" as client_id is sent form-encoded: a%3Ab
    value = base64.b64encode(b"a%3Ab:p+w%26").decode()
    seen = recorded(headers={"Authorization": f"Basic {value}"})
    assert seen.basic_auth == ("a:b", "p w&")
    assert recorded(headers={"Authorization": "Basic !!!"}).basic_auth is None
    assert (
        recorded(headers={"Authorization": "Basic " + base64.b64encode(b"x").decode()}).basic_auth
        is None
    )
    assert recorded(headers={"Authorization": "Bearer tok"}).bearer == "tok"
    assert recorded().bearer is None


def test_bodies_are_decoded_by_content_type() -> None:
    form = recorded(data={"a": "1", "b": ""})
    assert form.form == {"a": "1", "b": ""}
    assert form.data == {"a": "1", "b": ""}
    assert form.query == {"a": "1"}
    assert form.path == "/t"
    as_json = recorded(json={"x": [1]})
    assert as_json.data == {"x": [1]}
    with pytest.raises(ValueError, match="not an object"):
        _ = recorded(json=[1]).data


def test_replies_keep_odd_statuses_and_types() -> None:
    error = oauth_error("invalid_grant", "used", status=200, uri="https://d.test", extra="x")
    assert error.status_code == 200
    assert error.headers["cache-control"] == "no-store"
    assert json.loads(error.content) == {
        "error": "invalid_grant",
        "error_description": "used",
        "error_uri": "https://d.test",
        "extra": "x",
    }
    form = form_response({"access_token": "a", "expires_in": 3600}, content_type="application/json")
    assert form.headers["content-type"] == "application/json"
    assert form.content == b"access_token=a&expires_in=3600"
    assert json_response({"a": 1}, 201, content_type="text/javascript").status_code == 201


def test_decode_jwt_reads_without_verifying() -> None:
    token = SigningKey.shared("ES256").sign({"sub": "s"}, {"x5t#S256": "thumb"})
    decoded = decode_jwt(token)
    assert decoded.header == {
        "alg": "ES256",
        "kid": "authwire-testing-es256",
        "typ": "JWT",
        "x5t#S256": "thumb",
    }
    assert decoded.claims == {"sub": "s"}
    for bad in ("a.b", "a.b.c", "W10.e30.x"):
        with pytest.raises(ValueError, match="JWT"):
            decode_jwt(bad)


# -- keys ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("alg", ["RS256", "PS256", "ES256", "ES384", "Ed25519"])
def test_signing_keys_sign_verify_and_publish_only_public_halves(alg: str) -> None:
    key = SigningKey.generate(alg, kid="k1")
    token = key.sign({"iss": "me"})
    assert key.verify(token) == {"iss": "me"}
    published = jwks([key])["keys"][0]
    assert published["kid"] == "k1"
    assert published["alg"] == alg
    assert published["use"] == "sig"
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(published)
    again = SigningKey.from_pem(key.private_pem, alg, "k1")
    assert again.verify(token) == {"iss": "me"}


def test_shared_keys_are_shared_and_unknown_algorithms_refused() -> None:
    assert SigningKey.shared("ES256") is SigningKey.shared("ES256")
    with pytest.raises(ValueError, match="HS256"):
        SigningKey.generate("HS256")


def test_token_hash_is_the_left_half_of_the_digest() -> None:
    digest = hashlib.sha384(b"access").digest()[:24]
    assert token_hash("access", "ES384") == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert len(token_hash("access", "Ed25519")) == 43  # 32 bytes of SHA-512


# -- flavors ------------------------------------------------------------------------------------


def test_flavor_checks_its_name_and_gives_the_binding_classes() -> None:
    with pytest.raises(ValueError, match="'sync', 'asyncio' or 'trio'"):
        Flavor("gevent")
    assert Flavor("sync").oauth2_client is OAuth2Client
    assert Flavor("asyncio").oauth2_client is AsyncOAuth2Client
    assert Flavor("trio").pick(1, 2) == 2
    assert Flavor("sync").assertion_client.__name__ == "AssertionClient"
    assert Flavor("asyncio").oauth1_client.__name__ == "AsyncOAuth1Client"
    assert testing.FLAVORS[:2] == ("sync", "asyncio")


def test_a_sync_scenario_that_really_awaits_fails() -> None:
    import asyncio

    async def scenario() -> None:
        await asyncio.sleep(0)

    with pytest.raises(AssertionError, match="suspended"):
        Flavor("sync").run(scenario)


@each_flavor
def test_each_flavor_runs_one_body_on_each_client(flavor: Flavor, request: Any) -> None:
    assert request.node.callspec.id == flavor.name
    emu = Emulator(issuer="https://id.test")

    async def scenario() -> str:
        client = flavor.oauth2_client(
            "c", "s", token_endpoint=emu.endpoint("token_endpoint"), transport=emu.transport()
        )
        async with opened(client):
            token = await aw(client.fetch_token(grant_type="client_credentials"))
        return str(token["access_token"])

    assert flavor.run(scenario).startswith("at-")


# -- the loopback server ---------------------------------------------------------------------------


@pytest.fixture
def echo_server() -> Iterator[LoopbackServer]:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/boom":
            raise RuntimeError("the handler broke")
        return json_response(
            {"url": str(request.url), "body": request.read().decode(), "method": request.method}
        )

    with LoopbackServer(handle, origin="https://login.test") as server:
        yield server


def test_loopback_serves_as_the_origin_it_plays(echo_server: LoopbackServer) -> None:
    assert echo_server.url.startswith("http://127.0.0.1:")

    def chunks() -> Iterator[bytes]:
        yield b"part one, "
        yield b"part two"

    with httpx.Client(base_url=echo_server.url) as http:
        plain = http.post("/token?x=1", content=b"a=b").json()
        chunked = http.post("/stream", content=chunks()).json()
        head = http.head("/any")
        broken = http.get("/boom")
    assert plain == {"url": "https://login.test/token?x=1", "body": "a=b", "method": "POST"}
    assert chunked["body"] == "part one, part two"
    assert head.status_code == 200
    assert head.content == b""
    assert broken.status_code == 500
    assert "the handler broke" in broken.text


def test_served_maps_urls_and_refuses_strangers() -> None:
    emu = Emulator(issuer="https://id.test")
    with emu.serve() as served:
        local = served.url("https://id.test/token")
        assert local.startswith("http://127.0.0.1:")
        assert emu.endpoint("token_endpoint") == local
        with pytest.raises(ValueError, match="on no served origin"):
            served.url("https://elsewhere.test/")
    assert emu.endpoint("token_endpoint") == "https://id.test/token"


# -- emulator defaults and the less common grants ------------------------------------------------


def test_an_emulator_without_a_document_serves_the_default_paths() -> None:
    emu = Emulator(issuer="https://id.test")
    metadata = emu.metadata()
    assert metadata["issuer"] == "https://id.test"
    assert metadata["token_endpoint"] == "https://id.test/token"
    assert metadata["jwks_uri"] == "https://id.test/jwks"
    assert emu.discovery_url == "https://id.test/.well-known/openid-configuration"
    with httpx.Client(transport=emu.transport()) as http:
        assert http.get(emu.discovery_url).json() == metadata
        assert http.get(metadata["jwks_uri"]).json() == jwks(emu.keys)
        logout = http.get(
            "https://id.test/logout",
            params={"post_logout_redirect_uri": "https://app.test/bye", "state": "s1"},
        )
        assert http.get("https://id.test/logout").text == "signed out"
    assert logout.status_code == 302
    assert logout.headers["location"] == "https://app.test/bye?state=s1"
    plain = Emulator(endpoints={"token_endpoint": "/oauth/token"}, base_url="https://as.test")
    assert plain.discovery_url is None
    assert plain.endpoint("token_endpoint") == "https://as.test/oauth/token"
    with pytest.raises(KeyError, match="no userinfo_endpoint"):
        plain.endpoint("userinfo_endpoint")


def test_the_authorization_endpoint_redirects_like_a_browser_login() -> None:
    emu = Emulator(issuer="https://id.test")
    with OAuth2Client(
        "app",
        authorization_endpoint=emu.endpoint("authorization_endpoint"),
        token_endpoint=emu.endpoint("token_endpoint"),
        redirect_uri="https://app.test/cb",
        transport=emu.transport(),
    ) as client:
        url, _ = client.create_authorization_url()
        redirect = client.get(url, withhold_token=True)
        assert redirect.status_code == 302
        token = client.fetch_token(authorization_response=redirect.headers["location"])
    assert emu.calls()[-1].pkce == "S256"
    assert token["refresh_token"].startswith("rt-")


def test_client_secret_jwt_jwt_bearer_and_token_exchange() -> None:
    from authwire import ClientSecretJWT

    secret = "a-long-shared-secret-for-hmac-signing"
    emu = Emulator(issuer="https://id.test")
    emu.add_client("app", secret)
    token_url = emu.endpoint("token_endpoint")
    with OAuth2Client(
        "app",
        secret,
        token_endpoint=token_url,
        token_endpoint_auth_method="client_secret_jwt",
        transport=emu.transport(),
    ) as client:
        client.register_client_auth_method(ClientSecretJWT(token_url))
        first = client.fetch_token(grant_type="client_credentials")
        assertion = jwt.encode({"alg": "HS256"}, {"sub": "svc"}, OctKey.import_key(b"k" * 32))
        bearer = client.fetch_token(grant_type=JWT_BEARER, assertion=assertion)
        exchanged = client.exchange_token(first["access_token"])
        with pytest.raises(OAuthError, match="invalid_grant"):
            client.exchange_token("not-a-token")
    assert [c.auth_method for c in emu.calls()] == ["client_secret_jwt"] * 4
    assert emu.calls(JWT_BEARER)[0].outcome == "issued"
    assert "refresh_token" not in bearer
    assert exchanged["issued_token_type"] == "urn:ietf:params:oauth:token-type:access_token"
    assert emu.calls(TOKEN_EXCHANGE)[-1].outcome == "invalid_grant"


def test_a_handler_may_answer_with_its_own_response() -> None:
    emu = Emulator(issuer="https://id.test")
    emu.grants["urn:example:odd"] = lambda call: text_response("<html>down</html>", 502)
    with httpx.Client(transport=emu.transport()) as http:
        answer = http.post(emu.endpoint("token_endpoint"), data={"grant_type": "urn:example:odd"})
    assert answer.status_code == 502
    assert emu.calls()[-1].outcome == "response 502"


def test_the_httpx2_binding_has_its_own_kit() -> None:
    import httpx2
    from authwire.httpx2.testing import Emulator as Emulator2
    from authwire.httpx2.testing import Flavor as Flavor2

    from authwire.httpx2 import OAuth2Client as OAuth2Client2

    emu = Emulator2(issuer="https://id.test")
    assert isinstance(emu.transport(), httpx2.MockTransport)
    assert Flavor2("sync").oauth2_client is OAuth2Client2
    with OAuth2Client2(
        "c", "s", token_endpoint=emu.endpoint("token_endpoint"), transport=emu.transport()
    ) as client:
        assert client.fetch_token(grant_type="client_credentials")["token_type"] == "Bearer"


def test_a_jwt_bearer_grant_may_come_without_client_authentication() -> None:
    # RFC 7523 §3.1: the assertion names the client; registered clients do not change that
    emu = Emulator(issuer="https://id.test")
    emu.add_client("app", "secret")
    assertion = SigningKey.shared("RS256").sign({"iss": "app", "sub": "svc", "aud": "x"})
    with httpx.Client(transport=emu.transport()) as http:
        answer = http.post(
            emu.endpoint("token_endpoint"), data={"grant_type": JWT_BEARER, "assertion": assertion}
        )
        refused = http.post(
            emu.endpoint("token_endpoint"),
            data={"grant_type": JWT_BEARER, "assertion": assertion, "client_id": "nobody"},
        )
    assert answer.status_code == 200
    assert emu.calls(JWT_BEARER)[0].auth_method == "none"
    assert refused.status_code == 401
    assert refused.json()["error"] == "invalid_client"


def test_a_route_of_its_own_authenticates_clients_like_the_token_endpoint() -> None:
    emu = Emulator(issuer="https://id.test")
    emu.add_client("app", "secret")

    @emu.route("POST", "/custom")
    def custom(request: httpx.Request) -> httpx.Response:
        seen = RecordedRequest.of(request)
        call = testing.TokenCall(seen, "", seen.data)
        emu.authenticate_client(call)
        return json_response({"client": call.client_id, "method": call.auth_method})

    with httpx.Client(transport=emu.transport()) as http:
        ok = http.post("https://id.test/custom", auth=("app", "secret"))
        bad = http.post("https://id.test/custom", data={"client_id": "app"})
    assert ok.json() == {"client": "app", "method": "client_secret_basic"}
    assert bad.status_code == 401
