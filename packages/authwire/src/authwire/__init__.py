"""authwire: OAuth 1.0a, OAuth 2.x and OpenID Connect clients for HTTPX."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._exceptions import *  # noqa: F403
from ._exceptions import __all__ as _exceptions_all
from .token import OAuth2Token

if TYPE_CHECKING:
    from . import providers
    from .auth.assertion import AssertionAuth
    from .auth.authorization_request import AuthorizationRequest
    from .auth.client_auth import OAuth2ClientAuth
    from .auth.oauth1 import OAuth1Auth
    from .auth.oauth2 import OAuth2Auth
    from .client.assertion import AssertionClient, AsyncAssertionClient
    from .client.async_oauth2 import AsyncOAuth2Client
    from .client.oauth1 import AsyncOAuth1Client, OAuth1Client
    from .client.oauth2 import OAuth2Client
    from .protocol.rfc5849 import (
        SIGNATURE_HMAC_SHA1,
        SIGNATURE_HMAC_SHA256,
        SIGNATURE_PLAINTEXT,
        SIGNATURE_RSA_SHA1,
        SIGNATURE_RSA_SHA256,
        SIGNATURE_TYPE_BODY,
        SIGNATURE_TYPE_HEADER,
        SIGNATURE_TYPE_QUERY,
        OAuth1Token,
    )
    from .protocol.rfc8628 import DeviceAuthorization, DeviceFlowProgress
    from .protocol.rfc9101 import RequestObjectSigner
    from .protocol.rfc9449 import DPoPKey
    from .rfc7523 import ClientSecretJWT, PrivateKeyJWT

# Every name bound to an HTTP library is imported when it is first used: ``import
# authwire.httpx2`` must not import httpx (see authwire._binding), and OAuth 1
# (cryptography) and JOSE (joserfc) cost nothing until they are used.
_LAZY = {
    "OAuth2Auth": ".auth.oauth2",
    "OAuth2ClientAuth": ".auth.client_auth",
    "AuthorizationRequest": ".auth.authorization_request",
    "OAuth2Client": ".client.oauth2",
    "AsyncOAuth2Client": ".client.async_oauth2",
    "OAuth1Auth": ".auth.oauth1",
    "OAuth1Client": ".client.oauth1",
    "AsyncOAuth1Client": ".client.oauth1",
    "SIGNATURE_HMAC_SHA1": ".protocol.rfc5849",
    "SIGNATURE_HMAC_SHA256": ".protocol.rfc5849",
    "SIGNATURE_PLAINTEXT": ".protocol.rfc5849",
    "SIGNATURE_RSA_SHA1": ".protocol.rfc5849",
    "SIGNATURE_RSA_SHA256": ".protocol.rfc5849",
    "SIGNATURE_TYPE_BODY": ".protocol.rfc5849",
    "SIGNATURE_TYPE_HEADER": ".protocol.rfc5849",
    "SIGNATURE_TYPE_QUERY": ".protocol.rfc5849",
    "OAuth1Token": ".protocol.rfc5849",
    "AssertionAuth": ".auth.assertion",
    "AssertionClient": ".client.assertion",
    "AsyncAssertionClient": ".client.assertion",
    "ClientSecretJWT": ".rfc7523",
    "PrivateKeyJWT": ".rfc7523",
    "DPoPKey": ".protocol.rfc9449",
    "DeviceAuthorization": ".protocol.rfc8628",
    "DeviceFlowProgress": ".protocol.rfc8628",
    "RequestObjectSigner": ".protocol.rfc9101",
}


def __getattr__(name: str) -> Any:
    if name == "providers":  # the plugin registry, built on first use
        return importlib.import_module(".providers", __name__)
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'authwire' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


__all__ = [
    *_exceptions_all,
    "SIGNATURE_HMAC_SHA1",
    "SIGNATURE_HMAC_SHA256",
    "SIGNATURE_PLAINTEXT",
    "SIGNATURE_RSA_SHA1",
    "SIGNATURE_RSA_SHA256",
    "SIGNATURE_TYPE_BODY",
    "SIGNATURE_TYPE_HEADER",
    "SIGNATURE_TYPE_QUERY",
    "AssertionAuth",
    "AssertionClient",
    "AsyncAssertionClient",
    "AsyncOAuth1Client",
    "AsyncOAuth2Client",
    "AuthorizationRequest",
    "ClientSecretJWT",
    "DPoPKey",
    "DeviceAuthorization",
    "DeviceFlowProgress",
    "OAuth1Auth",
    "OAuth1Client",
    "OAuth1Token",
    "OAuth2Auth",
    "OAuth2Client",
    "OAuth2ClientAuth",
    "OAuth2Token",
    "PrivateKeyJWT",
    "RequestObjectSigner",
    "providers",
]
__version__ = "0.1.0.dev0"
