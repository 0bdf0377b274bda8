"""(6) Memory per live client, against the bare httpx client it extends.

One sample builds ``Config.memory_clients`` clients of one kind, keeps them all alive, and
divides the memory they hold by their count. Two measures, each in its own pass:

* all allocations: the growth of the C heap's bytes in use (glibc ``mallinfo2``) in a
  process started with ``PYTHONMALLOC=malloc``, so that Python's objects, OpenSSL's SSL
  context (each httpx client loads the CA bundle into its own) and cryptography's keys are all
  counted. This is a client's memory, and where the target is checked;
* Python objects only: the growth of :mod:`tracemalloc`'s traced total. It leaves out
  OpenSSL's share, so it shows what authwire's own objects add, magnified.

Both run in one child process (the allocator is chosen at start-up), with the kinds rotated
round by round; the table reports the median KiB per client and the median of the per-round
ratios to the bare httpx class.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import os
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from authwire import (
    AssertionClient,
    AsyncAssertionClient,
    AsyncOAuth1Client,
    AsyncOAuth2Client,
    OAuth1Client,
    OAuth2Client,
)

from . import _fixtures as fx
from ._harness import Config, Results, at_most, ratio_rows, rounds_of_values
from ._peers import authlib_httpx, httpx_auth

HTTPX = "httpx.Client"
ASYNC_HTTPX = "httpx.AsyncClient"


def _oauth2_kwargs() -> dict[str, Any]:
    return {
        "client_id": fx.CLIENT_ID,
        "client_secret": fx.CLIENT_SECRET,
        "token": fx.valid_token(),
        "token_endpoint": fx.TOKEN_URL,
    }


def _assertion_kwargs() -> dict[str, Any]:
    return {
        "token_endpoint": fx.TOKEN_URL,
        "issuer": "service@bench.example",
        "subject": "service@bench.example",
        "key": fx.rsa_pem(),
    }


def _oauth1_kwargs() -> dict[str, Any]:
    return {"client_id": "ck", "client_secret": "cs", "token": "t", "token_secret": "ts"}


def kinds() -> dict[str, tuple[str, Callable[[], Any]]]:
    """name -> (the bare httpx class it is compared with, factory)."""
    return {
        HTTPX: (HTTPX, httpx.Client),
        ASYNC_HTTPX: (ASYNC_HTTPX, httpx.AsyncClient),
        "authwire OAuth2Client": (HTTPX, lambda: OAuth2Client(**_oauth2_kwargs())),
        "authwire AsyncOAuth2Client": (ASYNC_HTTPX, lambda: AsyncOAuth2Client(**_oauth2_kwargs())),
        "authwire OAuth1Client": (HTTPX, lambda: OAuth1Client(**_oauth1_kwargs())),
        "authwire AsyncOAuth1Client": (ASYNC_HTTPX, lambda: AsyncOAuth1Client(**_oauth1_kwargs())),
        "authwire AssertionClient": (HTTPX, lambda: AssertionClient(**_assertion_kwargs())),
        "authwire AsyncAssertionClient": (
            ASYNC_HTTPX,
            lambda: AsyncAssertionClient(**_assertion_kwargs()),
        ),
        "Authlib OAuth2Client": (HTTPX, lambda: authlib_httpx.OAuth2Client(**_oauth2_kwargs())),
        "Authlib OAuth1Client": (HTTPX, lambda: authlib_httpx.OAuth1Client(**_oauth1_kwargs())),
        "httpx-auth OAuth2ClientCredentials on httpx.Client": (
            HTTPX,
            lambda: httpx.Client(
                auth=httpx_auth.OAuth2ClientCredentials(
                    fx.TOKEN_URL, fx.CLIENT_ID, fx.CLIENT_SECRET
                )
            ),
        ),
    }


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def _malloc_in_use() -> Callable[[], int] | None:
    """Bytes in use in the C heap (glibc's ``mallinfo2``), or ``None`` where unavailable."""
    try:
        libc = ctypes.CDLL(None)
        mallinfo2 = libc.mallinfo2
    except (OSError, AttributeError):
        return None
    mallinfo2.restype = _MallInfo2

    def in_use() -> int:
        info = mallinfo2()
        return int(info.uordblks + info.hblkhd)

    return in_use


def _close(clients: list[Any]) -> None:
    for client in clients:
        if isinstance(client, httpx.Client):
            client.close()


def _held(make: Callable[[], Any], count: int, measure: Callable[[], int]) -> float:
    """KiB per client that ``count`` live clients hold, by ``measure`` (bytes in use)."""
    gc.collect()
    before = measure()
    clients = [make() for _ in range(count)]
    gc.collect()
    held = measure() - before
    _close(clients)
    del clients
    gc.collect()
    return held / count / 1024


def _traced() -> int:
    return tracemalloc.get_traced_memory()[0]


def measure_all(config: Config) -> dict[str, dict[str, list[float]]]:
    """Both measures for every kind, in this process (the child the parent started)."""
    table = kinds()
    for _, factory in table.values():
        _close([factory()])  # first use: lazy imports and caches are not per-client memory
    out: dict[str, dict[str, list[float]]] = {}
    in_use = _malloc_in_use()
    if in_use is not None and os.environ.get("PYTHONMALLOC") == "malloc":
        out["all"] = rounds_of_values(
            config,
            config.memory_rounds,
            {
                name: (lambda f=factory: _held(f, config.memory_clients, in_use))
                for name, (_, factory) in table.items()
            },
        )
    tracemalloc.start()
    try:
        out["python"] = rounds_of_values(
            config,
            config.memory_rounds,
            {
                name: (lambda f=factory: _held(f, config.memory_clients, _traced))
                for name, (_, factory) in table.items()
            },
        )
    finally:
        tracemalloc.stop()
    return out


_LABELS = {
    "all": "(6) memory per live client, all allocations (vs {ref})",
    "python": "(6) memory per live client, Python objects only (vs {ref})",
}


def run(config: Config, results: Results) -> None:
    # a child process with PYTHONMALLOC=malloc, so that Python's objects and OpenSSL's
    # buffers are all counted by the C heap's own bookkeeping
    env = {**os.environ, "PYTHONMALLOC": "malloc"}
    argv = [sys.executable, "-W", "ignore", "-m", "benchmarks.bench_memory", "--child"]
    argv += ["--clients", str(config.memory_clients), "--rounds", str(config.memory_rounds)]
    out = subprocess.run(
        argv,
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    measured: dict[str, dict[str, list[float]]] = json.loads(out.stdout.strip().splitlines()[-1])
    table = kinds()
    # the target is on all the memory a client holds; without mallinfo2 (not glibc), on the
    # Python objects alone, which is stricter
    target_on = "all" if "all" in measured else "python"
    for measure, values in measured.items():
        for reference in (HTTPX, ASYNC_HTTPX):
            names = [name for name, (ref, _) in table.items() if ref == reference]
            results.extend(
                ratio_rows(
                    _LABELS[measure].format(ref=reference),
                    {name: values[name] for name in names},
                    reference,
                    "KiB",
                    targets={
                        name: at_most(1.2, reference)
                        for name in names
                        if name.startswith("authwire") and measure == target_on
                    },
                )
            )
    if "all" not in measured:
        results.notes.append("(6) mallinfo2 unavailable: only Python objects were measured")
    results.checks.append("(6) every client class built and measured")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", action="store_true", required=True)
    parser.add_argument("--clients", type=int, default=Config.memory_clients)
    parser.add_argument("--rounds", type=int, default=Config.memory_rounds)
    args = parser.parse_args(argv)
    config = Config(memory_clients=max(1, args.clients), memory_rounds=max(1, args.rounds))
    print(json.dumps(measure_all(config)))


if __name__ == "__main__":
    main()
