"""Statistics of an aggregate: the five standard ones and the extended (percentile) family.

Extended statistics follow CloudWatch's names: ``p99``, ``p99.9``, trimmed mean ``tm90`` or
``TM(10%:90%)``, ``wm``, ``tc`` (trimmed count), ``ts`` (trimmed sum), ``PR(lo:hi)``
(percentile rank) and ``IQM``. They need the individual values, so data put as statistic sets
answers none, as on AWS.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from emulator.metrics.datapoints import Aggregate

STANDARD = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")
_SHORT = re.compile(r"^(p|tm|wm|tc|ts)(\d{1,2}(?:\.\d{1,10})?|100)$")
_RANGE = re.compile(
    r"^(TM|WM|TC|TS|PR)\((\d+(?:\.\d+)?%?)?:(\d+(?:\.\d+)?%?)?\)$")


@dataclass(frozen=True)
class Extended:
    kind: str  # p, tm, wm, tc, ts, pr
    low: float | None
    high: float | None
    percent: bool  # bounds are percentiles (else values, for PR and absolute ranges)


def parse_extended(name: str) -> Extended | None:
    """The extended statistic ``name`` names, or None when it is not one."""
    if name == "IQM":
        return Extended("tm", 25.0, 75.0, True)
    short = _SHORT.match(name)
    if short:
        kind, number = short.group(1), float(short.group(2))
        if number > 100:
            return None
        if kind == "p":
            return Extended("p", None, number, True)
        return Extended(kind, 0.0, number, True)
    ranged = _RANGE.match(name)
    if ranged is None:
        return None
    kind = ranged.group(1).lower()
    low_text, high_text = ranged.group(2), ranged.group(3)
    if low_text is None and high_text is None:
        return None
    percent = all(text is None or text.endswith("%") for text in (low_text, high_text))
    if kind == "pr":
        percent = False  # PR's bounds are values
    elif not percent and any(text is not None and text.endswith("%")
                             for text in (low_text, high_text)):
        return None  # percent and value bounds are not mixed
    low = float(low_text.rstrip("%")) if low_text else None
    high = float(high_text.rstrip("%")) if high_text else None
    if percent and ((low is not None and low > 100) or (high is not None and high > 100)):
        return None
    return Extended(kind, low, high, percent)


def valid(name: str) -> bool:
    return name in STANDARD or parse_extended(name) is not None


def standard(aggregate: Aggregate, name: str) -> float | None:
    if aggregate.count <= 0:
        return None
    if name == "SampleCount":
        return aggregate.count
    if name == "Sum":
        return aggregate.total
    if name == "Average":
        return aggregate.total / aggregate.count
    if name == "Minimum":
        return aggregate.minimum
    if name == "Maximum":
        return aggregate.maximum
    return None


def _ranked(aggregate: Aggregate) -> list[tuple[float, float]]:
    return sorted(aggregate.samples.items())


def _percentile(ranked: list[tuple[float, float]], total: float, percent: float) -> float:
    """The nearest-rank percentile of weighted values."""
    if percent <= 0:
        return ranked[0][0]
    wanted = math.ceil(percent / 100 * total)
    seen = 0.0
    for value, count in ranked:
        seen += count
        if seen >= wanted:
            return value
    return ranked[-1][0]


def _bounds(extended: Extended, ranked: list[tuple[float, float]],
            total: float) -> tuple[float, float]:
    """The value range a trimmed statistic keeps."""
    if extended.percent:
        low = -math.inf if not extended.low else _percentile(ranked, total, extended.low)
        high = math.inf if extended.high is None or extended.high >= 100 else (
            _percentile(ranked, total, extended.high))
        return low, high
    return (-math.inf if extended.low is None else extended.low,
            math.inf if extended.high is None else extended.high)


def extended(aggregate: Aggregate, name: str) -> float | None:
    found = parse_extended(name)
    if found is None or aggregate.count <= 0 or not aggregate.exact or not aggregate.samples:
        return None
    ranked = _ranked(aggregate)
    total = sum(count for _value, count in ranked)
    if found.kind == "p":
        return _percentile(ranked, total, found.high or 0.0)
    if found.kind == "pr":
        low = -math.inf if found.low is None else found.low
        high = math.inf if found.high is None else found.high
        inside = sum(count for value, count in ranked if low < value <= high)
        return inside / total * 100
    low, high = _bounds(found, ranked, total)
    # Percent bounds keep values above the low percentile and up to the high one.
    if found.percent:
        kept = [(value, count) for value, count in ranked
                if (value > low or low == -math.inf) and value <= high]
    else:
        kept = [(value, count) for value, count in ranked if low < value <= high]
    count = sum(weight for _value, weight in kept)
    total_kept = sum(value * weight for value, weight in kept)
    if found.kind == "tc":
        return count
    if found.kind == "ts":
        return total_kept
    if count == 0:
        return None
    if found.kind == "wm":
        # Winsorized: values outside the bounds are clamped to them instead of dropped.
        clamp_low = min(value for value, _ in kept)
        clamp_high = max(value for value, _ in kept)
        clamped = sum(min(max(value, clamp_low), clamp_high) * weight for value, weight in ranked)
        return clamped / total
    return total_kept / count


def compute(aggregate: Aggregate, name: str) -> float | None:
    """The statistic ``name`` of ``aggregate``; None when it has no value."""
    if name in STANDARD:
        return standard(aggregate, name)
    return extended(aggregate, name)


__all__ = ["STANDARD", "Extended", "compute", "extended", "parse_extended", "standard", "valid"]
