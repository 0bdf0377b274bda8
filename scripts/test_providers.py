"""Each provider plugin's tests with only the core and that plugin installed, in ONE venv.

For every plugin directory under ``providers/`` (found here, so a new plugin needs no tox
edit), in turn:

1. ``uv pip install -e providers/<name>`` into the venv, which holds the core and the test
   tools only (the baseline);
2. check that ``authwire.providers`` loads it alone: no plugin error, at least one provider,
   and every registered provider comes from ``authwire-<name>``;
3. run ``pytest tests/providers/<name>``;
4. put the venv back to the baseline: uninstall everything the plugin brought, reinstall any
   baseline package it changed — so an undeclared dependency cannot be hidden by the
   plugin tested before it.

A swap is a few seconds from uv's cache, so the cost grows by one plugin's own tests per
plugin, not by a venv per plugin. ``--shard 2/4`` runs every fourth plugin, for CI jobs in
parallel. Run by ``tox -e providers``; standalone::

    python scripts/test_providers.py --venv /tmp/aw-providers --only google,github -- -x
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROVIDERS = ROOT / "providers"
TESTS = ROOT / "tests" / "providers"
CORE = ROOT / "packages" / "authwire"
#: What the tests need besides the core (the root pyproject's dev group, test part).
TEST_REQUIREMENTS = [
    "pytest>=8.3",
    "hypothesis>=6.100",
    "anyio>=4.4",
    "trio>=0.25",
    "oauthlib>=3.2",
]

CHECK = """
import json, sys
import authwire.providers as providers
from authwire.plugins.registry import default_registry
names = providers.names()
errors = providers.errors()
registry = default_registry()
print(json.dumps({"names": names, "errors": errors,
                  "from": {n: registry.distribution_of(n) for n in names}}))
"""


def sh(
    command: list[str], *, check: bool = False, capture: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run one of this script's own commands (uv, the venv's python) from the repository root."""
    return subprocess.run(  # noqa: S603 - every argument comes from this script or its caller
        command, check=check, capture_output=capture, text=True, cwd=ROOT
    )


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def uv_command() -> list[str]:
    """How to run uv: ``$UV``, the ``uv`` module of this interpreter, or one on PATH."""
    if os.environ.get("UV"):
        return [os.environ["UV"]]
    try:
        import uv  # type: ignore[import-not-found,unused-ignore]

        return [uv.find_uv_bin()]
    except ImportError:
        found = shutil.which("uv")
        if found is None:
            sys.exit("uv is needed: pip install uv, or set UV=/path/to/uv")
        return [found]


class Venv:
    """One interpreter's environment, changed through ``uv pip``."""

    def __init__(self, python: str) -> None:
        self.python = python
        self.uv = uv_command()

    def pip(self, *args: str) -> None:
        sh([*self.uv, "pip", *args, "--python", self.python, "--quiet"], check=True)

    def packages(self) -> dict[str, str]:
        out = sh(
            [*self.uv, "pip", "list", "--format", "json", "--python", self.python],
            check=True,
            capture=True,
        ).stdout
        return {normalize(p["name"]): p["version"] for p in json.loads(out)}

    def restore(self, baseline: dict[str, str]) -> None:
        """Back to ``baseline``: what was added goes, what was changed or removed returns."""
        now = self.packages()
        extra = sorted(set(now) - set(baseline))
        if extra:
            self.pip("uninstall", *extra)
        back = [n for n, v in baseline.items() if now.get(n) != v]
        if "authwire" in back:  # the core is installed from the tree, never from an index
            back.remove("authwire")
            self.pip("install", "-e", str(CORE))
        if back:
            self.pip("install", *(f"{n}=={baseline[n]}" for n in back))


def plugins(only: set[str] | None, shard: tuple[int, int]) -> list[str]:
    found = sorted(p.parent.name for p in PROVIDERS.glob("*/pyproject.toml"))
    if only is not None:
        unknown = only - set(found)
        if unknown:
            sys.exit(f"no plugin directory for: {', '.join(sorted(unknown))}")
        found = [name for name in found if name in only]
    index, count = shard
    return [name for i, name in enumerate(found) if i % count == index - 1]


def check_alone(venv: Venv, plugin: str) -> str | None:
    """Why the registry is not exactly this plugin's providers, or ``None``."""
    result = sh([venv.python, "-c", CHECK], capture=True)
    if result.returncode != 0:
        return f"the registry did not load: {result.stderr.strip()[-2000:]}"
    state = json.loads(result.stdout)
    print("    providers: " + " ".join(state["names"]), flush=True)
    if state["errors"]:
        return f"plugin errors: {state['errors']}"
    if not state["names"]:
        return "it registers no provider"
    distribution = f"authwire-{plugin}"
    strangers = {n: d for n, d in state["from"].items() if normalize(d or "") != distribution}
    if strangers:
        return f"providers not from {distribution}: {strangers}"
    return None


def run(venv: Venv, plugin: str, pytest_args: list[str]) -> str | None:
    """Install, check and test one plugin; why it failed, or ``None``."""
    if not (TESTS / plugin).is_dir():
        return f"no tests: tests/providers/{plugin} does not exist"
    venv.pip("install", "-e", str(PROVIDERS / plugin))
    problem = check_alone(venv, plugin)
    if problem is not None:
        return problem
    pytest = [venv.python, "-m", "pytest", "-p", "no:cacheprovider", "-q"]
    tests = sh([*pytest, f"tests/providers/{plugin}", *pytest_args])
    return None if tests.returncode == 0 else f"pytest exited with {tests.returncode}"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=sys.executable, help="the venv's interpreter")
    parser.add_argument("--venv", type=Path, help="create (if needed) and use this venv")
    parser.add_argument("--setup", action="store_true", help="install the core and test tools")
    parser.add_argument("--only", help="comma-separated plugin names (default: all)")
    parser.add_argument("--shard", default="1/1", help="i/n: every n-th plugin from the i-th")
    parser.add_argument("pytest_args", nargs="*", help="after --: passed to pytest")
    args = parser.parse_args(argv)
    index, _, count = args.shard.partition("/")
    shard = (int(index), int(count or 1))
    if not 1 <= shard[0] <= shard[1]:
        parser.error("--shard is i/n with 1 <= i <= n")

    python = args.python
    if args.venv is not None:
        python = str(args.venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python"))
        if not Path(python).exists():
            sh(
                [*uv_command(), "venv", "--quiet", "--python", sys.executable, str(args.venv)],
                check=True,
            )
        args.setup = True
    venv = Venv(python)
    selected = plugins(set(args.only.split(",")) if args.only else None, shard)
    # a run interrupted half way may have left a plugin behind: start from the core alone
    leftovers = [n for n in venv.packages() if n.startswith("authwire-")]
    if leftovers:
        venv.pip("uninstall", *leftovers)
    if args.setup:
        venv.pip("install", "-e", str(CORE), *TEST_REQUIREMENTS)
    baseline = venv.packages()

    failures: dict[str, str] = {}
    for plugin in selected:
        started = time.monotonic()
        print(f"== {plugin}", flush=True)
        try:
            problem = run(venv, plugin, args.pytest_args)
        finally:
            venv.restore(baseline)
        if problem is not None:
            failures[plugin] = problem
        outcome = "FAILED" if problem else "ok"
        print(f"   {plugin}: {outcome} ({time.monotonic() - started:.1f}s)", flush=True)
    if failures:
        print("\nfailed plugins:")
        for plugin, problem in failures.items():
            print(f"  {plugin}: {problem}")
        return 1
    print(f"\n{len(selected)} plugin(s) passed alone: {', '.join(selected)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
