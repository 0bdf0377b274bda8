"""The benchmarks still run: every measure once, with tiny counts, in a child process.

No timing is asserted (a smoke run's numbers mean nothing); what is checked is that each
script runs to the end, that the equivalence checks it makes before timing passed, and that
the table carries a row, and a met/not-met verdict, for every target.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEASURES = ("(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)")


def test_every_benchmark_runs_and_checks_equivalence(tmp_path: Path) -> None:
    out_file = tmp_path / "results.json"
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--smoke", "--json", str(out_file)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "| measure | implementation |" in run.stdout
    assert "targets:" in run.stdout

    results = json.loads(out_file.read_text())
    rows = results["rows"]
    for measure in MEASURES:
        assert any(row["group"].startswith(measure) for row in rows), measure
        assert any(check.startswith(measure) for check in results["checks"]), measure
    targeted = [row for row in rows if row["target"]]
    assert targeted
    assert all(row["met"] in (True, False) for row in targeted)
    assert all(row["value"] is not None for row in rows)
