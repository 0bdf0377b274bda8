"""The API reference (docs/reference.md, generated from the docstrings) is complete and reads well.

* The built site has no raw Sphinx roles (``:class:`X```) — mkdocstrings renders them as
  literal text; docstrings cross-reference with autorefs (``[X][authwire.X]``) or backticks.
* Every name of every ``__all__`` of the public modules is in the site's objects inventory,
  under its own path or under the path of the object it re-exports.
* Every public name, and every public method, property and attribute of a public class
  (inherited ones included, as the reference shows them), has a docstring, and every
  constructor parameter is documented (the class's ``Args:`` or its ``__init__``'s).

The source is read with griffe, as mkdocstrings reads it, so a failure names the file and
line to fix. The site is built once per run (a few seconds) into a temporary directory.
"""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import griffe
import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "packages" / "authwire" / "src"

#: The modules whose ``__all__`` is the public API. Private modules (``_name``) and the
#: internals they re-export from (``authwire.auth``, ``authwire.client``) are not listed:
#: their public names are reached through these.
PUBLIC_MODULES = (
    "authwire",
    "authwire.stores",
    "authwire.testing",
    "authwire.plugins",
    "authwire.plugins.hookspecs",
    "authwire.providers",
    "authwire.integrations",
    "authwire.integrations.starlette",
    "authwire.integrations.flask",
    "authwire.integrations.django",
    "authwire.rfc7523",
    "authwire.protocol.rfc8628",
    "authwire.protocol.rfc9126",
    "authwire.protocol.rfc9101",
    "authwire.protocol.rfc9449",
    "authwire.protocol.rfc8693",
    "authwire.protocol.rfc8707",
    "authwire.protocol.issuers",
)
#: Public names reached from outside those modules, that the reference documents too.
EXTRA_PUBLIC = ("authwire.protocol.oidc_core.IDTokenClaims",)

ROLES = ("class", "meth", "func", "mod", "data", "attr", "exc", "obj", "const")
#: A Sphinx role as a docstring writes it (``:class:`X```, ``:py:meth:`~x.y```) ...
SOURCE_ROLE = re.compile(rf":(?:py:)?(?:{'|'.join(ROLES)}):`")
#: ... and as it reaches the HTML once Markdown made the backticks a <code> element.
HTML_ROLE = re.compile(rf":(?:py:)?(?:{'|'.join(ROLES)}):(?=<code>|`)")


# --- the site --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The documentation built with ``mkdocs build --strict`` (a warning fails the build)."""
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{done.stdout}{done.stderr}"
    return out


def inventory(site: Path) -> set[str]:
    """The names in the site's ``objects.inv`` (Sphinx inventory v2: four header lines, then
    zlib-compressed ``name domain:role priority uri display`` lines)."""
    raw = (site / "objects.inv").read_bytes()
    header = raw.split(b"\n", 4)
    assert header[0] == b"# Sphinx inventory version 2", header[0]
    body = zlib.decompress(header[4]).decode("utf-8")
    return {line.split(" ", 1)[0] for line in body.splitlines() if line.strip()}


# --- the source, as mkdocstrings reads it ----------------------------------------------------


@pytest.fixture(scope="module")
def package() -> griffe.Module:
    loaded = griffe.load(
        "authwire", search_paths=[SRC], docstring_parser="google", resolve_aliases=True
    )
    assert isinstance(loaded, griffe.Module)
    return loaded


def exported(module: str) -> list[str]:
    """``module.__all__``, read at run time (griffe cannot always expand ``[*other, ...]``)."""
    names = importlib.import_module(module).__all__
    assert isinstance(names, list | tuple), module
    return [str(name) for name in names]


def resolve(package: griffe.Module, path: str) -> griffe.Object | None:
    """The object ``path`` names, aliases followed; ``None`` when it lives outside authwire."""
    found = package[path.removeprefix("authwire.")] if path != "authwire" else package
    try:
        target = found.final_target if isinstance(found, griffe.Alias) else found
    except (griffe.AliasResolutionError, griffe.CyclicAliasError):
        return None
    assert isinstance(target, griffe.Object)
    return target


