"""Headless Chromium (Debian's ``chromium`` package) driven by Playwright for Python.

Playwright's own browser download is impossible here, so the system browser is launched
through ``executable_path`` (``AUTHWIRE_CHROMIUM`` overrides ``/usr/bin/chromium``). Missing
Chromium fails the browser tests (``scripts/ensure_system_packages.sh`` installs it); only an
explicit ``AUTHWIRE_NO_BROWSER=1`` turns that into a skip, with the reason printed.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

CHROMIUM_ENV = "AUTHWIRE_CHROMIUM"
NO_BROWSER_ENV = "AUTHWIRE_NO_BROWSER"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
#: Every Playwright wait (navigation, selector, click) gives up after this many milliseconds.
TIMEOUT_MS = 15_000
LAUNCH_TIMEOUT_MS = 60_000
#: Flags for a quiet, reproducible headless run: no GPU, no QUIC, no first-run or
#: background traffic, no sync, no component updates. ``--no-sandbox`` because the tests
#: run as root. Playwright gives each launch a fresh temporary user-data-dir.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
ARTIFACTS = Path(__file__).resolve().parents[1] / ".artifacts"


def chromium_path() -> str | None:
    """The Chromium executable to drive, or ``None`` when there is none."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        return configured if Path(configured).is_file() else None
    if Path(DEFAULT_CHROMIUM).is_file():
        return DEFAULT_CHROMIUM
    return shutil.which("chromium")


def browser_disabled() -> bool:
    return os.environ.get(NO_BROWSER_ENV) == "1"


def screenshot_path(test_id: str, label: str) -> Path:
    """Where a failing test's page is saved: ``tests/.artifacts/<test>-<page>.png``."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{test_id}-{label}").strip("_")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / f"{safe[:180]}.png"
