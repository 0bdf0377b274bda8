"""The provider registry (pluggy plugins), the ``Provider`` value, and ``from_provider``."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import types
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from authwire import (
    AsyncOAuth1Client,
    OAuth1Client,
    OAuth2Auth,
    OAuth2Client,
    OAuthError,
    providers,
)
from authwire.plugins import OAuth1Endpoints, Provider, hookimpl
from authwire.providers import (
    ProviderPluginWarning,
    ProviderRegistry,
    UnknownProviderError,
    from_provider,
)
from authwire.testing import FakeProvider

from .conftest import Flavor, aw, opened

REDIRECT = "https://app.test/callback"


def demo_provider(name: str = "demo", **changes: Any) -> Provider:
    fields: dict[str, Any] = {
        "name": name,
        "title": "Demo ID",
        "authorization_endpoint": "https://provider.test/authorize",
        "token_endpoint": "https://provider.test/token",
        "revocation_endpoint": "https://provider.test/revoke",
        "issuer": "https://provider.test",
        "scope": "openid email",
    }
    fields.update(changes)
    return Provider(**fields)


class DemoPlugin:
    """An in-memory plugin, as a test or an application registers one."""

    def __init__(self, *provided: Provider) -> None:
        self.provided = provided or (demo_provider(), demo_provider("demo-two"))

    @hookimpl
    def register_providers(self, register: Callable[[Provider], None]) -> None:
        for provider in self.provided:
            register(provider)


@pytest.fixture
def demo_plugin() -> Iterator[DemoPlugin]:
    """``DemoPlugin`` registered in the process-wide registry, and removed afterwards."""
    plugin = DemoPlugin()
    providers.register(plugin, name="demo-plugin")
    try:
        yield plugin
    finally:
        for name in ("demo", "demo-two"):
            if name in providers.names():
                providers.unregister(name)


# -- import cost -----------------------------------------------------------------------------


def test_import_does_not_load_pluggy_or_entry_points() -> None:
    code = (
        "import sys, authwire, authwire.providers, authwire.plugins\n"
        "from authwire.plugins import Provider\n"
        "Provider(name='x', token_endpoint='https://x.test/token')\n"
        "print('pluggy' in sys.modules, 'importlib.metadata' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "False"]


# -- the process-wide registry -----------------------------------------------------------------


def test_names_and_get_with_an_in_memory_plugin(demo_plugin: DemoPlugin) -> None:
    assert {"demo", "demo-two"} <= set(providers.names())
    assert providers.names() == sorted(providers.names())
    assert providers.get("demo") is demo_plugin.provided[0]
    assert providers.get("DEMO") is demo_plugin.provided[0]  # names are lowercase
    assert providers.get("demo").title == "Demo ID"


def test_unregister_a_provider_then_its_plugin(demo_plugin: DemoPlugin) -> None:
    pm = providers.default_registry().plugin_manager()
    providers.unregister("demo")
    assert "demo" not in providers.names()
    assert pm.get_plugin("demo-plugin") is demo_plugin  # it still provides demo-two
    providers.unregister("demo-two")
    assert pm.get_plugin("demo-plugin") is None


def test_unregister_by_plugin_name_removes_all_its_providers(demo_plugin: DemoPlugin) -> None:
    providers.unregister("demo-plugin")
    assert not {"demo", "demo-two"} & set(providers.names())
    with pytest.raises(UnknownProviderError):
        providers.unregister("demo-plugin")


def test_register_a_provider_directly_and_refuse_a_duplicate() -> None:
    provider = demo_provider("direct")
    assert providers.register(provider) == ("direct",)
    try:
        assert providers.get("direct") is provider
        with pytest.raises(ValueError, match="'direct' is already registered"):
            providers.register(demo_provider("direct"))
        with pytest.raises(ValueError, match=r"name .direct. is already registered"):
            providers.register(DemoPlugin(demo_provider("other"), demo_provider("direct")))
        assert "other" not in providers.names()  # all or nothing
    finally:
        providers.unregister("direct")
    assert "direct" not in providers.names()


def test_unknown_name_is_a_lookup_error_listing_installed_names(demo_plugin: DemoPlugin) -> None:
    with pytest.raises(UnknownProviderError) as caught:
        providers.get("githbu")
    error = caught.value
    assert isinstance(error, LookupError)
    assert not isinstance(error, KeyError | ValueError)
    assert error.name == "githbu"
    assert "no provider named 'githbu'" in str(error)
    assert "demo, demo-two" in str(error)
    assert {"demo", "demo-two"} <= set(error.installed)


def test_register_refuses_what_is_not_a_plugin() -> None:
    before = providers.names()
    with pytest.raises(TypeError, match="implements no @hookimpl register_providers"):
        providers.register(types.SimpleNamespace(x=1))
    with pytest.raises(TypeError, match="a Provider has its own name"):
        providers.register(demo_provider("named"), name="plugin")
    assert providers.names() == before


def test_a_failing_hook_adds_nothing() -> None:
    class HalfWay:
        @hookimpl
        def register_providers(self, register: Callable[[Provider], None]) -> None:
            register(demo_provider("half"))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        providers.register(HalfWay(), name="half-way")
    assert "half" not in providers.names()
    assert providers.default_registry().plugin_manager().get_plugin("half-way") is None


def test_register_callback_is_closed_after_the_hook() -> None:
    kept: list[Callable[[Provider], None]] = []

    class Keeper:
        @hookimpl
        def register_providers(self, register: Callable[[Provider], None]) -> None:
            kept.append(register)

    assert providers.register(Keeper(), name="keeper") == ()
    try:
        with pytest.raises(RuntimeError, match="after register_providers"):
            kept[0](demo_provider("late"))
    finally:
        providers.unregister("keeper")


def test_a_module_is_a_plugin() -> None:
    module = types.ModuleType("authwire_modprov")

    @hookimpl
    def register_providers(register: Callable[[Provider], None]) -> None:
        register(demo_provider("modprov"))

    module.register_providers = register_providers  # type: ignore[attr-defined]
    assert providers.register(module) == ("modprov",)
    try:
        assert providers.default_registry().plugin_manager().get_plugin("authwire_modprov")
    finally:
        providers.unregister("modprov")


# -- entry points: one broken plugin does not break the others ------------------------------


@dataclass
class FakeEntryPoint:
    name: str
    load_result: Any = None
    error: BaseException | None = None
    value: str = "fake_module"
    group: str = "authwire"
    loads: int = 0
    dist: Any = None  # a FakeDistribution (tests/core/test_plugins_registry.py), or None

    def load(self) -> Any:
        self.loads += 1
        if self.error is not None:
            raise self.error
        return self.load_result


def plugin_module(name: str, body: Callable[[Callable[[Provider], None]], None]) -> Any:
    module = types.ModuleType(name)

    @hookimpl
    def register_providers(register: Callable[[Provider], None]) -> None:
        body(register)

    module.register_providers = register_providers  # type: ignore[attr-defined]
    return module


def good_plugin(*names: str) -> Any:
    def body(register: Callable[[Provider], None]) -> None:
        for name in names:
            register(demo_provider(name))

    return plugin_module(f"authwire_{names[0]}", body)


def _invalid_provider(register: Callable[[Provider], None]) -> None:
    register(demo_provider("Bad Name"))


def _not_a_provider(register: Callable[[Provider], None]) -> None:
    register({"name": "dictprov"})  # type: ignore[arg-type]


def installed(monkeypatch: pytest.MonkeyPatch, *entry_points: FakeEntryPoint) -> None:
    import importlib.metadata

    def fake_entry_points(**selection: Any) -> list[FakeEntryPoint]:
        assert selection == {"group": "authwire"}
        return list(entry_points)

    monkeypatch.setattr(importlib.metadata, "entry_points", fake_entry_points)


# in load order: entry points are loaded sorted (by distribution, then name), whatever the
# order importlib.metadata lists them in
BROKEN = {
    "broken-import": "importing 'fake_module' failed: ImportError: no module named nowhere",
    "duplicate": "ValueError: provider 'dup' registered twice",
    "empty": "TypeError: plugin 'empty' implements no @hookimpl register_providers",
    "invalid-provider": "ValueError: invalid provider: name must match",
    "not-a-provider": "TypeError: register() takes an authwire.plugins.Provider, not dict",
}


def broken_and_good_entry_points() -> list[FakeEntryPoint]:
    return [
        FakeEntryPoint("alpha", good_plugin("alpha", "alpha-eu")),
        FakeEntryPoint("broken-import", error=ImportError("no module named nowhere")),
        FakeEntryPoint("invalid-provider", plugin_module("authwire_bad", _invalid_provider)),
        FakeEntryPoint("not-a-provider", plugin_module("authwire_dict", _not_a_provider)),
        FakeEntryPoint("duplicate", good_plugin("dup", "dup")),
        FakeEntryPoint("empty", types.ModuleType("authwire_empty")),
        FakeEntryPoint("omega", good_plugin("omega")),
    ]


def test_broken_plugins_are_reported_by_name_and_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    entry_points = broken_and_good_entry_points()
    installed(monkeypatch, *entry_points)
    registry = ProviderRegistry()
    with pytest.warns(ProviderPluginWarning) as record:
        assert registry.names() == ["alpha", "alpha-eu", "omega"]
    assert len(record) == len(BROKEN)
    for warning, (name, why) in zip(record, BROKEN.items(), strict=True):
        assert f"plugin {name!r} was skipped" in str(warning.message)
        assert why in str(warning.message)
    errors = registry.errors()
    assert list(errors) == list(BROKEN)
    for name, why in BROKEN.items():
        assert why in errors[name]
    # loaded once; later calls neither reload nor warn again (filterwarnings=error)
    assert registry.get("omega").name == "omega"
    assert all(ep.loads == 1 for ep in entry_points)
    pm = registry.plugin_manager()
    assert pm.get_plugin("alpha") is not None
    assert pm.get_plugin("duplicate") is None  # unregistered from pluggy again
    with pytest.raises(UnknownProviderError, match=r"failed to load: .*broken-import"):
        registry.get("nope")


def test_warnings_as_errors_leave_the_registry_complete(monkeypatch: pytest.MonkeyPatch) -> None:
    installed(monkeypatch, *broken_and_good_entry_points())
    registry = ProviderRegistry()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ProviderPluginWarning)
        with pytest.raises(ProviderPluginWarning, match="broken-import"):
            registry.names()
        assert registry.names() == ["alpha", "alpha-eu", "omega"]
        assert set(registry.errors()) == set(BROKEN)


def test_reload_reads_the_entry_points_again(monkeypatch: pytest.MonkeyPatch) -> None:
    installed(monkeypatch, FakeEntryPoint("alpha", good_plugin("alpha")))
    registry = ProviderRegistry()
    registry.register(demo_provider("runtime"))
    assert registry.names() == ["alpha", "runtime"]
    installed(monkeypatch, FakeEntryPoint("beta", good_plugin("beta")))
    registry.reload()
    assert registry.names() == ["beta"]  # run-time registrations are forgotten too


def test_the_process_wide_registry_reads_entry_points(monkeypatch: pytest.MonkeyPatch) -> None:
    installed(monkeypatch, *broken_and_good_entry_points())
    try:
        with pytest.warns(ProviderPluginWarning):
            providers.reload()
        assert {"alpha", "alpha-eu", "omega"} <= set(providers.names())
        assert set(providers.errors()) == set(BROKEN)
    finally:
        monkeypatch.undo()
        providers.reload()
    assert "omega" not in providers.names()


def test_concurrent_first_use_loads_each_plugin_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def slow(register: Callable[[Provider], None]) -> None:
        calls.append("slow")
        time.sleep(0.05)
        register(demo_provider("slow"))

    installed(monkeypatch, FakeEntryPoint("slow", plugin_module("authwire_slow", slow)))
    registry = ProviderRegistry()
    seen: list[list[str]] = []
    threads = [threading.Thread(target=lambda: seen.append(registry.names())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == ["slow"]
    assert seen == [["slow"]] * 8


# -- Provider validation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "GitHub"}, "name must match"),
        ({"name": "-x"}, "name must match"),
        ({"name": ""}, "name must match"),
        ({"token_endpoint": "ftp://provider.test/token"}, "token_endpoint must be an http"),
        ({"jwks_uri": "https:///keys"}, "jwks_uri must be an http"),
        ({"userinfo_endpoint": "/userinfo"}, "userinfo_endpoint must be an http"),
        ({"issuer": "accounts.example.com"}, "issuer must be an http"),
        ({"compliance_hooks": {"access_token_reponse": [print]}}, "unknown hook type"),
        ({"compliance_hooks": {"protected_request": [print, "x"]}}, "'x' is not callable"),
        ({"compliance_hooks": {"protected_request": "print"}}, "must be a sequence"),
        ({"token_endpoint": "https://{host}/token"}, "token_endpoint uses {host}"),
        ({"token_endpoint": "https://x.test/{a-b}"}, "stray brace"),
        ({"parameters": {"timeout": "5"}}, "'timeout' is a client argument name"),
        ({"parameters": {"client_id": None}}, "'client_id' is a client argument name"),
        ({"parameters": {"host": "a/b"}}, "one host name or path segment"),
        ({"authorize_params": {"scope": "x"}}, "use the scope field"),
        ({"authorize_params": {"state": "x"}}, "'state' is set by the client"),
        ({"authorize_params": {"response_type": "x"}}, "'response_type' is set by the client"),
        ({"authorize_params": {"access_type": 1}}, "authorize_params['access_type'] must be"),
        ({"scope": ["a b"]}, "scope: 'a b' is not one scope token"),
        ({"code_challenge_method": "S512"}, "code_challenge_method"),
        ({"client_auth": lambda p: ("x", print)}, "client_auth needs token_endpoint_auth_method"),
        ({"client_auth": "x", "token_endpoint_auth_method": "x"}, "client_auth must be callable"),
        ({"issuer_claims": {"tenantid": ""}}, "issuer_claims['tenantid'] must name a claim"),
        ({"oauth1": {"request_token_url": "x"}}, "oauth1 must be an OAuth1Endpoints"),
    ],
)
def test_invalid_provider_fields_raise_value_error_naming_them(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message.replace("{", r"\{").replace("[", r"\[")):
        demo_provider(**changes)


def test_a_provider_needs_something_to_talk_to() -> None:
    with pytest.raises(ValueError, match="at least one endpoint, an issuer, or oauth1"):
        Provider(name="empty")


def test_oauth1_endpoints_are_checked() -> None:
    with pytest.raises(ValueError, match=r"oauth1\.access_token_url must be an http"):
        Provider(name="x", oauth1=OAuth1Endpoints("https://x.test/rt", "https://x.test/a", "x"))
    with pytest.raises(ValueError, match="request_token_checks: 3 is not callable"):
        OAuth1Endpoints(
            "https://x.test/rt", "https://x.test/a", "https://x.test/at", "HMAC-SHA1", [3]
        )


def test_provider_values_are_normalised_and_read_only() -> None:
    def hook(response: httpx.Response) -> httpx.Response:
        return response

    provider = demo_provider(
        scope="openid  email",
        compliance_hooks={"access_token_response": hook},
        authorize_params={"access_type": "offline"},
        extra={"docs": "https://provider.test/docs"},
    )
    assert provider.scope == ("openid", "email")
    assert provider.compliance_hooks["access_token_response"] == (hook,)
    with pytest.raises(TypeError):
        provider.authorize_params["prompt"] = "consent"  # type: ignore[index]
    with pytest.raises(TypeError):
        provider.extra["docs"] = "x"  # type: ignore[index]
    with pytest.raises(AttributeError):
        provider.name = "other"  # type: ignore[misc]
    assert Provider(name="bare", token_endpoint="http://localhost:8080/token").title == "bare"
    assert tenant_provider().bind() == tenant_provider().bind()
    assert len({tenant_provider().bind(), tenant_provider().bind(tenant="x")}) == 2


# -- parameters and issuers ------------------------------------------------------------------


def tenant_provider() -> Provider:
    return Provider(
        name="tenanted",
        parameters={"tenant": "common"},
        authorization_endpoint="https://login.example/{tenant}/oauth2/v2.0/authorize",
        token_endpoint="https://login.example/{tenant}/oauth2/v2.0/token",
        issuer="https://login.example/{tenant}/v2.0",
        accepted_issuers=["https://login.example/{tenantid}/v2.0"],
        issuer_claims={"tenantid": "tid"},
    )


def test_bind_fills_parameters() -> None:
    provider = tenant_provider()
    assert not provider.is_bound
    bound = provider.bind(tenant="contoso.example")
    assert bound.is_bound
    assert bound.token_endpoint == "https://login.example/contoso.example/oauth2/v2.0/token"
    assert provider.bind().issuer == "https://login.example/common/v2.0"
    assert provider.discovery_url == (
        "https://login.example/common/v2.0/.well-known/openid-configuration"
    )
    with pytest.raises(ValueError, match="has no parameter 'tenantt'"):
        provider.bind(tenantt="x")
    with pytest.raises(ValueError, match="one host name or path segment"):
        provider.bind(tenant="evil.example/x?")
    required = Provider(
        name="okta-like", parameters={"domain": None}, token_endpoint="https://{domain}/token"
    )
    with pytest.raises(ValueError, match="needs domain="):
        required.oauth2_kwargs()


def test_issuer_templates_and_accepted_spellings() -> None:
    provider = tenant_provider()
    assert provider.accepts_issuer("https://login.example/abc/v2.0", {"tid": "abc"})
    assert not provider.accepts_issuer("https://login.example/abc/v2.0", {"tid": "other"})
    assert not provider.accepts_issuer("https://login.example/{tenantid}/v2.0")
    assert not provider.accepts_issuer("https://login.example/a/b/v2.0", {"tid": "a/b"})
    google_like = demo_provider(
        issuer="https://accounts.example.com", accepted_issuers=["accounts.example.com"]
    )
    assert google_like.issuers() == {"https://accounts.example.com", "accounts.example.com"}
    template_only = Provider(
        name="multi",
        token_endpoint="https://login.example/token",
        issuer="https://login.example/{tenantid}/v2.0",
        issuer_claims={"tenantid": "tid"},
    )
    assert template_only.concrete_issuer is None
    assert "issuer" not in template_only.oauth2_kwargs()


# -- OAuth 2 ---------------------------------------------------------------------------------


def test_oauth2_kwargs() -> None:
    provider = demo_provider(
        token_endpoint_auth_method="client_secret_post", code_challenge_method="plain"
    )
    public = provider.oauth2_kwargs({"client_id": "id"})
    assert public == {
        "authorization_endpoint": "https://provider.test/authorize",
        "token_endpoint": "https://provider.test/token",
        "revocation_endpoint": "https://provider.test/revoke",
        "issuer": "https://provider.test",
        "scope": "openid email",
        "code_challenge_method": "plain",
        "client_id": "id",
    }  # no secret: the client picks "none" itself
    confidential = provider.oauth2_kwargs(
        {"client_id": "id", "client_secret": "s", "scope": "email", "timeout": 3}
    )
    assert confidential["token_endpoint_auth_method"] == "client_secret_post"
    assert confidential["scope"] == "email"  # the caller wins
    assert confidential["timeout"] == 3
    oauth1_only = Provider(
        name="old",
        oauth1=OAuth1Endpoints("https://x.test/rt", "https://x.test/a", "https://x.test/at"),
    )
    with pytest.raises(ValueError, match=r"no OAuth 2 endpoints.*OAuth1Client\.from_provider"):
        oauth1_only.oauth2_kwargs()
    with pytest.raises(ValueError, match="no OAuth 2 endpoints"):
        from_provider(OAuth2Client, oauth1_only, client_id="id")


def test_apply_oauth2_runs_the_provider_hooks_in_order(
    flavor: Flavor, provider: FakeProvider
) -> None:
    provider.token_responses.append(
        httpx.Response(200, json={"access_token": "at", "token_type": "Application Access Token"})
    )
    order: list[str] = []

    def first(url: str, headers: dict[str, str], body: str) -> tuple[str, dict[str, str], str]:
        order.append("first")
        return url, headers, body + "&first=1"

    async def second(url: str, headers: dict[str, str], body: str) -> Any:
        order.append("second")
        return url, headers, body + "&second=2"

    def bearer(response: httpx.Response) -> httpx.Response:
        order.append("response")
        fields = response.json()
        fields["token_type"] = "Bearer"
        return httpx.Response(response.status_code, json=fields)

    described = demo_provider(
        "hooked",
        token_endpoint=provider.token_endpoint,
        compliance_hooks={
            "access_token_request": [first, second if flavor.is_async else _sync(second)],
            "access_token_response": [bearer],
        },
    )

    async def scenario() -> None:
        client = flavor.oauth2_client(
            **described.oauth2_kwargs(
                {"client_id": "id", "client_secret": "secret", "transport": provider.transport()}
            )
        )
        described.apply_oauth2(client)
        async with opened(client):
            token = await aw(client.fetch_token(grant_type="client_credentials"))
            assert token["token_type"] == "Bearer"

    flavor.run(scenario)
    assert order == ["first", "second", "response"]
    [sent] = provider.token_requests()
    assert str(sent.url) == provider.token_endpoint
    assert sent.form["scope"] == "openid email"
    assert sent.content.endswith(b"&first=1&second=2")


def _sync(fn: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any) -> Any:
        coro = fn(*args)
        try:
            coro.send(None)
        except StopIteration as stop:
            return stop.value
        raise AssertionError("the hook suspended")

    return run


def test_authorize_params_are_sent_and_can_be_overridden() -> None:
    described = demo_provider(authorize_params={"access_type": "offline", "prompt": "consent"})
    client = from_provider(
        OAuth2Client,
        described,
        client_id="id",
        redirect_uri=REDIRECT,
        authorize_params={"hd": "example.com"},
        prompt="select_account",  # constructor metadata beats the provider's default
    )
    with client:
        url, _ = client.create_authorization_url()
        query = parse_qs(urlsplit(url).query)
        assert query["access_type"] == ["offline"]
        assert query["hd"] == ["example.com"]
        assert query["prompt"] == ["select_account"]
        assert query["scope"] == ["openid email"]
        assert url.startswith("https://provider.test/authorize?")
        url, _ = client.create_authorization_url(access_type="online")
        assert parse_qs(urlsplit(url).query)["access_type"] == ["online"]
    with pytest.raises(ValueError, match="'state' is set by the client"):
        from_provider(OAuth2Client, described, client_id="id", authorize_params={"state": "x"})


def test_preset_client_auth(flavor: Flavor, provider: FakeProvider) -> None:
    provider.token_responses.append(FakeProvider.token(access_token="at"))
    built: list[Provider] = []

    def signed(client: Any, method: str, uri: str, headers: dict[str, str], body: str) -> Any:
        return uri, {**headers, "X-Demo-Auth": f"{client.client_id}:{uri}"}, body

    def factory(bound: Provider) -> Any:
        built.append(bound)
        return ("demo_signed", signed)

    described = Provider(
        name="preset",
        parameters={"region": "main"},
        token_endpoint=provider.base_url + "/token?region={region}",
        token_endpoint_auth_method="demo_signed",
        client_auth=factory,
    )

    async def scenario() -> None:
        async with opened(
            from_provider(
                flavor.oauth2_client,
                described,
                region="r1",
                client_id="id",
                client_secret="s",
                transport=provider.transport(),
            )
        ) as client:
            await aw(client.fetch_token(grant_type="client_credentials"))

    flavor.run(scenario)
    [bound] = built
    assert bound.token_endpoint == "https://provider.test/token?region=r1"
    [sent] = provider.token_requests()
    assert sent.headers["x-demo-auth"] == "id:https://provider.test/token?region=r1"
    assert "authorization" not in sent.headers
    # a caller who picks another method does not get the preset (nor its key checks)
    client = from_provider(
        OAuth2Client,
        described,
        client_id="id",
        client_secret="s",
        token_endpoint_auth_method="client_secret_post",
    )
    client.close()
    assert len(built) == 1


def test_preset_client_secret_jwt(provider: FakeProvider) -> None:
    from authwire import ClientSecretJWT

    provider.token_responses.append(FakeProvider.token(access_token="at"))
    described = demo_provider(
        "jwt-preset",
        token_endpoint=provider.token_endpoint,
        token_endpoint_auth_method="client_secret_jwt",
        client_auth=lambda bound: ClientSecretJWT(bound.token_endpoint),
    )
    with from_provider(
        OAuth2Client,
        described,
        client_id="id",
        client_secret="a-shared-secret-of-32-bytes-or-more!!",
        transport=provider.transport(),
    ) as client:
        client.fetch_token(grant_type="client_credentials")
    [sent] = provider.token_requests()
    assert sent.form["client_assertion_type"].endswith(":jwt-bearer")
    mismatched = demo_provider(
        "jwt-mismatch",
        token_endpoint_auth_method="private_key_jwt",
        client_auth=lambda bound: ClientSecretJWT(bound.token_endpoint),
    )
    with pytest.raises(ValueError, match="built a 'client_secret_jwt' method"):
        from_provider(OAuth2Client, mismatched, client_id="id", client_secret="s" * 32)


def test_from_provider_by_registered_name(demo_plugin: DemoPlugin, flavor: Flavor) -> None:
    client = from_provider(flavor.oauth2_client, "demo", client_id="id", client_secret="s")
    assert isinstance(client, flavor.oauth2_client)
    assert client.metadata["token_endpoint"] == "https://provider.test/token"
    assert client.metadata["issuer"] == "https://provider.test"
    assert client.scope == "openid email"
    with pytest.raises(UnknownProviderError, match=r"installed: .*demo"):
        from_provider(flavor.oauth2_client, "nope", client_id="id")


def test_from_provider_configures_oauth2_auth(provider: FakeProvider) -> None:
    provider.token_responses.append(FakeProvider.token(access_token="at", expires_in=3600))
    described = demo_provider(token_endpoint=provider.token_endpoint)
    auth = from_provider(
        OAuth2Auth, described, client_id="id", client_secret="s", grant_type="client_credentials"
    )
    with httpx.Client(auth=auth, transport=provider.transport()) as client:
        response = client.get("https://api.test/me")
    assert response.json()["authorization"] == "Bearer at"


def test_from_provider_assertion_client(provider: FakeProvider) -> None:
    from cryptography.hazmat.primitives import serialization as ser
    from cryptography.hazmat.primitives.asymmetric import ec

    from authwire import AssertionClient

    key = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        ser.Encoding.PEM, ser.PrivateFormat.PKCS8, ser.NoEncryption()
    )
    seen: list[str] = []

    def hook(response: httpx.Response) -> httpx.Response:
        seen.append("response")
        return response

    provider.token_responses.append(FakeProvider.token(access_token="at", expires_in=3600))
    described = demo_provider(
        token_endpoint=provider.token_endpoint,
        compliance_hooks={"access_token_response": [hook]},
    )
    with from_provider(
        AssertionClient,
        described,
        issuer="svc@example.test",
        subject=None,
        key=key,
        transport=provider.transport(),
    ) as client:
        client.get("https://api.test/me")
    assert seen == ["response"]
    [sent] = provider.token_requests()
    assert "scope" not in sent.form  # user sign-in scopes are not a service account's
    with pytest.raises(TypeError, match="authorize_params= applies to OAuth 2 clients"):
        from_provider(AssertionClient, described, authorize_params={"a": "b"})


# -- OAuth 1 ---------------------------------------------------------------------------------


def oauth1_provider(checks: Any = ()) -> Provider:
    return Provider(
        name="oauth1-demo",
        oauth1=OAuth1Endpoints(
            request_token_url="https://api.oauth1.test/oauth/request_token",
            authorization_url="https://api.oauth1.test/oauth/authorize",
            access_token_url="https://api.oauth1.test/oauth/access_token",
            signature_method="HMAC-SHA256",
            request_token_checks=checks,
        ),
    )


def callback_confirmed(form: Any) -> None:
    if form.get("oauth_callback_confirmed") != "true":
        raise OAuthError("callback_not_confirmed", "the server did not confirm oauth_callback")


@pytest.mark.parametrize("confirmed", ["true", "false"])
def test_from_provider_oauth1_client(flavor: Flavor, confirmed: str) -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(
            200,
            text=f"oauth_token=rt&oauth_token_secret=rts&oauth_callback_confirmed={confirmed}",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

    described = oauth1_provider([callback_confirmed])
    cls = flavor.pick(OAuth1Client, AsyncOAuth1Client)

    async def scenario() -> None:
        client = from_provider(
            cls,
            described,
            client_id="ck",
            client_secret="cs",
            redirect_uri=REDIRECT,
            transport=httpx.MockTransport(answer),
        )
        assert isinstance(client, cls)
        async with opened(client):
            assert described.oauth1 is not None
            token = await aw(client.fetch_request_token(described.oauth1.request_token_url))
            assert token["oauth_token"] == "rt"
            url = client.create_authorization_url(described.oauth1.authorization_url)
            assert url.startswith("https://api.oauth1.test/oauth/authorize?oauth_token=rt")

    if confirmed == "true":
        flavor.run(scenario)
    else:
        with pytest.raises(OAuthError, match="callback_not_confirmed"):
            flavor.run(scenario)
    assert 'oauth_signature_method="HMAC-SHA256"' in sent[0].headers["authorization"]


def test_oauth1_client_from_an_oauth2_only_provider_is_refused() -> None:
    with pytest.raises(ValueError, match=r"'demo' has no OAuth 1\.0a endpoints"):
        from_provider(OAuth1Client, demo_provider(), client_id="ck")
    with pytest.raises(ValueError, match=r"no OAuth 1\.0a endpoints"):
        demo_provider().oauth1_kwargs()
    assert oauth1_provider().oauth1_kwargs({"client_id": "ck"}) == {
        "signature_method": "HMAC-SHA256",
        "request_token_url": "https://api.oauth1.test/oauth/request_token",
        "authorization_url": "https://api.oauth1.test/oauth/authorize",
        "access_token_url": "https://api.oauth1.test/oauth/access_token",
        "client_id": "ck",
    }


def test_oauth1_steps_need_no_url_on_a_client_from_a_provider() -> None:
    with from_provider(OAuth1Client, oauth1_provider(), client_id="ck", client_secret="cs") as c:
        url = c.create_authorization_url(request_token="rt")
        assert url == "https://api.oauth1.test/oauth/authorize?oauth_token=rt"
    with OAuth1Client("ck", "cs") as bare, pytest.raises(ValueError, match="authorization_url"):
        bare.create_authorization_url(request_token="rt")


def test_from_provider_refuses_other_classes() -> None:
    with pytest.raises(TypeError, match="does not know how to configure Client"):
        from_provider(httpx.Client, demo_provider())
