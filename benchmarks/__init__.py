"""authwire's benchmarks, side by side with the peers: ``uv run python -m benchmarks``.

See ``benchmarks/README.md`` and ``docs/performance.md``. Nothing here is imported by the
library or its tests, except the smoke test that runs the scripts with tiny counts.
"""
