"""Runtime processes seen from the emulator: their memory, and one phase watched against its
deadline and MemorySize.

Memory is read from ``/proc`` (Linux): a process's resident set plus its descendants'. Where
``/proc`` is missing, nothing is measured and MemorySize is not enforced.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
from collections.abc import Callable
from typing import Any, Literal

from emulator.clock import Clock

MEMORY_POLL_SECONDS = 0.02  # how often a busy runtime's memory is sampled (real time)
_MEMORY_LINE = re.compile(rb"^(VmRSS|VmHWM):\s+(\d+) kB", re.MULTILINE)

Ending = Literal["done", "timeout", "oom"]


def memory_kb(pid: int) -> dict[str, int]:
    """A process's resident (``VmRSS``) and peak (``VmHWM``) memory, where /proc tells."""
    try:
        with open(f"/proc/{pid}/status", "rb") as status:
            text = status.read()
    except OSError:
        return {}
    return {name.decode(): int(value) for name, value in _MEMORY_LINE.findall(text)}


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", "rb") as listing:
            return [int(child) for child in listing.read().split()]
    except (OSError, ValueError):
        return []


def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and every process it started, in kB."""
    total = memory_kb(pid).get("VmRSS", 0)
    for child in _children(pid):
        total += tree_rss_kb(child)
    return total


def kill_group(pid: int) -> None:
    """SIGKILL a runtime and everything in its process group (it leads one)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


async def watch(
    clock: Clock,
    deadline: float,
    finished: asyncio.Future[Any],
    pid: int,
    limit_mb: int,
    on_tick: Callable[[], None] | None = None,
) -> tuple[Ending, int]:
    """Wait for ``finished``, sampling the runtime's memory; kill it past MemorySize or at the
    deadline. Returns how the wait ended and the peak resident memory seen, in kB."""
    limit_kb = limit_mb * 1024
    peak_kb = 0
    while not finished.done():
        # Memory is sampled in real time, so also while a test holds the clock still.
        await clock.sleep_until(deadline, finished, at_most=MEMORY_POLL_SECONDS)
        if on_tick is not None:
            on_tick()
        if finished.done():
            break
        resident = tree_rss_kb(pid)
        peak_kb = max(peak_kb, resident)
        if resident > limit_kb:
            kill_group(pid)
            return "oom", peak_kb
        if clock.now() >= deadline:
            kill_group(pid)
            return "timeout", peak_kb
    return "done", max(peak_kb, memory_kb(pid).get("VmHWM", 0))


__all__ = ["MEMORY_POLL_SECONDS", "kill_group", "memory_kb", "tree_rss_kb", "watch"]
