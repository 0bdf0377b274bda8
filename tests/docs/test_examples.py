"""Every Python block of the README, the docs and the distributions' READMEs runs as written.

Each page is one test: its blocks run in order in one namespace, against the fake internet
of ``tests/docs`` (authorization servers for id.example.com, Google, GitHub and X, OAuth 1.0a
providers, APIs) with the reader's names and files of :mod:`tests.docs._reader`. A block
marked ``<!-- example: skip reason="..." -->`` is compiled, not run; every block, marked or
not, is type-checked by ``test_examples_type_check``. New pages are found by themselves.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from joserfc.jwk import RSAKey

from authwire.protocol import rfc5849

from ._fake_web import Browser, install
from ._pages import ROOT, Block, PageError, doc_pages, read_blocks
from ._reader import PageNamespace
from ._run import PageRun, build_web
from ._typecheck import type_check
from .conftest import Tally


def _blocks_by_page() -> dict[Path, list[Block] | PageError]:
    found: dict[Path, list[Block] | PageError] = {}
    for page in doc_pages():
        try:
            found[page] = read_blocks(page)
        except PageError as error:  # reported by the page's test, not at collection
            found[page] = error
    return found


PAGES = _blocks_by_page()
PAGES_WITH_EXAMPLES = [page for page, blocks in PAGES.items() if blocks]


def _blocks(page: Path) -> list[Block]:
    blocks = PAGES[page]
    if isinstance(blocks, PageError):
        raise blocks
    return blocks


def test_pages_are_found_with_their_examples() -> None:
    names = {str(page.relative_to(ROOT)) for page in PAGES}
    assert {"README.md", "docs/quickstart.md", "packages/authwire/README.md"} <= names
    assert any(name.startswith("providers/") for name in names)
    readable = [blocks for blocks in PAGES.values() if isinstance(blocks, list)]
    assert sum(len(blocks) for blocks in readable) >= 80


#: Environment variables the pages read, as a reader would have set them.
READER_ENVIRONMENT = {
    "OP_CLIENT_ID": "op-client-id",
    "OP_CLIENT_SECRET": "op-client-secret",
    "SESSION_SECRET": "session-secret-for-the-examples-0123456789",
}


@pytest.mark.parametrize(
    "page", PAGES_WITH_EXAMPLES, ids=[str(p.relative_to(ROOT)) for p in PAGES_WITH_EXAMPLES]
)
def test_page_examples_run(
    page: Path,
    monkeypatch: pytest.MonkeyPatch,
    reader_dir: Path,
    server_keys: dict[str, RSAKey],
    tally: Tally,
) -> None:
    blocks = _blocks(page)
    # a page may add to process-wide registries (a signature method): undone after it
    methods = rfc5849._METHODS
    monkeypatch.setattr(rfc5849, "_METHODS", dict(methods))
    web = build_web(server_keys)
    install(monkeypatch, web)
    monkeypatch.chdir(reader_dir)
    # Django's settings are process-wide and a page configures its own: start it unconfigured
    # (the integration tests configure theirs at collection), restored after the page
    import django.conf
    from django.utils.functional import empty

    django_settings = django.conf.settings
    saved_django = django_settings.__dict__.get("_wrapped", empty)
    django_settings._wrapped = empty
    # what a reader keeps in the environment (the integration pages' client credentials)
    for name, value in READER_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    run = PageRun(PageNamespace(Browser(web)))
    # a page may configure logging (basicConfig, levels): undone after it
    loggers = [logging.getLogger(), logging.getLogger("authwire"), logging.getLogger("httpx")]
    saved = [(logger, logger.level, logger.handlers[:]) for logger in loggers]
    try:
        run.run(blocks)
    finally:
        django_settings._wrapped = saved_django
        for logger, level, handlers in saved:
            logger.setLevel(level)
            logger.handlers[:] = handlers
        tally.pages.add(page)
        tally.ran += run.ran
        tally.marked += run.marked
    assert len(run.ran) + len(run.marked) == len(blocks)


def test_examples_type_check(tmp_path: Path, tally: Tally) -> None:
    # a page that cannot be read fails its own run test; the others are still checked
    pages = {page: blocks for page, blocks in PAGES.items() if isinstance(blocks, list) and blocks}
    errors = type_check(pages, tmp_path)
    tally.type_checked = sum(len(blocks) for blocks in pages.values())
    assert not errors, "mypy finds errors in the documentation examples:\n" + "\n".join(errors)
