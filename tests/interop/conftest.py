"""Fixtures that start real peers on 127.0.0.1 for the interop tests."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.interop._oidc import OidcProvider, ProviderError, ProviderSetup, run_provider


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProvider]:
    """panva's oidc-provider, running on 127.0.0.1 with the clients of ``ProviderSetup``."""
    setup = ProviderSetup.generate()
    workdir = tmp_path_factory.mktemp("oidc_provider")
    try:
        with run_provider(setup, workdir) as provider:
            yield provider
    except ProviderError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture
def provider(oidc_provider: OidcProvider) -> OidcProvider:
    """The running oidc-provider, by its short name (the smoke tests' spelling)."""
    return oidc_provider


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    """A plain httpx client for talking to the peers directly (loopback, no proxy)."""
    with httpx.Client(timeout=10.0, trust_env=False) as client:
        yield client
