"""Timing calls: one at a time, two sides in alternation, and many callers at once."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor


def timed(call: Callable[[], object]) -> float:
    """Seconds ``call`` takes."""
    began = time.perf_counter()
    call()
    return time.perf_counter() - began


def alternate(ours: Callable[[], object], floor: Callable[[], object],
              calls: int) -> tuple[list[float], list[float]]:
    """Time the same call on both sides in turn, swapping who goes first each round, so a
    busy moment of the machine costs both."""
    our_times: list[float] = []
    floor_times: list[float] = []
    for index in range(calls):
        if index % 2:
            our_times.append(timed(ours))
            floor_times.append(timed(floor))
        else:
            floor_times.append(timed(floor))
            our_times.append(timed(ours))
    return our_times, floor_times


def per_call(call: Callable[[int], object], total: int, callers: int) -> float:
    """Seconds per call of ``total`` calls (numbered from 0) with ``callers`` threads at once."""
    began = time.perf_counter()
    with ThreadPoolExecutor(callers) as pool:
        list(pool.map(call, range(total)))
    return (time.perf_counter() - began) / total


__all__ = ["alternate", "per_call", "timed"]
