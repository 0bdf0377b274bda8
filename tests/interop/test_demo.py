"""The README's demo (``python -m demo``) runs the whole tour and prints no token."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from demo.tour import STEP_TITLES

pytestmark = pytest.mark.interop

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120.0
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{20,}\.")
LONG_TOKEN = re.compile(r"[A-Za-z0-9_-]{30,}")  # an opaque token or secret, printed whole


def test_the_demo_tours_every_step_and_prints_no_secret() -> None:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [sys.executable, "-m", "demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
    )
    out = done.stdout.decode("utf-8")
    err = done.stderr.decode("utf-8", errors="replace")
    assert done.returncode == 0, f"stdout:\n{out}\nstderr:\n{err}"
    for number, title in enumerate(STEP_TITLES, start=1):
        assert f"[{number}/{len(STEP_TITLES)}] {title}" in out
    assert f"{len(STEP_TITLES)} of {len(STEP_TITLES)} steps succeeded." in out
    assert out.count("✔") >= len(STEP_TITLES)
    assert JWT.findall(out + err) == []
    assert LONG_TOKEN.findall(out + err) == []
