"""What a provider plugin needs: [`Provider`][authwire.plugins.Provider],
[`Quirk`][authwire.plugins.Quirk], [`OAuth1Endpoints`][authwire.plugins.OAuth1Endpoints] and
``hookimpl``.

``from authwire.plugins import Provider, Quirk, hookimpl``. The registry itself is
[`authwire.providers`][authwire.providers]. ``hookimpl`` (and with it pluggy) is imported on first
use, so
importing this package to build a [`Provider`][authwire.plugins.Provider] stays cheap.

The modules, each depending only on those above it:

- `templates`: ``{placeholder}`` URLs and the values that fill them;
- `reserved`: names that belong to the clients, not to a provider;
- `features`: protocols, flows and quirks, for people;
- `oauth1`: the OAuth 1.0a endpoints and request-token checks;
- `validation`: checking a provider when it is built;
- `provider`: the [`Provider`][authwire.plugins.Provider] value;
- `apply`: applying a provider to a client (``from_provider``);
- [`hookspecs`][authwire.plugins.hookspecs], `registry`: the plugins;
- `catalog`: what the installed plugins offer, for the docs;
- `responses`: reading and rewriting a JSON answer, for compliance hooks.

The client classes import `apply` when ``from_provider`` is called;
nothing here imports a client class.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .features import FLOW_LABELS, PROTOCOL_LABELS, Quirk
from .oauth1 import OAuth1Endpoints
from .provider import Configure, Provider
from .registry import ProviderConflictError, ProviderPluginWarning, UnknownProviderError

if TYPE_CHECKING:
    from .apply import add_response_hook, is_async_client, oauth2_engine
    from .hookspecs import hookimpl, hookspec
    from .responses import json_object, with_json

__all__ = [
    "FLOW_LABELS",
    "PROTOCOL_LABELS",
    "Configure",
    "OAuth1Endpoints",
    "Provider",
    "ProviderConflictError",
    "ProviderPluginWarning",
    "Quirk",
    "UnknownProviderError",
    "add_response_hook",
    "hookimpl",
    "hookspec",
    "is_async_client",
    "json_object",
    "oauth2_engine",
    "with_json",
]

_LAZY = {
    "hookimpl": ".hookspecs",
    "hookspec": ".hookspecs",
    # helpers for Provider.configure; apply is loaded when a client is first configured
    "add_response_hook": ".apply",
    "is_async_client": ".apply",
    "oauth2_engine": ".apply",
    "json_object": ".responses",
    "with_json": ".responses",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
