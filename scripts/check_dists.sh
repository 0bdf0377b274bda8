#!/usr/bin/env bash
# Build every distribution of the workspace (packages/* and providers/*) as a wheel and an
# sdist, as a release would, into a temporary folder; then check them as PyPI would see them:
# `twine check --strict` (metadata, and a README that renders), and the LICENSE file inside
# every wheel (.dist-info/licenses/LICENSE) and every sdist, the same text as the root LICENSE.
# tests/packaging/test_dists.py checks the same, and the metadata, inside pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

uv() { python3 -m uv "$@"; }

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# every workspace member (packages/*, providers/*), built in parallel; a project that fails
# to build is reported by uv, and the count below shows it is missing
projects=$(ls -d packages/*/pyproject.toml providers/*/pyproject.toml | wc -l)
status=0
uv build --all-packages --quiet --sdist --wheel --out-dir "$out" || status=$?
wheels=$(find "$out" -name '*.whl' | wc -l)
sdists=$(find "$out" -name '*.tar.gz' | wc -l)
echo "$projects projects: built $wheels wheels and $sdists sdists in $out"

# the environment `uv sync --locked --all-packages` made (scripts/test.sh does it first)
.venv/bin/python -m twine check --strict "$out"/*

.venv/bin/python - "$out" LICENSE <<'PY'
"""Every wheel and sdist in the folder carries the root LICENSE, unchanged."""
import sys
import tarfile
import zipfile
from pathlib import Path

folder, license_path = Path(sys.argv[1]), Path(sys.argv[2])
expected = license_path.read_bytes()
problems = []
wheels = sorted(folder.glob("*.whl"))
sdists = sorted(folder.glob("*.tar.gz"))
if not wheels or len(wheels) != len(sdists):
    problems.append(f"{len(wheels)} wheels and {len(sdists)} sdists")
for wheel in wheels:
    with zipfile.ZipFile(wheel) as archive:
        found = [n for n in archive.namelist() if n.endswith(".dist-info/licenses/LICENSE")]
        if len(found) != 1 or archive.read(found[0]) != expected:
            problems.append(f"{wheel.name}: no .dist-info/licenses/LICENSE with the root text")
for sdist in sdists:
    top = sdist.name.removesuffix(".tar.gz")
    with tarfile.open(sdist) as archive:
        try:
            member = archive.extractfile(f"{top}/LICENSE")
        except KeyError:
            member = None
        if member is None or member.read() != expected:
            problems.append(f"{sdist.name}: no {top}/LICENSE with the root text")
for problem in problems:
    print("LICENSE check failed:", problem, file=sys.stderr)
if problems:
    sys.exit(1)
print(f"LICENSE found in {len(wheels)} wheels and {len(sdists)} sdists")
PY

if [ "$status" -ne 0 ] || [ "$wheels" -ne "$projects" ] || [ "$sdists" -ne "$projects" ]; then
    echo "not every project built a wheel and an sdist (uv build exit status $status)" >&2
    exit 1
fi
