"""``authwire.httpx2``: the same source bound to httpx2, beside the httpx binding.

Every flow also runs on httpx2 through the whole suite (``pytest -p tests._as_httpx2``,
the ``httpx2`` tox environment); these tests check the binding itself.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import httpx
import httpx2
import pytest

import authwire
import authwire.httpx2
from authwire.testing import FakeProvider


def _run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_flow_through_the_httpx2_binding_never_imports_httpx() -> None:
    out = _run(
        """
        import sys
        import httpx2
        from authwire.httpx2 import AsyncOAuth2Client, OAuth2Client
        from authwire.httpx2.testing import FakeProvider

        provider = FakeProvider(
            token_responses=[FakeProvider.token(access_token="at-1", expires_in=3600)]
        )
        with OAuth2Client(
            "id",
            "secret",
            token_endpoint=provider.token_endpoint,
            authorization_endpoint=provider.authorization_endpoint,
            redirect_uri="https://app.test/cb",
            grant_type="client_credentials",
            transport=provider.transport(),
        ) as client:
            assert isinstance(client, httpx2.Client)
            assert client.get("https://api.test/").json() == {"authorization": "Bearer at-1"}
            url, state = client.create_authorization_url()
            token = client.fetch_token(
                authorization_response=f"https://app.test/cb?code=c&state={state}",
                grant_type="authorization_code",
            )
            assert token["access_token"] == "at-1"
            assert provider.token_requests()[-1].form["code"] == "c"
        from authwire import providers
        from authwire.plugins import Provider

        providers.names()  # every installed plugin loaded, none of them importing httpx
        example = Provider(name="example", token_endpoint="https://as.example/token")
        OAuth2Client.from_provider(example, client_id="i", client_secret="s").close()
        print(sorted(m for m in sys.modules if m == "httpx" or m.startswith("httpx.")))
        """
    )
    assert out.strip() == "[]"


def test_both_bindings_live_in_one_process_with_their_own_classes() -> None:
    assert issubclass(authwire.OAuth2Client, httpx.Client)
    assert issubclass(authwire.httpx2.OAuth2Client, httpx2.Client)
    assert issubclass(authwire.httpx2.AsyncOAuth2Client, httpx2.AsyncClient)
    assert issubclass(authwire.httpx2.OAuth2Auth, httpx2.Auth)
    assert not issubclass(authwire.httpx2.OAuth2Client, httpx.Client)
    assert authwire.httpx2.OAuth2Client is not authwire.OAuth2Client


def test_errors_tokens_and_providers_are_shared_by_both_bindings() -> None:
    assert authwire.httpx2.OAuthError is authwire.OAuthError
    assert authwire.httpx2.TokenResponseError is authwire.TokenResponseError
    assert authwire.httpx2.OAuth2Token is authwire.OAuth2Token
    assert authwire.httpx2.providers is authwire.providers
    assert set(authwire.httpx2.__all__) == set(authwire.__all__)


def test_a_provider_configures_an_httpx2_client_with_its_hooks() -> None:
    # installed plugins are checked in tests/interop/test_install_bindings.py
    from authwire.plugins import Provider

    def hook(response: httpx2.Response) -> httpx2.Response:
        return response

    example = Provider(
        name="example",
        token_endpoint="https://as.example/token",
        authorization_endpoint="https://as.example/authorize",
        compliance_hooks={"access_token_response": (hook,)},
        authorize_params={"access_type": "offline"},
    )
    with authwire.httpx2.OAuth2Client.from_provider(
        example, client_id="id", client_secret="secret"
    ) as client:
        assert isinstance(client, httpx2.Client)
        assert client.metadata["token_endpoint"] == "https://as.example/token"
        assert client.oauth._hooks["access_token_response"] == [hook]
        assert client.authorize_params == {"access_type": "offline"}


def test_an_httpx2_error_is_caught_as_authwire_s() -> None:
    from authwire.httpx2.testing import FakeProvider as FakeProvider2

    assert FakeProvider2 is not FakeProvider  # its transport speaks httpx2
    fake = FakeProvider2(token_responses=[FakeProvider2.token(400, error="invalid_client")])
    with (
        authwire.httpx2.OAuth2Client(
            "id", "secret", token_endpoint=fake.token_endpoint, transport=fake.transport()
        ) as client,
        pytest.raises(authwire.OAuthError, match="invalid_client"),
    ):
        client.fetch_token(grant_type="client_credentials")


@pytest.mark.parametrize("name", ["OAuth1Client", "AssertionClient", "DPoPKey", "OAuth1Token"])
def test_the_lazy_names_resolve_under_the_httpx2_binding(name: str) -> None:
    value = getattr(authwire.httpx2, name)
    assert value.__module__.startswith("authwire.httpx2.")
    assert value is not getattr(authwire, name)
