"""The provider registry: pluggy plugins found through the ``authwire`` entry point group.

Nothing happens at import: pluggy and `importlib.metadata` are imported, and the entry
points read, on first use. Each entry point is then loaded, registered and asked for its
providers on its own, so that one broken plugin — it fails to import, a hook raises (even
``SystemExit`` or another `BaseException`; only `KeyboardInterrupt` goes through), it
registers something that is not a valid [`Provider`][authwire.plugins.registry.Provider], or
a name twice — is recorded in
[`ProviderRegistry.errors()`][authwire.plugins.registry.ProviderRegistry.errors], reported
with a [`ProviderPluginWarning`][authwire.plugins.registry.ProviderPluginWarning] naming it,
and skipped as a unit (none of its providers is used), while the others load. (pluggy's
``load_setuptools_entrypoints`` stops at the first failure, which is why it is not used.)

**Who gets a name** never depends on the order in which Python finds the installed
distributions (``sys.path`` order, or the order of a directory listing):

* entry points load in a fixed order — by normalized distribution name, entry point name,
  then value — so that their side effects and their errors come in that order;
* every plugin's providers are collected before any is registered, and a provider name that
  *two or more* plugins claim is a **conflict**: none of them gets it. Each is skipped
  (naming the other in its warning and in `errors()`), and looking the name up raises
  [`ProviderConflictError`][authwire.plugins.registry.ProviderConflictError], naming every
  claimant and how to settle it. Installing a package can change any order: a buggy or
  hostile package must never take ``google`` over by being installed next to
  ``authwire-google``. Refusing both is loud and safe; silently keeping either is not;
* two distributions declaring the same entry point name (a plugin's identity in warnings,
  in `errors()` and in pluggy) is a conflict too: neither is loaded;
* one object loaded by two entry points is registered once, under the first of them.

Settle a conflict explicitly: uninstall one of the plugins, register the provider you want
with [`ProviderRegistry.register()`][authwire.plugins.registry.ProviderRegistry.register] (a
name in conflict is free for that), or pass the `Provider` itself to ``from_provider``. A
run-time registration never replaces a registered name unless it says ``replace=True``.

A plugin must not use the registry while the registry loads it (at import, or in its hook):
what it saw would depend on the load order, so that raises ``RuntimeError`` and the plugin
is skipped.

The registry is thread-safe: built, changed and read under one lock;
[`reload()`][authwire.plugins.registry.ProviderRegistry.reload] builds the new state before
anyone can see it.
"""

from __future__ import annotations

import re
import threading
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .provider import Provider
from .reserved import NAME as _NAME

if TYPE_CHECKING:
    import pluggy

