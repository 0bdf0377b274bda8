"""authwire: OAuth 1.0a, OAuth 2.x and OpenID Connect clients for HTTPX."""

from __future__ import annotations

from ._exceptions import *  # noqa: F403
from ._exceptions import __all__ as _exceptions_all
from .auth.oauth2 import AuthorizationRequest, OAuth2Auth
from .client.oauth2 import AsyncOAuth2Client, OAuth2Client
from .token import OAuth2Token

__all__ = [
    *_exceptions_all,
    "AsyncOAuth2Client",
    "AuthorizationRequest",
    "OAuth2Auth",
    "OAuth2Client",
    "OAuth2Token",
]
__version__ = "0.1.0.dev0"
