"""The clock every expiry check reads, injectable for tests."""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["Clock", "system_clock"]

Clock = Callable[[], float]
system_clock: Clock = time.time
