"""Acceptance: a fleet of processes shares one token through SQLite and Redis.

A loopback token endpoint rotates refresh tokens and refuses a reused one; its tokens live
five seconds and the clients renew two seconds before expiry (``leeway=2``), so one
renewal is due every three seconds. Eight processes call an API for 30 s, each with 16
threads on one client (or, in the second run, 200 asyncio tasks). The machine has two
cores; eight processes run reliably on it (each spends most of its time waiting).
"""

from __future__ import annotations

import itertools
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from authwire import OAuth2Client, OAuthError
from authwire.stores import RedisStore, SQLiteStore

from ._rotating import RotatingProvider, serve

pytestmark = pytest.mark.fleet

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 8
DURATION = 30.0
LIFETIME = 5
LEEWAY = 2


@pytest.fixture
def provider() -> Iterator[tuple[RotatingProvider, str]]:
    rotating = RotatingProvider(lifetime=LIFETIME)
    server = serve(rotating)
    try:
        yield rotating, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _store_spec(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if kind == "sqlite":
        return f"sqlite:{tmp_path / 'fleet.db'}"
    server = request.getfixturevalue("redis_server")
    server.flush()
    return f"redis:{server.url}"


def _open(spec: str, lease_ttl: float = 30) -> Any:
    kind, _, where = spec.partition(":")
    if kind == "sqlite":
        return SQLiteStore(where, lease_ttl=lease_ttl)
    return RedisStore(where, lease_ttl=lease_ttl)


def _start(spec: dict[str, Any]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.stores._fleet_worker", json.dumps(spec)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def _finish(process: subprocess.Popen[str], timeout: float) -> dict[str, Any]:
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate(timeout=10)
        pytest.fail(f"a worker did not finish in {timeout} s: {err[-2000:]}")
    assert process.returncode == 0, err[-2000:]
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize(
    ("kind", "mode", "callers"),
    [
        ("sqlite", "threads", 16),
        ("redis", "threads", 16),
        ("sqlite", "asyncio", 200),
        ("redis", "asyncio", 200),
    ],
)
def test_a_fleet_renews_once_per_expiry_period(
    kind: str,
    mode: str,
    callers: int,
    provider: tuple[RotatingProvider, str],
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    rotating, base = provider
    store_spec = _store_spec(kind, tmp_path, request)
    _open(store_spec).save("fleet", rotating.grant())  # the user signed in once
    spec = {
        "store": store_spec,
        "mode": mode,
        "callers": callers,
        "duration": DURATION,
        "token_endpoint": f"{base}/token",
        "api": f"{base}/api",
        "leeway": LEEWAY,
        "pause": 0.25 if mode == "threads" else 5.0,  # below what one loopback server serves
    }
    started = time.time()
    workers = [_start(spec) for _ in range(PROCESSES)]
    results = [_finish(w, DURATION + 60) for w in workers]
    elapsed = time.time() - started

    calls = sum(r["calls"] for r in results)
    errors = [e for r in results for e in r["errors"]]
    issued = rotating.issued_at
    gaps = [round(b - a, 2) for a, b in itertools.pairwise(issued)]
    # an expiry period per token that fell due while the fleet was calling: each of those
    # must have been renewed exactly once (the last may be in flight as the run ends)
    due = [t for t in issued if t + LIFETIME - LEEWAY < rotating.api_last]
    report = (
        f"{kind}/{mode}: {PROCESSES} processes x {callers} callers, {elapsed:.1f} s, "
        f"{calls} calls ({rotating.api_refusals} refused as expired in flight, then "
        f"renewed and resent), {rotating.token_requests} token requests for {len(due)} expiry "
        f"periods; seconds between tokens: {gaps}"
    )
    print(report)
    assert sum(r["failures"] for r in results) == 0, (report, errors)
    assert calls > PROCESSES * callers  # every caller called more than once
    assert rotating.reused == 0, report
    assert rotating.invalid_grants == 0, report
    assert abs(rotating.token_requests - len(due)) <= 1, report
    # never renewed before the token was due (one second of slack for int expiry times)
    assert min(gaps) >= LIFETIME - LEEWAY - 1, report
    assert len(due) >= DURATION / LIFETIME, report


class _Stall:
    """Holds the first refresh unanswered until released, then drops it (no rotation)."""

    def __init__(self) -> None:
        self.arrived = threading.Event()
        self.release = threading.Event()
        self.held = 0

    def __call__(self, refresh_token: str) -> bool:
        if self.held:
            return True
        self.held += 1
        self.arrived.set()
        self.release.wait(30)
        return False


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
@pytest.mark.parametrize("answered", [False, True])
def test_a_refresher_killed_mid_refresh(
    kind: str,
    answered: bool,
    provider: tuple[RotatingProvider, str],
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    """SIGKILL during a refresh: the next process takes over once the lease expires.

    Killed before the token endpoint answered, the refresh token was never spent and the
    grant survives. Killed after it answered (the process stalls before saving), the
    rotated refresh token died with the process: the successor's refresh is refused with
    ``invalid_grant`` and someone must sign in again, the one loss no store can prevent.
    """
    rotating, base = provider
    stall = _Stall()
    if not answered:
        rotating.before_refresh = stall
    store_spec = _store_spec(kind, tmp_path, request)
    first = rotating.grant()
    store = _open(store_spec, lease_ttl=2)
    store.save("fleet", {**first, "expires_in": 0, "expires_at": int(time.time()) - 5})
    spec = {
        "store": store_spec,
        "mode": "threads",
        "callers": 1,
        "duration": 1,
        "token_endpoint": f"{base}/token",
        "api": f"{base}/api",
        "lease_ttl": 2,
        "stall_after_answer": answered,
    }
    victim = _start(spec)
    try:
        if answered:
            assert victim.stdout is not None
            ready, _, _ = select.select([victim.stdout], [], [], 20)
            assert ready, "the victim never received the token endpoint's answer"
            line = victim.stdout.readline()  # printed once the answer arrived
            assert json.loads(line) == {"stalling": True}
            assert rotating.token_requests == 1
        else:
            assert stall.arrived.wait(20), "the refresh never reached the token endpoint"
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
    finally:
        stall.release.set()
        if victim.poll() is None:
            victim.kill()
        victim.communicate(timeout=10)

    with OAuth2Client(
        "fleet-client",
        "fleet-secret",
        token_endpoint=f"{base}/token",
        token_store=_open(store_spec, lease_ttl=2),
        token_key="fleet",
        leeway=LEEWAY,
        allow_insecure_transport=True,
        timeout=20,
        trust_env=False,
    ) as successor:
        started = time.monotonic()
        if answered:
            with pytest.raises(OAuthError) as caught:
                successor.get(f"{base}/api")
            assert caught.value.error == "invalid_grant"
            assert rotating.reused == 1
        else:
            assert successor.get(f"{base}/api").status_code == 200
            assert rotating.invalid_grants == 0
            assert rotating.token_requests == 1  # the successor's; the victim's was dropped
        waited = time.monotonic() - started
    assert waited < 10  # no deadlock: at most the lease's remaining life, and a request
