"""The metrics engine without HTTP: buckets and statistics, metric math over queries, and alarm
evaluation with datapoints-to-alarm and missing-data treatment.

https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-evaluating-missing-data
"""

from __future__ import annotations

import pytest

from emulator.metrics import emf, queries, statistics
from emulator.metrics.alarms import ALARM, INSUFFICIENT, OK, Point, Rule, evaluate
from emulator.metrics.datapoints import EXACT_SAMPLES, MetricData, MetricId
from emulator.metrics.expressions import parse
from emulator.metrics.values import MathError

START = 1_800_000_000 - 1_800_000_000 % 3600  # an hour boundary


def _data() -> MetricData:
    data = MetricData()
    for minute, (errors, calls) in enumerate([(1, 10), (0, 10), (5, 20)]):
        stamp = START + minute * 60 + 5
        data.put(MetricId.of("App", "Errors"), stamp, "Count", values=((errors, 1.0),))
        data.put(MetricId.of("App", "Calls"), stamp, "Count", values=((calls, 1.0),))
    return data


def _stat(query_id: str, name: str) -> dict[str, object]:
    return {"Id": query_id, "MetricStat": {"Metric": {"Namespace": "App", "MetricName": name},
                                           "Period": 60, "Stat": "Sum"},
            "ReturnData": False}


def test_metric_math_divides_two_series_per_period() -> None:
    answered = queries.run(_data(), [
        _stat("e", "Errors"), _stat("c", "Calls"),
        {"Id": "rate", "Expression": "100 * e / c"}], START, START + 180, START + 600)
    [rate] = [result for result in answered if result.id == "rate"]
    assert dict(zip(rate.timestamps, rate.values, strict=True)) == {
        START: 10.0, START + 60: 0.0, START + 120: 25.0}


def test_sum_of_metrics_and_fill() -> None:
    answered = queries.run(_data(), [
        _stat("e", "Errors"), _stat("c", "Calls"),
        {"Id": "total", "Expression": "SUM(METRICS())"},
        {"Id": "filled", "Expression": "FILL(e, 0)", "Period": 60}],
        START, START + 240, START + 600)
    by_id = {result.id: dict(zip(result.timestamps, result.values, strict=True))
             for result in answered}
    assert by_id["total"] == {START: 11.0, START + 60: 10.0, START + 120: 25.0}
    assert by_id["filled"][START + 180] == 0.0


@pytest.mark.parametrize("text", ["e +", "NOSUCH(e)", "", "e / / c"])
def test_invalid_metric_math_is_refused(text: str) -> None:
    with pytest.raises(MathError):
        parse(text)


def test_an_expression_naming_an_unknown_id_is_refused() -> None:
    with pytest.raises((MathError, queries.QueryError)):
        queries.run(_data(), [_stat("e", "Errors"), {"Id": "x", "Expression": "e + zz"}],
                    START, START + 180, START + 600)


def _points(*values: float | None) -> list[Point]:
    return [Point(START + 60 * index, value, 1.0 if value is not None else 0.0)
            for index, value in enumerate(values)]


def test_m_out_of_n_datapoints_to_alarm() -> None:
    rule = Rule(threshold=1.0, comparison="GreaterThanOrEqualToThreshold",
                evaluation_periods=3, datapoints_to_alarm=2)
    verdict = evaluate(rule, _points(0.0, 2.0, 3.0), OK, now=START + 300)
    assert verdict is not None and verdict.state == ALARM
    verdict = evaluate(rule, _points(2.0, 0.0, 0.0), ALARM, now=START + 300)
    assert verdict is not None and verdict.state == OK


@pytest.mark.parametrize(("treat", "expected"), [
    ("missing", INSUFFICIENT), ("notBreaching", OK), ("breaching", ALARM), ("ignore", None)])
def test_missing_data_treatment(treat: str, expected: str | None) -> None:
    rule = Rule(threshold=1.0, comparison="GreaterThanThreshold", evaluation_periods=2,
                datapoints_to_alarm=2, treat_missing=treat)
    verdict = evaluate(rule, _points(None, None), OK, now=START + 300)
    assert (verdict.state if verdict is not None else None) == expected


