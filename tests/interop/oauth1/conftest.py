"""The OAuth 1.0a provider (oauthlib's endpoints) for the interop tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.interop.oauth1_server import OAuth1Provider, serve_oauth1_provider


@pytest.fixture(scope="session")
def oauth1_provider() -> Iterator[OAuth1Provider]:
    """The oauthlib-based provider on 127.0.0.1, for the whole session."""
    with serve_oauth1_provider() as provider:
        yield provider
