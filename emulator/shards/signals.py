"""Waking readers when a stream changes, so pollers sleep on the clock instead of spinning.

Writers call ``notify`` on the event loop's thread (or any other: the wake-up is then handed
to the waiter's loop); a reader waits until the next change or a deadline on the clock.
"""

from __future__ import annotations

import asyncio
import contextlib

from emulator.clock import Clock


class Changes:
    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[None]] = set()

    def notify(self) -> None:
        waiters, self._waiters = self._waiters, set()
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        for waiter in waiters:
            loop = waiter.get_loop()
            if loop is running:
                _resolve(waiter)
            elif not loop.is_closed():
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(_resolve, waiter)

    async def wait(self, clock: Clock, deadline: float) -> bool:
        """Sleep until the next change or ``deadline``; True when a change woke it."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        try:
            return await clock.sleep_until(deadline, wake=waiter)
        finally:
            self._waiters.discard(waiter)


def _resolve(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


__all__ = ["Changes"]
