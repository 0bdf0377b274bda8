"""The provider registry: pluggy plugins found through the ``authwire`` entry point group.

Nothing happens at import: pluggy and :mod:`importlib.metadata` are imported, and the
entry points read, the first time the registry is used. Each entry point is then loaded,
registered and asked for its providers on its own, so that one broken plugin — it fails to
import, a hook raises, it registers something that is not a valid :class:`Provider` or a
name already taken — is recorded in :meth:`ProviderRegistry.errors`, reported with a
:class:`ProviderPluginWarning` naming it, and skipped, while the others load. (pluggy's
``load_setuptools_entrypoints`` stops at the first failure, which is why it is not used.)

The registry is thread-safe: the first use builds it under a lock, and so do changes.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .provider import Provider

if TYPE_CHECKING:
    import pluggy

__all__ = [
    "ProviderPluginWarning",
    "ProviderRegistry",
    "UnknownProviderError",
    "default_registry",
]

ENTRY_POINT_GROUP = "authwire"
_HOOK = "register_providers"


class ProviderPluginWarning(UserWarning):
    """An installed provider plugin could not be loaded; the message names it and why."""


class UnknownProviderError(LookupError):
    """No provider has this name. The message lists the installed ones.

    A :class:`LookupError` (catch it as one), not a :class:`KeyError`, whose ``str()``
    would show the message quoted, nor a :class:`ValueError`: the name is well formed,
    it is just not installed.
    """

    def __init__(self, name: str, installed: Iterable[str], failed: Iterable[str] = ()) -> None:
        self.name = name
        self.installed = tuple(sorted(installed))
        self.failed = tuple(sorted(failed))
        if self.installed:
            message = f"no provider named {name!r}; installed: {', '.join(self.installed)}"
        else:
            message = f"no provider named {name!r}; no providers are installed"
        if self.failed:
            message += (
                f" (plugins that failed to load: {', '.join(self.failed)}; "
                "see authwire.providers.errors())"
            )
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class _Entry:
    provider: Provider
    plugin: str | None  # the pluggy plugin name; None for a Provider registered directly


class ProviderRegistry:
    """Providers by name, from installed plugins and from :meth:`register`.

    Args:
        group: the entry point group to read plugins from.
    """

    def __init__(self, group: str = ENTRY_POINT_GROUP) -> None:
        self._group = group
        self._lock = threading.RLock()
        self._pm: pluggy.PluginManager | None = None
        self._ready = False  # set once the entry points are all loaded
        self._providers: dict[str, _Entry] = {}
        self._errors: dict[str, str] = {}

    # -- building -------------------------------------------------------------------------

    def _manager(self) -> pluggy.PluginManager:
        """The plugin manager, built (and entry points loaded) on first use."""
        pm = self._pm
        if self._ready and pm is not None:
            return pm
        failures: list[tuple[str, str]] = []
        with self._lock:
            # built by another thread meanwhile, or re-entered by a plugin while it loads
            # (the lock is re-entrant: that plugin sees the registry as loaded so far)
            if self._pm is not None:
                return self._pm
            import pluggy

            from . import hookspecs

            pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
            pm.add_hookspecs(hookspecs)
            self._pm = pm
            try:
                for entry_point in self._entry_points():
                    name = str(entry_point.name)
                    problem = self._load_entry_point(pm, entry_point)
                    if problem is not None:
                        self._errors[name] = problem
                        failures.append((name, problem))
            except BaseException:
                self._pm = None  # start again on the next use
                self._providers.clear()
                self._errors.clear()
                raise
            self._ready = True
        # warn after the registry is complete: under ``-W error`` the warning raises, and
        # the registry must not be left half built
        for name, problem in failures:
            warnings.warn(
                f"authwire provider plugin {name!r} was skipped: {problem}",
                ProviderPluginWarning,
                stacklevel=4,
            )
        return pm

    def _entry_points(self) -> list[Any]:
        import importlib.metadata

        return list(importlib.metadata.entry_points(group=self._group))

    def _load_entry_point(self, pm: pluggy.PluginManager, entry_point: Any) -> str | None:
        name = str(entry_point.name)
        try:
            plugin = entry_point.load()
        except Exception as exc:
            where = getattr(entry_point, "value", "?")
            return f"importing {where!r} failed: {type(exc).__name__}: {exc}"
        try:
            self._add_plugin(pm, plugin, name)
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}"
        return None

    def _add_plugin(
        self, pm: pluggy.PluginManager, plugin: object, name: str | None
    ) -> tuple[str, ...]:
        """Register ``plugin`` and its providers, all or nothing."""
        if pm.is_registered(plugin):
            raise ValueError(f"the plugin is already registered as {pm.get_name(plugin)!r}")
        registered = pm.register(plugin, name=name)
        if registered is None:
            raise ValueError(f"the plugin name {name!r} is blocked")
        try:
            hooks = [caller.name for caller in pm.get_hookcallers(plugin) or []]
            if _HOOK not in hooks:
                unknown = f" (it implements unknown hooks: {', '.join(hooks)})" if hooks else ""
                raise TypeError(
                    f"plugin {registered!r} implements no @hookimpl {_HOOK}(register){unknown}"
                )
            staged = self._collect(pm, plugin, registered)
        except BaseException:
            pm.unregister(plugin)
            raise
        for provider in staged:
            self._providers[provider.name] = _Entry(provider, registered)
        return tuple(p.name for p in staged)

    def _collect(
        self, pm: pluggy.PluginManager, plugin: object, plugin_name: str
    ) -> list[Provider]:
        staged: dict[str, Provider] = {}
        open_ = True

        def register(provider: Provider) -> None:
            if not open_:
                raise RuntimeError(f"register() called after {_HOOK}() of {plugin_name!r} ended")
            if not isinstance(provider, Provider):
                raise TypeError(
                    f"register() takes an authwire.plugins.Provider, not {type(provider).__name__}"
                )
            if provider.name in staged:
                raise ValueError(f"provider {provider.name!r} registered twice")
            entry = self._providers.get(provider.name)
            if entry is not None:
                by = f" by plugin {entry.plugin!r}" if entry.plugin else ""
                raise ValueError(f"provider name {provider.name!r} is already registered{by}")
            staged[provider.name] = provider

        others = [p for p in pm.get_plugins() if p is not plugin]
        caller = pm.subset_hook_caller(_HOOK, remove_plugins=others)
        try:
            caller(register=register)
        finally:
            open_ = False
        return list(staged.values())

    # -- the public operations ------------------------------------------------------------

    def names(self) -> list[str]:
        """The registered provider names, sorted."""
        self._manager()
        with self._lock:
            return sorted(self._providers)

    def get(self, name: str) -> Provider:
        """The provider called ``name`` (case-insensitive); :class:`UnknownProviderError`
        (a :class:`LookupError`) listing the installed names when there is none."""
        self._manager()
        with self._lock:
            key = name.lower() if isinstance(name, str) else name
            entry = self._providers.get(key)
            if entry is None:
                raise UnknownProviderError(str(name), self._providers, self._errors)
            return entry.provider

    def register(self, plugin: Provider | object, *, name: str | None = None) -> tuple[str, ...]:
        """Add a :class:`Provider`, or a plugin (a module or object with ``@hookimpl``
        ``register_providers``) and all the providers it registers; return their names.

        ``name`` names a plugin (by default pluggy's canonical name: the module's name).
        A name already taken raises ``ValueError``, a plugin without the hook ``TypeError``,
        and a failing hook its own error; nothing is added then.
        """
        pm = self._manager()
        with self._lock:
            if isinstance(plugin, Provider):
                if name is not None:
                    raise TypeError("name= names a plugin; a Provider has its own name")
                entry = self._providers.get(plugin.name)
                if entry is not None:
                    by = f" by plugin {entry.plugin!r}" if entry.plugin else ""
                    raise ValueError(
                        f"provider name {plugin.name!r} is already registered{by}; "
                        "unregister() it first"
                    )
                self._providers[plugin.name] = _Entry(plugin, None)
                return (plugin.name,)
            return self._add_plugin(pm, plugin, name)

    def unregister(self, name: str) -> None:
        """Remove the provider ``name``, or else the plugin ``name`` with its providers.

        A plugin left with no provider is unregistered from pluggy too.
        """
        pm = self._manager()
        with self._lock:
            entry = self._providers.pop(name, None)
            if entry is not None:
                plugin_name = entry.plugin
                if plugin_name is not None and not any(
                    e.plugin == plugin_name for e in self._providers.values()
                ):
                    pm.unregister(name=plugin_name)
                return
            if pm.get_plugin(name) is not None:
                for key in [k for k, e in self._providers.items() if e.plugin == name]:
                    del self._providers[key]
                pm.unregister(name=name)
                return
            raise UnknownProviderError(name, self._providers)

    def errors(self) -> dict[str, str]:
        """Plugin (entry point) name → why it was skipped, for the plugins that failed."""
        self._manager()
        with self._lock:
            return dict(self._errors)

    def reload(self) -> None:
        """Forget everything — run-time registrations included — and load the installed
        plugins again (after a ``pip install``, say)."""
        with self._lock:
            self._pm = None
            self._ready = False
            self._providers.clear()
            self._errors.clear()
        self._manager()

    def plugin_manager(self) -> pluggy.PluginManager:
        """The underlying ``pluggy.PluginManager`` (for inspection and tracing)."""
        return self._manager()


_DEFAULT: ProviderRegistry | None = None
_DEFAULT_LOCK = threading.Lock()


def default_registry() -> ProviderRegistry:
    """The process-wide registry behind :mod:`authwire.providers`."""
    global _DEFAULT
    if _DEFAULT is None:
        with _DEFAULT_LOCK:
            if _DEFAULT is None:
                _DEFAULT = ProviderRegistry()
    return _DEFAULT
