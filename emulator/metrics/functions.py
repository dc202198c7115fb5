"""Metric math functions, each over already evaluated arguments.

Aggregates (SUM, AVG, MIN, MAX, STDDEV) of an array give a time series (one value per
timestamp across the series); of a single time series, a scalar. The others work on each time
series of their argument. See CloudWatch's list:
https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html#metric-math-syntax
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Callable, Sequence

from emulator.metrics.values import MathError, Scope, TimeSeries, Value, mapped

Function = Callable[[list[Value], Scope], Value]


def _arity(name: str, args: Sequence[Value], low: int, high: int) -> None:
    if not low <= len(args) <= high:
        expected = str(low) if low == high else f"{low} to {high}"
        raise MathError(f"{name} takes {expected} arguments, not {len(args)}.")


def _series_list(name: str, value: Value) -> list[TimeSeries]:
    if isinstance(value, TimeSeries):
        return [value]
    if isinstance(value, list):
        return value
    raise MathError(f"{name} expects a time series or an array of time series.")


def _per_series(name: str, value: Value,
                apply: Callable[[TimeSeries], TimeSeries]) -> Value:
    if isinstance(value, TimeSeries):
        return apply(value)
    if isinstance(value, list):
        return [apply(item) for item in value]
    raise MathError(f"{name} expects a time series or an array of time series.")


def _aggregate(name: str, reduce: Callable[[list[float]], float]) -> Function:
    def run(args: list[Value], scope: Scope) -> Value:
        _arity(name, args, 1, 1)
        value = args[0]
        if isinstance(value, TimeSeries):
            items = list(value.values.values())
            if not items:
                raise MathError(f"{name} of a time series with no data has no value.")
            return float(reduce(items))
        series = _series_list(name, value)
        result = TimeSeries(name)
        for stamp in scope.timestamps:
            present = [item.values[stamp] for item in series if stamp in item.values]
            if present:
                result.values[stamp] = float(reduce(present))
        return result

    return run


def _stddev(values: list[float]) -> float:
    return statistics.pstdev(values) if len(values) > 1 else 0.0


def _metrics(args: list[Value], scope: Scope) -> Value:
    _arity("METRICS", args, 0, 1)
    wanted = args[0] if args else ""
    if not isinstance(wanted, str):
        raise MathError("METRICS takes a string.")
    found: list[TimeSeries] = []
    for metric_id in scope.metric_ids:
        if wanted in metric_id:
            value = scope.results.get(metric_id)
            if isinstance(value, TimeSeries):
                found.append(value)
    return found


def _fill(args: list[Value], scope: Scope) -> Value:
    _arity("FILL", args, 2, 2)
    how = args[1]

    def fill(series: TimeSeries) -> TimeSeries:
        values = dict(series.values)
        known = sorted(values)
        for stamp in scope.timestamps:
            if stamp in values:
                continue
            if isinstance(how, float):
                values[stamp] = how
            elif isinstance(how, TimeSeries):
                if stamp in how.values:
                    values[stamp] = how.values[stamp]
            elif how == "REPEAT":
                before = [s for s in known if s < stamp]
                after = [s for s in known if s > stamp]
                source = before[-1] if before else (after[0] if after else None)
                if source is not None:
                    values[stamp] = series.values[source]
            elif how == "LINEAR":
                before = [s for s in known if s < stamp]
                after = [s for s in known if s > stamp]
                if before and after:
                    low, high = before[-1], after[0]
                    share = (stamp - low) / (high - low)
                    start, end = series.values[low], series.values[high]
                    values[stamp] = start + (end - start) * share
            else:
                raise MathError("FILL takes a number, a time series, REPEAT or LINEAR.")
        return TimeSeries(series.label, dict(sorted(values.items())), series.id)

    return _per_series("FILL", args[0], fill)


def _stepwise(name: str, step: Callable[[float, float, int, int], float | None]) -> Function:
    def run(args: list[Value], scope: Scope) -> Value:
        _arity(name, args, 1, 1)

        def apply(series: TimeSeries) -> TimeSeries:
            stamps = sorted(series.values)
            values: dict[int, float] = {}
            for before, now in itertools.pairwise(stamps):
                result = step(series.values[before], series.values[now], before, now)
                if result is not None and math.isfinite(result):
                    values[now] = result
            return TimeSeries(series.label, values, series.id)

        return _per_series(name, args[0], apply)

    return run


def _rate(previous: float, current: float, before: int, now: int) -> float | None:
    return (current - previous) / (now - before) if now != before else None


def _if(args: list[Value], scope: Scope) -> Value:
    _arity("IF", args, 2, 3)
    condition, when_true = args[0], args[1]
    when_false = args[2] if len(args) == 3 else None

    def pick(source: Value | None, stamp: int) -> float | None:
        if isinstance(source, float):
            return source
        if isinstance(source, TimeSeries):
            return source.values.get(stamp)
        if source is None:
            return None
        raise MathError("IF takes numbers or time series as its results.")

    def apply(series: TimeSeries) -> TimeSeries:
        values: dict[int, float] = {}
        for stamp, test in series.values.items():
            chosen = pick(when_true if test != 0 else when_false, stamp)
            if chosen is not None:
                values[stamp] = chosen
        return TimeSeries(series.label, values, series.id)

    if isinstance(condition, float):
        return when_true if condition != 0 else (when_false if when_false is not None
                                                  else TimeSeries("IF"))
    return _per_series("IF", condition, apply)


def _elementwise(name: str, apply: Callable[[float], float | None]) -> Function:
    def run(args: list[Value], scope: Scope) -> Value:
        _arity(name, args, 1, 1)
        value = args[0]
        if isinstance(value, float):
            result = apply(value)
            if result is None:
                raise MathError(f"{name} of {value} has no value.")
            return result
        return _per_series(name, value, lambda series: TimeSeries(
            series.label, mapped(series.values, apply), series.id))

    return run


def _log(base: float | None) -> Callable[[float], float | None]:
    def apply(value: float) -> float | None:
        if value <= 0:
            return None
        return math.log(value) if base is None else math.log(value, base)

    return apply


def _running_sum(args: list[Value], scope: Scope) -> Value:
    _arity("RUNNING_SUM", args, 1, 1)

    def apply(series: TimeSeries) -> TimeSeries:
        total, values = 0.0, {}
        for stamp in sorted(series.values):
            total += series.values[stamp]
            values[stamp] = total
        return TimeSeries(series.label, values, series.id)

    return _per_series("RUNNING_SUM", args[0], apply)


def _period(args: list[Value], scope: Scope) -> Value:
    _arity("PERIOD", args, 1, 1)
    return _per_series("PERIOD", args[0], lambda series: TimeSeries(
        series.label, dict.fromkeys(series.values, float(scope.period)), series.id))


def _datapoint_count(args: list[Value], scope: Scope) -> Value:
    _arity("DATAPOINT_COUNT", args, 1, 1)
    value = args[0]
    if isinstance(value, TimeSeries):
        return float(len(value.values))
    return [TimeSeries(item.label, {stamp: float(len(item.values)) for stamp in item.values},
                       item.id) for item in _series_list("DATAPOINT_COUNT", value)]


def _time_series(args: list[Value], scope: Scope) -> Value:
    _arity("TIME_SERIES", args, 1, 1)
    value = args[0]
    if not isinstance(value, float):
        raise MathError("TIME_SERIES takes a number.")
    return TimeSeries("TIME_SERIES", dict.fromkeys(scope.timestamps, value))


def _remove_empty(args: list[Value], scope: Scope) -> Value:
    _arity("REMOVE_EMPTY", args, 1, 1)
    return [item for item in _series_list("REMOVE_EMPTY", args[0]) if item.values]


def _pick_one(name: str, index: int) -> Function:
    def run(args: list[Value], scope: Scope) -> Value:
        _arity(name, args, 1, 1)
        series = _series_list(name, args[0])
        if not series:
            raise MathError(f"{name} of an empty array has no value.")
        return series[index]

    return run


FUNCTIONS: dict[str, Function] = {
    "SUM": _aggregate("SUM", math.fsum),
    "AVG": _aggregate("AVG", lambda values: math.fsum(values) / len(values)),
    "MIN": _aggregate("MIN", min),
    "MAX": _aggregate("MAX", max),
    "STDDEV": _aggregate("STDDEV", _stddev),
    "METRICS": _metrics,
    "FILL": _fill,
    "RATE": _stepwise("RATE", _rate),
    "DIFF": _stepwise("DIFF", lambda previous, current, _b, _n: current - previous),
    "DIFF_TIME": _stepwise("DIFF_TIME", lambda _p, _c, before, now: float(now - before)),
    "IF": _if,
    "ABS": _elementwise("ABS", abs),
    "CEIL": _elementwise("CEIL", lambda value: float(math.ceil(value))),
    "FLOOR": _elementwise("FLOOR", lambda value: float(math.floor(value))),
    "LOG": _elementwise("LOG", _log(None)),
    "LOG10": _elementwise("LOG10", _log(10)),
    "RUNNING_SUM": _running_sum,
    "PERIOD": _period,
    "DATAPOINT_COUNT": _datapoint_count,
    "TIME_SERIES": _time_series,
    "REMOVE_EMPTY": _remove_empty,
    "FIRST": _pick_one("FIRST", 0),
    "LAST": _pick_one("LAST", -1),
}


__all__ = ["FUNCTIONS", "Function"]
