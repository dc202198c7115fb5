"""Waking long polls: one event per queue, set when a message may have become receivable."""

from __future__ import annotations

import asyncio

from emulator.clock import Clock


class Wakeups:
    """One event per queue, set when a message may have become receivable.

    A waiter takes the current event before looking for messages; ``notify`` sets it and
    starts a new one, so no wake-up between the look and the wait is lost.
    """

    def __init__(self) -> None:
        self._events: dict[str, asyncio.Event] = {}
        self._waiting: dict[str, int] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    async def wait(self, clock: Clock, queue_arn: str, until: float, event: asyncio.Event) -> None:
        """Sleep on the clock until ``until`` or a notification, counted as a waiting receive."""
        self._waiting[queue_arn] = self._waiting.get(queue_arn, 0) + 1
        try:
            await clock.sleep_until(until, event)
        finally:
            self._waiting[queue_arn] -= 1
            if not self._waiting[queue_arn]:
                del self._waiting[queue_arn]

    def waiting(self, queue_arn: str) -> int:
        """How many receives are long-polling this queue right now."""
        return self._waiting.get(queue_arn, 0)

    def current(self, queue_arn: str) -> asyncio.Event:
        self._loop = asyncio.get_running_loop()
        event = self._events.get(queue_arn)
        if event is None:
            event = self._events[queue_arn] = asyncio.Event()
        return event

    def notify(self, queue_arn: str) -> None:
        event = self._events.pop(queue_arn, None)
        if event is None:
            return
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if self._loop is None or running is self._loop:
            event.set()
        elif not self._loop.is_closed():
            # Called from another thread (a test resetting the emulator): hand it to the loop.
            self._loop.call_soon_threadsafe(event.set)

    def notify_all(self) -> None:
        for arn in list(self._events):
            self.notify(arn)


__all__ = ["Wakeups"]