def where(obj: griffe.Object | griffe.Alias, lineno: int | None = None) -> str:
    """``path:line`` of an object (or of a line of its file), relative to the repository."""
    filepath = obj.filepath
    assert isinstance(filepath, Path)
    try:
        shown = filepath.relative_to(ROOT)
    except ValueError:
        shown = filepath
    return f"{shown}:{lineno if lineno is not None else obj.lineno}"


@dataclass(frozen=True)
class Member:
    """A public object of the reference: the path a reader sees, and the object behind it."""

    shown_as: str
    obj: griffe.Object
    #: the class whose entry shows it, for a member of a class
    owner: griffe.Object | None

    def has_docstring(self) -> bool:
        """Its own docstring; or, as ``inspect.getdoc`` reads it, that of the member it
        overrides in a base class; or, for an attribute, an entry in the ``Attributes:`` or
        ``Args:`` section of a class that has it (an attribute set in ``__init__`` is
        documented where the class is)."""
        if has_text(self.obj):
            return True
        if self.owner is None:
            return False
        name = self.obj.name
        classes: list[griffe.Object] = [self.owner]
        if isinstance(self.owner, griffe.Class):
            classes += self.owner.mro()
        if isinstance(self.obj.parent, griffe.Class):
            classes += [self.obj.parent, *self.obj.parent.mro()]
        for cls in classes:
            if not cls.path.startswith("authwire."):
                continue
            inherited = cls.members.get(name)
            if inherited is not None and has_text(inherited):
                return True
            if self.obj.is_attribute and name in (
                documented_names(cls) | documented_names(constructor(cls))
            ):
                return True
        return False


def has_text(obj: griffe.Object | griffe.Alias) -> bool:
    try:
        docstring = obj.docstring
    except (griffe.AliasResolutionError, griffe.CyclicAliasError):
        return False
    return docstring is not None and bool(docstring.value.strip())


def public_names(package: griffe.Module) -> Iterator[Member]:
    """Every name of every public ``__all__``, and the public members of each class; each
    object once, under the first path that shows it."""
    seen: set[str] = set()
    paths = [f"{module}.{name}" for module in PUBLIC_MODULES for name in exported(module)]
    for path in [*PUBLIC_MODULES, *paths, *EXTRA_PUBLIC]:
        obj = resolve(package, path)
        if obj is None or obj.path in seen:
            continue
        seen.add(obj.path)
        yield Member(path, obj, None)
        if obj.is_class:
            for member in class_members(path, obj):
                if member.obj.path not in seen:
                    seen.add(member.obj.path)
                    yield member


def class_members(shown_as: str, cls: griffe.Object) -> Iterator[Member]:
    """The public members a class's entry shows: its own and those it inherits from authwire
    classes (private bases included: ``OAuth2Client.from_provider`` lives on one)."""
    for name, member in sorted(cls.all_members.items()):
        if name.startswith("_"):
            continue
        try:
            target = member.final_target if isinstance(member, griffe.Alias) else member
        except (griffe.AliasResolutionError, griffe.CyclicAliasError):
            continue
        if not isinstance(target, griffe.Object) or not target.path.startswith("authwire."):
            continue
        yield Member(f"{shown_as}.{name}", target, cls)
        if target.is_class:
            yield from class_members(f"{shown_as}.{name}", target)


def constructor(cls: griffe.Object) -> griffe.Function | None:
    """The class's ``__init__`` (its own or inherited) when authwire writes it."""
    init = cls.all_members.get("__init__")
    try:
        init = init.final_target if isinstance(init, griffe.Alias) else init
    except (griffe.AliasResolutionError, griffe.CyclicAliasError):
        return None
    if not isinstance(init, griffe.Function) or not init.path.startswith("authwire."):
        return None  # object.__init__, or a constructor from another library
    return init


def by_place(line: str) -> tuple[str, int, str]:
    """Sort key of a ``path:line  text`` report line: by file, then by line number."""
    place, _, text = line.partition("  ")
    path, _, lineno = place.rpartition(":")
    return path, int(lineno) if lineno.isdigit() else 0, text


