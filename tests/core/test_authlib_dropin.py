"""Authlib drop-in: calls written for Authlib's httpx clients work here, or fail naming the
replacement. Every flavor (sync, asyncio, trio) unless the behaviour cannot differ.

1. ``withhold_token=True`` with ``auth=``: the caller's auth is used, the token withheld
   (OAuth 2 and assertion clients; Authlib's OAuth 1 clients have no ``withhold_token``).
2. ``token_from_fragment()`` and ``fetch_token(authorization_response=...#access_token=)``
   on a code client: the implicit response is read, under the fail-closed state rule.
3. ``AssertionClient.JWT_BEARER_GRANT_TYPE``, ``client_auth()``,
   ``OAuth1Auth.register_signature_method``.
4. ``issued_at=`` / ``expires_at=`` are refused, naming ``expires_in``.
5. An assertion key whose ``alg`` is unknowable fails at construction, naming ``alg=``.
6. The constructor's ``audience`` / ``resource`` go on every client-credentials fetch.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit
from urllib.request import parse_http_list, parse_keqv_list

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from joserfc import jwt
from joserfc.jwk import RSAKey

from authwire import (
    AssertionClient,
    AsyncAssertionClient,
    AuthorizationResponseError,
    InsecureTransportError,
    MismatchingStateError,
    MissingCodeError,
    OAuth1Auth,
    OAuth2Auth,
    TokenResponseError,
)
from authwire.auth.oauth2 import OAuth2ClientAuth
from authwire.protocol.oidc_core import token_hash
from authwire.protocol.rfc5849 import SigningKey, unescape, unregister_signature_method
from authwire.rfc7523 import JWT_BEARER_GRANT_TYPE
from authwire.testing import FakeClock, FakeProvider
from tests._oauth1 import oauth1_client

from .conftest import Flavor, aw, opened

REDIRECT = "https://app.test/callback"
API = "https://api.test"
BASIC_U_P = "Basic dTpw"  # httpx.BasicAuth("u", "p")
EC_KEY = ec.generate_private_key(ec.SECP256R1())


def make_client(flavor: Flavor, provider: FakeProvider, **kwargs: Any) -> Any:
    kwargs.setdefault("token_endpoint", provider.token_endpoint)
    kwargs.setdefault("authorization_endpoint", provider.authorization_endpoint)
    client_id = kwargs.pop("client_id", "client-1")
    client_secret = kwargs.pop("client_secret", "secret-1")
    return flavor.oauth2_client(client_id, client_secret, transport=provider.transport(), **kwargs)


def assertion_client(flavor: Flavor, provider: FakeProvider, **kwargs: Any) -> Any:
    kwargs.setdefault("key", EC_KEY)
    return flavor.assertion_client(
        token_endpoint=provider.token_endpoint,
        issuer="robot@example.com",
        subject=None,
        transport=provider.transport(),
        **kwargs,
    )


def recording(provider: FakeProvider) -> list[httpx.Request]:
    """Resource requests, as the resource server received them."""
    seen: list[httpx.Request] = []

    def resource(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    provider.resource = resource
    return seen


async def streamed(client: Any, method: str, url: str, **kwargs: Any) -> None:
    if hasattr(client, "__aenter__"):
        async with client.stream(method, url, **kwargs) as response:
            await response.aread()
    else:
        with client.stream(method, url, **kwargs) as response:
            response.read()


def claims_of(assertion: str) -> dict[str, Any]:
    part = assertion.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))


def pairs(content: bytes) -> list[tuple[str, str]]:
    return parse_qsl(content.decode("utf-8"), keep_blank_values=True)


# -- 1. withhold_token=True together with auth= ------------------------------------------------


@pytest.mark.parametrize("kind", ["oauth2", "assertion"])
def test_withhold_token_with_auth_uses_the_callers_auth(
    flavor: Flavor, provider: FakeProvider, kind: str
) -> None:
    seen = recording(provider)
    basic = httpx.BasicAuth("u", "p")

    async def scenario() -> None:
        client = (
            make_client(flavor, provider, token={"access_token": "held-access-token"})
            if kind == "oauth2"
            else assertion_client(flavor, provider)
        )
        async with opened(client):
            await aw(client.get(f"{API}/get", withhold_token=True, auth=basic))
            await aw(client.request("GET", f"{API}/request", withhold_token=True, auth=basic))
            await aw(client.post(f"{API}/post", data={"x": "1"}, withhold_token=True, auth=basic))
            await streamed(client, "GET", f"{API}/stream", withhold_token=True, auth=basic)
            # httpx's "the client's default" is the token: withheld, so nothing at all
            await aw(
                client.get(f"{API}/default", withhold_token=True, auth=httpx.USE_CLIENT_DEFAULT)
            )
            await aw(client.get(f"{API}/none", withhold_token=True, auth=None))
            await aw(client.get(f"{API}/auth-only", auth=basic))  # Authlib: auth= alone wins too

    flavor.run(scenario)
    by_path = {r.url.path: r.headers.get("authorization") for r in seen}
    assert by_path == {
        "/get": BASIC_U_P,
        "/request": BASIC_U_P,
        "/post": BASIC_U_P,
        "/stream": BASIC_U_P,
        "/default": None,
        "/none": None,
        "/auth-only": BASIC_U_P,
    }
    assert provider.token_requests() == []  # an assertion client fetched nothing


def test_oauth1_clients_have_no_withhold_token_as_in_authlib(flavor: Flavor) -> None:
    """Authlib's OAuth1Client has no ``withhold_token`` (httpx refuses it); ``auth=None``
    sends a request unsigned."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    async def scenario() -> None:
        client = oauth1_client(
            flavor, "consumer-key", "consumer-secret", transport=httpx.MockTransport(handler)
        )
        async with opened(client):
            with pytest.raises(TypeError, match="withhold_token"):
                await aw(client.get(f"{API}/a", withhold_token=True))
            await aw(client.get(f"{API}/unsigned", auth=None))
            await aw(client.get(f"{API}/signed"))

    flavor.run(scenario)
    unsigned, signed = seen
    assert "authorization" not in unsigned.headers
    assert signed.headers["authorization"].startswith("OAuth ")


