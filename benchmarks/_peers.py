"""The peers, imported in one place.

Authlib's HTTPX integration prefers the ``httpx2`` package and warns (an
``AuthlibDeprecationWarning``) when it falls back to plain ``httpx``. The benchmarks measure
it on plain ``httpx`` on purpose, the same ``httpx`` authwire runs on, so that warning is
silenced here, for the benchmark processes only; the library and its tests never import
Authlib.
"""

from __future__ import annotations

import importlib.metadata
import sys
import warnings

import httpx_auth
import jwt as pyjwt
import oauthlib.oauth1 as oauthlib_oauth1
import requests
import requests_oauthlib

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from authlib.deprecate import AuthlibDeprecationWarning

warnings.filterwarnings("ignore", category=AuthlibDeprecationWarning)

# Authlib 1.9 binds httpx2 whenever it can import it (the dev environment has httpx2, for
# authwire.httpx2's tests); every measure here runs on httpx, so Authlib is held to its
# httpx fallback, in this benchmark process only.
_blocked = "httpx2" not in sys.modules
if _blocked:
    sys.modules["httpx2"] = None  # type: ignore[assignment]
with warnings.catch_warnings():
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    import authlib.integrations.httpx_client as authlib_httpx
    import authlib.oauth2.rfc7523 as authlib_rfc7523
if _blocked:
    del sys.modules["httpx2"]

__all__ = [
    "authlib_httpx",
    "authlib_rfc7523",
    "httpx_auth",
    "oauthlib_oauth1",
    "pyjwt",
    "requests",
    "requests_oauthlib",
    "versions",
]

_DISTRIBUTIONS = (
    "authwire",
    "httpx",
    "authlib",
    "httpx-auth",
    "oauthlib",
    "requests-oauthlib",
    "joserfc",
    "pyjwt",
    "cryptography",
    "anyio",
    "trio",
)


def versions() -> dict[str, str]:
    """The installed version of authwire, httpx and every peer."""
    found = {}
    for name in _DISTRIBUTIONS:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found