def docstring_lines(obj: griffe.Object) -> Iterator[tuple[int, str]]:
    """(line number, raw source line) of an object's docstring."""
    docstring = obj.docstring
    if docstring is None or docstring.lineno is None or not isinstance(obj.filepath, Path):
        return
    end = docstring.endlineno or docstring.lineno
    lines = obj.lines_collection[obj.filepath]
    for lineno in range(docstring.lineno, end + 1):
        yield lineno, lines[lineno - 1]


def documented_names(obj: griffe.Object | None) -> set[str]:
    """The names an object's docstring documents in its Args/Parameters/Attributes sections."""
    if obj is None or obj.docstring is None:
        return set()
    names: set[str] = set()
    for section in obj.docstring.parsed:
        if section.kind in (
            griffe.DocstringSectionKind.parameters,
            griffe.DocstringSectionKind.other_parameters,
            griffe.DocstringSectionKind.attributes,
        ):
            names.update(item.name.lstrip("*") for item in section.value)
    return names


# --- the tests -------------------------------------------------------------------------------


def test_the_site_has_no_raw_sphinx_roles(site: Path, package: griffe.Module) -> None:
    pages = {
        str(page.relative_to(site)): len(HTML_ROLE.findall(page.read_text("utf-8")))
        for page in sorted(site.rglob("*.html"))
    }
    raw = {page: count for page, count in pages.items() if count}
    if not raw:
        return
    sources = sorted(
        {
            where(member.obj, lineno) + f"  {line.strip()}"
            for member in public_names(package)
            for lineno, line in docstring_lines(member.obj)
            if SOURCE_ROLE.search(line)
        },
        key=by_place,
    )
    pytest.fail(
        f"{sum(raw.values())} raw Sphinx roles render as literal text on {raw}; write "
        "[Name][authwire.path.Name] (an autorefs link) or `Name` instead. In the docstrings:\n"
        + "\n".join(sources)
    )


def test_the_reference_lists_every_public_name(site: Path, package: griffe.Module) -> None:
    listed = inventory(site)
    missing = []
    for module in PUBLIC_MODULES:
        assert module in listed, f"{module} has no entry in docs/reference.md"
        for name in exported(module):
            path = f"{module}.{name}"
            target = resolve(package, path)
            if path in listed or (target is not None and target.path in listed):
                continue
            missing.append(path if target is None else f"{path} (defined as {target.path})")
    for path in EXTRA_PUBLIC:
        if path not in listed:
            missing.append(path)
    assert not missing, "not in the API reference (docs/reference.md):\n" + "\n".join(missing)


def test_every_public_name_and_member_has_a_docstring(package: griffe.Module) -> None:
    undocumented = sorted(
        (
            f"{where(member.obj)}  {member.shown_as}"
            for member in public_names(package)
            if not member.has_docstring()
        ),
        key=by_place,
    )
    assert not undocumented, f"{len(undocumented)} public names without a docstring:\n" + "\n".join(
        undocumented
    )


def test_every_constructor_parameter_is_documented(package: griffe.Module) -> None:
    undocumented = []
    for member in public_names(package):
        init = constructor(member.obj) if member.obj.is_class else None
        if init is None or member.owner is not None:
            continue
        # documented where the constructor is written: a subclass that inherits __init__
        # (each error of the OAuthError family) says nothing new about its parameters
        defined_by = init.parent
        assert isinstance(defined_by, griffe.Object)
        documented = documented_names(defined_by) | documented_names(init)
        attributes = {
            name
            for name, attribute in defined_by.all_members.items()
            if attribute.is_attribute and attribute.docstring
        }
        for parameter in init.parameters:
            if parameter.name in ("self", "cls"):
                continue
            if parameter.name not in documented | attributes:
                undocumented.append(f"{where(defined_by)}  {member.shown_as}({parameter.name}=...)")
    assert not undocumented, (
        f"{len(undocumented)} constructor parameters documented neither in the class's "
        "Args: nor in __init__'s:\n" + "\n".join(sorted(set(undocumented), key=by_place))
    )
