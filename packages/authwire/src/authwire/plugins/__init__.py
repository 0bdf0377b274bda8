"""What a provider plugin needs: :class:`Provider`, :class:`OAuth1Endpoints` and ``hookimpl``.

``from authwire.plugins import Provider, hookimpl``. The registry itself is
:mod:`authwire.providers`. ``hookimpl`` (and with it pluggy) is imported on first use, so
importing this package to build a :class:`Provider` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .provider import OAuth1Endpoints, Provider
from .registry import ProviderConflictError, ProviderPluginWarning, UnknownProviderError

if TYPE_CHECKING:
    from .hookspecs import hookimpl, hookspec

__all__ = [
    "OAuth1Endpoints",
    "Provider",
    "ProviderConflictError",
    "ProviderPluginWarning",
    "UnknownProviderError",
    "hookimpl",
    "hookspec",
]

_LAZY = {"hookimpl": ".hookspecs", "hookspec": ".hookspecs"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
