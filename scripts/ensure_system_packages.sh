#!/usr/bin/env bash
# Install the Debian packages the test suite's real peers need, when missing:
#   redis-server  the token-store tests (tests/stores) start their own on 127.0.0.1
#   chromium      the real-browser tests (tests/integrations), driven by Playwright through
#                 executable_path: Playwright's own browser download is impossible here
# Idempotent: does nothing when both are there. Installing needs root (CI runs as root);
# `apt-get update` runs once, only when something is missing.
set -euo pipefail

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "ensure_system_packages.sh: ${missing[*]} missing, and installing needs root" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
redis-server --version
/usr/bin/chromium --version
