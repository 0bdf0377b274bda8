"""Fixtures of the documentation examples, and the summary line that counts them.

At the end of the run the terminal summary says how many Python blocks ran, how many are
marked as not runnable (with each mark's page, line and reason) and how many were
type-checked, so a growing number of marks shows in every CI log.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from joserfc.jwk import RSAKey

from ._fake_oauth2 import EXAMPLE, GITHUB, GOOGLE, X
from ._pages import Block
from ._reader import write_files


@dataclass
class Tally:
    """What the documentation tests did, for the summary."""

    ran: list[Block] = field(default_factory=list)
    marked: list[Block] = field(default_factory=list)
    type_checked: int = 0
    pages: set[Path] = field(default_factory=set)

    def lines(self) -> list[str]:
        if not self.pages and not self.type_checked:
            return []
        lines = [
            f"documentation examples: {len(self.ran)} Python blocks ran on "
            f"{len(self.pages)} pages, {len(self.marked)} marked not runnable, "
            f"{self.type_checked} type-checked with mypy"
        ]
        reasons = Counter(block.skip_reason for block in self.marked)
        for reason, count in sorted(reasons.items(), key=lambda item: str(item[0])):
            lines.append(f"  marked {count}x: {reason}")
        for block in self.marked:
            lines.append(f"    {block.where}")
        return lines


TALLY_KEY = pytest.StashKey[Tally]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[TALLY_KEY] = Tally()


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    tally = config.stash.get(TALLY_KEY, None)
    if tally is None:
        return
    lines = tally.lines()
    if lines:
        terminalreporter.section("documentation examples")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture
def tally(request: pytest.FixtureRequest) -> Tally:
    return request.config.stash[TALLY_KEY]


@pytest.fixture(scope="session")
def server_keys() -> dict[str, RSAKey]:
    """One signing key per fake provider for the whole session (RSA keys are slow to make)."""
    names = [config.name for config in (EXAMPLE, GOOGLE, GITHUB, X)] + ["registry"]
    return {name: RSAKey.generate_key(2048, {"use": "sig", "kid": f"{name}-1"}) for name in names}


@pytest.fixture(scope="session")
def reader_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reader's working directory: the key files the examples open."""
    where = tmp_path_factory.mktemp("reader")
    write_files(where)
    return where
