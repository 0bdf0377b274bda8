#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs uv, the locked Python environment and the
# Node peer (oidc-provider), then runs the linters, the type checker, the docs build and pytest.
# Needs only Python 3.11 with pip, and Node.js 20 with npm.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! python3 -m uv --version >/dev/null 2>&1; then
    python3 -m pip install --quiet --disable-pip-version-check "uv>=0.5"
fi
uv() { python3 -m uv "$@"; }

uv sync --locked --all-packages --quiet
npm ci --prefix tests/interop/oidc_provider --no-audit --no-fund --loglevel=error

uv run --locked ruff check .
uv run --locked ruff format --check .
uv run --locked mypy
NO_MKDOCS_2_WARNING=1 uv run --locked mkdocs build --strict --quiet
# each provider plugin's tests with only the core and that plugin installed
# (tox runs outside `uv run`, whose VIRTUAL_ENV would make tox-uv install into .venv)
env -u VIRTUAL_ENV .venv/bin/tox -q -e provider-google,provider-github,provider-twitter
uv run --locked pytest "$@"
