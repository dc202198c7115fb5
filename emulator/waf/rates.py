"""Rate-based rule counters on the emulator's clock: requests per aggregation key over the
rule's trailing evaluation window (60, 120, 300 or 600 seconds; 300 unless set), kept in
one-second buckets so a high limit costs no more memory than a low one."""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable

EVALUATION_WINDOWS = (60, 120, 300, 600)
DEFAULT_WINDOW = 300


class _Window:
    """One key's one-second buckets, oldest first, and their running total."""

    __slots__ = ("buckets", "total")

    def __init__(self) -> None:
        self.buckets: deque[list[float]] = deque()
        self.total = 0.0


class RateCounters:
    def __init__(self) -> None:
        self._windows: dict[tuple[Hashable, Hashable], _Window] = {}

    def hit(self, key: tuple[Hashable, Hashable], now: float, window: int) -> int:
        """Count one request for ``key`` (the rule's scope and the request's aggregation
        key) at ``now``; how many fall within the window."""
        found = self._windows.get(key)
        if found is None:
            found = self._windows[key] = _Window()
        buckets = found.buckets
        second = float(int(now))
        while buckets and buckets[0][0] <= now - window:
            found.total -= buckets.popleft()[1]
        if buckets and buckets[-1][0] == second:
            buckets[-1][1] += 1
        else:
            buckets.append([second, 1.0])
        found.total += 1
        return int(found.total)

    def over(self, scope: Hashable, now: float, window: int, limit: int
             ) -> list[Hashable]:
        """The keys counted under ``scope`` (keys are ``(scope, key)``) that are over
        ``limit`` within the window ending ``now``."""
        found = []
        for (owner, key), counted in list(self._windows.items()):
            if owner != scope:
                continue
            while counted.buckets and counted.buckets[0][0] <= now - window:
                counted.total -= counted.buckets.popleft()[1]
            if counted.total > limit:
                found.append(key)
        return found

    def forget(self) -> None:
        self._windows.clear()


__all__ = ["DEFAULT_WINDOW", "EVALUATION_WINDOWS", "RateCounters"]
