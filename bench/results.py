"""One measured line: our number, the floor's, their ratio and the target it is held to."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any


def median(samples: Sequence[float]) -> float:
    return float(statistics.median(samples))


def p90(samples: Sequence[float]) -> float:
    if len(samples) < 2:
        return float(samples[0])
    return float(statistics.quantiles(samples, n=10, method="inclusive")[8])


def p99(samples: Sequence[float]) -> float:
    if len(samples) < 2:
        return float(samples[0])
    return float(statistics.quantiles(samples, n=100, method="inclusive")[98])


# The unit of a throughput line, where more is better.
RATE = "req/s"
Statistic = Callable[[Sequence[float]], float]
MEDIAN_P90: tuple[tuple[str, Statistic], ...] = (("median", median), ("p90", p90))


@dataclass(frozen=True)
class Result:
    name: str
    unit: str  # "s", "bytes" or "req/s": how the numbers are shown
    ours: float
    floor: float
    # The highest acceptable ours / floor (the lowest, for a rate); None for a line shown for
    # context.
    target: float | None
    samples: int
    # The one-minute load average while the line was measured, where it was taken.
    load: float | None = None

    @property
    def higher_is_better(self) -> bool:
        return self.unit == RATE

    @property
    def ratio(self) -> float:
        return self.ours / self.floor if self.floor else float("inf")

    @property
    def passed(self) -> bool | None:
        if self.target is None:
            return None
        return self.ratio >= self.target if self.higher_is_better else self.ratio <= self.target

    @property
    def verdict(self) -> str:
        return {True: "PASS", False: "MISS", None: "INFO"}[self.passed]

    def as_dict(self) -> dict[str, Any]:
        return {
            **asdict(self), "ratio": round(self.ratio, 3), "passed": self.passed,
            "verdict": self.verdict,
        }


@dataclass(frozen=True)
class Skipped:
    """A benchmark that could not run, and why."""

    name: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def summary(name: str, ours: Sequence[float], floor: Sequence[float], target: float | None,
            samples: int, by: Sequence[tuple[str, Statistic]] = MEDIAN_P90,
            ) -> list[Result]:
    """One line in seconds per statistic of the same timings: ``name (median)``, ..."""
    return [Result(f"{name} ({label})", "s", statistic(ours), statistic(floor), target, samples)
            for label, statistic in by]


def show(value: float, unit: str) -> str:
    if unit == RATE:
        return f"{value:,.0f} req/s"
    if unit == "bytes":
        return f"{value / 2**20:.1f} MiB"
    if value >= 1:
        return f"{value:.2f} s"
    return f"{value * 1000:.2f} ms"


def table(lines: Sequence[Result | Skipped]) -> str:
    header = ("benchmark", "ours", "floor", "ratio", "target", "result")
    rows: list[tuple[str, ...]] = [header]
    for line in lines:
        if isinstance(line, Skipped):
            rows.append((line.name, "-", "-", "-", "-", f"SKIP ({line.reason})"))
            continue
        rows.append(
            (
                line.name,
                show(line.ours, line.unit),
                show(line.floor, line.unit),
                f"{line.ratio:.2f}x",
                "-" if line.target is None else
                f"{'>=' if line.higher_is_better else '<='} {line.target:g}x",
                line.verdict if line.load is None else f"{line.verdict} (load {line.load:.1f})",
            )
        )
    widths = [max(len(row[i]) for row in rows if len(row) > i) for i in range(len(header) - 1)]
    out = []
    for row in rows:
        cells = [cell.ljust(widths[i]) if i < len(widths) else cell for i, cell in enumerate(row)]
        out.append("  ".join(cells).rstrip())
    return "\n".join(out)


__all__ = ["MEDIAN_P90", "RATE", "Result", "Skipped", "Statistic", "median", "p90", "p99",
           "show", "summary", "table"]
