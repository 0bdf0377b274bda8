"""(5) Import time: ``import authwire`` against ``import httpx``, each in a fresh process.

One sample is one new interpreter that times its own ``import X`` with ``perf_counter`` (so
interpreter start-up is not counted) and reports which heavy packages the import pulled in.
The modules are rotated round by round. ``import authwire`` alone imports no HTTP library
(every bound name loads on first use, so that ``authwire.httpx2`` never imports httpx); it is
timed with its first use, ``authwire.OAuth2Client``, which includes ``import httpx``: the
ratio is what a user of authwire pays over a user of bare httpx. A ``-X importtime`` run of
``import authwire`` then says where the time goes, by top-level package.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from ._harness import Config, Results, at_most, ratio_rows, rounds_of_values

_ROOT = Path(__file__).resolve().parent.parent
_HEAVY = ("cryptography", "joserfc", "anyio", "pluggy", "authlib", "requests", "trio")
_PROBE = """
import sys, time, json
{block}
start = time.perf_counter()
import {module}
elapsed = time.perf_counter() - start
print(json.dumps({{"ms": elapsed * 1000, "loaded": [m for m in {heavy!r} if m in sys.modules]}}))
"""

MODULES = {
    "import httpx": "httpx",
    # a statement the probe runs after "import ": the package and its first use
    "import authwire": "authwire; authwire.OAuth2Client",
    "import authlib.integrations.httpx_client": "authlib.integrations.httpx_client",
    "import httpx_auth": "httpx_auth",
}


# httpx imports its command-line tool when it can, and that imports click and pygments, which
# this environment has (mkdocs needs them). A minimal install of authwire has neither: with
# click made unimportable, httpx skips its CLI, as it does there.
_NO_CLI = "sys.modules['click'] = None"


def _sample(module: str, *, no_cli: bool = False) -> dict[str, object]:
    code = _PROBE.format(module=module, heavy=_HEAVY, block=_NO_CLI if no_cli else "")
    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=_ROOT,
        timeout=60,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def import_profile(module: str = "authwire", top: int = 8) -> list[tuple[str, float]]:
    """Import time (ms) of ``import module`` by top-level package: the sum of its modules'
    own times, so the packages add up to the whole."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-W", "ignore", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        check=True,
        cwd=_ROOT,
        timeout=60,
    )
    # lines: "import time: self [us] | cumulative | imported package"; sum the self times
    # by top-level package
    totals: dict[str, float] = defaultdict(float)
    for line in out.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        own, _, name = (part.strip() for part in line.split(":", 1)[1].split("|"))
        totals[name.split(".")[0]] += int(own) / 1000
    return sorted(totals.items(), key=lambda item: -item[1])[:top]


def _group(config: Config, results: Results, label: str, *, no_cli: bool) -> None:
    loaded: dict[str, list[str]] = {}
    for name, module in MODULES.items():
        # warm-up (bytecode caches written), and which heavy packages the import loads
        loaded[name] = list(_sample(module, no_cli=no_cli)["loaded"])  # type: ignore[call-overload]

    def measure(module: str) -> float:
        return float(_sample(module, no_cli=no_cli)["ms"])  # type: ignore[arg-type]

    values = rounds_of_values(
        config,
        config.import_rounds,
        {name: (lambda m=module: measure(m)) for name, module in MODULES.items()},
    )
    notes = {
        name: "loads " + ", ".join(mods) if mods else "no heavy package"
        for name, mods in loaded.items()
        if name != "import httpx"
    }
    results.extend(
        ratio_rows(
            label,
            values,
            "import httpx",
            "ms",
            targets={"import authwire": at_most(1.2, "import httpx")},
            notes=notes,
        )
    )


def _precompile() -> None:
    """Write the bytecode of every module measured, as an installer does.

    Under ``PYTHONDONTWRITEBYTECODE`` (set on some machines) a module edited since its last
    compilation would otherwise be compiled from source in every sample, which is a cost
    of the checkout, not of the import.
    """
    import compileall
    import importlib.util

    for name in ("httpx", "authwire", "authlib", "httpx_auth"):
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            for location in spec.submodule_search_locations:
                compileall.compile_dir(location, quiet=1)


def run(config: Config, results: Results) -> None:
    _precompile()
    _group(config, results, "(5) import time, fresh process", no_cli=False)
    _group(
        config,
        results,
        "(5) import time, fresh process, without httpx's CLI (as a minimal install)",
        no_cli=True,
    )
    profile = import_profile("authwire; authwire.OAuth2Client")
    results.notes.append(
        "import authwire, own time by package (-X importtime, ms, one run): "
        + ", ".join(f"{name} {ms:.1f}" for name, ms in profile)
    )
    results.checks.append("(5) every module imported in a fresh interpreter")
