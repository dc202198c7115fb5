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


__all__ = ["busy_note", "cpu_model", "describe", "load_average"]
