"""The ``flavor`` fixture, and suite-wide instrumentation for the secret scan.

While the suite runs, every OAuth 2 token, every client engine and every ``OAuthError``
created is remembered, with the secrets they carry, and authwire's loggers are recorded at
DEBUG. The scan, collected last, renders them all and looks for the secrets.
"""

from __future__ import annotations

import logging
import weakref
from typing import Any

import pytest

from authwire import OAuth1Auth, OAuth2Auth, OAuth2Token, OAuthError
from authwire.token import SECRET_TOKEN_FIELDS

from ._flavors import FLAVORS, Flavor

#: Values too short to search for without false positives are not recorded.
MIN_SECRET_LENGTH = 8


class SecretRegistry:
    def __init__(self) -> None:
        self.secrets: set[str] = set()
        self.objects: list[Any] = []
        self.errors: list[BaseException] = []
        self.records: list[logging.LogRecord] = []

    def secret(self, value: Any) -> None:
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        if isinstance(value, str) and len(value) >= MIN_SECRET_LENGTH:
            self.secrets.add(value)


REGISTRY = SecretRegistry()


class _Recorder(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        REGISTRY.records.append(record)


def _instrument() -> None:
    token_init = OAuth2Token.__init__

    def recording_token_init(self: OAuth2Token, *args: Any, **kwargs: Any) -> None:
        token_init(self, *args, **kwargs)
        for name in SECRET_TOKEN_FIELDS:
            REGISTRY.secret(self.get(name))
        REGISTRY.objects.append(self)

    auth_init = OAuth2Auth.__init__

    def recording_auth_init(self: OAuth2Auth, *args: Any, **kwargs: Any) -> None:
        auth_init(self, *args, **kwargs)
        REGISTRY.secret(self.client_secret)
        REGISTRY.objects.append(weakref.proxy(self))

    oauth1_init = OAuth1Auth.__init__

    def recording_oauth1_init(self: OAuth1Auth, *args: Any, **kwargs: Any) -> None:
        oauth1_init(self, *args, **kwargs)
        names = ("client_id", "client_secret", "token", "token_secret")
        given = dict(zip(names, args, strict=False)) | kwargs
        for name in ("client_secret", "token_secret", "rsa_key"):
            REGISTRY.secret(given.get(name))
        REGISTRY.objects.append(weakref.proxy(self))

    error_init = OAuthError.__init__

    def recording_error_init(self: OAuthError, *args: Any, **kwargs: Any) -> None:
        error_init(self, *args, **kwargs)
        REGISTRY.errors.append(self)

    OAuth2Token.__init__ = recording_token_init  # type: ignore[method-assign]
    OAuth2Auth.__init__ = recording_auth_init  # type: ignore[method-assign]
    OAuth1Auth.__init__ = recording_oauth1_init  # type: ignore[method-assign]
    OAuthError.__init__ = recording_error_init  # type: ignore[method-assign]

    logger = logging.getLogger("authwire")
    logger.setLevel(logging.DEBUG)
    logger.addHandler(_Recorder())


def pytest_configure() -> None:
    _instrument()


@pytest.fixture(params=FLAVORS)
def flavor(request: pytest.FixtureRequest) -> Flavor:
    """Run the test on the sync client, and on the async client under asyncio and trio."""
    return Flavor(request.param)
