"""Time for every wait, TTL, visibility timeout, retry back-off and timeout.

The clock runs in real time by default. Tests move it forward (``advance``) or set it
(``set``); the offset from real time is kept, so time keeps flowing after a jump. Waiters
sleeping on the clock wake as soon as a jump takes them past their deadline.
"""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime


class Clock:
    """Real time plus an adjustable offset, shared by everything in one emulator."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()
        self._listeners: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = []

    def now(self) -> float:
        """Seconds since the epoch, as the emulator sees them."""
        return time.time() + self._offset

    def now_datetime(self) -> datetime:
        return datetime.fromtimestamp(self.now(), tz=UTC)

    def now_millis(self) -> int:
        return int(self.now() * 1000)

    @property
    def offset(self) -> float:
        return self._offset

    def advance(self, seconds: float) -> float:
        """Move time forward by ``seconds`` and wake every waiter; returns the new time."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += seconds
        self._wake()
        return self.now()

    def set(self, epoch_seconds: float) -> float:
        """Jump to an absolute time (forward or back); returns the new time."""
        with self._lock:
            self._offset = epoch_seconds - time.time()
        self._wake()
        return self.now()

    def reset(self) -> None:
        """Back to real time."""
        with self._lock:
            self._offset = 0.0
        self._wake()

    async def sleep_until(self, deadline: float, wake: asyncio.Event | None = None) -> bool:
        """Sleep until the clock reaches ``deadline`` or ``wake`` is set.

        Returns True when woken by ``wake`` before the deadline.
        """
        loop = asyncio.get_running_loop()
        jumped = asyncio.Event()
        entry = (loop, jumped)
        with self._lock:
            self._listeners.append(entry)
        try:
            while True:
                if wake is not None and wake.is_set():
                    return True
                remaining = deadline - self.now()
                if remaining <= 0:
                    return False
                waiters = [asyncio.ensure_future(jumped.wait())]
                if wake is not None:
                    waiters.append(asyncio.ensure_future(wake.wait()))
                try:
                    await asyncio.wait(
                        waiters, timeout=remaining, return_when=asyncio.FIRST_COMPLETED
                    )
                finally:  # also when this sleep is cancelled: no waiter is left pending
                    for task in waiters:
                        task.cancel()
                jumped.clear()
        finally:
            with self._lock:
                self._listeners.remove(entry)

    async def sleep(self, seconds: float) -> None:
        await self.sleep_until(self.now() + seconds)

    def _wake(self) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for loop, event in listeners:
            if loop.is_closed():
                continue
            loop.call_soon_threadsafe(event.set)


__all__ = ["Clock"]
