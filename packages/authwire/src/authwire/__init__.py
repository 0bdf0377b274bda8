"""authwire: OAuth 1.0a, OAuth 2.x and OpenID Connect clients for HTTPX."""

from __future__ import annotations

from ._exceptions import *  # noqa: F403
from ._exceptions import __all__ as _exceptions_all

__all__ = [*_exceptions_all]
__version__ = "0.1.0.dev0"
