"""Waiting until the emulator has nothing left to do without the clock moving.

Tests call this (``POST /_emulator/idle``, or ``emulator.wait_idle()`` on the fixture) after
sending work that completes in the background: async invocations, event-source pollers, SNS and
EventBridge deliveries. Work scheduled for a later time (a retry in a minute, a scheduled rule)
does not count: advance the clock, then wait again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

# Idle must hold this many times in a row, a loop turn apart, so a task woken a moment ago
# (a poller handed a new message) has had its turn to report itself busy.
_SETTLE_CHECKS = 5
_POLL_SECONDS = 0.002


async def wait_idle(busy: Callable[[], list[str]], timeout: float) -> list[str]:
    """Wait up to ``timeout`` real seconds for ``busy()`` to stay empty; returns what is
    still busy (empty when idle)."""
    deadline = time.monotonic() + timeout
    while True:
        quiet = 0
        while quiet < _SETTLE_CHECKS:
            current = busy()
            if current:
                break
            quiet += 1
            await asyncio.sleep(0)
        else:
            return []
        if time.monotonic() >= deadline:
            return current
        await asyncio.sleep(_POLL_SECONDS)


__all__ = ["wait_idle"]