# -- 2. the implicit grant's fragment (legacy) --------------------------------------------------


def fragment(state: str | None, access_token: str = "frag-access-token", **extra: str) -> str:
    params = {"access_token": access_token, "token_type": "bearer", "expires_in": "60", **extra}
    if state is not None:
        params["state"] = state
    return f"{REDIRECT}#" + "&".join(f"{k}={v}" for k, v in params.items())


def test_token_from_fragment_is_a_plain_method_on_every_client(
    flavor: Flavor, provider: FakeProvider
) -> None:
    async def scenario() -> None:
        async with opened(make_client(flavor, provider, redirect_uri=REDIRECT)) as client:
            _, state = client.create_authorization_url(response_type="token")
            # not awaited, on the async client too: Authlib's is a plain method there as well
            token = client.token_from_fragment(fragment(state))
            assert token["access_token"] == "frag-access-token"
            assert token.expires_at is not None
            assert client.token is token
            assert client.authorization_request is None  # spent
            # the same callback again: nothing to check it against
            with pytest.raises(MismatchingStateError):
                client.token_from_fragment(fragment(state))
            # an explicit state, as Authlib's second argument
            token = client.token_from_fragment(fragment("s-explicit"), "s-explicit")
            assert client.token is token

    flavor.run(scenario)
    assert provider.token_requests() == []


def test_token_from_fragment_checks(flavor: Flavor, provider: FakeProvider) -> None:
    async def scenario() -> None:
        async with opened(make_client(flavor, provider)) as client:
            # fails closed: no pending request, no state=
            with pytest.raises(MismatchingStateError):
                client.token_from_fragment(fragment(None))
            with pytest.raises(MismatchingStateError):
                client.token_from_fragment(fragment("forged"))
            client.create_authorization_url(response_type="token")
            with pytest.raises(MismatchingStateError):
                client.token_from_fragment(fragment("other"))
            _, state = client.create_authorization_url(response_type="token")
            # the character rule of rfc6749.token_from_fragment
            with pytest.raises(TokenResponseError, match="characters"):
                client.token_from_fragment(fragment(state, access_token="a%0D%0Ab"))
            _, state = client.create_authorization_url(response_type="token")
            with pytest.raises(AuthorizationResponseError) as info:
                client.token_from_fragment(f"{REDIRECT}#error=access_denied&state={state}")
            assert info.value.error == "access_denied"
            assert client.token is None

    flavor.run(scenario)


