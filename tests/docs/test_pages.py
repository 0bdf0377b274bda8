"""The collector reads pages as the docs write them, and refuses marks that could hide a block."""

from __future__ import annotations

from pathlib import Path

import pytest

from ._pages import PageError, read_blocks

SKIP = '<!-- example: skip reason="needs a person at a browser" -->'


def page(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "page.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_blocks_in_order_with_their_lines_and_indentation(tmp_path: Path) -> None:
    path = page(
        tmp_path,
        "# Title\n\n```python\na = 1\n```\n\n```bash\nls\n```\n\n"
        '!!! note\n    ```python title="x.py"\n    b = a\n\n    c = b\n    ```\n',
    )
    first, second = read_blocks(path)
    assert (first.line, first.code, first.skip_reason) == (4, "a = 1\n", None)
    assert (second.line, second.code) == (13, "b = a\n\nc = b\n")
    # padded code keeps the page's line numbers for tracebacks and mypy
    assert second.padded().splitlines()[12] == "b = a"


def test_a_mark_skips_the_next_block_only(tmp_path: Path) -> None:
    path = page(tmp_path, f"{SKIP}\n```python\nx = input()\n```\n\n```py\ny = 2\n```\n")
    marked, plain = read_blocks(path)
    assert marked.skip_reason == "needs a person at a browser"
    assert plain.skip_reason is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<!-- example: skip -->\n```python\nx = 1\n```\n", "example mark reads"),
        ('<!-- example: skip reason="slow" -->\n```python\nx = 1\n```\n', "needs a person"),
        ('<!-- example: skp reason="needs a person" -->\n```python\nx = 1\n```\n', "mark reads"),
        (f"{SKIP}\n\nSome prose.\n\n```python\nx = 1\n```\n", "before no block"),
        (f"{SKIP}\n```bash\nls\n```\n", "non-Python block"),
        (f"text\n{SKIP}\n", "before no block"),
        ("```python\nx = 1\n", "never closed"),
        ("- item\n    ```python\n  x = 1\n    ```\n", "indented less"),
    ],
)
def test_bad_pages_are_refused(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(PageError, match=message):
        read_blocks(page(tmp_path, text))


def test_a_longer_fence_holds_a_shorter_one(tmp_path: Path) -> None:
    path = page(tmp_path, '````python\ns = """\n```\n"""\n````\n')
    [block] = read_blocks(path)
    assert block.code == 's = """\n```\n"""\n'
