"""Work that outlives the request that started it (deliveries, retries), timed by the clock.

Each job is a task that first sleeps on the emulator clock until its time, then runs. A job is
*busy* (see emulator.idle) while it runs or once its time has come; a job still waiting for a
later time is not, so a test advances the clock to let it run.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from emulator.clock import Clock

log = logging.getLogger("emulator")


class Background:
    def __init__(self, clock: Clock, name: str) -> None:
        self.clock = clock
        self.name = name
        self._jobs: dict[asyncio.Task[Any], float | None] = {}  # task -> its time; None: running

    def at(self, when: float, job: Callable[[], Awaitable[None]]) -> None:
        """Run ``job`` once the clock reaches ``when`` (now, when it already has)."""
        task = asyncio.get_running_loop().create_task(self._run(when, job))
        self._jobs[task] = when
        task.add_done_callback(self._done)

    def soon(self, job: Callable[[], Awaitable[None]]) -> None:
        self.at(self.clock.now(), job)

    async def _run(self, when: float, job: Callable[[], Awaitable[None]]) -> None:
        if when > self.clock.now():
            await self.clock.sleep_until(when)
        task = asyncio.current_task()
        if task is not None and task in self._jobs:
            self._jobs[task] = None
        try:
            await job()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s: a background job failed", self.name)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._jobs.pop(task, None)

    def busy(self) -> list[str]:
        now = self.clock.now()
        count = sum(1 for when in list(self._jobs.values()) if when is None or when <= now)
        return [f"{self.name}: {count} delivery job(s) running or due"] if count else []

    def pending(self) -> int:
        return len(self._jobs)

    def cancel_all(self) -> None:
        """Drop every job; safe from any thread."""
        tasks = list(self._jobs)
        self._jobs.clear()
        for task in tasks:
            loop = task.get_loop()
            if not loop.is_closed():
                loop.call_soon_threadsafe(task.cancel)


__all__ = ["Background"]
