"""The hooks an authwire plugin can implement.

A plugin is a module (or any object) with functions marked ``@hookimpl`` whose names are
the hooks below, found through the ``authwire`` entry point group::

    # pyproject.toml
    [project.entry-points.authwire]
    myprov = "authwire_myprov"

    # authwire_myprov.py
    from authwire.plugins import Provider, hookimpl

    @hookimpl
    def register_providers(register):
        register(Provider(name="myprov", token_endpoint="https://id.myprov.example/token"))

Plugins are loaded one at a time, in a fixed order (by distribution name, then entry point
name): one that fails to import, raises in a hook (``SystemExit`` included) or registers
something invalid is reported by name (see ``authwire.providers.errors()``) and skipped.
A provider name is yours only if no other installed plugin registers it too: when two
plugins claim one name, neither gets it and both are skipped (see
`authwire.plugins.registry`), so pick a name that is clearly your provider's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from .provider import Provider

__all__ = ["PROJECT_NAME", "hookimpl", "hookspec", "register_providers"]

PROJECT_NAME = "authwire"
"""The pluggy project name, and the entry point group plugins are found in."""

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
"""Marks the hook specifications below; plugins implement them with `hookimpl`."""
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
"""Marks a plugin's implementation of a hook: ``@hookimpl def register_providers(register)``."""


@hookspec
def register_providers(register: Callable[[Provider], None]) -> None:
    """Add the plugin's providers by calling ``register(provider)`` once for each.

    Args:
        register: takes one [`Provider`][authwire.plugins.Provider]. It raises ``TypeError``
            for anything else and ``ValueError`` for an invalid name or one the plugin
            registers twice; either makes the whole plugin fail to load, so that a plugin
            is in or out as a unit. It may only be called while the hook runs.

    The hook returns ``None``: it is a plain function (not a generator, not ``async``), and
    returning the providers instead of registering them is an error. A name that another
    installed plugin registers too is a conflict, found once every plugin has run: both
    plugins are then skipped.

    The hook runs once, when the registry is first used (or on
    ``authwire.providers.reload()``). It should build values only: no network, no files,
    and no use of ``authwire.providers`` (which is loading, and raises ``RuntimeError``).
    """
