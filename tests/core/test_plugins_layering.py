"""The plugin layer's shape: small modules, one-way dependencies, the old import paths kept.

The clients depend on the plugin layer (``from_provider``), the plugin layer on the engine
(duck-typed) and the protocol layer; never the other way round, not even for type checking.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import authwire.plugins
import authwire.plugins.provider as provider_module
from authwire import OAuth2Client, providers
from authwire.plugins import OAuth1Endpoints, Provider, Quirk, hookimpl, hookspec
from authwire.plugins.apply import from_provider

PLUGINS = Path(authwire.plugins.__file__).parent


def imported_modules(path: Path) -> list[tuple[str, bool]]:
    """``(absolute module, under TYPE_CHECKING)`` for every import of a plugin module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    guarded: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            guarded.update(id(child) for child in ast.walk(node))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = "authwire.plugins" if node.level == 1 else "authwire" if node.level == 2 else ""
            module = ".".join(filter(None, [base, node.module or ""]))
            found.append((module, id(node) in guarded))
        elif isinstance(node, ast.Import):
            found.extend((alias.name, id(node) in guarded) for alias in node.names)
    return found


@pytest.mark.parametrize("path", sorted(PLUGINS.glob("*.py")), ids=lambda p: p.name)
def test_no_plugin_module_imports_a_client_class(path: Path) -> None:
    for module, type_only in imported_modules(path):
        assert not module.startswith("authwire.client"), (path.name, module)
        if module.startswith("authwire.auth"):
            assert type_only, f"{path.name} imports the engine {module} at run time"


def test_building_a_provider_loads_no_client_engine_or_http_library() -> None:
    code = (
        "import sys, authwire.plugins, authwire.providers\n"
        "from authwire.plugins import Provider, Quirk\n"
        "Provider(name='x', token_endpoint='https://x.test/token',\n"
        "         quirks=[Quirk('odd', 'https://x.test/docs')])\n"
        "print(sorted(m for m in sys.modules\n"
        "             if m.startswith(('authwire.client', 'authwire.auth', 'httpx'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_the_public_names_and_old_paths_still_import() -> None:
    assert set(authwire.plugins.__all__) >= {
        "OAuth1Endpoints",
        "Provider",
        "Quirk",
        "ProviderConflictError",
        "ProviderPluginWarning",
        "UnknownProviderError",
        "hookimpl",
        "hookspec",
    }
    assert callable(hookimpl)
    assert callable(hookspec)
    # the client classes import these from authwire.plugins.provider
    assert provider_module.from_provider is from_provider
    assert provider_module.Provider is Provider
    assert provider_module.OAuth1Endpoints is OAuth1Endpoints
    assert providers.from_provider is from_provider
    assert providers.Provider is Provider
    with pytest.raises(AttributeError, match="nothing_here"):
        _ = provider_module.nothing_here


def test_from_provider_still_configures_a_client_both_ways() -> None:
    example = Provider(name="example", token_endpoint="https://as.example/token", scope="a b")
    with from_provider(OAuth2Client, example, client_id="i") as client:
        assert client.oauth.scope == "a b"
    with OAuth2Client.from_provider(example, client_id="i") as client:
        assert client.oauth.metadata["token_endpoint"] == "https://as.example/token"


def test_the_modules_stay_small() -> None:
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in PLUGINS.glob("*.py")}
    assert max(sizes.values()) < 700, sizes  # registry.py is the largest, as before
    assert sizes["provider.py"] < 450, sizes


def test_the_httpx2_binding_shares_every_plugin_module() -> None:
    from authwire._binding import SHARED_MODULES

    modules = {f"plugins.{p.stem}" for p in PLUGINS.glob("*.py") if p.stem != "__init__"}
    assert modules <= SHARED_MODULES
    assert Quirk.__module__ == "authwire.plugins.features"
