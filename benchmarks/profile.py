"""Profile authwire's side of one benchmark: ``uv run python -m benchmarks.profile NAME``.

Runs one authwire operation many times under :mod:`cProfile` and prints where the time went,
split by package (authwire, httpx, cryptography, joserfc, ...), then the authwire functions
by own time. This is the evidence behind a target that is missed: it shows whether what is
left is authwire's code or time spent inside httpx, cryptography or joserfc. NAME is one of
the keys of ``PROFILES`` (``--list`` prints them).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from collections import defaultdict
from collections.abc import Callable

_MAX_OPS = 200_000


def _request_sync() -> Callable[[], object]:
    from authwire import OAuth2Client

    from . import _fixtures as fx

    client = OAuth2Client(token=fx.valid_token(), transport=fx.mock_transport())
    return lambda: client.get(fx.RESOURCE_URL)


def _request_floor() -> Callable[[], object]:
    import httpx

    from . import _fixtures as fx

    client = httpx.Client(
        headers={"Authorization": f"Bearer {fx.ACCESS_TOKEN}"}, transport=fx.mock_transport()
    )
    return lambda: client.get(fx.RESOURCE_URL)


def _oauth1(method: str) -> Callable[[], Callable[[], object]]:
    def make() -> Callable[[], object]:
        from . import bench_oauth1

        return bench_oauth1.authwire_signer(method)

    return make


def _assertion(alg: str) -> Callable[[], Callable[[], object]]:
    def make() -> Callable[[], object]:
        from . import bench_assertion

        return bench_assertion.authwire_client_auth(alg)

    return make


PROFILES: dict[str, Callable[[], Callable[[], object]]] = {
    "request-sync": _request_sync,
    "request-floor": _request_floor,
    "oauth1-hmac": _oauth1("HMAC-SHA1"),
    "oauth1-rsa": _oauth1("RSA-SHA1"),
    "assertion-rs256": _assertion("RS256"),
    "assertion-es256": _assertion("ES256"),
    "assertion-hs256": _assertion("HS256"),
}

_PACKAGES = ("authwire", "httpx", "httpcore", "cryptography", "joserfc", "anyio", "benchmarks")


def _package(filename: str, func: str) -> str:
    for name in _PACKAGES:
        if f"/{name}/" in filename:
            return name
    if filename.startswith("~") or filename.startswith("<"):
        # a C function: cryptography's and others' compiled methods name their type
        for name in _PACKAGES:
            if f"'{name}." in func:
                return f"{name} (C)"
        return "builtins (C)"
    return "stdlib/other"


def report(profile: cProfile.Profile, ops: int, top: int = 15) -> str:
    stats = pstats.Stats(profile)
    raw = stats.stats  # type: ignore[attr-defined]
    by_package: dict[str, float] = defaultdict(float)
    total = 0.0
    ours = []
    for (filename, line, func), (_cc, nc, tt, ct, _callers) in raw.items():
        by_package[_package(filename, func)] += tt
        total += tt
        if "/authwire/" in filename:
            ours.append((tt, ct, nc, f"{filename.split('/authwire/')[-1]}:{line} {func}"))
    lines = [f"{ops} operations, {total / ops * 1e6:.2f} us each under the profiler", ""]
    lines.append("own time by package (us per operation):")
    for name, tt in sorted(by_package.items(), key=lambda item: -item[1]):
        lines.append(f"  {name:14s} {tt / ops * 1e6:8.2f}  ({tt / total:5.1%})")
    lines.append("")
    lines.append("authwire functions by own time (us per operation; cumulative; calls/op):")
    for tt, ct, nc, where in sorted(ours, reverse=True)[:top]:
        lines.append(f"  {tt / ops * 1e6:7.2f}  {ct / ops * 1e6:7.2f}  {nc / ops:5.1f}  {where}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__)
    parser.add_argument("name", nargs="?", choices=sorted(PROFILES))
    parser.add_argument("-n", "--ops", type=int, default=20_000)
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args(argv)
    if args.list or args.name is None:
        print("\n".join(sorted(PROFILES)))
        return 0
    op = PROFILES[args.name]()
    ops = max(1, min(args.ops, _MAX_OPS))
    op()
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(ops):
        op()
    profile.disable()
    print(report(profile, ops))
    return 0


if __name__ == "__main__":
    sys.exit(main())
