"""JSON a server sent: parsed, and its numbers read, with one typed failure for hostile input.

``json.loads`` alone lets a hostile body escape as a foreign exception: 100,000 nested arrays
raise `RecursionError`, ``NaN`` and ``Infinity`` parse as floats that every time
check then accepts, a 400-digit integer overflows the first ``float()`` it meets, and a
``"\\ud800"`` escape makes a string that raises `UnicodeEncodeError` wherever it is
sent on (a header, a form body). Every module that reads a server's JSON goes through
`loads()`, and every number it reads through `finite_number()`.
"""

from __future__ import annotations

import json
import math
from typing import Any

__all__ = ["MAX_NUMBER", "finite_number", "loads"]

MAX_NUMBER = 1e19
"""Numbers beyond this (about 3e11 years in seconds) are no one's expiry or interval."""


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"JSON constant {name} is not allowed")


def loads(data: bytes | str) -> Any:
    """Parse JSON, raising `ValueError` for anything that is not plain JSON.

    Too deep nesting, the non-standard ``NaN``/``Infinity`` constants (RFC 8259 §6 has no
    such numbers) and strings with unpaired surrogates (RFC 7493 §2.1; RFC 8259 §8.2 calls
    their handling unpredictable) are refused as invalid JSON, like any other malformed
    document.
    """
    try:
        value = json.loads(data, parse_constant=_refuse_constant)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    if _may_hold_surrogate(data) and _has_lone_surrogate(value):
        raise ValueError("JSON string with an unpaired surrogate")
    return value


def _may_hold_surrogate(data: bytes | str) -> bool:
    # A surrogate comes from a \uD800-\uDFFF escape, from bytes ED A0-BF or UTF-16/32 code
    # units (json.loads guesses the encoding of bytes and decodes with "surrogatepass"), or,
    # in a str, from the character itself. Only then is the parsed value walked.
    if isinstance(data, str):
        return "\\u" in data or not data.isascii()
    if json.detect_encoding(data) not in ("utf-8", "utf-8-sig"):
        return True
    return b"\\u" in data or b"\xed" in data


def _has_lone_surrogate(value: Any) -> bool:
    # iterative: the value may be nested almost as deep as the recursion limit
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def finite_number(value: Any) -> float | None:
    """``value`` as a finite float of at most `MAX_NUMBER` in size, else ``None``.

    Accepts JSON numbers and numeric strings (some providers send ``"3600"``); booleans,
    NaN, infinities, overflowing and absurdly large values are not numbers here.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if -MAX_NUMBER <= value <= MAX_NUMBER:
            return float(value)
        return None
    if isinstance(value, float):
        return value if math.isfinite(value) and abs(value) <= MAX_NUMBER else None
    if isinstance(value, str) and len(value) <= 64:
        try:
            number = float(value)
        except ValueError:
            return None
        return number if math.isfinite(number) and abs(number) <= MAX_NUMBER else None
    return None
