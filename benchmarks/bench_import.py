"""(5) Import time: ``import authwire`` against ``import httpx``, each in a fresh process.

One sample is one new interpreter that times its own ``import X`` with ``perf_counter`` (so
interpreter start-up is not counted) and reports which heavy packages the import pulled in.
A module's figure in a round is the fastest of ``import_samples`` samples (the machine's
other work only ever adds time), and the modules are rotated round by round.
``import authwire`` alone imports no HTTP library (every bound name loads on first use, so
that ``authwire.httpx2`` never imports httpx); it is timed with its first use,
``authwire.OAuth2Client``, which includes ``import httpx``: the ratio is what a user of
authwire pays over a user of bare httpx.

Two environments:

* this one (the project's), with every peer; httpx imports its command-line tool when it
  can, and click and pygments (there for mkdocs) make ``import httpx`` slow, which flatters
  the ratio;
* a minimal one the benchmark builds for the run (the target is checked there): a fresh
  virtual environment in a temporary directory holding authwire and its dependencies only,
  at the lock file's versions, installed with their bytecode compiled, as an installer
  does. It is removed at the end of the run. ``--smoke`` does not build it: it measures
  this environment with click made unimportable instead, and says so in a note.

A third group, informational, times the import with one client built (``httpx.Client()``
against ``OAuth2Client(...)``) in the minimal environment, so that work moved from
authwire's import to a client's construction still shows.

A ``-X importtime`` run of ``import authwire`` in the minimal environment then says where the
time goes, by top-level package.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
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
#: what the minimal environment holds: httpx and authwire, no peer
MINIMAL_MODULES = {name: MODULES[name] for name in ("import httpx", "import authwire")}
#: import and build one client: work authwire defers from its import to a client's
#: construction stays visible here (no target; the SSL context both build dominates)
CONSTRUCT_MODULES = {
    "import httpx, httpx.Client()": "httpx; httpx.Client()",
    "import authwire, OAuth2Client(...)": (
        "authwire; authwire.OAuth2Client('id', 'secret', token_endpoint='https://as.example/token')"
    ),
}
#: what ``-X importtime`` profiles: ``authwire.OAuth2Client`` loads its modules with
#: ``importlib.import_module``, which ``-X importtime`` does not report, so the profile
#: imports the same module with an import statement
_PROFILED = "authwire, authwire.client.oauth2"

# httpx imports its command-line tool when it can, and that imports click and pygments, which
# this environment has (mkdocs needs them). A minimal install of authwire has neither: with
# click made unimportable, httpx skips its CLI, as it does there.
_NO_CLI = "sys.modules['click'] = None"


@dataclass(frozen=True)
class Environment:
    """Where the samples run: an interpreter, and what sets the environment apart."""

    python: str
    label: str
    no_cli: bool = False
    cwd: Path = _ROOT
    isolated: bool = False  # no PYTHONPATH / PYTHONHOME from this process

    def env(self) -> dict[str, str] | None:
        if not self.isolated:
            return None
        return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}


def _uv() -> list[str] | None:
    """The uv command: the ``uv`` package of this environment, else one on the PATH."""
    if importlib.util.find_spec("uv") is not None:
        return [sys.executable, "-m", "uv"]
    found = shutil.which("uv")
    return [found] if found else None


def _run(argv: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        argv, capture_output=True, text=True, check=True, timeout=300, **kwargs
    )


@contextmanager
def minimal_environment(notes: list[str]) -> Iterator[Environment | None]:
    """A fresh venv with authwire and its dependencies only, for this run; ``None`` when it
    cannot be built (no uv, or no network and no cache), with the reason in ``notes``.

    The dependencies are the lock file's versions (``uv export --package authwire``, no dev
    group, no extra); authwire is built from ``packages/authwire`` as it is in the tree.
    """
    uv = _uv()
    if uv is None:
        notes.append("(5) minimal environment not built: uv not found")
        yield None
        return
    tmp = Path(tempfile.mkdtemp(prefix="authwire-bench-import-"))
    try:
        venv = tmp / "venv"
        python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
        requirements = tmp / "requirements.txt"
        try:
            _run([*uv, "venv", "--quiet", "--python", sys.executable, str(venv)])
            _run(
                [
                    *uv,
                    *("export", "--frozen", "--package", "authwire", "--no-dev", "--no-hashes"),
                    *("--no-emit-workspace", "--no-header", "--no-annotate", "--quiet"),
                    *("--output-file", str(requirements)),
                ],
                cwd=_ROOT,
            )
            _run(
                [
                    *uv,
                    *("pip", "install", "--quiet", "--compile-bytecode"),
                    *("--python", str(python), "-r", str(requirements)),
                    str(_ROOT / "packages" / "authwire"),
                ],
                cwd=_ROOT,
            )
            listed = _run([*uv, "pip", "freeze", "--python", str(python)]).stdout.splitlines()
        except (OSError, subprocess.SubprocessError) as exc:
            detail = getattr(exc, "stderr", "") or exc
            notes.append(f"(5) minimal environment not built: {str(detail).strip()[-300:]}")
            yield None
            return
        names = sorted(line.split("==")[0].split(" @ ")[0] for line in listed)
        notes.append(
            "(5) minimal environment (a fresh venv for this run, bytecode compiled): "
            + ", ".join(names)
        )
        yield Environment(str(python), "minimal", cwd=tmp, isolated=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _sample(module: str, where: Environment) -> dict[str, object]:
    code = _PROBE.format(module=module, heavy=_HEAVY, block=_NO_CLI if where.no_cli else "")
    out = subprocess.run(
        [where.python, "-W", "ignore", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=where.cwd,
        env=where.env(),
        timeout=60,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def import_profile(
    module: str = "authwire", top: int = 8, where: Environment | None = None
) -> list[tuple[str, float]]:
    """Import time (ms) of ``import module`` by top-level package: the sum of its modules'
    own times, so the packages add up to the whole."""
    where = where or Environment(sys.executable, "this environment")
    out = subprocess.run(
        [where.python, "-X", "importtime", "-W", "ignore", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        check=True,
        cwd=where.cwd,
        env=where.env(),
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


def _group(
    config: Config,
    results: Results,
    label: str,
    where: Environment,
    modules: dict[str, str],
    target: float | None,
    reference: str = "import httpx",
) -> None:
    loaded: dict[str, list[str]] = {}
    for name, module in modules.items():
        # warm-up (bytecode caches written), and which heavy packages the import loads
        loaded[name] = list(_sample(module, where)["loaded"])  # type: ignore[call-overload]

    def measure(module: str) -> float:
        # the fastest of a few: another process's work only ever adds time (as timeit notes)
        samples = (_sample(module, where)["ms"] for _ in range(config.import_samples))
        return min(float(ms) for ms in samples)  # type: ignore[arg-type]

    values = rounds_of_values(
        config,
        config.import_rounds,
        {name: partial(measure, module) for name, module in modules.items()},
    )
    notes = {
        name: "loads " + ", ".join(mods) if mods else "no heavy package"
        for name, mods in loaded.items()
        if name != reference
    }
    results.extend(
        ratio_rows(
            label,
            values,
            reference,
            "ms",
            targets={"import authwire": at_most(target, reference)} if target else None,
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

    for name in ("httpx", "authwire", "authlib", "httpx_auth"):
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            for location in spec.submodule_search_locations:
                compileall.compile_dir(location, quiet=1)


_MINIMAL_LABEL = (
    "(5) import time, fresh process, minimal environment (authwire and its dependencies only)"
)
_CONSTRUCT_LABEL = "(5) import and build one client, fresh process, minimal environment"


def _constructed(config: Config, results: Results, where: Environment) -> None:
    """Import and one client built: what deferring work from import to construction costs."""
    reference = next(iter(CONSTRUCT_MODULES))
    _group(config, results, _CONSTRUCT_LABEL, where, CONSTRUCT_MODULES, None, reference)


def run(config: Config, results: Results) -> None:
    _precompile()
    here = Environment(sys.executable, "this environment")
    _group(
        config,
        results,
        "(5) import time, fresh process, this environment (with click and pygments)",
        here,
        MODULES,
        target=1.2,
    )
    if config.smoke:
        # building a venv takes seconds: the smoke run approximates the minimal environment
        results.notes.append(
            "(5) smoke run: the minimal environment was not built; its rows measure this "
            "environment with click made unimportable"
        )
        approx = Environment(sys.executable, "this environment, no click", no_cli=True)
        _group(config, results, _MINIMAL_LABEL, approx, MINIMAL_MODULES, target=1.08)
        _constructed(config, results, approx)
        profile = import_profile(_PROFILED, where=approx)
    else:
        with minimal_environment(results.notes) as minimal:
            where = minimal or Environment(sys.executable, "no click", no_cli=True)
            if minimal is None:
                results.notes.append(
                    "(5) the minimal-environment rows measure this environment with click "
                    "made unimportable instead"
                )
            _group(config, results, _MINIMAL_LABEL, where, MINIMAL_MODULES, target=1.08)
            _constructed(config, results, where)
            profile = import_profile(_PROFILED, where=where)
    results.notes.append(
        "(5) import authwire, own time by package in the minimal environment "
        "(-X importtime, ms, one run): " + ", ".join(f"{name} {ms:.1f}" for name, ms in profile)
    )
    results.checks.append("(5) every module imported in a fresh interpreter")
