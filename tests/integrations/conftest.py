"""Fixtures of the integration tests: the interactive provider, Chromium, screenshots.

A browser test asks for ``new_page`` (a fresh browser context each time, so no cookie leaks
between tests); when the test fails, every page it opened is saved as a screenshot under
``tests/.artifacts/`` and the paths are added to the report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.integrations import _browser
from tests.integrations._provider import browser_setup
from tests.interop._oidc import OidcProvider, ProviderError, run_provider

_PAGES = pytest.StashKey[list[tuple[str, Any]]]()


@pytest.fixture(scope="session")
def browser_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProvider]:
    """oidc-provider on 127.0.0.1 with its HTML login and consent pages on."""
    workdir = tmp_path_factory.mktemp("browser_oidc_provider")
    try:
        with run_provider(browser_setup(), workdir) as provider:
            yield provider
    except ProviderError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Debian's headless Chromium under Playwright (fails when missing; see _browser).

    Module-scoped: Playwright's sync API keeps an asyncio event loop running on the main
    thread while it lives, and every later test that runs its own loop (``asyncio.run``,
    ``anyio.run``) would fail; it stops once the browser tests are done.
    """
    if _browser.browser_disabled():
        pytest.skip(
            f"{_browser.NO_BROWSER_ENV}=1 is set: the real-browser tests are NOT run "
            "(unset it, and run scripts/ensure_system_packages.sh, to run them)"
        )
    executable = _browser.chromium_path()
    if executable is None:
        pytest.fail(
            "Chromium is missing: run scripts/ensure_system_packages.sh (or set "
            f"{_browser.CHROMIUM_ENV}); set {_browser.NO_BROWSER_ENV}=1 to skip these tests",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=list(_browser.CHROMIUM_ARGS),
            timeout=_browser.LAUNCH_TIMEOUT_MS,
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_page(chromium: Any, request: pytest.FixtureRequest) -> Iterator[Callable[..., Any]]:
    """``new_page(label)``: a page in a fresh context (or ``context=`` to share cookies)."""
    contexts: list[Any] = []
    pages = request.node.stash.setdefault(_PAGES, [])

    def make(label: str = "page", context: Any = None) -> Any:
        if context is None:
            context = chromium.new_context()
            context.set_default_timeout(_browser.TIMEOUT_MS)
            context.set_default_navigation_timeout(_browser.TIMEOUT_MS)
            contexts.append(context)
        page = context.new_page()
        pages.append((label, page))
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    saved = []
    for label, page in item.stash.get(_PAGES, []):
        path = _browser.screenshot_path(item.nodeid, label)
        try:
            page.screenshot(path=str(path), full_page=True, timeout=_browser.TIMEOUT_MS)
        except Exception as error:  # a closed page, a crashed browser: say so, go on
            saved.append(f"{label}: no screenshot ({type(error).__name__}: {error})")
        else:
            saved.append(f"{label}: {path} (at {page.url})")
    if saved:
        text = "\n".join(saved)
        report.sections.append(("browser screenshots", text))
        print(f"\nbrowser screenshots of {item.nodeid}:\n{text}")
