"""Registry hardening: who gets a provider name, plugins that fail in unusual ways, threads.

Entry points and distributions are faked in-process (see ``FakeEntryPoint``); nothing is
installed and nothing goes to the network.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import itertools
import sys
import threading
import types
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from authwire import providers
from authwire.plugins import Provider, hookimpl
from authwire.providers import (
    ProviderConflictError,
    ProviderPluginWarning,
    ProviderRegistry,
    UnknownProviderError,
)

from .test_providers_registry import (
    DemoPlugin,
    FakeEntryPoint,
    demo_provider,
    good_plugin,
    installed,
    plugin_module,
)

Register = Callable[[Provider], None]


@dataclass
class FakeDistribution:
    name: str
    version: str = "1.0"
    entry_point_text: str = ""
    broken: bool = False
    entry_points_: list[FakeEntryPoint] = field(default_factory=list)

    @property
    def metadata(self) -> dict[str, str]:
        return {"Name": self.name}

    @property
    def entry_points(self) -> Any:
        if self.broken:
            raise TypeError("Pair.__new__() missing 1 required positional argument: 'value'")
        return FakeSelectable(self.entry_points_)

    def read_text(self, filename: str) -> str | None:
        return self.entry_point_text if filename == "entry_points.txt" else None


@dataclass
class FakeSelectable:
    items: list[FakeEntryPoint]

    def select(self, *, group: str) -> list[FakeEntryPoint]:
        return [ep for ep in self.items if ep.group == group]


def ep(name: str, plugin: Any, dist: str | None = None, **kw: Any) -> FakeEntryPoint:
    value = kw.pop("value", getattr(plugin, "__name__", "fake_module"))
    return FakeEntryPoint(
        name, plugin, value=value, dist=FakeDistribution(dist) if dist else None, **kw
    )


def load(registry: ProviderRegistry) -> tuple[list[str], dict[str, str], list[str]]:
    """names(), errors() and the warnings' messages of a first use."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        names = registry.names()
    for warning in record:
        assert issubclass(warning.category, ProviderPluginWarning), warning
    return names, registry.errors(), [str(w.message) for w in record]


def every_order(
    monkeypatch: pytest.MonkeyPatch, make: Callable[[], list[FakeEntryPoint]]
) -> Iterator[ProviderRegistry]:
    """A fresh registry for each order the entry points can be listed in."""
    count = len(make())
    for order in itertools.permutations(range(count)):
        entry_points = make()
        installed(monkeypatch, *(entry_points[i] for i in order))
        yield ProviderRegistry()


GOOGLE = demo_provider("google", title="Google")


def google_plugin() -> types.ModuleType:
    return plugin_module("authwire_google_fake", lambda register: register(GOOGLE))


def impostor(*names: str) -> types.ModuleType:
    def body(register: Register) -> None:
        for name in names:
            register(demo_provider(name, title="Impostor"))

    return plugin_module("evil_mod", body)


# -- 1. a name two plugins claim goes to neither, whatever the order ----------------------------


def conflicting() -> list[FakeEntryPoint]:
    return [
        ep("google", google_plugin(), "authwire-google"),
        # sorts first by distribution name: under "first wins" it would take google over
        ep("evil", impostor("google", "evil-extra"), "aaa-evil"),
        ep("omega", good_plugin("omega"), "authwire-omega"),
    ]


