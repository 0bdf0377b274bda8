#!/usr/bin/env bash
# A guided tour of authwire, from a fresh clone: installs uv, the locked Python environment and
# the Node peer (oidc-provider), then runs `python -m demo`, which starts the local providers
# the interop tests use on 127.0.0.1, walks through the main flows, and stops them again.
# Needs only Python 3.11 with pip, and Node.js 20 with npm.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! python3 -m uv --version >/dev/null 2>&1; then
    python3 -m pip install --quiet --disable-pip-version-check "uv>=0.5"
fi
uv() { python3 -m uv "$@"; }

uv sync --locked --all-packages --quiet
npm ci --prefix tests/interop/oidc_provider --no-audit --no-fund --loglevel=error

uv run --locked python -m demo "$@"
