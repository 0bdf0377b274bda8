"""Fresh virtualenvs for install tests: uv's venv and pip interfaces, and a checked run."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


def uv() -> list[str]:
    """The uv command: on PATH, else the one installed for this interpreter."""
    found = shutil.which("uv")
    return [found] if found else [sys.executable, "-m", "uv"]


def run(*args: str) -> str:
    """Run a command (300 s at most); its standard output, or a failure showing both streams."""
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def fresh_venv(where: Path, *requirements: str) -> str:
    """A new virtualenv in ``where`` with ``requirements`` installed; its python."""
    venv = where / "venv"
    python = str(venv / "bin" / "python")
    run(*uv(), "venv", "--quiet", "--python", sys.executable, str(venv))
    run(*uv(), "pip", "install", "--quiet", "--python", python, *requirements)
    return python
