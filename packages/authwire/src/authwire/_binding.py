"""A second binding of the same source to another HTTP library: ``authwire.httpx2``.

authwire's modules take every HTTP type from one seam, :mod:`authwire._compat`, which picks
its library by the package it was loaded into: ``httpx`` for ``authwire.*``, ``httpx2`` for
``authwire.httpx2.*``. This module teaches Python to load ``authwire.httpx2.<name>`` from
the source file of ``authwire.<name>``: one source, two sets of classes, each bound to its
library, both importable in one process, and the second never importing ``httpx``.

Modules that touch no HTTP type are not loaded twice: ``authwire.httpx2.<name>`` *is*
``authwire.<name>`` for them, so the errors, the token class and the provider registry are
the same objects under both bindings (``except authwire.OAuthError`` catches either).
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # at run time they load with the first binding (import time matters)
    from importlib.machinery import ModuleSpec

__all__ = ["BINDINGS", "SHARED_MODULES", "install"]

ROOT = "authwire"
#: Binding package → the HTTP library its ``_compat`` imports.
BINDINGS = {f"{ROOT}.httpx2": "httpx2"}
#: Modules free of HTTP types, shared by every binding (relative to ``authwire``).
SHARED_MODULES = frozenset(
    {
        "_binding",
        "_clock",
        "_exceptions",
        "_metadata",
        "token",
        "protocol._json",
        "protocol.issuers",
        "plugins",
        "plugins.apply",
        "plugins.catalog",
        "plugins.features",
        "plugins.hookspecs",
        "plugins.oauth1",
        "plugins.provider",
        "plugins.registry",
        "plugins.reserved",
        "plugins.responses",
        "plugins.templates",
        "plugins.validation",
        "providers",
        "stores",
        "stores._base",
        "stores.file",
        "stores.memory",
        "stores.redis",
        "stores.sqlite",
    }
)
_SOURCE = os.path.dirname(os.path.abspath(__file__))


class _SharedLoader:
    """Hands out the module already loaded under ``authwire.<name>``."""

    def __init__(self, original: str) -> None:
        self.original = original

    def create_module(self, spec: ModuleSpec) -> ModuleType:
        module = importlib.import_module(self.original)
        self._own_spec = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        # executed once, under its own name; the import system has just given it the
        # alias's spec, which must not change how its relative imports resolve
        module.__spec__ = self._own_spec


class _BindingFinder:
    """Finds ``authwire.<binding>.<name>`` in the source of ``authwire.<name>``."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: ModuleType | None = None,
    ) -> ModuleSpec | None:
        for binding in BINDINGS:
            if fullname.startswith(binding + "."):
                return _spec(fullname, fullname[len(binding) + 1 :])
        return None


def _spec(fullname: str, relative: str) -> ModuleSpec | None:
    import importlib.util

    if relative in SHARED_MODULES:
        original = f"{ROOT}.{relative}"
        return importlib.util.spec_from_loader(fullname, _SharedLoader(original))  # type: ignore[arg-type]
    base = os.path.join(_SOURCE, *relative.split("."))
    package = os.path.join(base, "__init__.py")
    if os.path.isfile(package):
        return importlib.util.spec_from_file_location(
            fullname, package, submodule_search_locations=[base]
        )
    if os.path.isfile(base + ".py"):
        return importlib.util.spec_from_file_location(fullname, base + ".py")
    return None


_installed = False
_lock = threading.Lock()


def install() -> None:
    """Put the finder first on :data:`sys.meta_path` (once)."""
    global _installed
    with _lock:
        if not _installed:
            sys.meta_path.insert(0, _BindingFinder())
            _installed = True


def library_for(module_name: str) -> str:
    """The HTTP library a module of the package ``module_name`` belongs to binds."""
    for binding, library in BINDINGS.items():
        if module_name == binding or module_name.startswith(binding + "."):
            return library
    return "httpx"
