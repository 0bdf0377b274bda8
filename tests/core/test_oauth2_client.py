"""OAuth2Client and AsyncOAuth2Client over MockTransport: one test per scenario, every flavor."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import parse_qs, unquote_plus, urlsplit

import httpx
import pytest

from authwire import (
    AsyncOAuth2Client,
    AuthorizationRequest,
    InsecureTransportError,
    MismatchingIssuerError,
    MismatchingStateError,
    MissingCodeError,
    MissingTokenError,
    OAuth2Auth,
    OAuth2Client,
    OAuthError,
    TokenExpiredError,
    TokenResponseError,
)
from authwire.testing import FakeProvider

from .conftest import Flavor, aw, opened

REDIRECT = "https://app.test/callback"


def make_client(flavor: Flavor, provider: FakeProvider, **kwargs: Any) -> Any:
    kwargs.setdefault("token_endpoint", provider.token_endpoint)
    kwargs.setdefault("authorization_endpoint", provider.authorization_endpoint)
    kwargs.setdefault("revocation_endpoint", provider.revocation_endpoint)
    kwargs.setdefault("introspection_endpoint", provider.introspection_endpoint)
    client_id = kwargs.pop("client_id", "client-1")
    client_secret = kwargs.pop("client_secret", "secret-1")
    return flavor.oauth2_client(client_id, client_secret, transport=provider.transport(), **kwargs)


def callback(url: str, **params: str) -> str:
    return str(httpx.URL(url).copy_merge_params(params))


def basic_pair(header: str) -> tuple[str, str]:
    scheme, _, value = header.partition(" ")
    assert scheme == "Basic"
    client_id, _, secret = base64.b64decode(value).decode("ascii").partition(":")
    return unquote_plus(client_id), unquote_plus(secret)


# -- grants ----------------------------------------------------------------------------------


def test_authorization_code_with_pkce_by_default(flavor: Flavor, provider: FakeProvider) -> None:
    provider.token_responses.append(FakeProvider.token(access_token="at", expires_in=60))

    async def scenario() -> None:
        async with opened(
            make_client(flavor, provider, redirect_uri=REDIRECT, scope="a b")
        ) as client:
            url, state = client.create_authorization_url()
            query = parse_qs(urlsplit(url).query)
            assert query["code_challenge_method"] == ["S256"]
            assert query["state"] == [state]
            assert query["scope"] == ["a b"]
            assert query["redirect_uri"] == [REDIRECT]
            assert "nonce" not in query
            token = await aw(
                client.fetch_token(
                    authorization_response=callback(REDIRECT, code="c1", state=state)
                )
            )
            assert token["access_token"] == "at"
            assert client.token is token
            assert client.authorization_request is None

    flavor.run(scenario)
    [sent] = provider.token_requests()
    assert sent.form["grant_type"] == "authorization_code"
    assert sent.form["code"] == "c1"
    assert sent.form["redirect_uri"] == REDIRECT
    assert len(sent.form["code_verifier"]) >= 43
    assert basic_pair(sent.headers["authorization"]) == ("client-1", "secret-1")


def test_pending_request_survives_a_session_round_trip(
    flavor: Flavor, provider: FakeProvider
) -> None:
    provider.token_responses.append(FakeProvider.token(access_token="at"))

    async def scenario() -> tuple[dict[str, str], str]:
        async with opened(
            make_client(flavor, provider, redirect_uri=REDIRECT, scope="openid")
        ) as first:
            url, state = first.create_authorization_url()
            saved = json.loads(json.dumps(first.authorization_request.to_dict()))
            assert "nonce=" in url
            assert saved["nonce"]
        async with opened(make_client(flavor, provider)) as second:
            second.authorization_request = saved
            await aw(
                second.fetch_token(authorization_response=callback(REDIRECT, code="c", state=state))
            )
        return saved, state

    saved, state = flavor.run(scenario)
    [sent] = provider.token_requests()
    assert sent.form["code_verifier"] == saved["code_verifier"]
    assert sent.form["redirect_uri"] == REDIRECT
    assert AuthorizationRequest.from_dict(saved).state == state


def test_state_mismatch(flavor: Flavor, provider: FakeProvider) -> None:
    async def scenario() -> None:
        async with opened(make_client(flavor, provider)) as client:
            client.create_authorization_url()
            with pytest.raises(MismatchingStateError):
                await aw(
                    client.fetch_token(
                        authorization_response=callback(REDIRECT, code="c", state="x")
                    )
                )

    flavor.run(scenario)
    assert provider.token_requests() == []


def test_rfc9207_issuer_mismatch(flavor: Flavor, provider: FakeProvider) -> None:
    async def scenario() -> None:
        async with opened(
            make_client(
                flavor,
                provider,
                issuer="https://provider.test",
                authorization_response_iss_parameter_supported=True,
            )
        ) as client:
            _, state = client.create_authorization_url()
            with pytest.raises(MismatchingIssuerError):
                await aw(
                    client.fetch_token(
                        authorization_response=callback(
                            REDIRECT, code="c", state=state, iss="https://evil.test"
                        )
                    )
                )
            with pytest.raises(MismatchingIssuerError, match="no iss"):
                await aw(
                    client.fetch_token(
                        authorization_response=callback(REDIRECT, code="c", state=state)
                    )
                )

    flavor.run(scenario)
    assert provider.token_requests() == []


def test_error_in_the_redirect_and_missing_code(flavor: Flavor, provider: FakeProvider) -> None:
    async def scenario() -> None:
        async with opened(make_client(flavor, provider)) as client:
            _, state = client.create_authorization_url()
            with pytest.raises(OAuthError) as info:
                await aw(
                    client.fetch_token(
                        authorization_response=callback(
                            REDIRECT, error="access_denied", error_description="no", state=state
                        )
                    )
                )
            assert (info.value.error, info.value.description) == ("access_denied", "no")
            with pytest.raises(MissingCodeError):
                await aw(client.fetch_token(authorization_response=callback(REDIRECT, state=state)))

    flavor.run(scenario)


def test_client_credentials_and_basic_encoding(flavor: Flavor, provider: FakeProvider) -> None:
    provider.token_responses.append(FakeProvider.token(access_token="at"))
    client_id, secret = "id:with%colon-é", "se:cr%et é+"

    async def scenario() -> None:
        async with opened(
            make_client(
                flavor, provider, client_id=client_id, client_secret=secret, scope=["x", "y"]
            )
        ) as client:
            await aw(client.fetch_token(grant_type="client_credentials", audience="api"))

    flavor.run(scenario)
    [sent] = provider.token_requests()
    header = sent.headers["authorization"]
    raw = base64.b64decode(header.split()[1]).decode("ascii")
    assert raw == "id%3Awith%25colon-%C3%A9:se%3Acr%25et+%C3%A9%2B"
    assert basic_pair(header) == (client_id, secret)
    assert sent.form == {"grant_type": "client_credentials", "audience": "api", "scope": "x y"}


def test_client_secret_post_and_none(flavor: Flavor, provider: FakeProvider) -> None:
    provider.token_responses.append(FakeProvider.token(access_token="at"))

    async def scenario() -> None:
        async with opened(
            make_client(flavor, provider, token_endpoint_auth_method="client_secret_post")
        ) as client:
            await aw(client.fetch_token())
        async with opened(make_client(flavor, provider, client_secret=None)) as public:
            await aw(public.fetch_token(code="c", redirect_uri=REDIRECT))

    flavor.run(scenario)
    post, none = provider.token_requests()
    assert "authorization" not in post.headers
    assert post.form["client_id"] == "client-1"
    assert post.form["client_secret"] == "secret-1"
    assert post.form["grant_type"] == "client_credentials"
    assert "authorization" not in none.headers
    assert none.form == {
        "grant_type": "authorization_code",
        "code": "c",
        "redirect_uri": REDIRECT,
        "client_id": "client-1",
    }


def test_password_grant_is_guessed_and_password_not_kept(
    flavor: Flavor, provider: FakeProvider
) -> None:
    provider.token_responses.append(FakeProvider.token(access_token="at", expires_in=3600))

    async def scenario() -> Any:
        async with opened(make_client(flavor, provider)) as client:
            await aw(client.fetch_token(username="u", password="pw-secret"))
            return client

    client = flavor.run(scenario)
    [sent] = provider.token_requests()
    assert sent.form["grant_type"] == "password"
    assert "pw-secret" not in repr(vars(client.oauth))


def test_implicit_fragment(flavor: Flavor, provider: FakeProvider) -> None:
    async def scenario() -> None:
        async with opened(make_client(flavor, provider, response_type="token")) as client:
            url, state = client.create_authorization_url()
            assert "code_challenge" not in url
            token = await aw(
                client.fetch_token(
                    authorization_response=f"{REDIRECT}#access_token=at&token_type=bearer"
                    f"&expires_in=60&state={state}"
                )
            )
            assert token["access_token"] == "at"
            assert token.expires_at is not None

    flavor.run(scenario)
    assert provider.token_requests() == []


def test_extension_grant_is_remembered_with_its_parameters(
    flavor: Flavor, provider: FakeProvider
) -> None:
    grant = "urn:ietf:params:oauth:grant-type:token-exchange"
    provider.token_responses.append(FakeProvider.token(access_token="at", expires_in=1))

    async def scenario() -> None:
        async with opened(make_client(flavor, provider, leeway=0)) as client:
            await aw(client.fetch_token(grant_type=grant, subject_token="s", audience="api"))
            client.token["expires_at"] = 0  # expired
            await aw(client.get("https://api.test/"))

    flavor.run(scenario)
    first, second = provider.token_requests()
    assert (
        first.form
        == second.form
        == {
            "grant_type": grant,
            "subject_token": "s",
            "audience": "api",
        }
    )


def test_get_token_endpoint_with_query(flavor: Flavor, provider: FakeProvider) -> None:
    provider.token_responses.append(FakeProvider.token(access_token="at"))

    async def scenario() -> None:
        async with opened(make_client(flavor, provider)) as client:
            await aw(client.fetch_token(method="GET", grant_type="client_credentials"))

    flavor.run(scenario)
    [sent] = provider.token_requests()
    assert sent.method == "GET"
    assert sent.url.params["grant_type"] == "client_credentials"


# -- token responses -------------------------------------------------------------------------


@pytest.mark.parametrize("status", [400, 200])
def test_error_object_raises_oauth_error_at_any_status(
    flavor: Flavor, provider: FakeProvider, status: int
) -> None:
    provider.token_responses.append(
        httpx.Response(
            status,
            json={
                "error": "invalid_grant",
                "error_description": "bad code",
                "error_uri": "https://provider.test/e",
            },
        )
    )

    async def scenario() -> None:
        async with opened(make_client(flavor, provider)) as client:
            with pytest.raises(OAuthError) as info:
                await aw(client.fetch_token(code="c"))
            assert not isinstance(info.value, TokenResponseError)
            assert info.value.error == "invalid_grant"
            assert info.value.description == "bad code"
            assert info.value.uri == "https://provider.test/e"
            assert client.token is None

    flavor.run(scenario)


@pytest.mark.parametrize(
    ("response", "status"),
    [
        (httpx.Response(502, html="<html><body>Bad gateway</body></html>"), 502),
        (httpx.Response(200, content=b""), 200),
        (httpx.Response(200, text="access_token=leaked-secret&scope=x"), 200),
        (httpx.Response(200, json={"refresh_token": "leaked-secret"}), 200),
        (httpx.Response(401, json={"message": "nope"}), 401),
    ],
    ids=["html-502", "empty-200", "form-200", "json-without-access-token", "json-401"],
)
def test_not_a_token_raises_token_response_error(
    flavor: Flavor, provider: FakeProvider, response: httpx.Response, status: int
) -> None:
    provider.token_responses.append(response)

    async def scenario() -> None:
        async with opened(make_client(flavor, provider)) as client:
            with pytest.raises(TokenResponseError) as info:
                await aw(client.fetch_token(code="c"))
            assert info.value.status_code == status
            assert "leaked-secret" not in str(info.value)
            assert "leaked-secret" not in repr(info.value)

    flavor.run(scenario)


# -- refresh ---------------------------------------------------------------------------------


@pytest.mark.parametrize("rotate", [True, False])
def test_refresh_with_and_without_rotation(
    flavor: Flavor, provider: FakeProvider, rotate: bool
) -> None:
    fields: dict[str, Any] = {"access_token": "at2", "expires_in": 3600}
    if rotate:
        fields["refresh_token"] = "rt2"
    provider.token_responses.append(FakeProvider.token(**fields))
    updates: list[tuple[dict[str, Any], dict[str, Any]]] = []

    def update_token(token: dict[str, Any], **kwargs: Any) -> None:
        updates.append((dict(token), kwargs))

    async def scenario() -> None:
        async with opened(
            make_client(
                flavor,
                provider,
                token={"access_token": "at1", "refresh_token": "rt1", "expires_at": 1},
                update_token=update_token,
            )
        ) as client:
            response = await aw(client.get("https://api.test/me"))
            assert response.json() == {"authorization": "Bearer at2"}
            assert client.token["refresh_token"] == ("rt2" if rotate else "rt1")

    flavor.run(scenario)
    [sent] = provider.token_requests()
    assert sent.form == {"grant_type": "refresh_token", "refresh_token": "rt1"}
    [(token, kwargs)] = updates
    assert kwargs == {"refresh_token": "rt1"}
    assert token["refresh_token"] == ("rt2" if rotate else "rt1")


def test_explicit_refresh_calls_update_token(flavor: Flavor, provider: FakeProvider) -> None:
    provider.token_responses.append(FakeProvider.token(access_token="at2", refresh_token="rt2"))
    seen: list[Any] = []

    async def scenario() -> None:
        async with opened(
            make_client(
                flavor,
                provider,
                token={"access_token": "at1", "refresh_token": "rt1"},
                update_token=lambda token, **kw: seen.append((token["refresh_token"], kw)),
            )
        ) as client:
            token = await aw(client.refresh_token())
            assert token["access_token"] == "at2"

    flavor.run(scenario)
    assert seen == [("rt2", {"refresh_token": "rt1"})]


def test_failed_refresh_keeps_the_old_token(flavor: Flavor, provider: FakeProvider) -> None:
    provider.token_responses.append(httpx.Response(400, json={"error": "invalid_grant"}))
    old = {"access_token": "at1", "refresh_token": "rt1", "expires_at": 1}

    async def scenario() -> None:
        async with opened(make_client(flavor, provider, token=old)) as client:
            before = client.token
            snapshot = dict(before)
            with pytest.raises(OAuthError, match="invalid_grant"):
                await aw(client.get("https://api.test/me"))
            assert client.token is before
            assert dict(client.token) == snapshot
            with pytest.raises(OAuthError, match="invalid_grant"):
                await aw(client.refresh_token())
            assert client.token is before

    flavor.run(scenario)


def test_expired_without_any_way_to_renew(flavor: Flavor, provider: FakeProvider) -> None:
    async def scenario() -> None:
        async with opened(
            make_client(flavor, provider, token={"access_token": "a", "expires_at": 1})
        ) as c:
            with pytest.raises(TokenExpiredError):
                await aw(c.get("https://api.test/"))
        async with opened(make_client(flavor, provider)) as c:
            with pytest.raises(MissingTokenError):
                await aw(c.get("https://api.test/"))

    flavor.run(scenario)
    assert provider.requests == []


def test_client_credentials_fetched_on_first_use_and_refetched(
    flavor: Flavor, provider: FakeProvider
) -> None:
    provider.token_responses += [
        FakeProvider.token(access_token="at1", expires_in=3600),
        FakeProvider.token(access_token="at2", expires_in=3600),
    ]
    seen: list[Any] = []

    async def update_token(token: dict[str, Any], **kw: Any) -> None:
        seen.append((token["access_token"], kw))

    def sync_update(token: dict[str, Any], **kw: Any) -> None:
        seen.append((token["access_token"], kw))

    async def scenario() -> None:
        async with opened(
            make_client(
                flavor,
                provider,
                grant_type="client_credentials",
                update_token=update_token if flavor.is_async else sync_update,
            )
        ) as client:
            assert (await aw(client.get("https://api.test/"))).json()["authorization"] == (
                "Bearer at1"
            )
            client.token["expires_at"] = 1
            assert (await aw(client.get("https://api.test/"))).json()["authorization"] == (
                "Bearer at2"
            )

    flavor.run(scenario)
    assert seen == [("at1", {"access_token": None}), ("at2", {"access_token": "at1"})]


def test_sync_update_token_on_async_client_and_coroutine_refused_on_sync(
    provider: FakeProvider,
) -> None:
    async def coroutine_update(token: Any, **kw: Any) -> None:
        return None

    with pytest.raises(TypeError, match="coroutine function"):
        OAuth2Client("id", "secret", update_token=coroutine_update)
    # a sync callback on the async client is simply called
    flavor = Flavor("asyncio")
    provider.token_responses.append(FakeProvider.token(access_token="at2"))
    seen: list[str] = []

    async def scenario() -> None:
        async with opened(
            make_client(
                flavor,
                provider,
                token={"access_token": "a", "refresh_token": "r", "expires_at": 1},
                update_token=lambda token, **kw: seen.append(token["access_token"]),
            )
        ) as client:
            await client.get("https://api.test/")

    flavor.run(scenario)
    assert seen == ["at2"]


def test_update_token_error_reaches_the_caller_and_new_token_is_kept(
    flavor: Flavor, provider: FakeProvider
) -> None:
    provider.token_responses.append(FakeProvider.token(access_token="at2", refresh_token="rt2"))

    def update_token(token: Any, **kw: Any) -> None:
        raise RuntimeError("database down")

    async def scenario() -> None:
        async with opened(
            make_client(
                flavor,
                provider,
                token={"access_token": "a", "refresh_token": "r", "expires_at": 1},
                update_token=update_token,
            )
        ) as client:
            with pytest.raises(RuntimeError, match="database down"):
                await aw(client.get("https://api.test/"))
            assert client.token["refresh_token"] == "rt2"

    flavor.run(scenario)


def test_short_lived_token_is_not_expired_on_arrival(
    flavor: Flavor, provider: FakeProvider
) -> None:
    provider.token_responses.append(FakeProvider.token(access_token="at", expires_in=30))

    async def scenario() -> None:
        async with opened(make_client(flavor, provider, grant_type="client_credentials")) as client:
            for _ in range(3):
                await aw(client.get("https://api.test/"))

    flavor.run(scenario)
    assert len(provider.token_requests()) == 1


def test_401_invalid_token_refreshes_once_and_retries(
    flavor: Flavor, provider: FakeProvider
) -> None:
    provider.token_responses.append(FakeProvider.token(access_token="at2", refresh_token="rt2"))
    calls: list[str] = []

    def resource(request: httpx.Request) -> httpx.Response:
        calls.append(request.headers["authorization"])
        if request.headers["authorization"] == "Bearer at1":
            return httpx.Response(401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        return httpx.Response(200, json={"body": request.content.decode()})

    provider.resource = resource

    async def scenario() -> None:
        async with opened(
            make_client(flavor, provider, token={"access_token": "at1", "refresh_token": "rt1"})
        ) as client:
            response = await aw(client.post("https://api.test/", content=b"payload"))
            assert response.status_code == 200
            assert response.json() == {"body": "payload"}

    flavor.run(scenario)
    assert calls == ["Bearer at1", "Bearer at2"]
    assert len(provider.token_requests()) == 1


def test_401_without_invalid_token_is_returned(flavor: Flavor, provider: FakeProvider) -> None:
    provider.resource = lambda request: httpx.Response(
        401, headers={"WWW-Authenticate": 'Bearer error="insufficient_scope"'}
    )

    async def scenario() -> None:
        async with opened(
            make_client(flavor, provider, token={"access_token": "a", "refresh_token": "r"})
        ) as c:
            assert (await aw(c.get("https://api.test/"))).status_code == 401

    flavor.run(scenario)
    assert provider.token_requests() == []


# -- requests --------------------------------------------------------------------------------


def test_withhold_token_and_placements(flavor: Flavor, provider: FakeProvider) -> None:
    seen: list[httpx.Request] = []

    def resource(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    provider.resource = resource

    async def scenario() -> None:
        token = {"access_token": "at"}
        async with opened(make_client(flavor, provider, token=token)) as client:
            await aw(client.get("https://api.test/a", withhold_token=True))
            await aw(client.request("GET", "https://api.test/b", withhold_token=True))
        async with opened(
            make_client(flavor, provider, token=token, token_placement="uri")
        ) as client:
            await aw(client.get("https://api.test/c?x=1"))
        async with opened(
            make_client(flavor, provider, token=token, token_placement="body")
        ) as client:
            await aw(client.post("https://api.test/d", data={"x": "1"}))

    flavor.run(scenario)
    a, b, c, d = seen
    assert "authorization" not in a.headers
    assert "authorization" not in b.headers
    assert c.url.params["access_token"] == "at"
    assert c.url.params["x"] == "1"
    assert d.content == b"x=1&access_token=at"


def test_stream_is_authorised(flavor: Flavor, provider: FakeProvider) -> None:
    provider.token_responses.append(FakeProvider.token(access_token="at", expires_in=600))

    async def scenario() -> None:
        async with opened(make_client(flavor, provider, grant_type="client_credentials")) as client:
            if flavor.is_async:
                async with client.stream("GET", "https://api.test/") as response:
                    body = await response.aread()
            else:
                with client.stream("GET", "https://api.test/") as response:
                    body = response.read()
            assert json.loads(body) == {"authorization": "Bearer at"}

    flavor.run(scenario)


def test_compliance_hooks_run_in_order(flavor: Flavor, provider: FakeProvider) -> None:
    provider.token_responses.append(
        httpx.Response(200, text="access_token=at&expires=3600")  # Facebook-style
    )
    order: list[str] = []

    def add_param(url: str, headers: dict[str, str], body: str) -> tuple[str, dict[str, str], str]:
        order.append("request-1")
        return url, headers, body + "&first=1"

    async def second(url: str, headers: dict[str, str], body: str) -> Any:
        order.append("request-2")
        return url, headers, body + "&second=2"

    def second_sync(url: str, headers: dict[str, str], body: str) -> Any:
        order.append("request-2")
        return url, headers, body + "&second=2"

    def form_to_json(response: httpx.Response) -> httpx.Response:
        order.append("response")
        fields = dict(httpx.QueryParams(response.text))
        fields["expires_in"] = fields.pop("expires")
        return httpx.Response(200, json=fields)

    def protected(url: str, headers: dict[str, str], body: bytes | None) -> Any:
        order.append("protected")
        return url + "?site=x", headers, body

    async def scenario() -> None:
        async with opened(make_client(flavor, provider)) as client:
            client.register_compliance_hook("access_token_request", add_param)
            client.register_compliance_hook(
                "access_token_request", second if flavor.is_async else second_sync
            )
            client.register_compliance_hook("access_token_response", form_to_json)
            client.register_compliance_hook("protected_request", protected)
            token = await aw(client.fetch_token())
            assert token["access_token"] == "at"
            assert token.expires_at is not None
            await aw(client.get("https://api.test/"))
            with pytest.raises(ValueError, match="hook_type"):
                client.register_compliance_hook("no_such_hook", add_param)

    flavor.run(scenario)
    assert order == ["request-1", "request-2", "response", "protected"]
    token_request, resource = provider.requests
    assert token_request.content.endswith(b"&first=1&second=2")
    assert resource.url.params["site"] == "x"


def test_revoke_and_introspect(flavor: Flavor, provider: FakeProvider) -> None:
    async def scenario() -> None:
        async with opened(
            make_client(flavor, provider, token={"access_token": "at", "refresh_token": "rt"})
        ) as client:
            response = await aw(client.introspect_token())
            assert response.json() == {"active": True}
            assert (await aw(client.revoke_token())).status_code == 200
            await aw(client.revoke_token(provider.revocation_endpoint, "other"))

    flavor.run(scenario)
    introspect, revoke, revoke_other = provider.requests
    assert introspect.form == {"token": "at", "token_type_hint": "access_token"}
    assert revoke.form == {"token": "rt", "token_type_hint": "refresh_token"}
    assert revoke_other.form == {"token": "other"}
    assert basic_pair(revoke.headers["authorization"]) == ("client-1", "secret-1")


def test_revocation_error_raises(flavor: Flavor) -> None:
    provider = FakeProvider()
    provider.resource = lambda request: httpx.Response(
        400, json={"error": "unsupported_token_type"}
    )

    async def scenario() -> None:
        async with opened(
            make_client(flavor, provider, revocation_endpoint="https://provider.test/r2")
        ) as c:
            with pytest.raises(OAuthError, match="unsupported_token_type"):
                await aw(c.revoke_token(token="t"))

    flavor.run(scenario)


# -- misuse and transport --------------------------------------------------------------------


def test_misuse_fails_early() -> None:
    with pytest.raises(TypeError, match="tokn_endpoint"):
        OAuth2Client("id", "secret", tokn_endpoint="https://x.test/token")
    with pytest.raises(TypeError, match="auth"):
        AsyncOAuth2Client("id", "secret", auth=("a", "b"))
    with pytest.raises(ValueError, match="token_placement"):
        OAuth2Client("id", token_placement="cookie")
    with pytest.raises(ValueError, match="code_challenge_method"):
        OAuth2Client("id", code_challenge_method="S512")
    with pytest.raises(ValueError, match="authorization_endpoint"):
        OAuth2Client("id").create_authorization_url()
    with pytest.raises(ValueError, match="token_endpoint"):
        OAuth2Client("id").fetch_token(code="c")
    with pytest.raises(TypeError, match="client_id"):
        OAuth2Client(123)  # type: ignore[arg-type]


def test_httpx_arguments_pass_through() -> None:
    client = OAuth2Client(
        "id",
        base_url="https://api.test",
        timeout=3.0,
        headers={"User-Agent": "ua/1"},
        follow_redirects=True,
        default_encoding="latin-1",
    )
    assert client.base_url == httpx.URL("https://api.test")
    assert client.timeout == httpx.Timeout(3.0)
    assert client.headers["user-agent"] == "ua/1"
    assert client.follow_redirects is True
    client.close()


def test_plain_http_is_refused_except_loopback(flavor: Flavor, provider: FakeProvider) -> None:
    async def scenario() -> None:
        async with opened(make_client(flavor, provider, token={"access_token": "at"})) as client:
            with pytest.raises(InsecureTransportError):
                await aw(client.get("http://api.test/"))
            with pytest.raises(InsecureTransportError):
                await aw(client.fetch_token("http://provider.test/token"))
            assert (await aw(client.get("http://127.0.0.1:9/"))).status_code == 200
            assert (await aw(client.get("http://localhost:9/"))).status_code == 200
        async with opened(
            make_client(
                flavor, provider, token={"access_token": "at"}, allow_insecure_transport=True
            )
        ) as client:
            assert (await aw(client.get("http://api.test/"))).status_code == 200

    flavor.run(scenario)


def test_auth_usable_with_a_plain_httpx_client(provider: FakeProvider) -> None:
    provider.token_responses.append(FakeProvider.token(access_token="at", expires_in=600))
    auth = OAuth2Auth(
        client_id="id",
        client_secret="secret",
        token_endpoint=provider.token_endpoint,
        grant_type="client_credentials",
    )
    with httpx.Client(auth=auth, transport=provider.transport()) as client:
        assert client.get("https://api.test/").json() == {"authorization": "Bearer at"}
    assert auth.token is not None


def test_async_close_is_awaitable() -> None:
    async def scenario() -> None:
        client = AsyncOAuth2Client("id", "secret")
        await client.close()
        assert client.is_closed

    Flavor("asyncio").run(scenario)
