"""authwire bound to ``httpx2``: the same public names, built on httpx2's clients.

``from authwire.httpx2 import OAuth2Client`` is an ``httpx2.Client`` subclass, as
``authwire.OAuth2Client`` is an ``httpx.Client`` one; install it with
``pip install "authwire[httpx2]"``. Both bindings may be used in one process. This one
never imports httpx: its modules are authwire's own source, loaded a second time with
httpx2 as their HTTP library (see :mod:`authwire._binding`). Errors, tokens, providers and
:mod:`authwire.providers` are shared: ``except authwire.OAuthError`` catches either
binding's errors, and a provider plugin serves both
(``authwire.httpx2.OAuth2Client.from_provider("github", ...)``).
"""

from __future__ import annotations

import importlib
from typing import Any

from .. import _LAZY
from .. import __all__ as __all__
from .._binding import install
from .._exceptions import *  # noqa: F403
from ..token import OAuth2Token as OAuth2Token

install()


def __getattr__(name: str) -> Any:
    if name == "providers":  # one registry for every binding
        return importlib.import_module("authwire.providers")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
