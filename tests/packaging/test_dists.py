"""Every distribution of the workspace builds into a wheel and an sdist that PyPI would take.

The wheels and sdists of ``packages/*`` and ``providers/*`` are built once per session with
``uv build`` (as a release would), then checked: the root LICENSE inside each (PEP 639
``License-File``), ``twine check --strict``, and the metadata a reader of the PyPI page
relies on — the SPDX license, project URLs, classifiers for the development status and each
supported Python, and a README long enough to be a description. ``scripts/check_dists.sh``
runs the LICENSE and twine checks outside pytest.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from dataclasses import dataclass
from email.message import Message
from email.parser import HeaderParser
from pathlib import Path

import pytest

from tests._venv import uv

ROOT = Path(__file__).resolve().parents[2]
LICENSE = (ROOT / "LICENSE").read_bytes()
PROJECTS = sorted(
    path.parent
    for pattern in ("packages/*", "providers/*")
    for path in ROOT.glob(f"{pattern}/pyproject.toml")
)
PYTHONS = ("3.11", "3.12", "3.13")
URLS = ("Homepage", "Documentation", "Repository", "Issues", "Changelog")
#: The fewest lines of README a PyPI page needs to say what, how to install, an example, links.
MIN_DESCRIPTION_LINES = 30


@dataclass(frozen=True)
class Dist:
    project: Path
    wheel: Path
    sdist: Path

    def metadata(self) -> Message:
        with zipfile.ZipFile(self.wheel) as archive:
            [name] = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
            return HeaderParser().parsestr(archive.read(name).decode("utf-8"))

    def description(self) -> str:
        with zipfile.ZipFile(self.wheel) as archive:
            [name] = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
            text = archive.read(name).decode("utf-8")
        return text.partition("\n\n")[2]


def _dist_name(project: Path) -> str:
    """The distribution's file-name stem (``authwire_google``), from its pyproject."""
    with (project / "pyproject.toml").open("rb") as file:
        name = str(tomllib.load(file)["project"]["name"])
    return re.sub(r"[-_.]+", "_", name).lower()


@pytest.fixture(scope="session")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, Dist | str]:
    """A wheel and an sdist of every project, built once for the session by one ``uv build``.

    ``--all-packages`` builds every workspace member (``packages/*``, ``providers/*``), in
    parallel; a project that does not build maps to the build's output, so that its own
    tests fail with it while the other projects are still checked.
    """
    out = tmp_path_factory.mktemp("dists")
    done = subprocess.run(
        [*uv(), "build", "--all-packages", "--sdist", "--wheel", "--out-dir", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=ROOT,
    )
    built: dict[Path, Dist | str] = {}
    for project in PROJECTS:
        stem = _dist_name(project)
        wheels = list(out.glob(f"{stem}-*.whl"))
        sdists = list(out.glob(f"{stem}-*.tar.gz"))
        if len(wheels) == 1 and len(sdists) == 1:
            built[project] = Dist(project, wheels[0], sdists[0])
        else:
            built[project] = f"uv build made no wheel and sdist:\n{done.stderr[-3000:]}"
    return built


def _dist(dists: dict[Path, Dist | str], project: Path) -> Dist:
    dist = dists[project]
    if isinstance(dist, str):
        pytest.fail(f"{project.relative_to(ROOT)}: {dist}", pytrace=False)
    return dist


def test_every_project_is_built(dists: dict[Path, Dist | str]) -> None:
    assert ROOT / "packages" / "authwire" in dists
    names = {p.name for p in dists if p.parent.name == "providers"}
    assert {"google", "github", "twitter"} <= names
    failed = [str(p.relative_to(ROOT)) for p, dist in dists.items() if isinstance(dist, str)]
    assert not failed, f"these projects do not build: {failed}"


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_wheel_and_sdist_carry_the_license(project: Path, dists: dict[Path, Dist | str]) -> None:
    dist = _dist(dists, project)
    with zipfile.ZipFile(dist.wheel) as archive:
        licenses = [n for n in archive.namelist() if n.endswith(".dist-info/licenses/LICENSE")]
        assert len(licenses) == 1, f"{dist.wheel.name} has no .dist-info/licenses/LICENSE"
        assert archive.read(licenses[0]) == LICENSE
    top = dist.sdist.name.removesuffix(".tar.gz")
    with tarfile.open(dist.sdist) as archive:
        member = archive.extractfile(f"{top}/LICENSE")
        assert member is not None
        assert member.read() == LICENSE
    metadata = dist.metadata()
    assert metadata["License-Expression"] == "BSD-3-Clause"
    assert metadata.get_all("License-File") == ["LICENSE"]


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_metadata_a_pypi_page_needs(project: Path, dists: dict[Path, Dist | str]) -> None:
    dist = _dist(dists, project)
    metadata = dist.metadata()
    urls = dict(entry.split(", ", 1) for entry in metadata.get_all("Project-URL") or [])
    assert set(URLS) <= set(urls), f"project URLs: {sorted(urls)}"
    assert all(url.startswith("https://") for url in urls.values())
    classifiers = metadata.get_all("Classifier") or []
    assert any(c.startswith("Development Status :: ") for c in classifiers)
    for version in PYTHONS:
        assert f"Programming Language :: Python :: {version}" in classifiers
    assert "Typing :: Typed" in classifiers
    # PEP 639: the SPDX License-Expression replaces license classifiers
    assert not [c for c in classifiers if c.startswith("License :: ")]
    assert metadata["Description-Content-Type"] == "text/markdown"
    description = dist.description()
    assert len(description.splitlines()) >= MIN_DESCRIPTION_LINES, "the README is too short"
    assert "pip install" in description


def test_twine_check_strict(dists: dict[Path, Dist | str]) -> None:
    built = [dist for dist in dists.values() if isinstance(dist, Dist)]
    files = [str(path) for dist in built for path in (dist.wheel, dist.sdist)]
    done = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *files],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("PASSED") == len(files)


def test_every_provider_installs_from_the_wheels_by_its_extra(
    dists: dict[Path, Dist | str], tmp_path: Path
) -> None:
    """``pip install "authwire[<every provider extra>]"`` from the built wheels lists them all.

    The extras are the core's own (``packages/authwire/pyproject.toml``): a plugin without
    one, or an extra naming a missing distribution, fails here. The names listed must be
    exactly those the workspace's plugins register.
    """
    from authwire import providers
    from tests._venv import fresh_venv, run

    for project in PROJECTS:
        _dist(dists, project)
    with (ROOT / "packages" / "authwire" / "pyproject.toml").open("rb") as file:
        extras = tomllib.load(file)["project"]["optional-dependencies"]
    plugins = sorted(
        name for name, requirements in extras.items() if requirements == [f"authwire-{name}"]
    )
    assert {f"authwire-{name}" for name in plugins} == {
        _dist_name(p).replace("_", "-") for p in PROJECTS if p.parent.name == "providers"
    }
    wheels = {d.wheel.parent for d in dists.values() if isinstance(d, Dist)}
    [where] = wheels
    python = fresh_venv(
        tmp_path,
        "--find-links",
        str(where),
        "--prerelease",
        "allow",
        f"authwire[{','.join(plugins)}]",
    )
    out = run(python, "-c", "import authwire; print(','.join(authwire.providers.names()))")
    assert out.strip().split(",") == providers.names()
    errors = run(python, "-c", "import authwire; print(authwire.providers.errors())")
    assert errors.strip() == "{}"