def test_embedded_metric_format_lines() -> None:
    line = ('{"_aws": {"Timestamp": 1800000000000, "CloudWatchMetrics": [{"Namespace": "Shop",'
            ' "Dimensions": [["Channel"]], "Metrics": [{"Name": "Orders", "Unit": "Count"}]}]},'
            ' "Channel": "web", "Orders": [1, 2]}')
    [metric] = emf.extract(line)
    assert (metric.namespace, metric.name, metric.unit) == ("Shop", "Orders", "Count")
    assert dict(metric.dimensions) == {"Channel": "web"} and list(metric.values) == [1, 2]
    assert emf.extract("not json") == [] and emf.extract('{"_aws": 3}') == []
    # As the Node.js runtime writes console.log lines in its text log format.
    node = f"2026-01-01T00:00:00.000Z\t{'0' * 8}-1111-2222-3333-{'4' * 12}\tINFO\t{line}"
    assert [m.name for m in emf.extract(node)] == ["Orders"]
    assert emf.extract(f"something else\t{line}") == []


def test_a_busy_minute_keeps_a_bounded_number_of_values() -> None:
    """A bucket keeps its first EXACT_SAMPLES distinct values exactly and bins the rest, 2%
    wide: its memory is bounded however many distinct durations a minute sees, percentiles stay
    within 1%, and count, sum, minimum and maximum stay exact."""
    data = MetricData()
    metric = MetricId.of("App", "Latency")
    values = [1 + n / 997 for n in range(20_000)]  # 20,000 distinct values from 1 to about 21
    data.put(metric, START, "Milliseconds", values=((v, 1.0) for v in values))
    [aggregate] = data.periods(metric, START, START + 60, 60).values()
    assert len(aggregate.samples) < EXACT_SAMPLES + 200
    assert (aggregate.count, aggregate.minimum, aggregate.maximum) == (
        20_000, values[0], values[-1])
    assert aggregate.total == pytest.approx(sum(values))
    ranked = sorted(values)
    for percent in (50, 90, 99):
        exact = ranked[-(-percent * len(ranked) // 100) - 1]
        assert statistics.extended(aggregate, f"p{percent}") == pytest.approx(exact, rel=0.011)
    few = MetricData()  # below the bound, every value is kept as put
    few.put(metric, START, "Milliseconds", values=((v, 1.0) for v in values[:100]))
    [exact_aggregate] = few.periods(metric, START, START + 60, 60).values()
    assert sorted(exact_aggregate.samples) == values[:100]


def test_add_values_lands_where_add_would() -> None:
    """The services' per-request path (dimensions in any order, several values at once) keeps
    the same buckets as one ``add`` per value, and survives a roll-up dropping its series."""
    one_by_one, at_once = MetricData(), MetricData()
    sets = [(("ApiName", "a"),), (("Stage", "s"), ("ApiName", "a")), ()]
    values = [("Count", 1.0, "Count"), ("Latency", 12.5, "Milliseconds")]
    for stamp in (START + 5, START + 70, START + 71):
        at_once.add_values("AWS/ApiGateway", values, sets, stamp)
        for dimensions in sets:
            for name, value, unit in values:
                one_by_one.add(MetricId.of("AWS/ApiGateway", name, dimensions), stamp, unit,
                               value)
    assert at_once.series.keys() == one_by_one.series.keys()
    for metric, series in one_by_one.series.items():
        mine = at_once.series[metric]
        assert (mine.starts, mine.last_put) == (series.starts, series.last_put)
        assert {start: {unit: (a.count, a.total, a.samples) for unit, a in units.items()}
                for start, units in mine.buckets.items()} == \
            {start: {unit: (a.count, a.total, a.samples) for unit, a in units.items()}
             for start, units in series.buckets.items()}
    at_once.roll_up(START + 500 * 86400)  # past retention: every series goes
    assert not at_once.series
    at_once.add_values("AWS/ApiGateway", values, sets, START + 500 * 86400)
    assert len(at_once.series) == len(one_by_one.series)
