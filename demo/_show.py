"""How the tour talks to a newcomer: numbered steps, outcomes, and redacted values."""

from __future__ import annotations

import base64
import json
import sys
import textwrap
from typing import Any

OK = "✔"
FAIL = "✘"
WIDTH = 96


class DemoError(Exception):
    """A step did not get the outcome it expected; the message says what happened."""


def peek(value: str, keep: int = 6) -> str:
    """A token or secret as a newcomer may see it: a short prefix and its length, never all."""
    return f"{value[:keep]}… ({len(value)} chars)"


def jwt_header(token: str) -> dict[str, Any]:
    """The (public) JOSE header of a compact JWT, e.g. its ``alg`` and ``kid``."""
    part = token.split(".", 1)[0]
    header: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return header


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise DemoError(message)


class Screen:
    """Prints the tour: a title per step, why it happens, then what came out."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.current = 0
        self.title = ""
        if hasattr(sys.stdout, "reconfigure"):
            sys.stdout.reconfigure(errors="replace", line_buffering=True)

    def banner(self, text: str) -> None:
        print(text)
        print("=" * len(text))

    def line(self, text: str = "") -> None:
        print(text)

    def step(self, title: str, why: str) -> None:
        self.current += 1
        self.title = title
        print()
        print(f"[{self.current}/{self.total}] {title}")
        print(textwrap.fill(why, WIDTH, initial_indent="    ", subsequent_indent="    "))

    def info(self, text: str) -> None:
        print(f"    · {text}")

    def ok(self, text: str) -> None:
        print(f"    {OK} {text}")

    def failed(self, text: str) -> None:
        where = f"step {self.current} ({self.title})" if self.current else "start-up"
        print()
        print(f"{FAIL} The demo stopped at {where}:")
        for row in text.splitlines() or [""]:
            print(f"    {row}")