def test_fetch_token_reads_a_fragment_on_a_code_client(
    flavor: Flavor, provider: FakeProvider
) -> None:
    provider.token_responses.append(FakeProvider.token(access_token="code-access-token"))

    async def scenario() -> None:
        async with opened(make_client(flavor, provider, redirect_uri=REDIRECT)) as client:
            _, state = client.create_authorization_url(response_type="token")
            token = await aw(client.fetch_token(authorization_response=fragment(state)))
            assert token["access_token"] == "frag-access-token"
            assert client.authorization_request is None
            # the same checks as token_from_fragment
            with pytest.raises(MismatchingStateError):
                await aw(client.fetch_token(authorization_response=fragment(state)))
            _, state = client.create_authorization_url(response_type="token")
            with pytest.raises(TokenResponseError):
                await aw(
                    client.fetch_token(authorization_response=fragment(state, access_token="a b"))
                )
            # a code request with PKCE answered with a token: not an implicit response
            _, state = client.create_authorization_url()
            with pytest.raises(MissingCodeError):
                await aw(client.fetch_token(authorization_response=fragment(state)))
            # a fragment appended to a code callback (Facebook's #_=_) stays a code callback
            _, state = client.create_authorization_url()
            token = await aw(
                client.fetch_token(authorization_response=f"{REDIRECT}?code=c1&state={state}#_=_")
            )
            assert token["access_token"] == "code-access-token"

    flavor.run(scenario)
    [sent] = provider.token_requests()
    assert sent.form["code"] == "c1"


ISSUER = "https://op.test"
OP_KEY = RSAKey.generate_key(2048, parameters={"kid": "op-1", "use": "sig", "alg": "RS256"})


def test_token_from_fragment_with_an_id_token(flavor: Flavor) -> None:
    """The sync client fetches the JWKS; the async client's plain method cannot, and names
    ``await client.fetch_token(authorization_response=...)``, keeping the pending request."""
    op = FakeProvider(base_url=ISSUER)
    op.resource = lambda request: httpx.Response(
        200, json={"keys": [OP_KEY.as_dict(private=False)]}
    )

    async def scenario() -> None:
        client = flavor.oauth2_client(
            "oidc-client",
            issuer=ISSUER,
            authorization_endpoint=f"{ISSUER}/authorize",
            jwks_uri=f"{ISSUER}/jwks",
            scope="openid",
            redirect_uri=REDIRECT,
            transport=op.transport(),
        )
        async with opened(client):
            url, state = client.create_authorization_url(response_type="id_token token")
            nonce = parse_qs(urlsplit(url).query)["nonce"][0]
            now = int(time.time())
            id_token = jwt.encode(
                {"alg": "RS256", "kid": "op-1"},
                {
                    "iss": ISSUER,
                    "aud": "oidc-client",
                    "sub": "alice",
                    "iat": now,
                    "exp": now + 300,
                    "nonce": nonce,
                    "at_hash": token_hash("frag-access-token", "RS256"),
                },
                OP_KEY,
            )
            callback = fragment(state, id_token=id_token)
            if flavor.is_async:
                with pytest.raises(TypeError, match=r"fetch_token\(authorization_response="):
                    client.token_from_fragment(callback)
                assert client.authorization_request is not None  # kept for fetch_token
                assert client.token is None
                token = await client.fetch_token(authorization_response=callback)
            else:
                token = client.token_from_fragment(callback)
            assert token["userinfo"]["sub"] == "alice"
            assert client.authorization_request is None

    flavor.run(scenario)
    assert [r.url.path for r in op.requests] == ["/jwks"]


# -- 3. JWT_BEARER_GRANT_TYPE, client_auth(), register_signature_method ------------------------


def test_jwt_bearer_grant_type_constant(flavor: Flavor, provider: FakeProvider) -> None:
    provider.token_responses.append(FakeProvider.token(access_token="at", expires_in=3600))
    cls = flavor.assertion_client
    assert cls.JWT_BEARER_GRANT_TYPE == JWT_BEARER_GRANT_TYPE
    assert AssertionClient.JWT_BEARER_GRANT_TYPE == AsyncAssertionClient.JWT_BEARER_GRANT_TYPE

    async def scenario() -> None:
        # Authlib code passes it as grant_type
        client = assertion_client(flavor, provider, grant_type=cls.JWT_BEARER_GRANT_TYPE)
        async with opened(client):
            await aw(client.get(f"{API}/"))

    flavor.run(scenario)
    [sent] = provider.token_requests()
    assert sent.form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"


