"""The Python examples of the documentation: which pages hold them, and the blocks of a page.

A page is ``README.md``, a Markdown file under ``docs/``, or the README of a distribution
(``packages/*/README.md``, ``providers/*/README.md``: their PyPI descriptions). Its Python
blocks are the fenced blocks whose info string starts with ``python`` (or ``py``), at any
indentation (inside an admonition or a list item too).

A block that cannot run in the test suite carries a mark, an HTML comment on the line just
before its opening fence (Markdown renders nothing for it)::

    <!-- example: skip reason="needs a person at a browser" -->

The reason must say which of the two things that excuse a block it needs: a person (at a
browser, or typing what a browser showed them), or a third-party host the fake internet of
the tests does not play. A mark anywhere else, a mark without a reason, or an unknown word in
a mark is an error, so a typo cannot quietly skip a block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "ALLOWED_REASONS",
    "Block",
    "PageError",
    "doc_pages",
    "read_blocks",
]

ROOT = Path(__file__).resolve().parents[2]

#: How a skip reason must begin: the only two things that excuse a block from running.
ALLOWED_REASONS = ("needs a person", "needs a third-party host")

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_MARK = re.compile(r"^\s*<!--\s*example:(?P<body>.*?)-->\s*$")
_ANY_MARK = re.compile(r"<!--\s*example\b")
_MARK_BODY = re.compile(r'^\s*skip\s+reason="(?P<reason>[^"]+)"\s*$')
_PYTHON = frozenset({"python", "py", "python3"})


class PageError(ValueError):
    """A page the collector cannot read as written: a bad mark, an unclosed fence."""


@dataclass(frozen=True)
class Block:
    """One Python block: where it is, its code (dedented), and why it does not run, if so."""

    page: Path
    line: int  # 1-based line of the first code line (the one after the opening fence)
    code: str
    skip_reason: str | None = None

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"

    def padded(self) -> str:
        """The code preceded by blank lines, so that line numbers are the page's own."""
        return "\n" * (self.line - 1) + self.code


def doc_pages(root: Path = ROOT) -> list[Path]:
    """Every page whose Python blocks the suite runs, in a stable order."""
    pages = [root / "README.md"]
    pages += sorted((root / "docs").rglob("*.md"))
    pages += sorted((root / "packages").glob("*/README.md"))
    pages += sorted((root / "providers").glob("*/README.md"))
    return [page for page in pages if page.is_file()]


def _language(info: str) -> str:
    # "python", "python title="x.py"", "{.python}": the first word, braces and dots dropped
    words = info.strip().strip("{}").split()
    return words[0].lstrip(".").lower() if words else ""


def _dedent(lines: list[str], indent: str, page: Path, line: int) -> str:
    out = []
    for offset, text in enumerate(lines):
        if not text.strip():
            out.append("")
        elif text.startswith(indent):
            out.append(text[len(indent) :])
        else:
            raise PageError(
                f"{page}:{line + offset}: a line of the block is indented less than its fence"
            )
    return "\n".join(out) + "\n"


def _mark(text: str, page: Path, number: int) -> str:
    match = _MARK.match(text)
    body = _MARK_BODY.match(match.group("body")) if match else None
    if body is None:
        raise PageError(
            f'{page}:{number}: an example mark reads <!-- example: skip reason="..." -->, '
            f"not {text.strip()!r}"
        )
    reason = body.group("reason").strip()
    if not reason.startswith(ALLOWED_REASONS):
        raise PageError(
            f"{page}:{number}: a block may be skipped only when it needs a person or a "
            f"third-party host; the reason must start with one of {ALLOWED_REASONS}, "
            f"not {reason!r}"
        )
    return reason


def read_blocks(page: Path) -> list[Block]:
    """The Python blocks of ``page``, in order, each with its skip reason if it is marked."""
    lines = page.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    pending_mark: tuple[int, str] | None = None
    index = 0
    while index < len(lines):
        text = lines[index]
        number = index + 1
        if _ANY_MARK.search(text):
            if pending_mark is not None:
                raise PageError(f"{page}:{pending_mark[0]}: an example mark before no block")
            pending_mark = (number, _mark(text, page, number))
            index += 1
            continue
        fence = _FENCE.match(text)
        if fence is None:
            if pending_mark is not None and text.strip():
                raise PageError(f"{page}:{pending_mark[0]}: an example mark before no block")
            index += 1
            continue
        indent, marker = fence.group("indent"), fence.group("fence")
        closing = re.compile(rf"^{re.escape(indent)}{marker[0]}{{{len(marker)},}}\s*$")
        end = index + 1
        while end < len(lines) and not closing.match(lines[end]):
            end += 1
        if end == len(lines):
            raise PageError(f"{page}:{number}: a code fence that is never closed")
        is_python = _language(fence.group("info")) in _PYTHON
        if pending_mark is not None and not is_python:
            raise PageError(f"{page}:{pending_mark[0]}: an example mark before a non-Python block")
        if is_python:
            code = _dedent(lines[index + 1 : end], indent, page, number + 1)
            reason = pending_mark[1] if pending_mark is not None else None
            blocks.append(Block(page, number + 1, code, reason))
        pending_mark = None
        index = end + 1
    if pending_mark is not None:
        raise PageError(f"{page}:{pending_mark[0]}: an example mark before no block")
    return blocks