def test_a_name_claimed_twice_is_refused_to_both_in_every_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    outcomes = set()
    for registry in every_order(monkeypatch, conflicting):
        names, errors, messages = load(registry)
        assert names == ["omega"]  # all or nothing: evil-extra goes with its plugin
        assert list(errors) == ["evil", "google"]  # in load order: aaa-evil, authwire-google
        for plugin, other in (("evil", "google"), ("google", "evil")):
            assert "provider name 'google' is also claimed by plugin" in errors[plugin]
            assert f"'{other}' (" in errors[plugin]
            assert "uninstall one of them" in errors[plugin]
        assert "(aaa-evil 1.0: evil_mod)" in errors["google"]
        assert "(authwire-google 1.0: authwire_google_fake)" in errors["evil"]
        assert len(messages) == 2
        for message in messages:  # each warning names both plugins
            assert "'evil' (aaa-evil 1.0" in message or "plugin 'evil'" in message
            assert "'google' (authwire-google 1.0" in message or "plugin 'google'" in message
        with pytest.raises(ProviderConflictError) as caught:
            registry.get("Google")
        error = caught.value
        assert isinstance(error, UnknownProviderError)
        assert isinstance(error, LookupError)
        assert error.name == "google"
        assert error.claimants == (
            "plugin 'evil' (aaa-evil 1.0: evil_mod)",
            "plugin 'google' (authwire-google 1.0: authwire_google_fake)",
        )
        assert "claimed by more than one installed plugin" in str(error)
        assert "Uninstall" in str(error)
        assert "providers.register(<its Provider>)" in str(error)
        with pytest.raises(UnknownProviderError, match=r"failed to load: evil, google"):
            registry.get("evil-extra")
        pm = registry.plugin_manager()
        assert pm.get_plugin("google") is None
        assert pm.get_plugin("evil") is None
        outcomes.add((tuple(names), tuple(errors.items()), tuple(messages), str(error)))
    assert len(outcomes) == 1  # the same, to the letter, for all 6 orders


def test_three_claimants_and_an_unrelated_plugin(monkeypatch: pytest.MonkeyPatch) -> None:
    def make() -> list[FakeEntryPoint]:
        return [
            ep("a", impostor("shared"), "dist-a", value="a_mod"),
            ep("b", impostor("shared"), "dist-b", value="b_mod"),
            ep("c", impostor("shared"), "dist-c", value="c_mod"),
            ep("d", good_plugin("dee"), "dist-d"),
        ]

    for registry in every_order(monkeypatch, make):
        names, errors, _ = load(registry)
        assert names == ["dee"]
        assert list(errors) == ["a", "b", "c"]
        assert "plugin 'b' (dist-b 1.0: b_mod) and plugin 'c' (dist-c 1.0: c_mod)" in errors["a"]
        with pytest.raises(ProviderConflictError) as caught:
            registry.get("shared")
        assert len(caught.value.claimants) == 3


def test_a_conflict_is_settled_by_registering_explicitly(monkeypatch: pytest.MonkeyPatch) -> None:
    installed(monkeypatch, *conflicting())
    registry = ProviderRegistry()
    load(registry)
    # picking the provider itself: a name in conflict is free for explicit user code
    assert registry.register(GOOGLE) == ("google",)
    assert registry.get("google") is GOOGLE
    registry.unregister("google")
    with pytest.raises(UnknownProviderError) as caught:
        registry.get("google")
    assert not isinstance(caught.value, ProviderConflictError)  # settled, then removed
    # or registering one of the plugins again, by hand
    installed(monkeypatch, *conflicting())
    with pytest.warns(ProviderPluginWarning):
        registry.reload()
    module = google_plugin()
    assert registry.register(module, name="google-picked") == ("google",)
    assert registry.get("google") is GOOGLE


def test_the_process_wide_registry_refuses_a_takeover(monkeypatch: pytest.MonkeyPatch) -> None:
    installed(monkeypatch, *conflicting())
    try:
        with pytest.warns(ProviderPluginWarning) as record:
            providers.reload()
        assert {w.filename for w in record} == {__file__}  # points at the caller
        with pytest.raises(ProviderConflictError, match="'google' is claimed by more than one"):
            providers.get("google")
        assert set(providers.errors()) == {"evil", "google"}
    finally:
        monkeypatch.undo()
        providers.reload()


# -- entry point names, repeats and load order -----------------------------------------------


