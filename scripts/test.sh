#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs uv, the locked Python environment and the
# Node peer (oidc-provider), then runs the linters, the type checker, the docs build and pytest
# (with tox: the core on each supported httpx line and on Python 3.12 and 3.13).
# Needs Python 3.11 with pip, Python 3.12 and 3.13 (pyenv's will do), Node.js 20 with npm, and
# root for apt-get when redis-server or chromium is missing (scripts/ensure_system_packages.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! python3 -m uv --version >/dev/null 2>&1; then
    python3 -m pip install --quiet --disable-pip-version-check "uv>=0.5"
fi
uv() { python3 -m uv "$@"; }

uv sync --locked --all-packages --quiet
npm ci --prefix tests/interop/oidc_provider --no-audit --no-fund --loglevel=error
# Debian's redis-server (token-store tests) and chromium (browser tests), when missing
bash scripts/ensure_system_packages.sh

uv run --locked ruff check .
uv run --locked ruff format --check .
uv run --locked mypy
NO_MKDOCS_2_WARNING=1 uv run --locked mkdocs build --strict --quiet
# every wheel and sdist built, with its LICENSE, through `twine check --strict`
bash scripts/check_dists.sh
# each provider plugin's tests with only the core and that plugin installed, every plugin
# under providers/ in turn, swapped in and out of one venv (scripts/test_providers.py)
# (tox runs outside `uv run`, whose VIRTUAL_ENV would make tox-uv install into .venv)
env -u VIRTUAL_ENV .venv/bin/tox -q -e providers
# the core's unit tests on every supported httpx line (the lock holds 0.28, the newest the
# benchmark peer httpx-auth allows), and the interop tests on the oldest, 0.27
env -u VIRTUAL_ENV .venv/bin/tox -q -e httpx027,httpx028,httpx029,interop-httpx027
# the whole suite on httpx2 (the authwire.httpx2 binding runs the same source)
env -u VIRTUAL_ENV .venv/bin/tox -q -e httpx2
# the core's unit tests on Python 3.12 and 3.13. Here those are pyenv versions, which pyenv's
# shims hide while only the global one is active: name them in PYENV_VERSION. A missing
# interpreter stops the run (`pyenv latest` fails, or else uv finds none): it is never skipped.
(
    if command -v pyenv >/dev/null; then
        active=$(pyenv version-name)
        py312=$(pyenv latest 3.12)
        py313=$(pyenv latest 3.13)
        export PYENV_VERSION="$active:$py312:$py313"
    fi
    env -u VIRTUAL_ENV .venv/bin/tox -q -e core-py312,core-py313
)
uv run --locked pytest "$@"
