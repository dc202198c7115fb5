"""The values metric math works on, and element-wise arithmetic over them.

Values are scalars, time series (timestamp → value on the query's grid) and arrays of time
series; a string is only ever the argument of METRICS. A time series combined with another
keeps the timestamps both have; a result that is not a finite number is left out.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field


class MathError(Exception):
    """An expression that cannot be parsed or evaluated, worded for the caller."""


@dataclass
class TimeSeries:
    label: str
    values: dict[int, float] = field(default_factory=dict)
    id: str = ""


Value = float | TimeSeries | list[TimeSeries] | str



@dataclass
class Scope:
    """What an expression sees: the query grid, the other queries' results, the period."""

    timestamps: Sequence[int]
    period: int
    results: Mapping[str, Value]
    metric_ids: Sequence[str] = ()  # ids of the metric queries, in request order


_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
    ">": operator.gt, ">=": operator.ge,
}


def _arith(name: str, left: float, right: float) -> float | None:
    try:
        if name == "+":
            return left + right
        if name == "-":
            return left - right
        if name == "*":
            return left * right
        if name == "/":
            return left / right if right != 0 else None
        if name == "^":
            result = left ** right
            return None if isinstance(result, complex) else float(result)
        if name in _COMPARE:
            return 1.0 if _COMPARE[name](left, right) else 0.0
        if name == "AND":
            return 1.0 if left and right else 0.0
        if name == "OR":
            return 1.0 if left or right else 0.0
    except (OverflowError, ZeroDivisionError, ValueError):
        return None
    raise MathError(f"Unknown operator {name}.")


def combine(name: str, left: Value, right: Value) -> Value:
    if isinstance(left, str) or isinstance(right, str):
        raise MathError("A string can only be the argument of METRICS.")
    if isinstance(left, list):
        if isinstance(right, list):
            raise MathError("Two arrays of time series cannot be combined.")
        return [_as_series(combine(name, item, right), item) for item in left]
    if isinstance(right, list):
        return [_as_series(combine(name, left, item), item) for item in right]
    if isinstance(left, TimeSeries) and isinstance(right, TimeSeries):
        values: dict[int, float] = {}
        for stamp, value in left.values.items():
            other = right.values.get(stamp)
            if other is not None:
                result = _arith(name, value, other)
                if result is not None and math.isfinite(result):
                    values[stamp] = result
        return TimeSeries(left.label, values)
    if isinstance(left, TimeSeries):
        assert isinstance(right, float)
        scalar = right
        return TimeSeries(left.label, mapped(left.values, lambda v: _arith(name, v, scalar)))
    if isinstance(right, TimeSeries):
        assert isinstance(left, float)
        number = left
        return TimeSeries(right.label, mapped(right.values, lambda v: _arith(name, number, v)))
    result = _arith(name, left, right)
    if result is None or not math.isfinite(result):
        raise MathError("The expression has no value (a division by zero or overflow).")
    return result


def _as_series(value: Value, like: TimeSeries) -> TimeSeries:
    assert isinstance(value, TimeSeries)
    value.label = like.label
    value.id = like.id
    return value


def mapped(values: dict[int, float], apply: Callable[[float], float | None]) -> dict[int, float]:
    result: dict[int, float] = {}
    for stamp, value in values.items():
        found = apply(value)
        if found is not None and math.isfinite(found):
            result[stamp] = found
    return result


__all__ = ["MathError", "Scope", "TimeSeries", "Value", "combine", "mapped"]
