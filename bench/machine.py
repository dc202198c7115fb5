"""What the numbers were measured on."""

from __future__ import annotations

import os
import platform
from datetime import datetime
from pathlib import Path


def cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def load_average() -> float | None:
    """The one-minute load average, where the platform has one."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def _tree(pid: int) -> list[int]:
    """A process and every process it started, where /proc lists them."""
    found = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return found
    for child in children:
        found.extend(_tree(int(child)))
    return found


def tree_cpu_seconds(pid: int) -> float | None:
    """CPU seconds (user and system) used so far by a process and the processes it started
    that still run (a server's worker processes); None where /proc is missing."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total, seen = 0, False
    for member in _tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += int(fields[11]) + int(fields[12])
        seen = True
    return total / ticks if seen else None


def busy_note(load: float | None) -> str | None:
    """A warning when, before the run, other work already kept the CPUs busy: the ratios
    hold up (both sides share the noise) but tail latencies and absolute times do not."""
    cpus = os.cpu_count() or 1
    if load is None or load < cpus / 2:
        return None
    return (
        f"note: load average {load:.1f} on {cpus} CPUs before the run; "
        "absolute times and p90s are noisy"
    )


def describe(load: float | None) -> dict[str, str]:
    return {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpus": str(os.cpu_count() or 1),
        "cpu_model": cpu_model(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": "unknown" if load is None else f"{load:.2f}",
    }


__all__ = ["busy_note", "cpu_model", "describe", "load_average", "tree_cpu_seconds"]
