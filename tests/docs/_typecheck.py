"""Type-checking the documentation's examples with mypy, marked blocks included.

A marked block is never run, so compiling it would only catch syntax errors: a renamed
method or a wrong argument type would stay in the docs. mypy catches those. Each page
becomes one module, its blocks at their own line numbers (so an error reads
``docs/guides/oauth2.md:42: error: ...``), preceded by a star import of the reader's names
(:func:`tests.docs._reader.stub_module`); blocks build on earlier ones as they do at run
time. Each page's blocks form the body of one ``async def``, since pages show ``await`` and
``async with`` at top level, as the reader's own coroutine would hold them.

mypy runs in its default mode, plus:

* ``--check-untyped-defs``: examples rarely annotate their callbacks, whose bodies should
  still be checked;
* ``--allow-redefinition``: a page may give a name a new meaning further down (``client``
  becomes the OAuth 1 client of the next section);
* ``union-attr`` off: an example reads ``client.authorization_request`` right after
  ``create_authorization_url()`` without narrowing away the ``None`` the type allows;
* ``import-untyped`` off: a page about a web framework imports a library that ships no
  types, which is no fault of the example.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from mypy import api

from ._pages import ROOT, Block
from ._reader import stub_module

__all__ = ["type_check"]

STUB = "_docs_reader"
CACHE = ROOT / ".mypy_cache" / "docs-examples"


def _module_name(page: Path) -> str:
    relative = page.relative_to(ROOT).with_suffix("")
    return "page_" + re.sub(r"\W", "_", str(relative))


def page_module(blocks: list[Block]) -> str:
    """One module holding the page's blocks, at their own line numbers, in one coroutine.

    The coroutine makes ``await`` and ``async with`` legal where a page writes them at top
    level, and keeps the blocks in one scope, as they share one namespace when they run.
    """
    lines = [f"from {STUB} import *  # the reader's names", "async def page() -> None:"]
    for block in blocks:
        if block.line - 1 < len(lines):
            raise ValueError(f"{block.where}: too close to the previous block or the top")
        lines += [""] * (block.line - 1 - len(lines))
        lines += [f"    {line}" if line else "" for line in block.code.splitlines()]
    return "\n".join(lines) + "\n"


def type_check(pages: Mapping[Path, list[Block]], where: Path) -> list[str]:
    """mypy's errors in the pages' examples, each naming the page and its line."""
    (where / f"{STUB}.py").write_text(stub_module(), encoding="utf-8")
    config = where / "mypy.ini"
    config.write_text("[mypy]\n", encoding="utf-8")
    files: dict[str, Path] = {}
    for page, blocks in pages.items():
        name = _module_name(page)
        (where / f"{name}.py").write_text(page_module(blocks), encoding="utf-8")
        files[f"{name}.py"] = page
    stdout, stderr, status = api.run(
        [
            "--config-file",
            str(config),
            "--python-version",
            "3.11",
            "--follow-imports",
            "silent",
            "--check-untyped-defs",
            "--allow-redefinition",
            "--disable-error-code",
            "union-attr",
            "--disable-error-code",
            "import-untyped",
            "--cache-dir",
            str(CACHE),
            "--no-error-summary",
            "--hide-error-context",
            "--no-pretty",
            *(str(where / name) for name in files),
        ]
    )
    if status not in (0, 1):
        return [f"mypy did not run: {stderr or stdout}"]
    errors = []
    for line in stdout.splitlines():
        path, _, rest = line.partition(":")
        source = files.get(Path(path).name)
        errors.append(f"{source.relative_to(ROOT)}:{rest}" if source else line)
    return errors
