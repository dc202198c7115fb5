"""Integration timeouts, measured on the emulator's clock."""

from __future__ import annotations

import asyncio
from typing import Any

from emulator.clock import Clock

# How often the clock is read again while waiting: a clock moved forward by a test times the
# integration out within this long.
POLL_SECONDS = 0.25


async def finished_in_time(task: asyncio.Future[Any], clock: Clock, seconds: float) -> bool:
    """Wait for ``task`` until ``seconds`` have passed on ``clock``; whether it is done then.
    A task still running is left to the caller (to cancel, and answer the timeout)."""
    deadline = clock.now() + seconds
    while not task.done():
        remaining = deadline - clock.now()
        if remaining <= 0:
            break
        await asyncio.wait({task}, timeout=min(remaining, POLL_SECONDS))
    return task.done()


__all__ = ["finished_in_time"]
