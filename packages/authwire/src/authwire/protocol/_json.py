"""JSON a server sent: parsed, and its numbers read, with one typed failure for hostile input.

``json.loads`` alone lets a hostile body escape as a foreign exception: 100,000 nested arrays
raise :class:`RecursionError`, ``NaN`` and ``Infinity`` parse as floats that every time
check then accepts, and a 400-digit integer overflows the first ``float()`` it meets. Every
module that reads a server's JSON goes through :func:`loads`, and every number it reads
through :func:`finite_number`.
"""

from __future__ import annotations

import json
import math
from typing import Any

__all__ = ["MAX_NUMBER", "finite_number", "loads"]

#: Numbers beyond this (about 3e11 years in seconds) are no one's expiry or interval.
MAX_NUMBER = 1e19


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"JSON constant {name} is not allowed")


def loads(data: bytes | str) -> Any:
    """Parse JSON, raising :class:`ValueError` for anything that is not plain JSON.

    Too deep nesting and the non-standard ``NaN``/``Infinity`` constants (RFC 8259 §6 has
    no such numbers) are refused as invalid JSON, like any other malformed document.
    """
    try:
        return json.loads(data, parse_constant=_refuse_constant)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def finite_number(value: Any) -> float | None:
    """``value`` as a finite float of at most :data:`MAX_NUMBER` in size, else ``None``.

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