def test_an_entry_point_name_declared_by_two_distributions_loads_neither(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[list[FakeEntryPoint]] = []

    def make() -> list[FakeEntryPoint]:
        made.append(
            [
                ep("google", google_plugin(), "authwire-google"),
                ep("google", impostor("gmail"), "aaa-evil"),
                ep("omega", good_plugin("omega"), "authwire-omega"),
            ]
        )
        return made[-1]

    for registry in every_order(monkeypatch, make):
        names, errors, messages = load(registry)
        assert names == ["omega"]
        assert errors == {
            "google": "the entry point name 'google' is declared more than once, by "
            "aaa-evil 1.0: evil_mod and authwire-google 1.0: authwire_google_fake; none of them "
            "is loaded: uninstall all but one"
        }
        assert len(messages) == 1
    assert all(e.loads == 0 for batch in made for e in batch if e.name == "google")


def test_an_entry_point_listed_twice_is_loaded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    plugin = good_plugin("alpha")
    first, again = ep("alpha", plugin, "authwire-alpha"), ep("alpha", plugin, "Authwire_Alpha")
    installed(monkeypatch, first, again)
    registry = ProviderRegistry()
    assert load(registry) == (["alpha"], {}, [])
    assert first.loads + again.loads == 1


def test_one_module_behind_two_entry_points_is_registered_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def make() -> list[FakeEntryPoint]:
        module = good_plugin("alpha")
        return [ep("alpha-old", module, "authwire-alpha"), ep("alpha", module, "authwire-alpha")]

    for registry in every_order(monkeypatch, make):
        names, errors, _ = load(registry)
        assert names == ["alpha"]
        assert errors == {"alpha-old": "ValueError: the plugin is already registered as 'alpha'"}
        assert registry.plugin_manager().get_plugin("alpha") is not None


def test_entry_points_load_by_distribution_then_name(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []

    def make() -> list[FakeEntryPoint]:
        imported: list[str] = []
        seen.append(imported)

        def recording(name: str, dist: str) -> FakeEntryPoint:
            class Loads(FakeEntryPoint):
                def load(self) -> Any:
                    imported.append(self.name)
                    return super().load()

            return Loads(name, good_plugin(name), dist=FakeDistribution(dist))

        return [
            recording("zz", "A.Dist"),  # normalized: a-dist
            recording("aa", "b-dist"),
            recording("mm", "a_dist"),
            recording("bb", "b-dist"),
        ]

    for registry in every_order(monkeypatch, make):
        assert registry.names() == ["aa", "bb", "mm", "zz"]
    assert {tuple(order) for order in seen[1:]} == {("mm", "zz", "aa", "bb")}


# -- 2. BaseException from a plugin is that plugin's failure; Ctrl-C goes through -------------


class Custom(BaseException):
    pass


def _raiser(error: BaseException) -> Callable[[Register], None]:
    def body(register: Register) -> None:
        register(demo_provider("never"))
        raise error

    return body


BASE_ERRORS = [
    (lambda: SystemExit(), "SystemExit"),
    (lambda: SystemExit(3), "SystemExit: 3"),
    (lambda: SystemExit("bye"), "SystemExit: bye"),
    (lambda: GeneratorExit(), "GeneratorExit"),
    (lambda: asyncio.CancelledError(), "CancelledError"),
    (lambda: Custom("odd"), "Custom: odd"),
]


@pytest.mark.parametrize(("make_error", "shown"), BASE_ERRORS)
def test_base_exceptions_at_import_or_in_the_hook_skip_only_that_plugin(
    monkeypatch: pytest.MonkeyPatch, make_error: Callable[[], BaseException], shown: str
) -> None:
    installed(
        monkeypatch,
        ep("at-import", None, error=make_error()),
        ep("in-hook", plugin_module("authwire_exits", _raiser(make_error()))),
        ep("omega", good_plugin("omega")),
    )
    registry = ProviderRegistry()
    names, errors, messages = load(registry)
    assert names == ["omega"]
    assert errors == {
        "at-import": f"importing 'fake_module' failed: {shown}",
        "in-hook": shown,
    }
    assert messages == [
        f"authwire provider plugin 'at-import' was skipped: importing 'fake_module' failed: "
        f"{shown}",
        f"authwire provider plugin 'in-hook' was skipped: {shown}",
    ]
    assert registry.plugin_manager().get_plugin("in-hook") is None


def test_sys_exit_in_a_plugin_does_not_end_the_process(monkeypatch: pytest.MonkeyPatch) -> None:
    installed(monkeypatch, ep("exits", plugin_module("authwire_exits", lambda r: sys.exit(2))))
    registry = ProviderRegistry()
    with pytest.warns(ProviderPluginWarning, match="'exits' was skipped: SystemExit: 2"):
        assert registry.names() == []


@pytest.mark.parametrize("where", ["import", "hook"])
def test_keyboard_interrupt_goes_through_and_the_next_use_loads_again(
    monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    def pressed(register: Register) -> None:
        raise KeyboardInterrupt

    broken = (
        ep("alpha", None, error=KeyboardInterrupt())
        if where == "import"
        else ep("alpha", plugin_module("authwire_ctrl_c", pressed))
    )
    installed(monkeypatch, ep("omega", good_plugin("omega")), broken)
    registry = ProviderRegistry()
    with pytest.raises(KeyboardInterrupt):
        registry.names()
    installed(monkeypatch, ep("omega", good_plugin("omega")), ep("alpha", good_plugin("alpha")))
    assert load(registry) == (["alpha", "omega"], {}, [])


def test_keyboard_interrupt_during_reload_leaves_no_half_registry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    installed(monkeypatch, ep("alpha", good_plugin("alpha")))
    registry = ProviderRegistry()
    assert registry.names() == ["alpha"]
    installed(monkeypatch, ep("beta", None, error=KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        registry.reload()
    installed(monkeypatch, ep("gamma", good_plugin("gamma")))
    assert registry.names() == ["gamma"]  # loaded again, not the old or a half state


def test_an_exception_that_cannot_be_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    class Unprintable(Exception):
        def __str__(self) -> str:
            raise SystemExit("not even this")

    installed(monkeypatch, ep("weird", None, error=Unprintable()))
    registry = ProviderRegistry()
    _, errors, _ = load(registry)
    assert errors == {
        "weird": "importing 'fake_module' failed: Unprintable: <the message cannot be shown>"
    }


# -- 3. siblings -----------------------------------------------------------------------------


class ReturnsProviders:
    @hookimpl
    def register_providers(self, register: Register) -> list[Provider]:
        return [demo_provider("returned")]


class YieldsProviders:
    @hookimpl
    def register_providers(self, register: Register) -> Iterator[Provider]:
        register(demo_provider("yielded"))  # never runs: calling it makes a generator
        yield demo_provider("yielded")


class AsyncHook:
    @hookimpl
    async def register_providers(self, register: Register) -> None:
        register(demo_provider("awaited"))


class GeneratorRaisesMidway:
    @hookimpl(wrapper=True)
    def register_providers(self, register: Register) -> Iterator[None]:
        register(demo_provider("midway"))
        yield
        raise RuntimeError("raised after the yield")


class UnboundHook:
    @hookimpl
    def register_providers(self, register: Register) -> None:
        register(demo_provider("unbound"))


@hookimpl
def hook_function(register: Register) -> None:
    register(demo_provider("function"))


@pytest.mark.parametrize(
    ("plugin", "why"),
    [
        (ReturnsProviders(), "register_providers() of plugin 'p' returned a list: it must call"),
        (YieldsProviders(), "register_providers() of plugin 'p' returned a generator"),
        (AsyncHook(), "register_providers() of plugin 'p' returned a coroutine"),
        (GeneratorRaisesMidway(), "RuntimeError: raised after the yield"),
        (None, "TypeError: the entry point loads None, not a plugin module"),
        (GOOGLE, "TypeError: the entry point loads a Provider ('google'), not a plugin: point"),
        (hook_function, "TypeError: the entry point loads the hook function itself"),
        (UnboundHook, "missing 1 required positional argument"),  # the class, not an instance
        (42, "TypeError: plugin 'p' implements no @hookimpl register_providers"),
    ],
)
def test_wrong_hooks_and_wrong_entry_point_targets(
    monkeypatch: pytest.MonkeyPatch, plugin: Any, why: str
) -> None:
    installed(monkeypatch, ep("p", plugin), ep("omega", good_plugin("omega")))
    registry = ProviderRegistry()
    names, errors, messages = load(registry)  # no "coroutine never awaited" either
    assert names == ["omega"]
    assert len(messages) == 1
    assert list(errors) == ["p"]
    assert why in errors["p"]
    assert registry.plugin_manager().get_plugin("p") is None


class Sloppy(Provider):
    """A Provider subclass that skips the validation."""

    def __post_init__(self) -> None:
        pass


class AlwaysEqual(str):
    """Validates as ``evil`` but hashes and compares like any name, ``google`` included."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return True

    def __hash__(self) -> int:
        return hash("google")


@pytest.mark.parametrize(
    ("name", "why"),
    [
        (42, "TypeError: a provider's name is a str, not int"),
        (None, "TypeError: a provider's name is a str, not NoneType"),
        ("Bad Name", "ValueError: invalid provider: name must match"),
    ],
)
def test_a_provider_subclass_is_checked_again(
    monkeypatch: pytest.MonkeyPatch, name: Any, why: str
) -> None:
    sloppy = Sloppy(name=name, token_endpoint="https://x.test/token")
    installed(monkeypatch, ep("p", plugin_module("authwire_sloppy", lambda r: r(sloppy))))
    registry = ProviderRegistry()
    errors = load(registry)[1]
    assert list(errors) == ["p"]
    assert errors["p"].startswith(why)
    with pytest.raises(ValueError if why.startswith("ValueError") else TypeError):
        registry.register(sloppy)
    assert registry.names() == []


def test_a_str_subclass_name_cannot_take_another_name_over(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    evil = demo_provider(AlwaysEqual("evil"))
    for registry in every_order(
        monkeypatch,
        lambda: [
            ep("evil", plugin_module("evil_mod", lambda r: r(evil)), "aaa"),
            ep("google", google_plugin(), "authwire-google"),
        ],
    ):
        assert load(registry) == (["evil", "google"], {}, [])
        assert registry.get("google") is GOOGLE
        assert registry.get("evil") is evil
        assert all(type(name) is str for name in registry.names())


def test_a_plugin_must_not_use_the_registry_while_it_loads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registry = ProviderRegistry()

    def peeks(register: Register) -> None:
        register(demo_provider("peeker"))
        registry.names()

    def registers(register: Register) -> None:
        registry.register(demo_provider("sneaky"))

    installed(
        monkeypatch,
        ep("alpha", good_plugin("alpha")),
        ep("peeks", plugin_module("authwire_peeks", peeks)),
        ep("registers", plugin_module("authwire_registers", registers)),
    )
    names, errors, _ = load(registry)
    assert names == ["alpha"]
    assert list(errors) == ["peeks", "registers"]
    assert all(
        "RuntimeError: the authwire provider registry is loading" in e for e in errors.values()
    )


def test_get_and_unregister_take_names_as_str(monkeypatch: pytest.MonkeyPatch) -> None:
    installed(monkeypatch, ep("alpha", good_plugin("alpha")))
    registry = ProviderRegistry()
    with pytest.raises(TypeError, match="a provider name is a str, not int"):
        registry.get(42)  # type: ignore[arg-type]
    registry.unregister("ALPHA")  # case-insensitive, as get() is
    assert registry.names() == []


def test_register_refuses_none_and_a_hook_function() -> None:
    registry = ProviderRegistry()
    installed_nothing = registry.names()
    with pytest.raises(TypeError, match=r"register\(\) was given None, not a plugin"):
        registry.register(None)
    with pytest.raises(TypeError, match="the hook function itself"):
        registry.register(hook_function)
    assert registry.names() == installed_nothing


# -- run-time registration replaces only when told to -----------------------------------------


def test_register_replace(monkeypatch: pytest.MonkeyPatch) -> None:
    installed(monkeypatch, ep("google", google_plugin(), "authwire-google"))
    registry = ProviderRegistry()
    registry.names()
    mine = demo_provider("google", title="Mine")
    with pytest.raises(ValueError, match=r"already registered by plugin 'google'.*replace=True"):
        registry.register(mine)
    assert registry.get("google") is GOOGLE
    assert registry.register(mine, replace=True) == ("google",)
    assert registry.get("google") is mine
    assert registry.plugin_manager().get_plugin("google") is None  # it provides nothing now
    # a plugin, too; all or nothing
    plugin = DemoPlugin(demo_provider("google", title="Plugin"), demo_provider("extra"))
    with pytest.raises(ValueError, match="'google' is already registered"):
        registry.register(plugin, name="mine")
    assert registry.names() == ["google"]
    assert registry.register(plugin, name="mine", replace=True) == ("google", "extra")
    assert registry.get("google").title == "Plugin"


def test_the_module_function_passes_replace_on() -> None:
    provider = demo_provider("replaced")
    providers.register(provider)
    try:
        other = demo_provider("replaced", title="Other")
        providers.register(other, replace=True)
        assert providers.get("replaced") is other
    finally:
        providers.unregister("replaced")


# -- a broken distribution elsewhere does not hide the plugins -------------------------------


def test_an_unreadable_entry_point_table_is_reported_if_it_is_ours(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    good = FakeDistribution("authwire-alpha")
    good.entry_points_ = [FakeEntryPoint("alpha", good_plugin("alpha"), dist=good)]
    shadowed = FakeDistribution("Authwire_Alpha")  # same name, later on sys.path
    shadowed.entry_points_ = [FakeEntryPoint("alpha", good_plugin("alpha"), dist=shadowed)]
    dists = [
        FakeDistribution("unrelated", broken=True, entry_point_text="[console_scripts]\nx\n"),
        good,
        shadowed,
        FakeDistribution("authwire-broken", "2.0", "[authwire]\nno equals sign\n", broken=True),
    ]

    def fail(**selection: Any) -> Any:
        raise TypeError("Pair.__new__() missing 1 required positional argument: 'value'")

    monkeypatch.setattr(importlib.metadata, "entry_points", fail)
    monkeypatch.setattr(importlib.metadata, "distributions", lambda: iter(dists))
    registry = ProviderRegistry()
    names, errors, messages = load(registry)
    assert names == ["alpha"]
    assert errors == {
        "authwire-broken 2.0 (distribution)": "its entry points cannot be read: TypeError: "
        "Pair.__new__() missing 1 required positional argument: 'value'"
    }
    assert len(messages) == 1
    assert good.entry_points_[0].loads == 1
    assert shadowed.entry_points_[0].loads == 0


# -- threads ---------------------------------------------------------------------------------


def _hammer(readers: Callable[[], None], writer: Callable[[], None]) -> None:
    """Run ``writer`` once against four threads running ``readers`` meanwhile."""
    stop = threading.Event()
    problems: list[BaseException] = []

    def read() -> None:
        try:
            while not stop.is_set():
                readers()
        except BaseException as exc:
            problems.append(exc)

    threads = [threading.Thread(target=read) for _ in range(4)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: expose the races
    try:
        for thread in threads:
            thread.start()
        writer()
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        sys.setswitchinterval(interval)
    assert problems == []


def test_readers_never_see_a_registry_being_reloaded(monkeypatch: pytest.MonkeyPatch) -> None:
    installed(
        monkeypatch,
        ep("alpha", good_plugin("alpha", "alpha-eu")),
        ep("omega", good_plugin("omega")),
    )
    registry = ProviderRegistry()

    def read() -> None:
        assert registry.names() == ["alpha", "alpha-eu", "omega"]
        assert registry.get("alpha").name == "alpha"
        assert registry.errors() == {}

    def reload() -> None:
        for _ in range(50):
            registry.reload()

    _hammer(read, reload)


def test_readers_never_miss_a_provider_being_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    installed(monkeypatch, ep("alpha", good_plugin("alpha")))
    registry = ProviderRegistry()
    registry.register(demo_provider("swap"))

    def read() -> None:
        assert registry.get("swap").name == "swap"
        names = registry.names()  # never "changed size during iteration"
        assert names[:2] == ["alpha", "n0"] or names == ["alpha", "swap"]

    def write() -> None:
        for i in range(300):
            registry.register(demo_provider("swap", title=str(i)), replace=True)
            registry.register(DemoPlugin(demo_provider(f"n{i}")), name=f"plugin-{i}")

    _hammer(read, write)
    assert registry.get("swap").title == "299"


# -- which distribution provides a name (the docs' provider table) ------------------------------


def test_distribution_of_names_the_installed_distribution(monkeypatch: pytest.MonkeyPatch) -> None:
    from authwire.plugins.catalog import catalog

    installed(
        monkeypatch,
        ep("google", google_plugin(), "authwire-google"),
        ep("omega", good_plugin("omega", "omega-eu"), "authwire-omega"),
        ep("bare", good_plugin("bare")),
    )
    registry = ProviderRegistry()
    registry.register(demo_provider("runtime"))
    assert registry.distribution_of("google") == "authwire-google"
    assert registry.distribution_of("OMEGA-EU") == "authwire-omega"
    assert registry.distribution_of("bare") is None  # an entry point without a distribution
    assert registry.distribution_of("runtime") is None
    with pytest.raises(UnknownProviderError):
        registry.distribution_of("nope")
    entries = {entry.name: entry for entry in catalog(registry)}
    assert sorted(entries) == registry.names()
    # the core declares the google extra; authwire-omega is installed by its own name
    assert entries["google"].install == "authwire[google]"
    assert entries["omega"].install == "authwire-omega"
    assert entries["runtime"].install is None
