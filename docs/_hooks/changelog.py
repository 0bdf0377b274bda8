"""mkdocs hook: the Changelog page shows every distribution's CHANGELOG.md, read at build time.

The CHANGELOG.md files next to each distribution (``packages/*``, ``providers/*``) stay the
one source; a new provider's changelog appears without touching the page. Each file's
headings move one level down, so that its title is a section of the page. The page marks
where they go with ``<!-- changelogs -->``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

MARKER = "<!-- changelogs -->"
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


def _demoted(text: str) -> str:
    lines = []
    fenced = False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and line.startswith("#"):
            line = "#" + line
        lines.append(line)
    return "\n".join(lines)


def changelogs(root: Path) -> list[Path]:
    """The core's changelog first, then each provider's, by name."""
    return sorted(root.glob("packages/*/CHANGELOG.md")) + sorted(
        root.glob("providers/*/CHANGELOG.md")
    )


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any, **kwargs: Any) -> str:
    if MARKER not in markdown:
        return markdown
    root = Path(config["config_file_path"]).parent
    parts = [_demoted(path.read_text(encoding="utf-8")) for path in changelogs(root)]
    return markdown.replace(MARKER, "\n\n".join(parts))
