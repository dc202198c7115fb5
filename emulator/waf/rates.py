"""Rate-based rule counters on the emulator's clock: requests per aggregation key over the
rule's trailing evaluation window (60, 120, 300 or 600 seconds; 300 unless set), kept in
one-second buckets so a high limit costs no more memory than a low one."""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable

EVALUATION_WINDOWS = (60, 120, 300, 600)
DEFAULT_WINDOW = 300


class RateCounters:
    def __init__(self) -> None:
        self._buckets: dict[Hashable, deque[list[float]]] = {}

    def hit(self, key: Hashable, now: float, window: int) -> int:
        """Count one request for ``key`` at ``now``; how many fall within the window."""
        buckets = self._buckets.get(key)
        if buckets is None:
            buckets = self._buckets[key] = deque()
        second = float(int(now))
        while buckets and buckets[0][0] <= now - window:
            buckets.popleft()
        if buckets and buckets[-1][0] == second:
            buckets[-1][1] += 1
        else:
            buckets.append([second, 1.0])
        return int(sum(count for _second, count in buckets))

    def forget(self) -> None:
        self._buckets.clear()


__all__ = ["DEFAULT_WINDOW", "EVALUATION_WINDOWS", "RateCounters"]
