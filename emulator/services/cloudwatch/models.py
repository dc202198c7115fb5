"""CloudWatch's stored records: alarms, their history and dashboards. Metric data is kept by
the metrics engine and written as documents (see common.py)."""

from __future__ import annotations

from typing import Any

from emulator.store.records import Record

ALARMS = "alarms"
HISTORY = "alarm-history"
DASHBOARDS = "dashboards"
METRIC_DATA = "metric-data"


class AlarmRecord(Record):
    """A metric or composite alarm: its configuration as the Describe output names it, and
    its state."""

    name: str
    arn: str
    kind: str  # "MetricAlarm" or "CompositeAlarm"
    config: dict[str, Any]
    state: str = "INSUFFICIENT_DATA"
    reason: str = "Unchecked: Initial alarm creation"
    reason_data: str | None = None
    state_updated: float
    state_transitioned: float
    configuration_updated: float
    tags: list[dict[str, str]] = []


class HistoryRecord(Record):
    alarm_name: str
    alarm_type: str
    timestamp: float
    item_type: str  # ConfigurationUpdate, StateUpdate, Action
    summary: str
    data: str


class DashboardRecord(Record):
    name: str
    arn: str
    body: str
    modified: float


__all__ = ["ALARMS", "DASHBOARDS", "HISTORY", "METRIC_DATA", "AlarmRecord",
           "DashboardRecord", "HistoryRecord"]
