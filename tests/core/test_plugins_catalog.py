"""Provider metadata for people (protocols, flows, quirks) and the generated provider table.

The docs hook (``docs/_hooks/providers_table.py``) is loaded from its file, as mkdocs does.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

from authwire import providers
from authwire.plugins import FLOW_LABELS, PROTOCOL_LABELS, OAuth1Endpoints, Provider, Quirk
from authwire.plugins.catalog import CatalogEntry, catalog, flow_label, protocol_label

ROOT = Path(__file__).resolve().parents[2]

# the three plugins of this repository declare what they offer (a sample of each field)
DECLARED = {
    "google": ({"oauth2", "openid"}, {"authorization_code", "refresh_token", "jwt_bearer"}),
    "github": ({"oauth2"}, {"authorization_code", "refresh_token", "device_code"}),
    "twitter": ({"oauth2", "oauth1"}, {"authorization_code", "refresh_token", "oauth1"}),
}


def load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def hook() -> ModuleType:
    return load(ROOT / "docs" / "_hooks" / "providers_table.py", "_providers_table_hook")


@pytest.fixture
def odd() -> Iterator[Provider]:
    provider = Provider(
        name="odd-test",
        title="Odd | Corp",
        token_endpoint="https://odd.test/token",
        flows=("client_credentials", "account_credentials"),
        quirks=(
            Quirk("errors come with HTTP 200", "https://odd.test/docs/errors"),
            Quirk("issued_at is in milliseconds", "https://odd.test/docs/tokens#issued"),
        ),
    )
    providers.register(provider)
    yield provider
    providers.unregister("odd-test")


# -- the fields --------------------------------------------------------------------------------


def test_defaults_are_read_from_the_endpoints() -> None:
    oidc = Provider(
        name="oidc",
        issuer="https://id.test",
        authorization_endpoint="https://id.test/a",
        token_endpoint="https://id.test/t",
        jwks_uri="https://id.test/k",
        userinfo_endpoint="https://id.test/u",
        device_authorization_endpoint="https://id.test/d",
        end_session_endpoint="https://id.test/l",
    )
    assert oidc.protocols == ("oauth2", "openid")
    assert oidc.flows == ("authorization_code", "device_code", "userinfo", "logout")
    assert oidc.quirks == ()
    plain = Provider(name="plain", token_endpoint="https://as.test/t")
    assert plain.protocols == ("oauth2",)
    assert plain.flows == ()
    oauth1 = Provider(
        name="one",
        oauth1=OAuth1Endpoints("https://o.test/r", "https://o.test/a", "https://o.test/t"),
    )
    assert oauth1.protocols == ("oauth1",)
    assert oauth1.flows == ("oauth1",)


def test_declared_values_win_and_are_normalized() -> None:
    quirk = Quirk("  a quirk  ", "https://x.test/docs")
    provider = Provider(
        name="x",
        token_endpoint="https://x.test/t",
        protocols="oauth2",
        flows=["client_credentials", "my_grant"],
        quirks=quirk,
    )
    assert provider.protocols == ("oauth2",)
    assert provider.flows == ("client_credentials", "my_grant")
    assert provider.quirks == (quirk,)
    assert quirk.summary == "a quirk"
    assert flow_label("my_grant") == "my_grant"
    assert flow_label("device_code") == FLOW_LABELS["device_code"]
    assert protocol_label("openid") == PROTOCOL_LABELS["openid"] == "OpenID Connect"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("protocols", ("saml",), "unknown protocol 'saml'"),
        ("protocols", ("oauth2", "oauth2"), "listed twice"),
        ("flows", ("Authorization-Code",), r"must match \[a-z\]"),
        ("flows", (1,), r"must match \[a-z\]"),
        ("flows", 7, "flows must be a sequence"),
        ("quirks", ("text",), "is not an authwire.plugins.Quirk"),
        ("quirks", "text", "quirks must be a sequence of Quirk"),
    ],
)
def test_bad_values_name_the_field(field: str, value: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        Provider(name="bad", token_endpoint="https://bad.test/t", **{field: value})
    assert "invalid provider 'bad'" in str(caught.value)


@pytest.mark.parametrize(
    ("summary", "url", "message"),
    [
        ("", "https://x.test/d", "non-empty"),
        ("two\nlines", "https://x.test/d", "one line"),
        ("a | b", "https://x.test/d", "one line"),
        ("x" * 161, "https://x.test/d", "at most 160"),
        ("fine", "ftp://x.test/d", "http"),
        ("fine", "/docs/page", "http"),
        ("fine", "https://x.test/a b", "without spaces"),
        ("fine", "https://x.test/a)b", "without spaces"),
    ],
)
def test_a_quirk_is_one_line_and_a_documentation_url(summary: str, url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Quirk(summary, url)


@pytest.mark.parametrize("name", sorted(DECLARED))
def test_the_repository_plugins_declare_their_metadata(name: str) -> None:
    if name not in providers.names():
        pytest.skip(f"the {name} plugin is not installed in this environment")
    provider = providers.get(name)
    protocols, flows = DECLARED[name]
    assert set(provider.protocols) == protocols
    assert flows <= set(provider.flows)
    assert len(provider.quirks) >= 3
    assert all(q.url.startswith("https://") for q in provider.quirks)


# -- the catalog and the table ------------------------------------------------------------------


def test_the_catalog_has_an_entry_for_every_registered_provider(odd: Provider) -> None:
    entries = {entry.name: entry for entry in catalog()}
    assert sorted(entries) == providers.names()
    entry = entries["odd-test"]
    assert entry.distribution is None
    assert entry.install is None
    assert entry.flows == ("client_credentials", "account_credentials")
    assert entry.quirks == tuple(odd.quirks)
    for name in set(DECLARED) & set(entries):
        assert entries[name].distribution == f"authwire-{name}"
        assert entries[name].install == f"authwire[{name}]"  # the core declares the extra


def test_the_generated_table_lists_every_registered_provider(
    hook: ModuleType, odd: Provider
) -> None:
    table = hook.render_table(catalog())
    rows = table.splitlines()[2:]
    assert len(rows) == len(providers.names())
    for name, row in zip(providers.names(), rows, strict=True):
        assert f"| `{name}` |" in row
    odd_row = next(row for row in rows if "`odd-test`" in row)
    # a title's pipe cannot break the table; each quirk links its documentation
    assert odd_row.startswith(r"| Odd \| Corp | `odd-test` | registered at run time |")
    assert "[errors come with HTTP 200](https://odd.test/docs/errors)<br>" in odd_row
    assert "client credentials, account\\_credentials" in odd_row


def test_a_title_links_to_the_provider_page_when_there_is_one(hook: ModuleType) -> None:
    entry = CatalogEntry(
        "google", "Google", "authwire-google", "authwire[google]", ("oauth2",), (), ()
    )
    with_page = hook.render_table([entry], ["providers/google.md"])
    assert '| [Google](google.md) | `google` | `pip install "authwire[google]"` |' in with_page
    assert "| Google | `google` |" in hook.render_table([entry], [])
    assert with_page.splitlines()[2].endswith("| OAuth 2.0 | — | — |")


def page(src_uri: str) -> Any:
    return SimpleNamespace(file=SimpleNamespace(src_uri=src_uri))


def test_the_hook_fills_only_its_page(hook: ModuleType) -> None:
    files = [SimpleNamespace(src_uri=f"providers/{name}.md") for name in providers.names()]
    text = f"# All providers\n\n{hook.PLACEHOLDER}\n"
    assert hook.on_page_markdown(text, page("index.md"), None, files) == text
    filled = hook.on_page_markdown(text, page(hook.PAGE), None, files)
    assert hook.PLACEHOLDER not in filled
    for name in providers.names():
        assert f"`{name}`" in filled


def test_the_hook_warns_when_the_placeholder_is_gone(
    hook: ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="mkdocs.hooks.providers_table"):
        out = hook.on_page_markdown("# no table\n", page(hook.PAGE), None, [])
    assert out == "# no table\n"
    assert "placeholder" in caplog.text


def test_the_page_holds_the_placeholder_and_mkdocs_runs_the_hook(hook: ModuleType) -> None:
    assert hook.PLACEHOLDER in (ROOT / "docs" / hook.PAGE).read_text(encoding="utf-8")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "- docs/_hooks/providers_table.py" in config
    assert "providers/index.md" in config


# -- provider isolation (scripts/test_providers.py) -----------------------------------------------


@pytest.fixture(scope="module")
def isolation() -> ModuleType:
    return load(ROOT / "scripts" / "test_providers.py", "_test_providers_script")


def test_every_plugin_directory_is_found(isolation: ModuleType) -> None:
    expected = sorted(p.parent.name for p in (ROOT / "providers").glob("*/pyproject.toml"))
    assert {"google", "github", "twitter"} <= set(expected)
    assert isolation.plugins(None, (1, 1)) == expected
    assert isolation.plugins({"github", "google"}, (1, 1)) == ["github", "google"]
    with pytest.raises(SystemExit, match="no plugin directory for: nope"):
        isolation.plugins({"nope"}, (1, 1))


@pytest.mark.parametrize("count", [1, 2, 3, 4, 25])
def test_shards_split_the_plugins_exactly_once(isolation: ModuleType, count: int) -> None:
    shards = [isolation.plugins(None, (i, count)) for i in range(1, count + 1)]
    flat = [name for shard in shards for name in shard]
    assert sorted(flat) == isolation.plugins(None, (1, 1))
    assert len(flat) == len(set(flat))
