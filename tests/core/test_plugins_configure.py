"""``Provider.configure``: the last step of ``from_provider``, for fixes that need the client.

It runs after the hooks, the client authentication method, the issuer policy and the
authorization parameters, with the bound parameter values; a failure closes the client.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
import pytest

from authwire import AssertionClient, OAuth1Client, OAuth2Auth, OAuth2Client
from authwire.plugins import (
    OAuth1Endpoints,
    Provider,
    add_response_hook,
    is_async_client,
    oauth2_engine,
)
from authwire.plugins.apply import from_provider
from authwire.testing import Flavor, aw, each_flavor, opened


def tenant_provider(configure: Any) -> Provider:
    return Provider(
        name="tenanted",
        authorization_endpoint="https://{tenant}.as.example/authorize",
        token_endpoint="https://{tenant}.as.example/token",
        parameters={"tenant": None, "region": "eu"},
        authorize_params={"prompt": "login"},
        compliance_hooks={"access_token_response": [lambda response: response]},
        configure=configure,
    )


@each_flavor
def test_configure_runs_last_with_the_bound_values(flavor: Flavor) -> None:
    seen: list[tuple[Any, dict[str, str], dict[str, Any]]] = []

    def configure(client: Any, values: Mapping[str, str]) -> None:
        engine = oauth2_engine(client)
        assert engine is not None
        seen.append((client, dict(values), dict(engine.authorize_params)))

    async def scenario() -> None:
        client = flavor.oauth2_client.from_provider(
            tenant_provider(configure), tenant="contoso", client_id="id"
        )
        async with opened(client):
            assert seen[0][0] is client
            assert is_async_client(client) is flavor.is_async

    flavor.run(scenario)
    [(_, values, params)] = seen
    assert values == {"tenant": "contoso", "region": "eu"}  # defaults included
    assert params == {"prompt": "login"}  # the provider's other settings were applied first


def test_configure_is_called_for_every_client_kind() -> None:
    kinds: list[tuple[str, bool]] = []

    def configure(client: Any, values: Mapping[str, str]) -> None:
        kinds.append((type(client).__name__, oauth2_engine(client) is not None))

    provider = Provider(
        name="everything",
        token_endpoint="https://as.example/token",
        oauth1=OAuth1Endpoints(
            request_token_url="https://as.example/request",
            authorization_url="https://as.example/authorize",
            access_token_url="https://as.example/access",
        ),
        configure=configure,
    )
    from_provider(OAuth2Auth, provider, client_id="id")
    with from_provider(
        AssertionClient, provider, issuer="i", subject="s", key="k" * 32, alg="HS256"
    ):
        pass
    with from_provider(OAuth1Client, provider, client_id="ck", client_secret="cs"):
        pass
    assert kinds == [
        ("OAuth2Auth", True),
        ("AssertionClient", False),
        ("OAuth1Client", False),
    ]


def test_a_failing_configure_closes_the_client() -> None:
    built: list[Any] = []

    def configure(client: Any, values: Mapping[str, str]) -> None:
        built.append(client)
        raise ValueError("tenant: not one we know")

    with pytest.raises(ValueError, match="not one we know"):
        from_provider(OAuth2Client, tenant_provider(configure), tenant="x", client_id="i")
    assert built[0].is_closed


def test_configure_must_be_callable() -> None:
    with pytest.raises(ValueError, match="configure must be callable"):
        Provider(name="bad", token_endpoint="https://as.example/token", configure="no")  # type: ignore[arg-type]


@each_flavor
def test_add_response_hook_picks_the_flavor(flavor: Flavor) -> None:
    calls: list[str] = []

    def hook(response: httpx.Response) -> None:
        calls.append("sync")

    async def async_hook(response: httpx.Response) -> None:
        calls.append("async")

    transport = httpx.MockTransport(lambda request: httpx.Response(204))

    async def scenario() -> None:
        client = flavor.oauth2_client(client_id="id", transport=transport)
        assert add_response_hook(client, hook, async_hook)
        async with opened(client):
            response = await aw(client.get("https://api.example/x", auth=None))
            assert response.status_code == 204

    flavor.run(scenario)
    assert calls == [flavor.pick("sync", "async")]
    assert not add_response_hook(OAuth2Auth(client_id="id"), hook, async_hook)
