"""Time for every wait, TTL, visibility timeout, retry back-off and timeout.

The clock runs in real time by default. Tests move it forward (``advance``) or set it
(``set``); the offset from real time is kept, so time keeps flowing after a jump. Waiters
sleeping on the clock wake as soon as a jump takes them past their deadline.

A test that counts requests against a rate or a TTL holds the clock still with ``freeze``: it
then moves only by jumps, so a slow machine cannot refill a token bucket or expire an entry
between two requests. ``unfreeze`` lets it flow again from where it stands; ``reset`` goes back
to real time (and unfreezes).
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

# The times the clock may show: from the epoch to 3000-01-01T00:00:00Z. Anything later leaves
# too little room for the deadlines and TTLs computed from it (datetime ends at year 9999).
EARLIEST = 0.0
LATEST = 32503680000.0


def _checked(epoch_seconds: float) -> float:
    if not math.isfinite(epoch_seconds) or not EARLIEST <= epoch_seconds <= LATEST:
        raise ValueError("the clock can show times from 1970-01-01T00:00:00Z to "
                         "3000-01-01T00:00:00Z")
    return epoch_seconds


class Clock:
    """Real time plus an adjustable offset, shared by everything in one emulator."""

    def __init__(self) -> None:
        self._offset = 0.0
        # The time held while frozen; None while the clock flows.
        self._frozen_at: float | None = None
        self._lock = threading.Lock()
        # Sleepers to wake when time jumps: their loop, and what to call on it.
        self._listeners: list[tuple[asyncio.AbstractEventLoop, Callable[[], None]]] = []

    def now(self) -> float:
        """Seconds since the epoch, as the emulator sees them."""
        frozen_at = self._frozen_at
        return frozen_at if frozen_at is not None else time.time() + self._offset

    def now_datetime(self) -> datetime:
        return datetime.fromtimestamp(self.now(), tz=UTC)

    def now_millis(self) -> int:
        return int(self.now() * 1000)

    @property
    def offset(self) -> float:
        """Seconds between the emulator's time and real time (changing while frozen)."""
        frozen_at = self._frozen_at
        return frozen_at - time.time() if frozen_at is not None else self._offset

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def advance(self, seconds: float) -> float:
        """Move time forward by ``seconds`` and wake every waiter; returns the new time."""
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError("the clock only moves forward, by a finite number of seconds")
        with self._lock:
            base = self._frozen_at if self._frozen_at is not None else (
                time.time() + self._offset)
            _checked(base + seconds)
            if self._frozen_at is not None:
                self._frozen_at += seconds
            else:
                self._offset += seconds
        self._wake()
        return self.now()

    def set(self, epoch_seconds: float) -> float:
        """Jump to an absolute time (forward or back, within ``EARLIEST`` and ``LATEST``);
        returns the new time. A frozen clock stays frozen at the new time."""
        _checked(epoch_seconds)
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at = epoch_seconds
            else:
                self._offset = epoch_seconds - time.time()
        self._wake()
        return self.now()

    def freeze(self) -> float:
        """Hold time still where it is (until ``unfreeze`` or ``reset``); only ``advance`` and
        ``set`` move it then. Returns the held time."""
        with self._lock:
            if self._frozen_at is None:
                self._frozen_at = time.time() + self._offset
            return self._frozen_at

    def unfreeze(self) -> float:
        """Let time flow again from where it stands; returns the time."""
        with self._lock:
            if self._frozen_at is not None:
                self._offset = self._frozen_at - time.time()
                self._frozen_at = None
        self._wake()  # sleepers wait on real timers again
        return self.now()

    def reset(self) -> None:
        """Back to real time, flowing."""
        with self._lock:
            self._offset = 0.0
            self._frozen_at = None
        self._wake()

    async def sleep_until(
        self, deadline: float, wake: asyncio.Event | asyncio.Future[Any] | None = None,
        at_most: float | None = None, rewound: bool = False,
    ) -> bool:
        """Sleep until the clock reaches ``deadline`` or ``wake`` is set (or done), or for
        ``at_most`` real seconds when given (a poll that must go on while the clock is frozen).
        With ``rewound``, also end when the clock is set back: a periodic job sleeping until
        its next run (the next midnight) then works its next run out from the new time.

        Returns True when woken by ``wake`` before the deadline.
        """
        loop = asyncio.get_running_loop()
        real_end = None if at_most is None else loop.time() + at_most
        # One future per round, resolved by the timer, a jump of the clock or ``wake``:
        # cheaper than racing tasks, which matters on every Lambda invocation.
        waiter: asyncio.Future[None] | None = None

        def rouse() -> None:
            if waiter is not None and not waiter.done():
                waiter.set_result(None)

        def roused(_: object) -> None:
            rouse()

        watcher: asyncio.Task[Any] | None = None
        if isinstance(wake, asyncio.Event):
            if not wake.is_set():
                watcher = loop.create_task(wake.wait())
                watcher.add_done_callback(roused)
        elif wake is not None:
            wake.add_done_callback(roused)
        entry = (loop, rouse)
        with self._lock:
            self._listeners.append(entry)
        before = self.now()
        try:
            while True:
                if wake is not None and (
                    wake.is_set() if isinstance(wake, asyncio.Event) else wake.done()
                ):
                    return True
                now = self.now()
                if rewound and now < before:
                    return False
                before = now
                remaining = deadline - now
                if remaining <= 0:
                    return False
                # A frozen clock reaches the deadline only by a jump, which rouses the waiter.
                delay = None if self._frozen_at is not None else remaining
                if real_end is not None:
                    real_left = real_end - loop.time()
                    if real_left <= 0:
                        return False
                    delay = real_left if delay is None else min(delay, real_left)
                waiter = loop.create_future()
                timer = None if delay is None else loop.call_later(delay, rouse)
                try:
                    await waiter
                finally:  # also when this sleep is cancelled: no timer is left behind
                    if timer is not None:
                        timer.cancel()
        finally:
            with self._lock:
                self._listeners.remove(entry)
            if watcher is not None:
                watcher.cancel()
            elif isinstance(wake, asyncio.Future):
                wake.remove_done_callback(roused)

    async def sleep(self, seconds: float) -> None:
        await self.sleep_until(self.now() + seconds)

    def _wake(self) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for loop, rouse in listeners:
            if loop.is_closed():
                continue
            loop.call_soon_threadsafe(rouse)


__all__ = ["Clock"]
