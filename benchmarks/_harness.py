"""Rounds, interleaving, medians, and the results table.

Every throughput benchmark here follows one protocol, so that a shared, noisy machine moves
all the implementations of a comparison together:

1. each implementation is calibrated once: the number of operations ``n`` that fills one
   batch of about ``Config.batch_seconds`` (so a 40 ms operation and a 4 us one are timed
   over comparable stretches of wall time);
2. then, ``Config.rounds`` times, every implementation runs one batch, in an order rotated
   each round (so none is always first after a pause);
3. a round gives every implementation its operations per second, and every implementation
   its ratio to the reference implementation *of that round*;
4. the table reports the median operations per second, and the median of the per-round
   ratios with its interquartile range.

Work that never waits (MockTransport requests, signing) is timed with the measuring thread's
CPU clock (:data:`CPU`), so the time another process held the core is not charged to
whichever implementation happened to be running; anything that waits on I/O (the loopback
server) is timed with the wall clock (:data:`WALL`).

Every loop is bounded in count and in time: calibration doubles ``n`` at most ``_MAX_DOUBLINGS``
times, and rounds stop early (after at least ``Config.min_rounds``) once a group has used its
``Config.group_seconds``.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "CPU",
    "WALL",
    "Clock",
    "Config",
    "Results",
    "Row",
    "Target",
    "at_least",
    "at_most",
    "exactly",
    "quartiles",
    "ratio_rows",
    "rounds_of_values",
    "run_async_rounds",
    "run_sync_rounds",
]

_MAX_DOUBLINGS = 24

Clock = Callable[[], float]
#: CPU time of the measuring thread: what an operation costs, without the time another
#: process held the core. Right for work that never waits (MockTransport, signing).
CPU: Clock = time.thread_time
#: Wall-clock time: for anything that waits on I/O (the loopback server).
WALL: Clock = time.perf_counter


@dataclass(frozen=True)
class Config:
    """How long and how often to measure. ``smoke`` runs every code path with tiny counts."""

    rounds: int = 15
    min_rounds: int = 5
    batch_seconds: float = 0.1
    group_seconds: float = 15.0
    burst: int = 1000
    token_delay: float = 0.02
    stall_rounds: int = 5
    concurrent_tasks: int = 10_000
    concurrent_rounds: int = 7
    concurrent_growth_batches: int = 3
    import_rounds: int = 15
    #: fresh interpreters per module and round; the fastest counts (noise only adds time)
    import_samples: int = 3
    memory_clients: int = 10
    memory_rounds: int = 3
    memory_shared_clients: int = 10_000
    memory_shared_rounds: int = 2
    smoke: bool = False

    @classmethod
    def smoke_config(cls) -> Config:
        return cls(
            rounds=2,
            min_rounds=1,
            batch_seconds=0.0005,
            group_seconds=1.0,
            burst=20,
            token_delay=0.001,
            stall_rounds=1,
            concurrent_tasks=50,
            concurrent_rounds=1,
            concurrent_growth_batches=1,
            import_rounds=1,
            import_samples=1,
            memory_clients=2,
            memory_rounds=1,
            memory_shared_clients=20,
            memory_shared_rounds=1,
            smoke=True,
        )


@dataclass(frozen=True)
class Target:
    """A target from the issue: a description and the test a ratio (or count) must pass."""

    text: str
    check: Callable[[float], bool]

    def met(self, value: float | None) -> bool | None:
        return None if value is None else bool(self.check(value))


def at_least(ratio: float, what: str) -> Target:
    return Target(f">= {ratio:g}x {what}", lambda value: value >= ratio)


def at_most(ratio: float, what: str) -> Target:
    return Target(f"<= {ratio:g}x {what}", lambda value: value <= ratio)


def exactly(count: int, what: str) -> Target:
    return Target(f"== {count} {what}", lambda value: value == count)


@dataclass
class Row:
    """One line of the table."""

    group: str
    impl: str
    value: float | None
    unit: str
    ratio: float | None = None
    reference: str | None = None
    spread: tuple[float, float] | None = None
    target: Target | None = None
    note: str = ""

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        # count targets (burst) apply to the value itself; the others to the ratio
        return self.target.met(self.ratio if self.reference is not None else self.value)


@dataclass
class Results:
    """Everything one run measured, in the order it was measured."""

    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)

    def add(self, row: Row) -> None:
        self.rows.append(row)

    def extend(self, rows: Sequence[Row]) -> None:
        self.rows.extend(rows)

    # -- rendering ----------------------------------------------------------------------

    def table(self) -> str:
        header = (
            "| measure | implementation | median | ratio (median per round) [IQR] "
            "| vs | target | met |"
        )
        lines = [header, "| --- | --- | ---: | ---: | --- | --- | --- |"]
        for row in self.rows:
            lines.append(
                "| "
                + " | ".join(
                    [
                        row.group,
                        row.impl + (f" ({row.note})" if row.note else ""),
                        _format_value(row.value, row.unit),
                        _format_ratio(row.ratio, row.spread),
                        row.reference or "",
                        row.target.text if row.target else "",
                        _format_met(row.met),
                    ]
                )
                + " |"
            )
        return "\n".join(lines)

    def summary(self) -> str:
        targeted = [row for row in self.rows if row.target is not None]
        met = sum(1 for row in targeted if row.met)
        lines = [f"targets: {met} of {len(targeted)} met"]
        for row in targeted:
            shown = (
                _format_ratio(row.ratio, None)
                if row.reference
                else _format_value(row.value, row.unit)
            )
            lines.append(
                f"  [{'MET' if row.met else 'NOT MET'}] {row.group} / {row.impl}: "
                f"{shown} (target {row.target.text if row.target else ''})"
            )
        return "\n".join(lines)

    def as_json(self) -> dict[str, Any]:
        return {
            "rows": [
                {
                    "group": row.group,
                    "impl": row.impl,
                    "value": row.value,
                    "unit": row.unit,
                    "ratio": row.ratio,
                    "reference": row.reference,
                    "spread": list(row.spread) if row.spread else None,
                    "target": row.target.text if row.target else None,
                    "met": row.met,
                    "note": row.note,
                }
                for row in self.rows
            ],
            "checks": self.checks,
            "notes": self.notes,
        }


def _format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "ops/s":
        return f"{value:,.0f} ops/s" if value >= 100 else f"{value:,.1f} ops/s"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "KiB":
        return f"{value:,.1f} KiB"
    if unit == "requests":
        return f"{value:g} token request" + ("" if value == 1 else "s")
    return f"{value:g} {unit}"


def _format_ratio(ratio: float | None, spread: tuple[float, float] | None) -> str:
    if ratio is None:
        return ""
    text = f"{ratio:.2f}x"
    if spread is not None:
        text += f" [{spread[0]:.2f}-{spread[1]:.2f}]"
    return text


def _format_met(met: bool | None) -> str:
    if met is None:
        return ""
    return "met" if met else "**NOT MET**"


def quartiles(values: Sequence[float]) -> tuple[float, float]:
    """25th and 75th percentiles (the values themselves when there are fewer than two)."""
    if len(values) < 2:
        return (values[0], values[0]) if values else (float("nan"), float("nan"))
    q = statistics.quantiles(values, n=4, method="inclusive")
    return q[0], q[2]


# -- the round protocol ----------------------------------------------------------------------


@dataclass
class _Series:
    name: str
    n: int = 1
    rates: list[float] = field(default_factory=list)


def _rows_from(
    group: str,
    series: list[_Series],
    reference: str,
    targets: dict[str, Target],
    notes: dict[str, str],
    comparisons: Sequence[tuple[str, str, Target | None]] = (),
) -> list[Row]:
    by_name = {s.name: s for s in series}
    ref = by_name[reference]
    rows = []
    for s in series:
        ratios = [a / b for a, b in zip(s.rates, ref.rates, strict=True) if b > 0]
        is_ref = s.name == reference
        rows.append(
            Row(
                group=group,
                impl=s.name,
                value=statistics.median(s.rates) if s.rates else None,
                unit="ops/s",
                ratio=None if is_ref else (statistics.median(ratios) if ratios else None),
                reference=None if is_ref else reference,
                spread=None if is_ref or not ratios else quartiles(ratios),
                target=targets.get(s.name),
                note=notes.get(s.name, ""),
            )
        )
    # extra rows: one implementation against another than the reference (a target "vs X")
    for name, other, target in comparisons:
        a, b = by_name[name], by_name[other]
        ratios = [x / y for x, y in zip(a.rates, b.rates, strict=True) if y > 0]
        rows.append(
            Row(
                group=group,
                impl=name,
                value=statistics.median(a.rates) if a.rates else None,
                unit="ops/s",
                ratio=statistics.median(ratios) if ratios else None,
                reference=other,
                spread=quartiles(ratios) if ratios else None,
                target=target,
            )
        )
    return rows


def run_sync_rounds(
    config: Config,
    group: str,
    impls: dict[str, Callable[[], object]],
    reference: str,
    targets: dict[str, Target] | None = None,
    notes: dict[str, str] | None = None,
    clock: Clock = CPU,
    comparisons: Sequence[tuple[str, str, Target | None]] = (),
) -> list[Row]:
    """Time each ``impls[name]()`` (one operation) in interleaved rounds; see the module notes."""
    series = [_Series(name) for name in impls]
    for s in series:
        s.n = _calibrate_sync(impls[s.name], config.batch_seconds, clock)
    started = time.perf_counter()
    for r in range(config.rounds):
        order = series[r % len(series) :] + series[: r % len(series)]
        gc.collect()
        for s in order:
            s.rates.append(s.n / _time_sync(impls[s.name], s.n, clock))
        if r + 1 >= config.min_rounds and time.perf_counter() - started > config.group_seconds:
            break
    return _rows_from(group, series, reference, targets or {}, notes or {}, comparisons)


def _time_sync(op: Callable[[], object], n: int, clock: Clock) -> float:
    start = clock()
    for _ in range(n):
        op()
    return max(clock() - start, 1e-9)


def _calibrate_sync(op: Callable[[], object], batch_seconds: float, clock: Clock) -> int:
    op()  # warm up: caches, lazy imports, first-use paths
    n = 1
    for _ in range(_MAX_DOUBLINGS):
        elapsed = _time_sync(op, n, clock)
        if elapsed >= batch_seconds:
            break
        n = max(n * 2, int(n * batch_seconds / elapsed * 0.9)) if elapsed > 0 else n * 2
        n = min(n, 10_000_000)
    return n


async def run_async_rounds(
    config: Config,
    group: str,
    impls: dict[str, Callable[[], Awaitable[object]]],
    reference: str,
    targets: dict[str, Target] | None = None,
    notes: dict[str, str] | None = None,
    clock: Clock = CPU,
    comparisons: Sequence[tuple[str, str, Target | None]] = (),
) -> list[Row]:
    """The async twin of :func:`run_sync_rounds`; call it inside the event loop under test."""
    series = [_Series(name) for name in impls]
    for s in series:
        s.n = await _calibrate_async(impls[s.name], config.batch_seconds, clock)
    started = time.perf_counter()
    for r in range(config.rounds):
        order = series[r % len(series) :] + series[: r % len(series)]
        gc.collect()
        for s in order:
            s.rates.append(s.n / await _time_async(impls[s.name], s.n, clock))
        if r + 1 >= config.min_rounds and time.perf_counter() - started > config.group_seconds:
            break
    return _rows_from(group, series, reference, targets or {}, notes or {}, comparisons)


async def _time_async(op: Callable[[], Awaitable[object]], n: int, clock: Clock) -> float:
    start = clock()
    for _ in range(n):
        await op()
    return max(clock() - start, 1e-9)


async def _calibrate_async(
    op: Callable[[], Awaitable[object]], batch_seconds: float, clock: Clock
) -> int:
    await op()
    n = 1
    for _ in range(_MAX_DOUBLINGS):
        elapsed = await _time_async(op, n, clock)
        if elapsed >= batch_seconds:
            break
        n = max(n * 2, int(n * batch_seconds / elapsed * 0.9)) if elapsed > 0 else n * 2
        n = min(n, 10_000_000)
    return n


def rounds_of_values(
    config: Config,
    rounds: int,
    measures: dict[str, Callable[[], float]],
) -> dict[str, list[float]]:
    """For one-shot measures (import time, memory): run each once per round, rotated."""
    names = list(measures)
    values: dict[str, list[float]] = {name: [] for name in names}
    started = time.perf_counter()
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            values[name].append(measures[name]())
        if r + 1 >= min(config.min_rounds, rounds) and (
            time.perf_counter() - started > config.group_seconds * 3
        ):
            break
    return values


def ratio_rows(
    group: str,
    values: dict[str, list[float]],
    reference: str,
    unit: str,
    targets: dict[str, Target] | None = None,
    notes: dict[str, str] | None = None,
) -> list[Row]:
    """Rows for values where *lower* is better (ms, KiB): ratio = value / reference's."""
    targets = targets or {}
    notes = notes or {}
    ref = values[reference]
    rows = []
    for name, vals in values.items():
        is_ref = name == reference
        ratios = [a / b for a, b in zip(vals, ref, strict=True) if b > 0]
        rows.append(
            Row(
                group=group,
                impl=name,
                value=statistics.median(vals) if vals else None,
                unit=unit,
                ratio=None if is_ref else (statistics.median(ratios) if ratios else None),
                reference=None if is_ref else reference,
                spread=None if is_ref or not ratios else quartiles(ratios),
                target=targets.get(name),
                note=notes.get(name, ""),
            )
        )
    return rows