__all__ = [
    "ProviderConflictError",
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

    A `LookupError` (catch it as one), not a `KeyError`, whose ``str()`` would show the
    message quoted, nor a `ValueError`: the name is well formed, it is just not installed.

    Args:
        name: the name looked up, as given.
        installed: the names there are, so the message can suggest the right one.
        failed: the plugins that failed to load: the one wanted may be among them.
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


class ProviderConflictError(UnknownProviderError):
    """More than one installed plugin provides this name, so none of them gets it.

    An `UnknownProviderError` (and so a `LookupError`): no provider has that name.

    Args:
        name: the name looked up.
        claimants: each plugin that claims it, with its distribution, to uninstall one.
        installed: the names there are.
        failed: the plugins that failed to load.
    """

    def __init__(
        self,
        name: str,
        claimants: Iterable[str],
        installed: Iterable[str] = (),
        failed: Iterable[str] = (),
    ) -> None:
        self.name = name
        self.claimants = tuple(claimants)
        self.installed = tuple(sorted(installed))
        self.failed = tuple(sorted(failed))
        LookupError.__init__(
            self,
            f"provider name {name!r} is claimed by more than one installed plugin: "
            f"{_and(self.claimants)}; none of them is used. Uninstall the plugins you do not "
            "want, or pick one explicitly: authwire.providers.register(<its Provider>), or "
            "pass the Provider itself to from_provider()",
        )


@dataclass(frozen=True, slots=True)
class _Entry:
    provider: Provider
    plugin: str | None  # the pluggy plugin name; None for a Provider registered directly
    distribution: str | None = None  # the installed distribution of an entry point plugin


@dataclass(slots=True)
class _Loaded:
    """An entry point plugin, registered in pluggy and asked; its providers not yet added."""

    name: str
    described: str
    plugin: object
    providers: dict[str, Provider] = field(default_factory=dict)
    distribution: str | None = None


@dataclass(slots=True)
class _State:
    pm: pluggy.PluginManager
    providers: dict[str, _Entry] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    conflicts: dict[str, tuple[str, ...]] = field(default_factory=dict)


class ProviderRegistry:
    """Providers by name, from installed plugins and from `register()`.

    Args:
        group: the entry point group to read plugins from.
    """

    def __init__(self, group: str = ENTRY_POINT_GROUP) -> None:
        self._group = group
        self._lock = threading.RLock()
        self._state: _State | None = None  # set once the entry points are all loaded
        self._loading: int | None = None  # the id of the thread loading the plugins

    # -- building -------------------------------------------------------------------------

    def _loaded(self) -> _State:
        """The registry's state, built (and the entry points loaded) on first use."""
        state = self._state
        if state is not None and self._loading is None:
            return state
        with self._lock:
            self._refuse_reentry()
            state = self._state
            if state is not None:  # built by another thread meanwhile
                return state
            state, failures = self._build()
            self._state = state
        # warn after the registry is complete: under ``-W error`` the warning raises, and
        # the registry must not be left half built
        _warn(failures, stacklevel=4)  # _loaded <- names <- providers.names <- the user
        return state

    def _refuse_reentry(self) -> None:
        if self._loading == threading.get_ident():
            raise RuntimeError(
                "the authwire provider registry is loading its plugins: a plugin must not use "
                "it at import or in its hook (what it saw would depend on the load order)"
            )

    def _build(self) -> tuple[_State, list[tuple[str, str]]]:
        """Load every entry point into a new state; return it and the failures, in order.

        Call with the lock held; other threads see nothing until the caller publishes it."""
        import pluggy

        from . import hookspecs

        pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        pm.add_hookspecs(hookspecs)
        state = _State(pm)
        self._loading = threading.get_ident()
        try:
            entry_points, unreadable = self._read_entry_points()
            state.errors.update(unreadable)
            loaded = [
                item
                for item in (
                    self._load_entry_point(state, entry_point)
                    for entry_point in _without_name_clashes(state, entry_points)
                )
                if item is not None
            ]
            _admit(state, loaded)
        finally:
            self._loading = None
        # errors() in load order: unreadable distributions first, then by entry point
        rank = {str(ep.name): i for i, ep in reversed(list(enumerate(entry_points)))}
        state.errors = dict(sorted(state.errors.items(), key=lambda item: rank.get(item[0], -1)))
        return state, list(state.errors.items())

    def _read_entry_points(self) -> tuple[list[Any], dict[str, str]]:
        """The group's entry points, in load order, and the unreadable ones' distributions."""
        import importlib.metadata

        problems: dict[str, str] = {}
        try:
            found = list(importlib.metadata.entry_points(group=self._group))
        except Exception:
            # one distribution's malformed entry_points.txt breaks the whole listing, ours
            # included: read them one by one, and report the broken one if it is ours
            found = []
            seen: set[str] = set()
            for dist in importlib.metadata.distributions():
                dist_name = _dist_name(dist)
                if dist_name:
                    if dist_name in seen:  # shadowed, as importlib.metadata does it
                        continue
                    seen.add(dist_name)
                try:
                    found.extend(dist.entry_points.select(group=self._group))
                except Exception as exc:
                    if self._declares_group(dist):
                        label = _dist_label(dist) or repr(dist)
                        problems[f"{label} (distribution)"] = (
                            f"its entry points cannot be read: {_describe(exc)}"
                        )
        return sorted(found, key=_load_order), problems

    def _declares_group(self, dist: Any) -> bool:
        try:
            text = dist.read_text("entry_points.txt") or ""
        except Exception:
            return True  # cannot tell: say so rather than hide it
        return any(line.strip() == f"[{self._group}]" for line in text.splitlines())

    def _load_entry_point(self, state: _State, entry_point: Any) -> _Loaded | None:
        """Import, register and ask one entry point plugin; ``None`` (and why, in errors) if not."""
        name = str(entry_point.name)
        try:
            plugin = entry_point.load()
        except KeyboardInterrupt:
            raise
        except BaseException as exc:
            where = getattr(entry_point, "value", "?")
            state.errors[name] = f"importing {where!r} failed: {_describe(exc)}"
            return None
        try:
            _check_plugin_object(plugin)
            registered, staged = self._stage(state, plugin, name, replace=False)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:
            state.errors[name] = _describe(exc)
            return None
        return _Loaded(
            registered,
            _describe_entry_point(entry_point),
            plugin,
            staged,
            _dist_label(getattr(entry_point, "dist", None)).partition(" ")[0] or None,
        )

    def _stage(
        self, state: _State, plugin: object, name: str | None, *, replace: bool
    ) -> tuple[str, dict[str, Provider]]:
        """Register ``plugin`` in pluggy and collect its providers, all or nothing: on any
        error it is unregistered again. Its providers are not added yet."""
        pm = state.pm
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
            staged = _collect(state, pm, plugin, registered, replace=replace)
        except BaseException:
            pm.unregister(plugin)
            raise
        return registered, staged

    # -- the public operations ------------------------------------------------------------

    def names(self) -> list[str]:
        """The registered provider names, sorted."""
        self._loaded()
        with self._lock:
            self._refuse_reentry()
            return sorted(self._current().providers)

    def get(self, name: str) -> Provider:
        """The provider called ``name`` (case-insensitive).

        Raises:
            UnknownProviderError: no provider has that name (a `LookupError` whose
                message lists the installed names);
            ProviderConflictError: (an `UnknownProviderError`) more than one installed
                plugin claims the name, so none of them has it;
            TypeError: ``name`` is not a str.
        """
        if not isinstance(name, str):
            raise TypeError(f"a provider name is a str, not {type(name).__name__}")
        key = str.__str__(name).lower()
        self._loaded()
        with self._lock:
            self._refuse_reentry()
            state = self._current()
            entry = state.providers.get(key)
            if entry is not None:
                return entry.provider
            claimants = state.conflicts.get(key)
            if claimants is not None:
                raise ProviderConflictError(key, claimants, state.providers, state.errors)
            raise UnknownProviderError(str.__str__(name), state.providers, state.errors)

    def register(
        self, plugin: Provider | object, *, name: str | None = None, replace: bool = False
    ) -> tuple[str, ...]:
        """Add a `Provider`, or a plugin (a module or object with ``@hookimpl``
        ``register_providers``) and all the providers it registers; return their names.

        ``name`` names a plugin (by default pluggy's canonical name: the module's name).
        A provider name already taken raises ``ValueError`` unless ``replace=True``, which
        swaps the providers in at once (a plugin left with no provider is unregistered).
        A name that installed plugins are in conflict over is free: registering it is how
        to pick one. A plugin without the hook raises ``TypeError``, a failing hook its own
        error; nothing is added then.
        """
        self._loaded()
        with self._lock:
            self._refuse_reentry()
            state = self._current()
            if isinstance(plugin, Provider):
                if name is not None:
                    raise TypeError("name= names a plugin; a Provider has its own name")
                key = _provider_name(plugin)
                if not replace:
                    _refuse_taken(state, key)
                _install(state, {key: plugin}, None)
                return (key,)
            _check_plugin_object(plugin, "register() was given")
            registered, staged = self._stage(state, plugin, name, replace=replace)
            _install(state, staged, registered)
            return tuple(staged)

    def unregister(self, name: str) -> None:
        """Remove the provider ``name`` (case-insensitive), or else the plugin ``name`` with
        its providers.

        A plugin left with no provider is unregistered from pluggy too.
        """
        self._loaded()
        with self._lock:
            self._refuse_reentry()
            state = self._current()
            key = str.__str__(name).lower() if isinstance(name, str) else name
            entry = state.providers.pop(key, None)
            if entry is not None:
                _drop_if_empty(state, entry.plugin)
                return
            if state.pm.get_plugin(name) is not None:
                for k in [k for k, e in state.providers.items() if e.plugin == name]:
                    del state.providers[k]
                state.pm.unregister(name=name)
                return
            raise UnknownProviderError(str(name), state.providers)

    def distribution_of(self, name: str) -> str | None:
        """The distribution (``authwire-google``) whose installed plugin provides ``name``;
        ``None`` for a provider registered at run time.

        Raises:
            UnknownProviderError: as [`get()`][authwire.plugins.registry.ProviderRegistry.get].
        """
        self.get(name)
        with self._lock:
            entry = self._current().providers.get(str.__str__(name).lower())
            return None if entry is None else entry.distribution

    def errors(self) -> dict[str, str]:
        """Plugin (entry point) name → why it was skipped, for the plugins that failed, in
        load order. A distribution whose entry point table cannot be read at all appears as
        ``"<distribution> (distribution)"``."""
        self._loaded()
        with self._lock:
            self._refuse_reentry()
            return dict(self._current().errors)

    def reload(self) -> None:
        """Forget everything — run-time registrations included — and load the installed
        plugins again (after a ``pip install``, say). Other threads see the old registry or
        the new one, never one in between."""
        with self._lock:
            self._refuse_reentry()
            self._state = None  # interrupted (Ctrl-C), the next use loads again
            state, failures = self._build()
            self._state = state
        _warn(failures, stacklevel=3)  # reload <- providers.reload <- the user

    def plugin_manager(self) -> pluggy.PluginManager:
        """The underlying ``pluggy.PluginManager`` (for inspection and tracing)."""
        return self._loaded().pm

    def _current(self) -> _State:
        state = self._state
        if state is None:  # reload() was interrupted since this call's _loaded()
            state, failures = self._build()
            self._state = state
            _warn(failures, stacklevel=4)
        return state


# -- the steps, on a state whose lock is held ------------------------------------------------


def _collect(
    state: _State, pm: pluggy.PluginManager, plugin: object, plugin_name: str, *, replace: bool
) -> dict[str, Provider]:
    """Run ``plugin``'s hook alone and return the providers it registers, by name."""
    staged: dict[str, Provider] = {}
    open_ = True

    def register(provider: Provider) -> None:
        if not open_:
            raise RuntimeError(f"register() called after {_HOOK}() of {plugin_name!r} ended")
        if not isinstance(provider, Provider):
            raise TypeError(
                f"register() takes an authwire.plugins.Provider, not {type(provider).__name__}"
            )
        key = _provider_name(provider)
        if key in staged:
            raise ValueError(f"provider {key!r} registered twice")
        if not replace:
            _refuse_taken(state, key)
        staged[key] = provider

    others = [p for p in pm.get_plugins() if p is not plugin]
    caller = pm.subset_hook_caller(_HOOK, remove_plugins=others)
    try:
        outcome = caller(register=register)
    finally:
        open_ = False
    _check_hook_outcome(plugin_name, outcome)
    return staged


def _check_hook_outcome(plugin_name: str, outcome: object) -> None:
    """The hook returns nothing; a value means a misunderstanding that would otherwise
    load the plugin with no provider, silently."""
    values = outcome if isinstance(outcome, list) else [outcome]
    returned = [value for value in values if value is not None]
    if not returned:
        return
    for value in returned:  # a generator or coroutine hook never ran its body
        close = getattr(value, "close", None)
        if callable(close) and hasattr(value, "send"):
            close()
    raise TypeError(
        f"{_HOOK}() of plugin {plugin_name!r} returned a {type(returned[0]).__name__}: it must "
        "call register(provider) for each provider and return None (it cannot be a generator "
        "or a coroutine function)"
    )


def _admit(state: _State, loaded: list[_Loaded]) -> None:
    """Add the loaded plugins' providers, but no name two claim: each claimant is skipped."""
    claims: dict[str, list[_Loaded]] = {}
    for item in loaded:
        for key in item.providers:
            claims.setdefault(key, []).append(item)
    contested = {key: items for key, items in claims.items() if len(items) > 1}
    for item in loaded:
        clashes = [
            f"provider name {key!r} is also claimed by "
            + _and([f"plugin {other.described}" for other in contested[key] if other is not item])
            for key in item.providers
            if key in contested
        ]
        if clashes:
            state.pm.unregister(item.plugin)
            state.errors[item.name] = (
                "; ".join(clashes) + ". A provider name that two plugins claim is given to "
                "neither, and this plugin is not loaded: uninstall one of them, or register "
                "the provider you want explicitly (authwire.providers.register)"
            )
        else:
            for key, provider in item.providers.items():
                state.providers[key] = _Entry(provider, item.name, item.distribution)
    state.conflicts = {
        key: tuple(f"plugin {item.described}" for item in items)
        for key, items in sorted(contested.items())
    }


def _install(state: _State, staged: dict[str, Provider], plugin: str | None) -> None:
    """Add ``staged`` (already checked), replacing what holds those names."""
    displaced: set[str] = set()
    for key, provider in staged.items():
        old = state.providers.get(key)
        if old is not None and old.plugin is not None:
            displaced.add(old.plugin)
        state.providers[key] = _Entry(provider, plugin)
        state.conflicts.pop(key, None)  # picked explicitly
    for name in sorted(displaced):
        _drop_if_empty(state, name)


def _drop_if_empty(state: _State, plugin: str | None) -> None:
    """Unregister ``plugin`` from pluggy once it provides nothing any more."""
    if plugin is None or state.pm.get_plugin(plugin) is None:
        return
    if not any(entry.plugin == plugin for entry in state.providers.values()):
        state.pm.unregister(name=plugin)


def _refuse_taken(state: _State, key: str) -> None:
    entry = state.providers.get(key)
    if entry is not None:
        by = f" by plugin {entry.plugin!r}" if entry.plugin else ""
        raise ValueError(
            f"provider name {key!r} is already registered{by}; unregister() it first, or "
            "register(..., replace=True)"
        )


def _without_name_clashes(state: _State, entry_points: list[Any]) -> list[Any]:
    """Drop the entry points whose name another distribution declares too (recording the
    clash), and exact repeats of one entry point."""
    by_name: dict[str, list[Any]] = {}
    for entry_point in entry_points:
        same = by_name.setdefault(str(entry_point.name), [])
        if not any(_load_order(entry_point) == _load_order(other) for other in same):
            same.append(entry_point)
    kept = []
    for entry_point in entry_points:
        name = str(entry_point.name)
        same = by_name[name]
        if len(same) == 1:
            if same[0] is entry_point:
                kept.append(entry_point)
        elif name not in state.errors:
            state.errors[name] = (
                f"the entry point name {name!r} is declared more than once, by "
                f"{_and([_describe_entry_point(other, named=False) for other in same])}; "
                "none of them is loaded: uninstall all but one"
            )
    return kept


def _check_plugin_object(plugin: object, subject: str = "the entry point loads") -> None:
    """Refuse, with a hint, the usual wrong targets of an entry point."""
    if plugin is None:  # to pluggy, a plugin name mapped to None is a blocked name
        raise TypeError(f"{subject} None, not a plugin module")
    if isinstance(plugin, Provider):
        raise TypeError(
            f"{subject} a Provider ({plugin.name!r}), not a plugin: point it at the module "
            f"whose @hookimpl {_HOOK}(register) registers it"
        )
    # the attribute pluggy's HookimplMarker("authwire") sets on a hook function
    if callable(plugin) and hasattr(plugin, "authwire_impl"):
        raise TypeError(
            f"{subject} the hook function itself, not its plugin: use the module (or object) "
            f"that defines {_HOOK}"
        )


def _provider_name(provider: Provider) -> str:
    """The registry key of ``provider``, checked again: a ``Provider`` subclass may skip the
    validation, and a ``str`` subclass may compare equal to another provider's name."""
    name = provider.name
    if not isinstance(name, str):
        raise TypeError(f"a provider's name is a str, not {type(name).__name__}")
    key = str.__str__(name)  # an exact str, with str's own __eq__ and __hash__
    if not _NAME.fullmatch(key):
        raise ValueError(f"invalid provider: name must match [a-z0-9][a-z0-9_-]*, not {key!r}")
    return key


# -- describing ------------------------------------------------------------------------------


def _describe(exc: BaseException) -> str:
    """``Type: message``, even when the exception's ``str()`` itself fails."""
    kind = type(exc).__name__
    try:
        text = str(exc)
    except KeyboardInterrupt:
        raise
    except BaseException:
        text = "<the message cannot be shown>"
    return f"{kind}: {text}" if text else kind


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _dist_name(dist: Any) -> str:
    try:
        name = dist.metadata["Name"]
    except Exception:
        return ""
    return _normalize(name) if isinstance(name, str) else ""


def _dist_label(dist: Any) -> str:
    """``name version`` of a distribution, or ``""``."""
    if dist is None:
        return ""
    try:
        name, version = dist.metadata["Name"], dist.version
    except Exception:
        return ""
    if not isinstance(name, str):
        return ""
    return f"{name} {version}" if isinstance(version, str) else name


def _load_order(entry_point: Any) -> tuple[str, str, str]:
    return (
        _dist_name(getattr(entry_point, "dist", None)),
        str(entry_point.name),
        str(getattr(entry_point, "value", "")),
    )


def _describe_entry_point(entry_point: Any, *, named: bool = True) -> str:
    """``'google' (authwire-google 0.1.0: authwire_google)``: the plugin, the distribution
    that installed it and what it loads."""
    value = str(getattr(entry_point, "value", "?"))
    label = _dist_label(getattr(entry_point, "dist", None))
    where = f"{label}: {value}" if label else value
    return f"{str(entry_point.name)!r} ({where})" if named else where


def _and(items: list[str] | tuple[str, ...]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _warn(failures: list[tuple[str, str]], stacklevel: int) -> None:
    # stacklevel: the caller's, counted as if it called warnings.warn itself; + 1 for this
    # function, so that the warning points at the code that called authwire.providers
    for name, problem in failures:
        warnings.warn(
            f"authwire provider plugin {name!r} was skipped: {problem}",
            ProviderPluginWarning,
            stacklevel=stacklevel + 1,
        )


_DEFAULT: ProviderRegistry | None = None
_DEFAULT_LOCK = threading.Lock()


def default_registry() -> ProviderRegistry:
    """The process-wide registry behind [`authwire.providers`][authwire.providers]."""
    global _DEFAULT
    if _DEFAULT is None:
        with _DEFAULT_LOCK:
            if _DEFAULT is None:
                _DEFAULT = ProviderRegistry()
    return _DEFAULT