def test_client_auth_is_an_httpx_auth_for_the_token_endpoint(
    flavor: Flavor, provider: FakeProvider
) -> None:
    provider.token_responses.append(FakeProvider.token(access_token="at"))

    def signed(client: Any, method: str, uri: str, headers: dict[str, str], body: str) -> Any:
        return uri, {**headers, "X-Signed": f"{client.client_id}/{method}"}, body

    async def scenario() -> None:
        async with opened(make_client(flavor, provider)) as client:
            post = client.client_auth("client_secret_post")
            assert isinstance(post, httpx.Auth)
            assert isinstance(post, OAuth2ClientAuth)
            assert post.auth_method == "client_secret_post"
            assert "secret-1" not in repr(post)
            await aw(client.fetch_token(grant_type="client_credentials", auth=post))
            # Authlib's own use: a plain request to the server, the token withheld
            basic = client.client_auth()  # the token endpoint's method
            await aw(client.post(f"{API}/custom", data={"a": "1"}, auth=basic, withhold_token=True))
            client.register_client_auth_method(("x_signed", signed))
            await aw(client.post(f"{API}/signed", auth=client.client_auth("x_signed")))
            with pytest.raises(ValueError, match="register_client_auth_method"):
                client.client_auth("private_key_jwt")
            with pytest.raises(InsecureTransportError):
                await aw(client.post("http://api.test/plain", auth=basic, withhold_token=True))

    flavor.run(scenario)
    [token_request] = provider.token_requests()
    assert "authorization" not in token_request.headers
    assert token_request.form["client_secret"] == "secret-1"
    assert token_request.form["grant_type"] == "client_credentials"
    custom, signed_request = [r for r in provider.requests if r.url.host == "api.test"]
    assert custom.headers["authorization"].startswith("Basic ")
    assert pairs(custom.content) == [("a", "1")]
    assert signed_request.headers["x-signed"] == "client-1/POST"
    assert "authorization" not in signed_request.headers


def test_client_auth_on_the_engine() -> None:
    auth = OAuth2Auth(client_id="c", client_secret="engine-secret-1")
    assert auth.client_auth().auth_method == "client_secret_basic"
    assert auth.client_auth("none").auth_method == "none"


def test_register_signature_method_on_oauth1auth(flavor: Flavor) -> None:
    calls: list[tuple[str, SigningKey]] = []

    def sign_hmac_sha512(base_string: str, key: SigningKey) -> str:
        calls.append((base_string, key))
        digest = hmac.digest(key.hmac_key, base_string.encode("ascii"), hashlib.sha512)
        return base64.b64encode(digest).decode("ascii")

    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    OAuth1Auth.register_signature_method("HMAC-SHA512", sign_hmac_sha512)
    try:

        async def scenario() -> None:
            client = oauth1_client(
                flavor,
                "consumer-key",
                "consumer-secret",
                signature_method="HMAC-SHA512",
                transport=httpx.MockTransport(handler),
            )
            async with opened(client):
                await aw(client.get(f"{API}/r?x=1"))

        flavor.run(scenario)
    finally:
        unregister_signature_method("HMAC-SHA512")
    [request] = seen
    [(base_string, key)] = calls
    assert base_string.startswith("GET&https%3A%2F%2Fapi.test%2Fr&")
    assert key.client_secret == "consumer-secret"
    header = request.headers["authorization"]
    assert header.startswith("OAuth ")
    params = {k: unescape(v) for k, v in parse_keqv_list(parse_http_list(header[6:])).items()}
    assert params["oauth_signature_method"] == "HMAC-SHA512"
    expected = hmac.digest(b"consumer-secret&", base_string.encode("ascii"), hashlib.sha512)
    assert params["oauth_signature"] == base64.b64encode(expected).decode("ascii")


def test_register_signature_method_refuses_authlib_signature_functions() -> None:
    def custom_sign_method(client: Any, request: Any) -> str:
        return "signed"

    with pytest.raises(TypeError, match=r"sign\(base_string, key\)"):
        OAuth1Auth.register_signature_method("X-CUSTOM", custom_sign_method)
    with pytest.raises(ValueError, match="not registered"):
        OAuth1Auth("k", "s", signature_method="X-CUSTOM")


