"""A discrete-event clock for interpreter tests: time jumps to the next deadline as soon as
every task is idle, so hour-long waits and timeouts run instantly and in a fixed order."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Awaitable
from typing import Any, TypeVar

from emulator.clock import Clock

T = TypeVar("T")

EPOCH = 1_704_067_200.0  # 2024-01-01T00:00:00Z


class SimClock(Clock):
    def __init__(self, start: float = EPOCH) -> None:
        super().__init__()
        self.time = start
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def now(self) -> float:
        return self.time

    async def sleep_until(self, deadline: float, wake: asyncio.Event | None = None) -> bool:
        if deadline <= self.time:
            return False
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (deadline, next(self._order), future))
        await future
        return False

    async def run(self, work: Awaitable[T]) -> T:
        """Run ``work``, moving time forward whenever nothing else can proceed."""
        task: asyncio.Future[T] = asyncio.ensure_future(work)
        while not task.done():
            for _ in range(50):
                await asyncio.sleep(0)
                if task.done():
                    break
            else:
                if not self._sleepers:
                    raise RuntimeError("nothing is sleeping but the work is not done")
                self._advance()
        return task.result()

    def _advance(self) -> None:
        while self._sleepers:
            deadline, _, future = heapq.heappop(self._sleepers)
            if future.cancelled():
                continue
            self.time = max(self.time, deadline)
            future.set_result(None)
            return


def run_sim(clock: SimClock, work: Awaitable[T]) -> T:
    return asyncio.run(clock.run(work))


__all__: list[Any] = ["EPOCH", "SimClock", "run_sim"]
