"""What a provider plugin needs: :class:`Provider`, :class:`Quirk`, :class:`OAuth1Endpoints`
and ``hookimpl``.

``from authwire.plugins import Provider, Quirk, hookimpl``. The registry itself is
:mod:`authwire.providers`. ``hookimpl`` (and with it pluggy) is imported on first use, so
importing this package to build a :class:`Provider` stays cheap.

The modules, each depending only on those above it:

- :mod:`~authwire.plugins.templates`: ``{placeholder}`` URLs and the values that fill them;
- :mod:`~authwire.plugins.reserved`: names that belong to the clients, not to a provider;
- :mod:`~authwire.plugins.features`: protocols, flows and quirks, for people;
- :mod:`~authwire.plugins.oauth1`: the OAuth 1.0a endpoints and request-token checks;
- :mod:`~authwire.plugins.validation`: checking a provider when it is built;
- :mod:`~authwire.plugins.provider`: the :class:`Provider` value;
- :mod:`~authwire.plugins.apply`: applying a provider to a client (``from_provider``);
- :mod:`~authwire.plugins.hookspecs`, :mod:`~authwire.plugins.registry`: the plugins;
- :mod:`~authwire.plugins.catalog`: what the installed plugins offer, for the docs.

The client classes import :mod:`~authwire.plugins.apply` when ``from_provider`` is called;
nothing here imports a client class.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .features import FLOW_LABELS, PROTOCOL_LABELS, Quirk
from .oauth1 import OAuth1Endpoints
from .provider import Provider
from .registry import ProviderConflictError, ProviderPluginWarning, UnknownProviderError

if TYPE_CHECKING:
    from .hookspecs import hookimpl, hookspec

__all__ = [
    "FLOW_LABELS",
    "PROTOCOL_LABELS",
    "OAuth1Endpoints",
    "Provider",
    "ProviderConflictError",
    "ProviderPluginWarning",
    "Quirk",
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
