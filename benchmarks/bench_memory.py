"""(6) Memory per live client, against the bare httpx client it extends.

One sample builds N clients of one kind, keeps them all alive, and divides the memory they
hold by N. Two settings:

* **one SSL context shared by every client** (``verify=ctx``), what a service holding many
  clients does: 10,000 clients per sample. Here a client's memory is its Python objects, so
  what authwire adds is visible; the target is checked here. The assertion clients share one
  imported RSA key too (a service signing for many subjects with one key);
* **the default SSL context** (each httpx client loads the CA bundle into its own, about
  820 KiB): ten clients per sample, beside it for reference. The context swamps every other
  difference, so these rows carry no target.

Two measures, each in its own pass:

* all allocations: the growth of the C heap's bytes in use (glibc ``mallinfo2``) in a
  process started with ``PYTHONMALLOC=malloc``, so that Python's objects, OpenSSL's SSL
  contexts and cryptography's keys are all counted (allocator overhead included);
* Python objects only (default SSL case): the growth of :mod:`tracemalloc`'s traced total.
  It leaves out OpenSSL's share.

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
import ssl
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
#: The kinds the target applies to: a client holding an OAuth token or OAuth 1 credentials.
#: The assertion clients also hold a private key (about 1 KiB of Python objects even when
#: shared, more when each imports its own): reported, not targeted.
TARGETED = (
    "authwire OAuth2Client",
    "authwire AsyncOAuth2Client",
    "authwire OAuth1Client",
    "authwire AsyncOAuth1Client",
)


def _oauth2_kwargs() -> dict[str, Any]:
    return {
        "client_id": fx.CLIENT_ID,
        "client_secret": fx.CLIENT_SECRET,
        "token": fx.valid_token(),
        "token_endpoint": fx.TOKEN_URL,
    }


def _oauth1_kwargs() -> dict[str, Any]:
    return {"client_id": "ck", "client_secret": "cs", "token": "t", "token_secret": "ts"}


def kinds(shared: bool) -> dict[str, tuple[str, Callable[[], Any]]]:
    """name -> (the bare httpx class it is compared with, factory).

    ``shared``: every client gets one SSL context (``verify=``) and the assertion clients one
    imported key; else each client builds its own context and imports the PEM itself.
    """
    tls: dict[str, Any] = {}
    key: Any = fx.rsa_pem()
    if shared:
        from joserfc.jwk import RSAKey

        tls = {"verify": ssl.create_default_context()}
        key = RSAKey.import_key(fx.rsa_pem())

    def assertion_kwargs() -> dict[str, Any]:
        return {
            "token_endpoint": fx.TOKEN_URL,
            "issuer": "service@bench.example",
            "subject": "service@bench.example",
            "key": key,
        }

    return {
        HTTPX: (HTTPX, lambda: httpx.Client(**tls)),
        ASYNC_HTTPX: (ASYNC_HTTPX, lambda: httpx.AsyncClient(**tls)),
        "authwire OAuth2Client": (HTTPX, lambda: OAuth2Client(**_oauth2_kwargs(), **tls)),
        "authwire AsyncOAuth2Client": (
            ASYNC_HTTPX,
            lambda: AsyncOAuth2Client(**_oauth2_kwargs(), **tls),
        ),
        "authwire OAuth1Client": (HTTPX, lambda: OAuth1Client(**_oauth1_kwargs(), **tls)),
        "authwire AsyncOAuth1Client": (
            ASYNC_HTTPX,
            lambda: AsyncOAuth1Client(**_oauth1_kwargs(), **tls),
        ),
        "authwire AssertionClient": (HTTPX, lambda: AssertionClient(**assertion_kwargs(), **tls)),
        "authwire AsyncAssertionClient": (
            ASYNC_HTTPX,
            lambda: AsyncAssertionClient(**assertion_kwargs(), **tls),
        ),
        "Authlib OAuth2Client": (
            HTTPX,
            lambda: authlib_httpx.OAuth2Client(**_oauth2_kwargs(), **tls),
        ),
        "Authlib AsyncOAuth2Client": (
            ASYNC_HTTPX,
            lambda: authlib_httpx.AsyncOAuth2Client(**_oauth2_kwargs(), **tls),
        ),
        "Authlib OAuth1Client": (
            HTTPX,
            lambda: authlib_httpx.OAuth1Client(**_oauth1_kwargs(), **tls),
        ),
        "httpx-auth OAuth2ClientCredentials on httpx.Client": (
            HTTPX,
            lambda: httpx.Client(
                auth=httpx_auth.OAuth2ClientCredentials(
                    fx.TOKEN_URL, fx.CLIENT_ID, fx.CLIENT_SECRET
                ),
                **tls,
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
    clients: list[Any] = []
    gc.collect()
    before = measure()
    clients.extend(make() for _ in range(count))
    gc.collect()
    held = measure() - before
    _close(clients)
    del clients
    gc.collect()
    return held / count / 1024


def _traced() -> int:
    return tracemalloc.get_traced_memory()[0]


def _sample_all(
    config: Config,
    table: dict[str, tuple[str, Callable[[], Any]]],
    count: int,
    rounds: int,
    measure: Callable[[], int],
) -> dict[str, list[float]]:
    for _, factory in table.values():
        _close([factory()])  # first use: lazy imports and caches are not per-client memory
    return rounds_of_values(
        config,
        rounds,
        {
            name: (lambda f=factory: _held(f, count, measure))
            for name, (_, factory) in table.items()
        },
    )


def measure_all(config: Config) -> dict[str, dict[str, list[float]]]:
    """Every measure for every kind, in this process (the child the parent started)."""
    out: dict[str, dict[str, list[float]]] = {}
    in_use = _malloc_in_use()
    malloc = in_use is not None and os.environ.get("PYTHONMALLOC") == "malloc"
    shared, default = kinds(shared=True), kinds(shared=False)
    if in_use is not None and malloc:
        out["shared-all"] = _sample_all(
            config, shared, config.memory_shared_clients, config.memory_shared_rounds, in_use
        )
        out["default-all"] = _sample_all(
            config, default, config.memory_clients, config.memory_rounds, in_use
        )
    tracemalloc.start()
    try:
        if not malloc:  # no mallinfo2 (not glibc): the shared case on Python objects alone
            out["shared-python"] = _sample_all(
                config, shared, config.memory_shared_clients, config.memory_shared_rounds, _traced
            )
        out["default-python"] = _sample_all(
            config, default, config.memory_clients, config.memory_rounds, _traced
        )
    finally:
        tracemalloc.stop()
    return out


_LABELS = {
    "shared-all": "(6) memory per live client, one shared SSL context, all allocations (vs {ref})",
    "shared-python": (
        "(6) memory per live client, one shared SSL context, Python objects only (vs {ref})"
    ),
    "default-all": (
        "(6) memory per live client, default SSL context each, all allocations (vs {ref})"
    ),
    "default-python": (
        "(6) memory per live client, default SSL context each, Python objects only (vs {ref})"
    ),
}


def run(config: Config, results: Results) -> None:
    # a child process with PYTHONMALLOC=malloc, so that Python's objects and OpenSSL's
    # buffers are all counted by the C heap's own bookkeeping
    env = {**os.environ, "PYTHONMALLOC": "malloc"}
    argv = [sys.executable, "-W", "ignore", "-m", "benchmarks.bench_memory", "--child"]
    argv += ["--clients", str(config.memory_clients), "--rounds", str(config.memory_rounds)]
    argv += ["--shared-clients", str(config.memory_shared_clients)]
    argv += ["--shared-rounds", str(config.memory_shared_rounds)]
    out = subprocess.run(
        argv,
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        check=True,
        timeout=1200,
    )
    measured: dict[str, dict[str, list[float]]] = json.loads(out.stdout.strip().splitlines()[-1])
    references = {name: ref for name, (ref, _) in kinds(shared=False).items()}
    for measure in _LABELS:
        values = measured.get(measure)
        if values is None:
            continue
        for reference in (HTTPX, ASYNC_HTTPX):
            names = [name for name, ref in references.items() if ref == reference]
            results.extend(
                ratio_rows(
                    _LABELS[measure].format(ref=reference),
                    {name: values[name] for name in names},
                    reference,
                    "KiB",
                    targets={
                        name: at_most(1.3, reference)
                        for name in names
                        if name in TARGETED and measure.startswith("shared")
                    },
                )
            )
    if "shared-all" not in measured:
        results.notes.append("(6) mallinfo2 unavailable: only Python objects were measured")
    results.checks.append("(6) every client class built and measured")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", action="store_true", required=True)
    parser.add_argument("--clients", type=int, default=Config.memory_clients)
    parser.add_argument("--rounds", type=int, default=Config.memory_rounds)
    parser.add_argument("--shared-clients", type=int, default=Config.memory_shared_clients)
    parser.add_argument("--shared-rounds", type=int, default=Config.memory_shared_rounds)
    args = parser.parse_args(argv)
    config = Config(
        memory_clients=max(1, args.clients),
        memory_rounds=max(1, args.rounds),
        memory_shared_clients=max(1, args.shared_clients),
        memory_shared_rounds=max(1, args.shared_rounds),
    )
    print(json.dumps(measure_all(config)))


if __name__ == "__main__":
    main()