# -- 4. and 5. assertion times and alg ---------------------------------------------------------


@pytest.mark.parametrize(
    "fixed", [{"issued_at": 1_700_000_000}, {"expires_at": 1_700_003_600}], ids=str
)
def test_fixed_assertion_times_are_refused_naming_expires_in(
    flavor: Flavor, provider: FakeProvider, fixed: dict[str, int]
) -> None:
    with pytest.raises(TypeError, match="expires_in=") as info:
        assertion_client(flavor, provider, **fixed)
    assert f"{next(iter(fixed))}=" in str(info.value)


def test_expires_in_dates_each_renewal_afresh(flavor: Flavor, provider: FakeProvider) -> None:
    provider.token_responses.append(FakeProvider.token(access_token="at", expires_in=600))
    clock = FakeClock()

    async def scenario() -> None:
        async with opened(assertion_client(flavor, provider, expires_in=300)) as client:
            client.oauth.clock = clock
            await aw(client.get(f"{API}/"))
            clock.now += 3600  # the token, and a fixed exp, would be long stale
            await aw(client.get(f"{API}/"))

    flavor.run(scenario)
    first, second = (claims_of(r.form["assertion"]) for r in provider.token_requests())
    assert second["iat"] - first["iat"] == 3600
    assert first["exp"] - first["iat"] == second["exp"] - second["iat"] == 300


def test_an_unknowable_alg_fails_at_construction(flavor: Flavor, provider: FakeProvider) -> None:
    # Authlib raises ValueError("Missing 'alg'") on the first request; here, when built
    with pytest.raises(ValueError, match="alg="):
        assertion_client(flavor, provider, key="a-shared-secret-of-32-bytes-long!")
    assert provider.requests == []
    client = assertion_client(
        flavor, provider, key="a-shared-secret-of-32-bytes-long!", alg="HS256"
    )
    assert client.oauth.signer.alg == "HS256"
    assert assertion_client(flavor, provider).oauth.signer.alg == "ES256"  # inferred


# -- 6. constructor grant parameters on every automatic fetch ---------------------------------

AUDIENCE = "https://api.example.com/"
RESOURCES = ["https://a.example.com/", "https://b.example.com/"]


def test_constructor_audience_and_resource_on_every_client_credentials_fetch(
    flavor: Flavor, provider: FakeProvider
) -> None:
    provider.token_responses.append(FakeProvider.token(access_token="at", expires_in=3600))

    async def scenario() -> None:
        async with opened(
            make_client(
                flavor,
                provider,
                grant_type="client_credentials",
                audience=AUDIENCE,
                resource=RESOURCES,
                scope="read",
            )
        ) as client:
            await aw(client.get(f"{API}/"))  # automatic first fetch
            client.token["expires_at"] = 0
            await aw(client.get(f"{API}/"))  # re-fetch on expiry
            await aw(client.fetch_token())  # explicit, without them
            await aw(client.fetch_token(audience="https://other.example/"))  # overridden
            client.token["expires_at"] = 0
            await aw(client.get(f"{API}/"))  # the explicit fetch is the one made again

    flavor.run(scenario)
    sent = [pairs(r.content) for r in provider.token_requests()]
    assert len(sent) == 5

    def expected(audience: str) -> list[tuple[str, str]]:
        return sorted(
            [
                ("grant_type", "client_credentials"),
                ("scope", "read"),
                ("audience", audience),
                *(("resource", r) for r in RESOURCES),
            ]
        )

    assert [sorted(p) for p in sent[:3]] == [expected(AUDIENCE)] * 3
    assert [sorted(p) for p in sent[3:]] == [expected("https://other.example/")] * 2


def test_explicit_grant_and_password_grant_get_them_too(
    flavor: Flavor, provider: FakeProvider
) -> None:
    provider.token_responses.append(FakeProvider.token(access_token="at"))

    async def scenario() -> None:
        async with opened(
            make_client(flavor, provider, audience=AUDIENCE, resource=RESOURCES[0])
        ) as client:
            await aw(client.fetch_token(grant_type="client_credentials", resource=RESOURCES[1]))
            await aw(client.fetch_token(username="u", password="pw-secret-1"))
            await aw(client.fetch_token(grant_type="client_credentials", audience=None))
            # the authorization URL still carries them, as before
            url, _ = client.create_authorization_url()
            query = parse_qs(urlsplit(url).query)
            assert query["audience"] == [AUDIENCE]
            assert query["resource"] == [RESOURCES[0]]

    flavor.run(scenario)
    cc, password, suppressed = provider.token_requests()
    assert cc.form["audience"] == AUDIENCE
    assert cc.form["resource"] == RESOURCES[1]
    assert password.form["audience"] == AUDIENCE
    assert password.form["resource"] == RESOURCES[0]
    assert "audience" not in suppressed.form  # an explicit None sends none


