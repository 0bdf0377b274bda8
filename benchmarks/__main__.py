"""``uv run python -m benchmarks``: every measure, the table, and each target met or not.

Options: ``--only request,oauth1,...`` runs some measures; ``--smoke`` runs every code path
with tiny counts (what the test suite does: its timings mean nothing); ``--json FILE`` also
writes the results as JSON; ``--strict`` exits 1 when a target is not met. An equivalence
check that fails always exits non-zero: a benchmark of implementations that disagree would
compare nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ._harness import Config, Results

MEASURES = ("request", "oauth1", "assertion", "burst", "import", "memory", "dpop", "stores")


def _runner(name: str) -> Callable[[Config, Results], None]:
    # each measure is imported only when it runs
    if name == "request":
        from . import bench_request

        return bench_request.run
    if name == "oauth1":
        from . import bench_oauth1

        return bench_oauth1.run
    if name == "assertion":
        from . import bench_assertion

        return bench_assertion.run
    if name == "burst":
        from . import bench_burst

        return bench_burst.run
    if name == "import":
        from . import bench_import

        return bench_import.run
    if name == "memory":
        from . import bench_memory

        return bench_memory.run
    if name == "dpop":
        from . import bench_dpop

        return bench_dpop.run
    if name == "stores":
        from . import bench_stores

        return bench_stores.run
    raise ValueError(name)


def _machine() -> str:
    try:
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "n/a"
    return (
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
        f"load average at start {load}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--only", default=",".join(MEASURES), help="comma-separated measures")
    parser.add_argument("--smoke", action="store_true", help="tiny counts; timings meaningless")
    parser.add_argument("--rounds", type=int, help="rounds per comparison (default 15)")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(MEASURES))
    if unknown:
        parser.error(f"unknown measures: {', '.join(unknown)} (known: {', '.join(MEASURES)})")
    config = Config.smoke_config() if args.smoke else Config()
    if args.rounds:
        config = replace(config, rounds=max(1, min(args.rounds, 200)))

    from ._peers import versions

    print(
        "# authwire benchmarks"
        + (" (SMOKE RUN: tiny counts, timings meaningless)" if args.smoke else "")
    )
    print(_machine())
    print("versions: " + ", ".join(f"{k} {v}" for k, v in versions().items()))
    print(flush=True)
    results = Results()
    started = time.perf_counter()
    for name in MEASURES:
        if name not in chosen:
            continue
        t0 = time.perf_counter()
        print(f"... {name}", file=sys.stderr, flush=True)
        _runner(name)(config, results)
        print(f"    {name}: {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    print(results.table())
    print()
    print("equivalence checks passed:")
    for check in results.checks:
        print(f"  - {check}")
    if results.notes:
        print("notes:")
        for note in results.notes:
            print(f"  - {note}")
    print()
    print(results.summary())
    print(f"\ntotal: {time.perf_counter() - started:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(results.as_json(), indent=2) + "\n")
    missed = any(row.met is False for row in results.rows)
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
