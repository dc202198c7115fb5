"""PutMetricData, GetMetricData, GetMetricStatistics and ListMetrics.

Limits and wording from the API reference:
https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html
https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricStatistics.html
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.metrics import queries
from emulator.metrics import statistics as stats
from emulator.metrics.datapoints import DAY, HOUR, MetricData, MetricId
from emulator.metrics.values import MathError
from emulator.services.cloudwatch.common import (
    CloudWatchBase,
    invalid_combination,
    invalid_value,
    missing_parameter,
    page,
)

VALUE_LIMIT = 2.0 ** 360
MAX_DATAPOINTS = 1440
METRICS_PAGE = 500
RECENT = 3 * HOUR


def _epoch(value: datetime | float | int) -> float:
    return value.timestamp() if isinstance(value, datetime) else float(value)


def _check_value(value: float, where: str) -> None:
    if not math.isfinite(value) or abs(value) > VALUE_LIMIT:
        raise invalid_value(f"The value {_number_text(value)} for parameter {where} is "
                            "invalid.")


def _number_text(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return repr(value)


def _datum_problems(datum: dict[str, Any], index: int, now: float) -> list[str]:
    """Every problem of one datum (AWS lists them all, one line each)."""
    where = f"MetricData.member.{index}"
    problems: list[str] = []
    stamp = datum.get("Timestamp")
    if stamp is not None:
        moment = _epoch(stamp)
        if moment < now - 14 * DAY:
            problems.append(f"The parameter {where}.Timestamp must specify a time within the "
                            "past two weeks.")
        elif moment > now + 2 * HOUR:
            problems.append(f"The parameter {where}.Timestamp must specify a time no more "
                            "than two hours in the future.")
    return problems


class MetricsApi(CloudWatchBase):
    def put_metric_data(self, ctx: RequestContext, *, namespace: str,
                        metric_data: list[dict[str, Any]] | None = None, **_: Any
                        ) -> dict[str, Any]:
        if namespace.startswith("AWS/"):
            raise invalid_value(f"The value {namespace} for parameter Namespace is invalid.")
        if not metric_data:
            raise missing_parameter("The parameter MetricData is required.")
        now = self.clock.now()
        problems: list[str] = []
        for index, datum in enumerate(metric_data, 1):
            self._check_datum(datum, index)
            problems += _datum_problems(datum, index, now)
        if problems:
            raise invalid_value("\n".join(problems))
        data = self.metric_data(ctx.account_id, ctx.region)
        for datum in metric_data:
            self._store(data, namespace, datum, now)
        return {}

    def _check_datum(self, datum: dict[str, Any], index: int) -> None:
        where = f"MetricData.member.{index}"
        has_value, has_values = "Value" in datum, "Values" in datum
        has_set = "StatisticValues" in datum
        if has_value and has_set:
            raise invalid_combination(f"The parameters {where}.Value and "
                                      f"{where}.StatisticValues are mutually exclusive and "
                                      "you have specified both.")
        if has_value and has_values:
            raise invalid_combination(f"The parameters {where}.Value and {where}.Values are "
                                      "mutually exclusive and you have specified both.")
        if has_values and has_set:
            raise invalid_combination(f"The parameters {where}.Values and "
                                      f"{where}.StatisticValues are mutually exclusive and "
                                      "you have specified both.")
        if not (has_value or has_values or has_set):
            raise missing_parameter(f"The parameter {where}.Value is required.")
        if has_value:
            _check_value(float(datum["Value"]), f"{where}.Value")
        values = datum.get("Values") or []
        for position, value in enumerate(values, 1):
            _check_value(float(value), f"{where}.Values.member.{position}")
        counts = datum.get("Counts")
        if counts is not None and len(counts) != len(values):
            raise invalid_value(f"The parameters {where}.Values and {where}.Counts must be "
                                "of the same size.")
        if has_set:
            stats = datum["StatisticValues"]
            for name in ("SampleCount", "Sum", "Minimum", "Maximum"):
                _check_value(float(stats[name]), f"{where}.StatisticValues.{name}")
            if stats["SampleCount"] <= 0:
                raise invalid_value(f"The parameter {where}.StatisticValues.SampleCount must "
                                    "be greater than 0.")
            if stats["Maximum"] < stats["Minimum"]:
                raise invalid_value(f"The parameter {where}.StatisticValues.Maximum must be "
                                    f"greater than {where}.StatisticValues.Minimum.")
        resolution = datum.get("StorageResolution", 60)
        if resolution not in (1, 60):
            raise invalid_value(f"The value {resolution} for parameter "
                                f"{where}.StorageResolution is invalid.")

    def _store(self, data: MetricData, namespace: str, datum: dict[str, Any],
               now: float) -> None:
        dimensions = [(d["Name"], d["Value"]) for d in datum.get("Dimensions") or []]
        metric = MetricId.of(namespace, datum["MetricName"], dimensions)
        stamp = _epoch(datum["Timestamp"]) if datum.get("Timestamp") is not None else now
        unit = str(datum.get("Unit") or "None")
        resolution = int(datum.get("StorageResolution", 60))
        if "StatisticValues" in datum:
            stats = datum["StatisticValues"]
            data.put(metric, stamp, unit, resolution=resolution, statistics=(
                float(stats["SampleCount"]), float(stats["Sum"]), float(stats["Minimum"]),
                float(stats["Maximum"])))
        elif "Values" in datum:
            counts = datum.get("Counts") or [1.0] * len(datum["Values"])
            data.put(metric, stamp, unit, resolution=resolution,
                     values=[(float(v), float(c)) for v, c in zip(datum["Values"], counts,
                                                                  strict=True) if c > 0])
        else:
            data.put(metric, stamp, unit, resolution=resolution,
                     values=[(float(datum["Value"]), 1.0)])

    # -- reading ----------------------------------------------------------------------------

    def get_metric_statistics(self, ctx: RequestContext, *, namespace: str, metric_name: str,
                              start_time: datetime, end_time: datetime, period: int,
                              dimensions: list[dict[str, str]] | None = None,
                              statistics: list[str] | None = None,
                              extended_statistics: list[str] | None = None,
                              unit: str | None = None, **_: Any) -> dict[str, Any]:
        if not statistics and not extended_statistics:
            raise missing_parameter("Must specify either Statistics or ExtendedStatistics.")
        if statistics and extended_statistics:
            raise invalid_combination("The parameters Statistics and ExtendedStatistics are "
                                      "mutually exclusive and you have specified both.")
        for name in extended_statistics or []:
            if stats.parse_extended(name) is None:
                raise invalid_value(f"The value {name} for parameter ExtendedStatistics is "
                                    "not supported.")
        start, end = start_time.timestamp(), end_time.timestamp()
        self._check_range(start, end, period)
        now = self.clock.now()
        first = queries.round_start(start, now)
        if (end - first) / period > MAX_DATAPOINTS:
            raise invalid_combination(
                f"You have requested up to {math.ceil((end - first) / period)} datapoints, "
                f"which exceeds the limit of {MAX_DATAPOINTS}. You may reduce the datapoints "
                "requested by increasing Period, or decreasing the time range.")
        metric = queries.metric_id({"Namespace": namespace, "MetricName": metric_name,
                                    "Dimensions": dimensions or []})
        data = self.metric_data(ctx.account_id, ctx.region)
        datapoints = []
        for slot, aggregate in sorted(data.periods(metric, first, end, period, unit).items()):
            point: dict[str, Any] = {"Timestamp": slot,
                                     "Unit": unit or data.unit_of(metric, slot, slot + period)
                                     or "None"}
            for name in statistics or []:
                point[name] = stats.standard(aggregate, name)
            if extended_statistics:
                point["ExtendedStatistics"] = {
                    name: found for name in extended_statistics
                    if (found := stats.extended(aggregate, name)) is not None}
            datapoints.append(point)
        return {"Label": metric_name, "Datapoints": datapoints}

    def _check_range(self, start: float, end: float, period: int) -> None:
        if start == end:
            raise invalid_value("The parameter StartTime must not equal parameter EndTime.")
        if start > end:
            raise invalid_value("The parameter StartTime must be less than the parameter "
                                "EndTime.")
        if not queries.valid_period(period):
            raise invalid_value("The parameter Period must be a multiple of 60.")

    def get_metric_data(self, ctx: RequestContext, *, metric_data_queries: list[dict[str, Any]],
                        start_time: datetime, end_time: datetime,
                        next_token: str | None = None, scan_by: str | None = None,
                        max_datapoints: int | None = None, **_: Any) -> dict[str, Any]:
        start, end = start_time.timestamp(), end_time.timestamp()
        if start >= end:
            raise invalid_value("The parameter StartTime must be less than the parameter "
                                "EndTime.")
        data = self.metric_data(ctx.account_id, ctx.region)
        try:
            results = queries.run(data, metric_data_queries, start, end, self.clock.now())
        except (queries.QueryError, MathError) as error:
            raise ServiceError("ValidationError", str(error), status=400) from None
        descending = scan_by != "TimestampAscending"
        answered = []
        for result in results:
            if not result.return_data:
                continue
            pairs = sorted(zip(result.timestamps, result.values, strict=True),
                           reverse=descending)
            answered.append({"Id": result.id, "Label": result.label,
                             "Timestamps": [stamp for stamp, _ in pairs],
                             "Values": [value for _, value in pairs],
                             "StatusCode": "Complete", "Messages": result.messages})
        if max_datapoints is not None:
            answered = _limit(answered, max_datapoints)
        chunk, token = page(answered, next_token, 500)
        output: dict[str, Any] = {"MetricDataResults": chunk, "Messages": []}
        if token:
            output["NextToken"] = token
        return output

    def list_metrics(self, ctx: RequestContext, *, namespace: str | None = None,
                     metric_name: str | None = None,
                     dimensions: list[dict[str, str]] | None = None,
                     next_token: str | None = None, recently_active: str | None = None,
                     **_: Any) -> dict[str, Any]:
        data = self.metric_data(ctx.account_id, ctx.region)
        since = self.clock.now() - RECENT if recently_active == "PT3H" else None
        found = []
        for metric, series in data.series.items():
            if namespace is not None and metric.namespace != namespace:
                continue
            if metric_name is not None and metric.name != metric_name:
                continue
            if since is not None and series.last_put < since:
                continue
            if not _dimensions_match(metric, dimensions or []):
                continue
            found.append(metric)
        found.sort(key=lambda m: (m.namespace, m.name, m.dimensions))
        chunk, token = page(found, next_token, METRICS_PAGE)
        output: dict[str, Any] = {"Metrics": [
            {"Namespace": m.namespace, "MetricName": m.name,
             "Dimensions": [{"Name": n, "Value": v} for n, v in m.dimensions]} for m in chunk]}
        if token:
            output["NextToken"] = token
        return output


def _dimensions_match(metric: MetricId, filters: list[dict[str, str]]) -> bool:
    present = dict(metric.dimensions)
    for item in filters:
        name = item.get("Name", "")
        if name not in present:
            return False
        if "Value" in item and present[name] != item["Value"]:
            return False
    return True


def _limit(results: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """Keep at most ``limit`` datapoints in all, the rest marked PartialData."""
    left = limit
    for result in results:
        if len(result["Values"]) > left:
            result["Timestamps"] = result["Timestamps"][:left]
            result["Values"] = result["Values"][:left]
            result["StatusCode"] = "PartialData"
        left -= len(result["Values"])
    return results


__all__ = ["MetricsApi"]
