"""The clock every expiry check reads and every wait sleeps on, injectable for tests.

A clock is a callable returning seconds since the epoch. It may also have ``sleep(seconds)``
and ``async asleep(seconds)`` methods: the drivers wait through them (device-flow polling),
so a test clock can move time on instead of sleeping (see :class:`authwire.testing.FakeClock`).
Without them the drivers use :func:`time.sleep` and :func:`anyio.sleep` — both cancellable,
the first by a signal (Ctrl-C), the second by a cancel scope.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

__all__ = ["Clock", "sleep_async", "sleep_sync", "system_clock"]

Clock = Callable[[], float]
system_clock: Clock = time.time


def sleep_sync(clock: Clock, seconds: float) -> None:
    """Wait ``seconds`` on ``clock`` (its ``sleep`` method when it has one)."""
    sleep = getattr(clock, "sleep", None)
    if callable(sleep):
        sleep(seconds)
    else:
        # a server may name an interval longer than time.sleep accepts (OverflowError)
        time.sleep(min(seconds, threading.TIMEOUT_MAX))


async def sleep_async(clock: Clock, seconds: float) -> None:
    """Async twin of :func:`sleep_sync` (``asleep``, else :func:`anyio.sleep`)."""
    asleep = getattr(clock, "asleep", None)
    if callable(asleep):
        await asleep(seconds)
    else:
        import anyio  # only async users pay for it

        await anyio.sleep(seconds)
