"""The "Writing a provider plugin" guide's test module runs as written, and passes.

The guide teaches the emulator kit with a complete test module; this test copies that code
block out of the page into a fresh directory and runs pytest on it (warnings as errors), so
the example can never go stale.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guides" / "writing-a-provider.md"
MARKER = "# tests/test_myprov.py"


def guide_example() -> str:
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    [example] = [block for block in blocks if block.startswith(MARKER)]
    return example


def test_the_guide_example_module_passes(tmp_path: Path) -> None:
    (tmp_path / "test_myprov.py").write_text(guide_example(), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-W", "error", "-p", "no:cacheprovider"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    # every test ran, on every flavor of the sign-in test
    summary = result.stdout.strip().splitlines()[-1]
    passed = int(re.search(r"(\d+) passed", summary).group(1))  # type: ignore[union-attr]
    assert passed >= 4, summary
    assert "skipped" not in summary
