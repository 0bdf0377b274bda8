"""RFC 8693 token exchange, and RFC 8707 resource indicators on token requests.

Over MockTransport, on every client flavor: the request body, the checks made before any
request, the response check, and what happens when the exchanged token expires.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from authwire import OAuthError, TokenExpiredError, TokenResponseError
from authwire.protocol.rfc8693 import (
    ACCESS_TOKEN_TYPE,
    ID_TOKEN_TYPE,
    JWT_TOKEN_TYPE,
    TOKEN_EXCHANGE_GRANT,
    build_token_exchange_params,
)
from authwire.testing import FakeProvider

from .conftest import Flavor, aw, opened

CLIENT_ID = "exchange-client"
CLIENT_SECRET = "exchange-client-secret-0123"
SUBJECT = "subject-token-0123456789"
ACTOR = "actor-token-0123456789"
RESOURCES = ["https://api.test/one", "https://api.test/two"]


def make_client(flavor: Flavor, provider: FakeProvider, **kwargs: Any) -> Any:
    kwargs.setdefault("token_endpoint", provider.token_endpoint)
    client_id = kwargs.pop("client_id", CLIENT_ID)
    client_secret = kwargs.pop("client_secret", CLIENT_SECRET)
    return flavor.oauth2_client(client_id, client_secret, transport=provider.transport(), **kwargs)


def exchanged(**fields: Any) -> httpx.Response:
    fields.setdefault("access_token", "exchanged-access-token")
    fields.setdefault("issued_token_type", ACCESS_TOKEN_TYPE)
    return FakeProvider.token(**fields)


def pairs(content: bytes) -> list[tuple[str, str]]:
    return parse_qsl(content.decode(), keep_blank_values=True)


def basic_pair(header: str) -> tuple[str, str]:
    scheme, _, value = header.partition(" ")
    assert scheme == "Basic"
    client_id, _, secret = base64.b64decode(value).decode("ascii").partition(":")
    return client_id, secret


def grant_types(provider: FakeProvider) -> list[str]:
    return [r.form.get("grant_type", "") for r in provider.token_requests()]


# -- the request (RFC 8693 §2.1) ----------------------------------------------------------------


def test_exchange_request_with_every_parameter(flavor: Flavor, provider: FakeProvider) -> None:
    provider.token_responses.append(exchanged(expires_in=600))

    async def scenario() -> Any:
        async with opened(make_client(flavor, provider)) as client:
            token = await aw(
                client.exchange_token(
                    SUBJECT,
                    ID_TOKEN_TYPE,
                    actor_token=ACTOR,
                    actor_token_type=JWT_TOKEN_TYPE,
                    audience=["svc-a", "svc-b"],
                    resource=RESOURCES,
                    requested_token_type=ACCESS_TOKEN_TYPE,
                    scope=["read", "write"],
                    headers={"X-Trace": "t1"},
                    custom="extra",
                )
            )
            assert client.token is token
            return token

    token = flavor.run(scenario)
    assert token["access_token"] == "exchanged-access-token"
    assert token["issued_token_type"] == ACCESS_TOKEN_TYPE
    [sent] = provider.token_requests()
    assert sent.method == "POST"
    assert sent.headers["accept"] == "application/json"
    assert sent.headers["x-trace"] == "t1"
    assert basic_pair(sent.headers["authorization"]) == (CLIENT_ID, CLIENT_SECRET)
    body = pairs(sent.content)
    form = dict(body)
    assert form["grant_type"] == TOKEN_EXCHANGE_GRANT
    assert form["subject_token"] == SUBJECT
    assert form["subject_token_type"] == ID_TOKEN_TYPE
    assert form["actor_token"] == ACTOR
    assert form["actor_token_type"] == JWT_TOKEN_TYPE
    assert form["requested_token_type"] == ACCESS_TOKEN_TYPE
    assert form["scope"] == "read write"
    assert form["custom"] == "extra"
    assert [v for k, v in body if k == "audience"] == ["svc-a", "svc-b"]
    assert [v for k, v in body if k == "resource"] == RESOURCES
    assert [k for k, _ in body].count("scope") == 1


def test_exchange_defaults(flavor: Flavor, provider: FakeProvider) -> None:
    provider.token_responses.append(exchanged())

    async def scenario() -> None:
        async with opened(
            make_client(flavor, provider, client_secret=None, scope="client-default")
        ) as client:
            await aw(client.exchange_token(SUBJECT, audience="svc-a", url=provider.token_endpoint))

    flavor.run(scenario)
    [sent] = provider.token_requests()
    assert "authorization" not in sent.headers
    # a public client: client_id in the body; only what was given is sent
    assert dict(pairs(sent.content)) == {
        "grant_type": TOKEN_EXCHANGE_GRANT,
        "subject_token": SUBJECT,
        "subject_token_type": ACCESS_TOKEN_TYPE,
        "audience": "svc-a",
        "client_id": CLIENT_ID,
    }


def test_exchange_with_explicit_auth(flavor: Flavor, provider: FakeProvider) -> None:
    provider.token_responses.append(exchanged())

    async def scenario() -> None:
        async with opened(make_client(flavor, provider)) as client:
            await aw(client.exchange_token(SUBJECT, auth=("gateway", "gateway-secret")))

    flavor.run(scenario)
    [sent] = provider.token_requests()
    assert basic_pair(sent.headers["authorization"]) == ("gateway", "gateway-secret")


@pytest.mark.parametrize(
    ("args", "kwargs", "exception", "match"),
    [
        ((SUBJECT,), {"actor_token": ACTOR}, ValueError, "actor_token_type is required"),
        ((SUBJECT,), {"actor_token_type": JWT_TOKEN_TYPE}, ValueError, "without actor_token"),
        (("",), {}, TypeError, "subject_token"),
        ((None,), {}, TypeError, "subject_token"),
        ((SUBJECT, ""), {}, TypeError, "subject_token_type"),
        ((SUBJECT,), {"actor_token": "", "actor_token_type": JWT_TOKEN_TYPE}, TypeError, "actor"),
        ((SUBJECT,), {"resource": "api"}, ValueError, "absolute URI"),
        ((SUBJECT,), {"resource": "https://api.test/#x"}, ValueError, "fragment"),
        ((SUBJECT,), {"resource": [RESOURCES[0], "/rel"]}, ValueError, "absolute URI"),
        ((SUBJECT,), {"resource": [RESOURCES[0], 7]}, TypeError, "resource"),
    ],
    ids=[
        "actor-without-type",
        "type-without-actor",
        "empty-subject",
        "none-subject",
        "empty-subject-type",
        "empty-actor",
        "relative-resource",
        "resource-fragment",
        "one-bad-resource",
        "non-str-resource",
    ],
)
def test_invalid_exchange_is_refused_before_any_request(
    flavor: Flavor,
    provider: FakeProvider,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    exception: type[Exception],
    match: str,
) -> None:
    provider.token_responses.append(exchanged())

    async def scenario() -> None:
        async with opened(make_client(flavor, provider)) as client:
            with pytest.raises(exception, match=match):
                await aw(client.exchange_token(*args, **kwargs))
            assert client.token is None

    flavor.run(scenario)
    assert provider.requests == []


def test_exchange_without_a_token_endpoint(flavor: Flavor, provider: FakeProvider) -> None:
    async def scenario() -> None:
        async with opened(make_client(flavor, provider, token_endpoint=None)) as client:
            with pytest.raises(ValueError, match="token_endpoint"):
                await aw(client.exchange_token(SUBJECT))

    flavor.run(scenario)
    assert provider.requests == []


# -- the response (RFC 8693 §2.2) ---------------------------------------------------------------


def test_response_without_issued_token_type(flavor: Flavor, provider: FakeProvider) -> None:
    provider.token_responses.append(
        FakeProvider.token(access_token="no-type-access-token", expires_in=60)
    )

    async def scenario() -> None:
        async with opened(
            make_client(flavor, provider, token={"access_token": "previous-access-token"})
        ) as client:
            with pytest.raises(TokenResponseError, match="issued_token_type") as info:
                await aw(client.exchange_token(SUBJECT))
            assert "no-type-access-token" not in str(info.value)
            # the unusable answer does not replace the token the client had
            assert client.token["access_token"] == "previous-access-token"

    flavor.run(scenario)
    assert len(provider.token_requests()) == 1


def test_error_response(flavor: Flavor, provider: FakeProvider) -> None:
    provider.token_responses.append(
        httpx.Response(400, json={"error": "invalid_target", "error_description": "no such aud"})
    )

    async def scenario() -> None:
        async with opened(make_client(flavor, provider)) as client:
            with pytest.raises(OAuthError) as info:
                await aw(client.exchange_token(SUBJECT, audience="nowhere"))
            assert not isinstance(info.value, TokenResponseError)
            assert info.value.error == "invalid_target"
            assert info.value.description == "no such aud"
            assert client.token is None

    flavor.run(scenario)


# -- the exchanged token's life cycle ------------------------------------------------------------


def test_exchanged_token_is_used_and_never_refetched(
    flavor: Flavor, provider: FakeProvider
) -> None:
    provider.token_responses += [
        FakeProvider.token(access_token="client-credentials-token", expires_in=3600),
        exchanged(expires_in=3600),
        FakeProvider.token(access_token="should-not-be-fetched", expires_in=3600),
    ]

    async def scenario() -> None:
        async with opened(make_client(flavor, provider)) as client:
            await aw(client.fetch_token(grant_type="client_credentials"))
            await aw(client.exchange_token(SUBJECT))
            response = await aw(client.get("https://api.test/"))
            assert response.json()["authorization"] == "Bearer exchanged-access-token"
            client.token["expires_at"] = 1
            with pytest.raises(TokenExpiredError):
                await aw(client.get("https://api.test/"))
            assert client.token["access_token"] == "exchanged-access-token"

    flavor.run(scenario)
    assert grant_types(provider) == ["client_credentials", TOKEN_EXCHANGE_GRANT]


def test_exchanged_token_with_refresh_token_is_refreshed(
    flavor: Flavor, provider: FakeProvider
) -> None:
    provider.token_responses += [
        exchanged(refresh_token="exchanged-refresh-token", expires_in=3600),
        FakeProvider.token(access_token="refreshed-access-token", expires_in=3600),
    ]

    async def scenario() -> None:
        async with opened(make_client(flavor, provider)) as client:
            await aw(client.exchange_token(SUBJECT))
            client.token["expires_at"] = 1
            response = await aw(client.get("https://api.test/"))
            assert response.json()["authorization"] == "Bearer refreshed-access-token"
            assert client.token["refresh_token"] == "exchanged-refresh-token"

    flavor.run(scenario)
    assert grant_types(provider) == [TOKEN_EXCHANGE_GRANT, "refresh_token"]
    assert provider.token_requests()[1].form["refresh_token"] == "exchanged-refresh-token"


def test_exchanged_token_is_not_replaced_by_the_configured_client_credentials_grant(
    flavor: Flavor, provider: FakeProvider
) -> None:
    provider.token_responses += [
        FakeProvider.token(access_token="client-credentials-token", expires_in=3600),
        exchanged(expires_in=3600),
        FakeProvider.token(access_token="client-credentials-again", expires_in=3600),
    ]

    async def scenario() -> None:
        async with opened(make_client(flavor, provider, grant_type="client_credentials")) as client:
            await aw(client.get("https://api.test/"))  # fetched on first use
            await aw(client.exchange_token(SUBJECT))
            client.token["expires_at"] = 1
            with pytest.raises(TokenExpiredError):
                await aw(client.get("https://api.test/"))

    flavor.run(scenario)
    assert grant_types(provider) == ["client_credentials", TOKEN_EXCHANGE_GRANT]


# -- resource indicators on token requests (RFC 8707 §2.2) --------------------------------------


def test_resource_on_fetch_and_refresh_is_repeated(flavor: Flavor, provider: FakeProvider) -> None:
    provider.token_responses += [
        FakeProvider.token(access_token="fetched-access-token", refresh_token="refresh-token-1"),
        FakeProvider.token(access_token="refreshed-access-token"),
    ]

    async def scenario() -> None:
        async with opened(make_client(flavor, provider)) as client:
            await aw(client.fetch_token(grant_type="client_credentials", resource=RESOURCES))
            await aw(client.refresh_token(resource=RESOURCES[1]))

    flavor.run(scenario)
    fetched, refreshed = provider.token_requests()
    assert [v for k, v in pairs(fetched.content) if k == "resource"] == RESOURCES
    assert [v for k, v in pairs(refreshed.content) if k == "resource"] == RESOURCES[1:]
    assert refreshed.form["refresh_token"] == "refresh-token-1"


@pytest.mark.parametrize(
    "resource",
    ["api", "https://api.test/x#frag", [RESOURCES[0], "urn"]],
    ids=["relative", "fragment", "one-bad-in-list"],
)
def test_bad_resource_on_fetch_and_refresh_sends_nothing(
    flavor: Flavor, provider: FakeProvider, resource: Any
) -> None:
    provider.token_responses.append(FakeProvider.token(access_token="never-sent-token"))

    async def scenario() -> None:
        async with opened(
            make_client(flavor, provider, token={"access_token": "a", "refresh_token": "r"})
        ) as client:
            with pytest.raises(ValueError, match="resource"):
                await aw(client.fetch_token(grant_type="client_credentials", resource=resource))
            with pytest.raises(ValueError, match="resource"):
                await aw(client.refresh_token(resource=resource))
            assert client.token["access_token"] == "a"

    flavor.run(scenario)
    assert provider.requests == []


# -- the parameters on their own -------------------------------------------------------------


def test_build_token_exchange_params_keeps_lists_as_lists() -> None:
    params = build_token_exchange_params(
        SUBJECT, audience=("a", "b"), resource=(RESOURCES[0],), scope=("x", "y")
    )
    assert params == {
        "subject_token": SUBJECT,
        "subject_token_type": ACCESS_TOKEN_TYPE,
        "audience": ["a", "b"],
        "resource": [RESOURCES[0]],
        "scope": ("x", "y"),
    }
