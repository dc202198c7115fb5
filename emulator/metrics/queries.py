"""Metric data queries: metric statistics and math expressions over one time range.

``run`` answers GetMetricData's queries (and an alarm's): each metric query folds its metric's
data into periods and takes its statistic; each expression is evaluated over the results it
references, in dependency order. Times follow CloudWatch's rounding of the start time
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html):
within 15 days to the minute, within 63 days to five minutes, older to the hour.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from emulator.metrics import statistics
from emulator.metrics.datapoints import DAY, MetricData, MetricId
from emulator.metrics.expressions import Node, evaluate, parse, references, uses_metrics
from emulator.metrics.values import MathError, Scope, TimeSeries, Value

QUERY_ID = re.compile(r"^[a-z][a-zA-Z0-9_]*$")
HIGH_RESOLUTION_PERIODS = (1, 5, 10, 30)


class QueryError(Exception):
    """A query set CloudWatch refuses before reading any data (worded for the caller)."""


def round_start(start: float, now: float) -> int:
    age = now - start
    step = 60 if age <= 15 * DAY else 300 if age <= 63 * DAY else 3600
    second = int(start)
    return second - second % step


def valid_period(period: int) -> bool:
    return period in HIGH_RESOLUTION_PERIODS or (period >= 60 and period % 60 == 0)


def metric_id(metric: Mapping[str, Any]) -> MetricId:
    dimensions = [(str(d.get("Name", "")), str(d.get("Value", "")))
                  for d in metric.get("Dimensions") or []]
    return MetricId.of(str(metric.get("Namespace", "")), str(metric.get("MetricName", "")),
                       dimensions)


def statistic_series(data: MetricData, metric: MetricId, start: int, end: float, period: int,
                     stat: str, unit: str | None = None) -> TimeSeries:
    """One statistic per period that holds data, keyed by period start."""
    series = TimeSeries(metric.name)
    for slot, aggregate in sorted(data.periods(metric, start, end, period, unit).items()):
        value = statistics.compute(aggregate, stat)
        if value is not None:
            series.values[slot] = value
    return series


@dataclass
class Result:
    id: str
    label: str
    timestamps: list[int]
    values: list[float]
    return_data: bool = True
    messages: list[dict[str, str]] = field(default_factory=list)


def _check(queries: Sequence[Mapping[str, Any]]) -> dict[str, Node]:
    seen: set[str] = set()
    expressions: dict[str, Node] = {}
    for query in queries:
        query_id = str(query.get("Id", ""))
        if not QUERY_ID.match(query_id):
            raise QueryError(f"Invalid metric data query id: {query_id}. The id must start "
                             "with a lowercase letter and contain only letters, numbers and "
                             "underscores.")
        if query_id in seen:
            raise QueryError(f"The value {query_id} for field Id is duplicated.")
        seen.add(query_id)
        has_stat, has_expression = "MetricStat" in query, "Expression" in query
        if has_stat == has_expression:
            raise QueryError(f"The query {query_id} must have exactly one of MetricStat "
                             "and Expression.")
        if has_stat:
            stat = query["MetricStat"]
            if not valid_period(int(stat.get("Period", 0))):
                raise QueryError("The parameter MetricDataQueries.member.Period must be 1, 5, "
                                 "10, 30, or a multiple of 60.")
            if not statistics.valid(str(stat.get("Stat", ""))):
                raise QueryError(f"The value {stat.get('Stat')} for parameter "
                                 "MetricStat.Stat is not a valid statistic.")
        else:
            try:
                expressions[query_id] = parse(str(query["Expression"]))
            except MathError as error:
                raise QueryError(f"Error in expression {query_id}: {error}") from None
    for query_id, node in expressions.items():
        unknown = references(node) - seen
        if unknown:
            raise QueryError(f"Error in expression {query_id}: Unrecognized metric id "
                             f"{sorted(unknown)[0]}.")
    return expressions


def _order(expressions: dict[str, Node], metric_ids: list[str]) -> list[str]:
    """Expressions in an order where each comes after what it reads."""
    done: set[str] = set(metric_ids)
    ordered: list[str] = []
    pending = dict(expressions)
    while pending:
        ready = [query_id for query_id, node in pending.items()
                 if (references(node) <= done) and
                 (not uses_metrics(node) or set(metric_ids) <= done)]
        if not ready:
            raise QueryError("The expressions reference each other in a cycle: "
                             + ", ".join(sorted(pending)) + ".")
        for query_id in ready:
            ordered.append(query_id)
            done.add(query_id)
            del pending[query_id]
    return ordered


def run(data: MetricData, queries: Sequence[Mapping[str, Any]], start: float, end: float,
        now: float) -> list[Result]:
    """Every query's result, in request order; raises QueryError or MathError for bad
    queries."""
    expressions = _check(queries)
    first = round_start(start, now)
    results: dict[str, Value] = {}
    labels: dict[str, str] = {}
    periods: dict[str, int] = {}
    metric_ids: list[str] = []
    for query in queries:
        query_id = str(query["Id"])
        if "MetricStat" not in query:
            continue
        stat = query["MetricStat"]
        metric = metric_id(stat.get("Metric", {}))
        period = int(stat["Period"])
        series = statistic_series(data, metric, first, end, period, str(stat["Stat"]),
                                  stat.get("Unit"))
        series.id = query_id
        series.label = str(query.get("Label") or metric.name)
        results[query_id], labels[query_id], periods[query_id] = series, series.label, period
        metric_ids.append(query_id)
    default_period = min(periods.values(), default=60)
    for query_id in _order(expressions, metric_ids):
        query = next(q for q in queries if q["Id"] == query_id)
        period = int(query.get("Period") or default_period)
        grid = list(range(first, int(end), period)) if period > 0 else []
        scope = Scope(grid, period, results, metric_ids)
        value = evaluate(expressions[query_id], scope)
        results[query_id] = value
        labels[query_id] = str(query.get("Label") or query_id)
    answers: list[Result] = []
    for query in queries:
        query_id = str(query["Id"])
        answers.extend(_results(query_id, labels[query_id], results[query_id],
                                query.get("ReturnData", True) is not False, first, end))
    return answers


def _results(query_id: str, label: str, value: Value, return_data: bool, first: int,
             end: float) -> list[Result]:
    if isinstance(value, list):
        # An array answers one result per series, labelled by the series.
        return [Result(query_id, f"{label} {item.label}".strip() if len(value) > 1 else label,
                       sorted(item.values), [item.values[s] for s in sorted(item.values)],
                       return_data) for item in value]
    if isinstance(value, float):
        return [Result(query_id, label, [first], [value], return_data)]
    if isinstance(value, str):
        raise MathError(f"The expression {query_id} returns a string.")
    stamps = [stamp for stamp in sorted(value.values) if first <= stamp < end]
    return [Result(query_id, label, stamps, [value.values[s] for s in stamps], return_data)]


__all__ = ["QUERY_ID", "QueryError", "Result", "metric_id", "round_start", "run",
           "statistic_series", "valid_period"]
