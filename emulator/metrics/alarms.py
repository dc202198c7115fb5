"""Alarm evaluation: which state the latest periods put a threshold alarm in, and why.

An alarm looks at its last ``EvaluationPeriods`` periods; it goes to ALARM when at least
``DatapointsToAlarm`` of them breach. Missing periods are treated as the alarm says
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html):

- enough data points (at least DatapointsToAlarm) → decided by the data alone;
- ``breaching`` / ``notBreaching`` → missing periods count as breaching / not breaching;
- ``missing`` → no data at all is INSUFFICIENT_DATA; otherwise the present points decide,
  ALARM only when every present point breaches and M could still be reached;
- ``ignore`` → no data keeps the current state; present points that all breach do too,
  unless there are enough of them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

OK, ALARM, INSUFFICIENT = "OK", "ALARM", "INSUFFICIENT_DATA"

COMPARISONS: dict[str, tuple[str, Any]] = {
    "GreaterThanOrEqualToThreshold": ("greater than or equal to", lambda v, t: v >= t),
    "GreaterThanThreshold": ("greater than", lambda v, t: v > t),
    "LessThanThreshold": ("less than", lambda v, t: v < t),
    "LessThanOrEqualToThreshold": ("less than or equal to", lambda v, t: v <= t),
}


@dataclass(frozen=True)
class Point:
    timestamp: int  # start of the period
    value: float | None  # None: no data in that period
    sample_count: float = 0.0


@dataclass
class Verdict:
    state: str
    reason: str
    reason_data: dict[str, Any] = field(default_factory=dict)

    def reason_json(self) -> str:
        return json.dumps(self.reason_data, separators=(",", ":"))


def _short_date(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%d/%m/%y %H:%M:%S")


def iso(epoch: float) -> str:
    moment = datetime.fromtimestamp(epoch, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def _plural(count: int) -> str:
    return "datapoint" if count == 1 else "datapoints"


@dataclass(frozen=True)
class Rule:
    threshold: float
    comparison: str
    evaluation_periods: int
    datapoints_to_alarm: int
    treat_missing: str = "missing"


def evaluate(rule: Rule, points: Sequence[Point], current: str, *, now: float,
             statistic: str = "", period: int = 60) -> Verdict | None:
    """The state ``points`` (oldest first, one per period, the last N) put the alarm in;
    None keeps the current state."""
    label, breaches = COMPARISONS[rule.comparison]
    window = list(points)[-rule.evaluation_periods:]
    present = [point for point in window if point.value is not None]
    breaching = [point for point in present if breaches(point.value, rule.threshold)]
    missing = len(window) - len(present)
    wanted = rule.datapoints_to_alarm
    if len(present) >= wanted:
        state = ALARM if len(breaching) >= wanted else OK
    elif rule.treat_missing == "breaching":
        state = ALARM if len(breaching) + missing >= wanted else OK
    elif rule.treat_missing == "notBreaching":
        state = OK
    elif not present:
        if rule.treat_missing == "ignore":
            return None
        state = INSUFFICIENT
    elif len(breaching) < len(present):
        state = OK
    elif rule.treat_missing == "ignore":
        return None
    else:
        state = ALARM if len(breaching) + missing >= wanted else OK
    recent = sorted(present, key=lambda point: point.timestamp, reverse=True)
    data: dict[str, Any] = {"version": "1.0", "queryDate": iso(now)}
    if window:
        data["startDate"] = iso(window[0].timestamp)
    if statistic:
        data["statistic"] = statistic
    data.update({"period": period, "recentDatapoints": [p.value for p in recent],
                 "threshold": rule.threshold})
    data["evaluatedDatapoints"] = [
        {"timestamp": iso(p.timestamp), "sampleCount": p.sample_count, "value": p.value}
        for p in recent]
    if state == INSUFFICIENT:
        return Verdict(state, f"Insufficient Data: {len(window)} {_plural(len(window))} "
                              f"{'was' if len(window) == 1 else 'were'} unknown.", data)
    shown = breaching if state == ALARM else recent
    shown = shown[:rule.datapoints_to_alarm] if state == ALARM else shown
    listed = ", ".join(f"{p.value} ({_short_date(p.timestamp)})" for p in shown)
    verb = "was" if len(shown) == 1 else "were"
    negation = "" if state == ALARM else "not "
    if not shown:
        reason = (f"Threshold Crossed: no datapoints were received for "
                  f"{len(window)} {'period' if len(window) == 1 else 'periods'} and "
                  f"{len(window)} missing {_plural(len(window))} "
                  f"{'was' if len(window) == 1 else 'were'} treated as "
                  f"[{'Breaching' if state == ALARM else 'NonBreaching'}].")
    else:
        reason = (f"Threshold Crossed: {len(shown)} out of the last {len(window)} "
                  f"{_plural(len(window))} [{listed}] {verb} {negation}{label} the threshold "
                  f"({rule.threshold})" if len(window) > 1 else
                  f"Threshold Crossed: 1 datapoint [{listed}] was {negation}{label} the "
                  f"threshold ({rule.threshold})")
        reason += f" (minimum {wanted} {_plural(wanted)} for OK -> ALARM transition)." if (
            state == ALARM and len(window) > 1) else "."
    return Verdict(state, reason, data)


__all__ = ["ALARM", "COMPARISONS", "INSUFFICIENT", "OK", "Point", "Rule", "Verdict",
           "evaluate", "iso"]
