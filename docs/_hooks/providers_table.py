"""mkdocs hook: the table of ``docs/providers/index.md``, generated from the installed plugins.

The page holds a placeholder; at build time it is replaced by one row per registered
provider, read from :func:`authwire.plugins.catalog.catalog` — the plugins' own metadata —
so the table cannot drift from what ``pip install "authwire[...]"`` gives. A plugin that
fails to load is a build warning (an error under ``--strict``), never a silently missing row.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from authwire.plugins.catalog import CatalogEntry, catalog, flow_label, protocol_label

__all__ = ["PAGE", "PLACEHOLDER", "on_page_markdown", "render_table"]

#: The page the table goes on, and the marker it replaces.
PAGE = "providers/index.md"
PLACEHOLDER = "<!-- providers-table -->"

log = logging.getLogger("mkdocs.hooks.providers_table")


def _text(value: str) -> str:
    """``value`` safe inside a Markdown table cell and a link text."""
    for char in ("\\", "|", "[", "]", "<", ">", "*", "_", "`"):
        value = value.replace(char, "\\" + char)
    return value


def _row(entry: CatalogEntry, pages: set[str]) -> str:
    title = _text(entry.title)
    if f"providers/{entry.name}.md" in pages:
        title = f"[{title}]({entry.name}.md)"
    install = f'`pip install "{entry.install}"`' if entry.install else "registered at run time"
    protocols = ", ".join(protocol_label(p) for p in entry.protocols) or "—"
    flows = ", ".join(_text(flow_label(f)) for f in entry.flows) or "—"
    quirks = "<br>".join(f"[{_text(q.summary)}]({q.url})" for q in entry.quirks) or "—"
    cells = (title, f"`{entry.name}`", install, protocols, flows, quirks)
    return "| " + " | ".join(cells) + " |"


def render_table(entries: Sequence[CatalogEntry], pages: Iterable[str] = ()) -> str:
    """The Markdown table of ``entries``; a title links to ``providers/<name>.md`` when
    that page is among ``pages`` (source paths relative to the docs directory)."""
    known = set(pages)
    lines = [
        "| Provider | Name | Install | Protocols | Flows | Quirks handled |",
        "| --- | --- | --- | --- | --- | --- |",
        *(_row(entry, known) for entry in entries),
    ]
    return "\n".join(lines)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any, **_: Any) -> str:
    """Fill the placeholder of :data:`PAGE` (mkdocs event ``on_page_markdown``)."""
    if page.file.src_uri != PAGE:
        return markdown
    if PLACEHOLDER not in markdown:
        log.warning("%s has no %s placeholder: the provider table is missing", PAGE, PLACEHOLDER)
        return markdown
    from authwire import providers

    for plugin, problem in providers.errors().items():
        log.warning(
            "provider plugin %r failed to load, so it is not in the table: %s", plugin, problem
        )
    pages = {file.src_uri for file in files}
    return markdown.replace(PLACEHOLDER, render_table(catalog(), pages))