def test_a_bad_constructor_resource_fails_at_construction(
    flavor: Flavor, provider: FakeProvider
) -> None:
    with pytest.raises(ValueError, match="absolute URI"):
        make_client(flavor, provider, resource="api")
    with pytest.raises(ValueError, match="fragment"):
        make_client(flavor, provider, resource="https://api.example/#x")


# -- 7. the async clients' request methods stay coroutine functions -----------------------------

ASYNC_METHODS = ("send", "request", "get", "options", "head", "post", "put", "patch", "delete")


@pytest.mark.parametrize("name", ["AsyncOAuth2Client", "AsyncAssertionClient", "AsyncOAuth1Client"])
def test_async_request_methods_are_coroutine_functions_as_httpx_s(name: str) -> None:
    """Code tells async clients apart with ``inspect.iscoroutinefunction(client.send)``
    (``authwire.plugins.is_async_client`` does too): every override must stay one."""
    import inspect

    import authwire

    cls = getattr(authwire, name)
    for method in ASYNC_METHODS:
        assert inspect.iscoroutinefunction(getattr(cls, method)), f"{name}.{method}"


def test_a_subclass_overriding_request_still_sees_every_verb(flavor: Flavor) -> None:
    """The verbs skip the client's own ``request`` for speed, but never a subclass's."""
    seen: list[tuple[str, bool]] = []
    base = flavor.oauth2_client

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"authorization": request.headers.get("authorization")})

    if flavor.is_async:

        class Logged(base):  # type: ignore[misc, valid-type]
            async def request(self, method: str, url: Any, **kwargs: Any) -> Any:
                seen.append((method, bool(kwargs.get("withhold_token"))))
                return await super().request(method, url, **kwargs)

    else:

        class Logged(base):  # type: ignore[misc, valid-type, no-redef]
            def request(self, method: str, url: Any, **kwargs: Any) -> Any:
                seen.append((method, bool(kwargs.get("withhold_token"))))
                return super().request(method, url, **kwargs)

    async def scenario() -> list[Any]:
        client = Logged(
            token={"access_token": "at-1", "token_type": "Bearer"},
            transport=httpx.MockTransport(answer),
        )
        async with opened(client):
            shown = []
            for verb in ("get", "options", "head", "post", "put", "patch", "delete"):
                await aw(getattr(client, verb)("https://api.example/r"))
            shown.append((await aw(client.get("https://api.example/r"))).json())
            shown.append(
                (await aw(client.get("https://api.example/r", withhold_token=True))).json()
            )
            return shown

    shown = flavor.run(scenario)
    assert [method for method, _ in seen] == [
        "GET", "OPTIONS", "HEAD", "POST", "PUT", "PATCH", "DELETE", "GET", "GET",
    ]  # fmt: skip
    assert seen[-1] == ("GET", True)
    assert shown == [{"authorization": "Bearer at-1"}, {"authorization": None}]


def test_the_verbs_of_an_unchanged_client_send_as_before(flavor: Flavor) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"authorization": request.headers.get("authorization")})

    async def scenario() -> list[Any]:
        client = flavor.oauth2_client(
            token={"access_token": "at-2", "token_type": "Bearer"},
            transport=httpx.MockTransport(answer),
        )
        async with opened(client):
            return [
                (await aw(client.post("https://api.example/r", json={"a": 1}))).json(),
                (await aw(client.put("https://api.example/r", withhold_token=True))).json(),
                (
                    await aw(
                        client.delete(
                            "https://api.example/r",
                            withhold_token=True,
                            auth=lambda r: (r.headers.__setitem__("Authorization", "Basic x"), r)[
                                1
                            ],
                        )
                    )
                ).json(),
            ]

    assert flavor.run(scenario) == [
        {"authorization": "Bearer at-2"},
        {"authorization": None},
        {"authorization": "Basic x"},
    ]
