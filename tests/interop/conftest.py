"""Fixtures that start real peers on 127.0.0.1 for the interop tests."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.interop._oidc import OidcProvider, ProviderSetup

OIDC_PROVIDER_DIR = Path(__file__).parent / "oidc_provider"
NPM_CI = "npm ci --prefix tests/interop/oidc_provider"

START_TIMEOUT = 20.0  # seconds until the discovery document must answer
POLL_INTERVAL = 0.1
STOP_TIMEOUT = 5.0
PORT_ATTEMPTS = 3  # a free port may be taken between picking it and node binding it


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(STOP_TIMEOUT)


@dataclasses.dataclass
class _Started:
    process: subprocess.Popen[bytes]
    port: int
    discovery: dict[str, Any]


def _start(node: str, config: Path, workdir: Path, attempt: int) -> _Started | str:
    """Start the server; return it once discovery answers, or the reason it could not."""
    port = _free_port()
    stdout = workdir / f"stdout-{attempt}.log"
    stderr = workdir / f"stderr-{attempt}.log"
    command = [node, "server.mjs", "--port", str(port), "--config", str(config)]
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(  # the command is ours, with no shell
            command, cwd=OIDC_PROVIDER_DIR, stdin=subprocess.DEVNULL, stdout=out, stderr=err
        )
    url = f"http://127.0.0.1:{port}/.well-known/openid-configuration"
    deadline = time.monotonic() + START_TIMEOUT
    max_polls = int(START_TIMEOUT / POLL_INTERVAL) + 1
    with httpx.Client(timeout=1.0, trust_env=False) as client:
        for _ in range(max_polls):
            if process.poll() is not None:
                return (
                    f"`node server.mjs` exited with status {process.returncode} before "
                    f"answering.\nstderr:\n{_read(stderr)}"
                )
            with contextlib.suppress(httpx.TransportError):
                response = client.get(url)
                if response.status_code == 200:
                    return _Started(process, port, response.json())
            if time.monotonic() >= deadline:
                break
            time.sleep(POLL_INTERVAL)
    _stop(process)
    return (
        f"`node server.mjs` did not answer {url} within {START_TIMEOUT:.0f} s.\n"
        f"stdout:\n{_read(stdout)}\nstderr:\n{_read(stderr)}"
    )


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProvider]:
    """panva's oidc-provider, running on 127.0.0.1 with the clients of ``ProviderSetup``."""
    if not (OIDC_PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        pytest.fail(
            f"{OIDC_PROVIDER_DIR / 'node_modules'} is missing: run `{NPM_CI}` first",
            pytrace=False,
        )
    node = shutil.which("node")
    if node is None:
        pytest.fail("`node` (Node.js) is not on PATH; the interop provider needs it", pytrace=False)

    setup = ProviderSetup.generate()
    workdir = tmp_path_factory.mktemp("oidc_provider")
    config = workdir / "config.json"
    config.write_text(json.dumps(setup.config(), indent=2), encoding="utf-8")

    started: _Started | str = ""
    for attempt in range(PORT_ATTEMPTS):
        started = _start(node, config, workdir, attempt)
        if isinstance(started, _Started) or "EADDRINUSE" not in started:
            break
    if not isinstance(started, _Started):
        pytest.fail(started, pytrace=False)

    stderr = workdir / f"stderr-{attempt}.log"
    provider = OidcProvider.running(
        setup, port=started.port, discovery=started.discovery, log_path=stderr
    )
    try:
        yield provider
    finally:
        died = started.process.poll()
        _stop(started.process)
    if died is not None:
        pytest.fail(
            f"`node server.mjs` died during the tests (status {died}).\nstderr:\n{_read(stderr)}",
            pytrace=False,
        )
