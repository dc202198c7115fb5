"""A trace as waterfall rows on one time scale.

The rows come from the segment documents BatchGetTraces returns (segments, their subsegments,
and the segments they called, nested as X-Ray nests them); the scale maps times to positions in
percent of the drawing's width and picks round tick steps (1, 2 or 5 times a power of ten).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from emulator.xray.waterfall import roots

MIN_BAR = 0.4  # percent: an instant still shows


@dataclass(frozen=True)
class Tick:
    at: float  # percent of the width
    label: str


@dataclass(frozen=True)
class TimeScale:
    """Times in seconds from ``start`` to ``end`` onto [0, ``width``]."""

    start: float
    end: float
    width: float = 100.0

    @property
    def span(self) -> float:
        return max(self.end - self.start, 1e-3)  # a millisecond at least

    def x(self, when: float) -> float:
        """Where ``when`` falls, kept within the drawing."""
        return min(max((when - self.start) / self.span * self.width, 0.0), self.width)

    def bar(self, begin: float, finish: float | None) -> tuple[float, float]:
        """Left edge and width of a bar from ``begin`` to ``finish`` (None: still running,
        so to the end of the scale)."""
        left = self.x(begin)
        right = self.x(self.end if finish is None else finish)
        width = max(right - left, MIN_BAR)
        return min(left, self.width - width), width

    def step(self, target: int = 6) -> float:
        """A round tick step giving about ``target`` intervals over the span."""
        return nice_step(self.span / max(target, 1))

    def ticks(self, target: int = 6) -> list[Tick]:
        step = self.step(target)
        count = math.floor(self.span / step + 1e-9)
        return [Tick(self.x(self.start + index * step), offset_label(index * step, step))
                for index in range(count + 1)]


def nice_step(raw: float) -> float:
    """The smallest of 1, 2 or 5 times a power of ten that is at least ``raw``."""
    if raw <= 0:
        return 1e-3
    magnitude = 10.0 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        if multiple * magnitude >= raw * (1 - 1e-9):
            return multiple * magnitude
    return 10 * magnitude


def offset_label(seconds: float, step: float) -> str:
    """``0 ms``, ``250 ms``, ``0.5 ms``, ``20 s``: milliseconds for steps under a second."""
    if step < 1:
        decimals = max(0, -math.floor(math.log10(step * 1000) + 1e-9)) if step < 1e-3 else 0
        return f"{seconds * 1000:.{decimals}f} ms"
    return f"{seconds:.0f} s"


@dataclass
class Row:
    """One segment or subsegment: where its bar goes and what it says."""

    name: str
    kind: str
    depth: int
    offset_ms: float
    duration_ms: float | None
    left: float
    width: float
    origin: str = ""
    http_status: int | None = None
    flags: list[str] = field(default_factory=list)
    annotations: dict[str, Any] = field(default_factory=dict)
    exceptions: list[dict[str, Any]] = field(default_factory=list)
    id: str = ""


@dataclass
class Waterfall:
    trace_id: str
    duration_ms: float
    scale: TimeScale
    rows: list[Row]
    segments: int

    @property
    def flags(self) -> list[str]:
        return sorted({flag for row in self.rows for flag in row.flags})


def waterfall(trace: dict[str, Any]) -> Waterfall:
    """A BatchGetTraces trace (``Id``, ``Segments`` with JSON ``Document`` strings)."""
    documents = []
    for segment in trace.get("Segments") or []:
        try:
            document = json.loads(segment.get("Document") or "{}")
        except ValueError:
            continue
        if isinstance(document, dict):
            documents.append(document)
    times = [t for d in documents for t in _times(d)]
    start = min(times, default=0.0)
    end = max(times, default=start)
    scale = TimeScale(start, end)
    rows: list[Row] = []

    def visit(node: dict[str, Any], depth: int) -> None:
        finish = node["end_time"] if isinstance(node.get("end_time"), int | float) else None
        left, width = scale.bar(float(node["start_time"]), finish)
        duration = node.get("duration")
        flags = [flag for flag in ("fault", "error", "throttle", "in_progress")
                 if node.get(flag)]
        rows.append(Row(str(node.get("name")), str(node.get("kind")), depth,
                        round(float(node["offset"]) * 1000, 3),
                        None if duration is None else round(float(duration) * 1000, 3),
                        left, width, str(node.get("origin") or ""), node.get("http_status"),
                        flags, dict(node.get("annotations") or {}),
                        list(node.get("exceptions") or []), str(node.get("id") or "")))
        for child in node["children"]:
            visit(child, depth + 1)

    for root in roots(documents, start):
        visit(root, 0)
    return Waterfall(str(trace.get("Id", "")), round((end - start) * 1000, 3), scale, rows,
                     len(documents))


def _times(document: dict[str, Any]) -> list[float]:
    found = [float(document[key]) for key in ("start_time", "end_time")
             if isinstance(document.get(key), int | float)]
    for child in document.get("subsegments") or ():
        if isinstance(child, dict):
            found.extend(_times(child))
    return found


__all__ = ["Row", "Tick", "TimeScale", "Waterfall", "nice_step", "offset_label", "waterfall"]
