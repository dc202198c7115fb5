"""Alarms as an API: PutMetricAlarm, PutCompositeAlarm, DescribeAlarms, DescribeAlarmsForMetric,
DescribeAlarmHistory, DeleteAlarms, SetAlarmState and the action switches. State changes
happen in evaluation.py, on the clock.

https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from emulator.context import RequestContext
from emulator.metrics import alarm_rules, queries
from emulator.metrics import statistics as stats
from emulator.metrics.alarms import COMPARISONS, iso
from emulator.metrics.datapoints import MetricData
from emulator.metrics.values import MathError
from emulator.services.cloudwatch.common import (
    CloudWatchBase,
    invalid_combination,
    invalid_value,
    missing_parameter,
    page,
    validation_error,
)
from emulator.services.cloudwatch.models import AlarmRecord

METRIC_ALARM, COMPOSITE_ALARM = "MetricAlarm", "CompositeAlarm"
STATES = ("OK", "ALARM", "INSUFFICIENT_DATA")
_METRIC_MEMBERS = (
    "AlarmDescription", "ActionsEnabled", "OKActions", "AlarmActions",
    "InsufficientDataActions", "MetricName", "Namespace", "Statistic", "ExtendedStatistic",
    "Dimensions", "Period", "Unit", "EvaluationPeriods", "DatapointsToAlarm", "Threshold",
    "ComparisonOperator", "TreatMissingData", "EvaluateLowSampleCountPercentile", "Metrics",
    "ThresholdMetricId",
)
_COMPOSITE_MEMBERS = (
    "AlarmDescription", "ActionsEnabled", "OKActions", "AlarmActions",
    "InsufficientDataActions", "AlarmRule", "ActionsSuppressor", "ActionsSuppressorWaitPeriod",
    "ActionsSuppressorExtensionPeriod",
)
_ACTION_SERVICES = ("sns", "lambda", "automate", "ssm", "ssm-incidents", "autoscaling", "swf")


def _camel(name: str) -> str:
    return "".join(part.title() for part in name.split("_"))


def _members(names: tuple[str, ...], given: dict[str, Any]) -> dict[str, Any]:
    config = {}
    for name in names:
        snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")
        value = given.get(snake)
        if value is not None:
            config[name] = value
    return config


def _check_actions(config: dict[str, Any]) -> None:
    for member in ("OKActions", "AlarmActions", "InsufficientDataActions"):
        for action in config.get(member, []):
            parts = str(action).split(":")
            if len(parts) < 6 or parts[0] != "arn" or parts[2] not in _ACTION_SERVICES:
                raise validation_error(f"Invalid arn syntax: {action}")


class AlarmsApi(CloudWatchBase):
    # -- writing ----------------------------------------------------------------------------

    def put_metric_alarm(self, ctx: RequestContext, *, alarm_name: str,
                         evaluation_periods: int | None = None,
                         comparison_operator: str | None = None,
                         tags: list[dict[str, str]] | None = None,
                         **given: Any) -> dict[str, Any]:
        for member, value in (("EvaluationPeriods", evaluation_periods),
                              ("ComparisonOperator", comparison_operator)):
            if value is None:
                raise missing_parameter(f"The parameter {member} is required.")
        given.update(evaluation_periods=evaluation_periods,
                     comparison_operator=comparison_operator)
        config = _members(_METRIC_MEMBERS, given)
        config.setdefault("ActionsEnabled", True)
        for member in ("OKActions", "AlarmActions", "InsufficientDataActions", "Dimensions"):
            config.setdefault(member, [])
        self._check_metric_alarm(config)
        self._save(ctx, alarm_name, METRIC_ALARM, config, tags)
        return {}

    def _check_metric_alarm(self, config: dict[str, Any]) -> None:
        if config["ComparisonOperator"] not in COMPARISONS:
            raise validation_error("Anomaly detection alarms (ComparisonOperator "
                                   f"{config['ComparisonOperator']}) are not evaluated by this "
                                   "emulator.")
        if "Threshold" not in config:
            raise validation_error("Threshold is required for a static threshold alarm.")
        if config.get("DatapointsToAlarm", 1) > config["EvaluationPeriods"]:
            raise validation_error("DatapointsToAlarm must be less than or equal to "
                                   "EvaluationPeriods.")
        if config.get("Metrics"):
            for member in ("MetricName", "Namespace", "Statistic", "ExtendedStatistic",
                           "Dimensions", "Period", "Unit"):
                if config.get(member):
                    raise invalid_combination("The parameters Metrics and "
                                              f"{member} are mutually exclusive.")
            returned = [q for q in config["Metrics"] if q.get("ReturnData", True)]
            if len(returned) != 1:
                raise validation_error("Exactly one element of the metrics list should return "
                                       "data.")
            try:
                queries.run(MetricData(), config["Metrics"], 0, 60, 60)
            except (queries.QueryError, MathError) as error:
                raise validation_error(str(error)) from None
        else:
            for member in ("MetricName", "Namespace", "Period"):
                if member not in config:
                    raise missing_parameter(f"The parameter {member} is required.")
            if ("Statistic" in config) == ("ExtendedStatistic" in config):
                raise invalid_combination("Exactly one of Statistic and ExtendedStatistic "
                                          "must be specified.")
            extended = config.get("ExtendedStatistic")
            if extended is not None and stats.parse_extended(extended) is None:
                raise invalid_value(f"The value {extended} for parameter ExtendedStatistic is "
                                    "not supported.")
            if not queries.valid_period(int(config["Period"])):
                raise invalid_value("The parameter Period must be 10, 30 or a multiple of 60.")
        _check_actions(config)

    def put_composite_alarm(self, ctx: RequestContext, *, alarm_name: str, alarm_rule: str,
                            tags: list[dict[str, str]] | None = None, **given: Any
                            ) -> dict[str, Any]:
        given["alarm_rule"] = alarm_rule
        config = _members(_COMPOSITE_MEMBERS, given)
        config.setdefault("ActionsEnabled", True)
        for member in ("OKActions", "AlarmActions", "InsufficientDataActions"):
            config.setdefault(member, [])
        try:
            rule = alarm_rules.parse(alarm_rule)
        except alarm_rules.RuleError as error:
            raise validation_error(str(error)) from None
        missing = sorted(name for name in alarm_rules.alarms(rule)
                         if self._alarm_named(ctx, name) is None)
        if missing:
            raise validation_error("Could not save the composite alarm as alarms "
                                   f"[{', '.join(missing)}] in the alarm rule do not exist")
        if alarm_name in {self._name_of(name) for name in alarm_rules.alarms(rule)}:
            raise validation_error("The alarm rule of a composite alarm cannot reference the "
                                   "alarm itself.")
        _check_actions(config)
        self._save(ctx, alarm_name, COMPOSITE_ALARM, config, tags)
        return {}

    def _name_of(self, name_or_arn: str) -> str:
        return name_or_arn.split(":alarm:", 1)[1] if ":alarm:" in name_or_arn else name_or_arn

    def _alarm_named(self, ctx: RequestContext, name_or_arn: str) -> AlarmRecord | None:
        return self.alarms(ctx).get(self._name_of(name_or_arn))

    def _save(self, ctx: RequestContext, name: str, kind: str, config: dict[str, Any],
              tags: list[dict[str, str]] | None) -> None:
        table = self.alarms(ctx)
        now = self.clock.now()
        existing = table.get(name)
        if existing is not None and existing.kind != kind:
            raise invalid_value(f"The alarm {name} already exists as a {existing.kind}.")
        if existing is None:
            record = AlarmRecord(name=name, arn=self.alarm_arn(ctx, name), kind=kind,
                                 config=config, state_updated=now, state_transitioned=now,
                                 configuration_updated=now, tags=list(tags or []))
            change = "Create"
        else:
            record = existing.model_copy(update={"config": config,
                                                 "configuration_updated": now})
            if tags:
                known = {tag["Key"]: tag for tag in record.tags}
                known.update({tag["Key"]: tag for tag in tags})
                record.tags = list(known.values())
            change = "Update"
        table.put(name, record)
        described = self.describe(record)
        key = "createdAlarm" if change == "Create" else "updatedAlarm"
        verb = "created" if change == "Create" else "updated"
        self.add_history(ctx.account_id, ctx.region, record, "ConfigurationUpdate",
                         f'Alarm "{name}" {verb}',
                         {"version": "1.0", "type": change, key: _history_view(described)})
        self.alarm_changed(ctx.account_id, ctx.region, [name])

    def delete_alarms(self, ctx: RequestContext, *, alarm_names: list[str], **_: Any
                      ) -> dict[str, Any]:
        table = self.alarms(ctx)
        missing = [name for name in alarm_names if name not in table]
        if missing:
            raise self.not_found(f"{'Alarm' if len(missing) == 1 else 'Alarms'} "
                            f"{', '.join(missing)} not found")
        for name in alarm_names:
            table.delete(name)
        self.alarm_changed(ctx.account_id, ctx.region, list(alarm_names))
        return {}

    def set_alarm_state(self, ctx: RequestContext, *, alarm_name: str, state_value: str,
                        state_reason: str, state_reason_data: str | None = None, **_: Any
                        ) -> dict[str, Any]:
        record = self.alarms(ctx).get(alarm_name)
        if record is None:
            raise self.not_found(f"Alarm {alarm_name} not found")
        if state_reason_data is not None:
            try:
                json.loads(state_reason_data)
            except ValueError:
                raise invalid_value("The value for parameter StateReasonData is not valid "
                                    "JSON.") from None
        self.change_state(ctx.account_id, ctx.region, record, state_value, state_reason,
                          state_reason_data)
        return {}

    def enable_alarm_actions(self, ctx: RequestContext, *, alarm_names: list[str], **_: Any
                             ) -> dict[str, Any]:
        return self._switch_actions(ctx, alarm_names, True)

    def disable_alarm_actions(self, ctx: RequestContext, *, alarm_names: list[str], **_: Any
                              ) -> dict[str, Any]:
        return self._switch_actions(ctx, alarm_names, False)

    def _switch_actions(self, ctx: RequestContext, names: list[str], on: bool
                        ) -> dict[str, Any]:
        table = self.alarms(ctx)
        for name in names:
            record = table.get(name)
            if record is not None:
                record.config["ActionsEnabled"] = on
                table.put(name, record)
        return {}

    # -- reading ----------------------------------------------------------------------------

    def describe(self, record: AlarmRecord) -> dict[str, Any]:
        """The alarm as DescribeAlarms shows it."""
        described = {"AlarmName": record.name, "AlarmArn": record.arn, **record.config,
                     "AlarmConfigurationUpdatedTimestamp": record.configuration_updated,
                     "StateValue": record.state, "StateReason": record.reason,
                     "StateUpdatedTimestamp": record.state_updated,
                     "StateTransitionedTimestamp": record.state_transitioned}
        if record.reason_data is not None:
            described["StateReasonData"] = record.reason_data
        if record.kind == METRIC_ALARM and "Metrics" not in record.config:
            described.setdefault("TreatMissingData", "missing")
        return described

    def describe_alarms(self, ctx: RequestContext, *, alarm_names: list[str] | None = None,
                        alarm_name_prefix: str | None = None,
                        alarm_types: list[str] | None = None,
                        children_of_alarm_name: str | None = None,
                        parents_of_alarm_name: str | None = None,
                        state_value: str | None = None, action_prefix: str | None = None,
                        max_records: int | None = None, next_token: str | None = None,
                        **_: Any) -> dict[str, Any]:
        if alarm_names and alarm_name_prefix:
            raise invalid_combination("The parameters AlarmNames and AlarmNamePrefix are "
                                      "mutually exclusive.")
        table = self.alarms(ctx)
        kinds = set(alarm_types or [METRIC_ALARM])
        records = sorted(table.values(), key=lambda record: record.name)
        if children_of_alarm_name is not None:
            parent = table.get(children_of_alarm_name)
            wanted = set() if parent is None or parent.kind != COMPOSITE_ALARM else {
                self._name_of(name) for name in alarm_rules.alarms(
                    alarm_rules.parse(parent.config["AlarmRule"]))}
            records = [r for r in records if r.name in wanted]
            kinds = set(alarm_types or [METRIC_ALARM, COMPOSITE_ALARM])
        if parents_of_alarm_name is not None:
            records = [r for r in records if r.kind == COMPOSITE_ALARM and
                       parents_of_alarm_name in {self._name_of(name) for name in
                                                 alarm_rules.alarms(alarm_rules.parse(
                                                     r.config["AlarmRule"]))}]
            kinds = {COMPOSITE_ALARM}
        records = [r for r in records if r.kind in kinds
                   and (not alarm_names or r.name in alarm_names)
                   and (not alarm_name_prefix or r.name.startswith(alarm_name_prefix))
                   and (not state_value or r.state == state_value)
                   and (not action_prefix or any(
                       str(action).startswith(action_prefix)
                       for member in ("OKActions", "AlarmActions", "InsufficientDataActions")
                       for action in r.config.get(member, [])))]
        chunk, token = page(records, next_token, max_records or 50)
        output: dict[str, Any] = {
            "MetricAlarms": [self.describe(r) for r in chunk if r.kind == METRIC_ALARM],
            "CompositeAlarms": [self.describe(r) for r in chunk if r.kind == COMPOSITE_ALARM]}
        if token:
            output["NextToken"] = token
        return output

    def describe_alarms_for_metric(self, ctx: RequestContext, *, metric_name: str,
                                   namespace: str, statistic: str | None = None,
                                   extended_statistic: str | None = None,
                                   dimensions: list[dict[str, str]] | None = None,
                                   period: int | None = None, unit: str | None = None,
                                   **_: Any) -> dict[str, Any]:
        wanted = queries.metric_id({"Namespace": namespace, "MetricName": metric_name,
                                    "Dimensions": dimensions or []})
        found = []
        for record in sorted(self.alarms(ctx).values(),
                             key=lambda r: r.name):
            config = record.config
            if record.kind != METRIC_ALARM or "Metrics" in config:
                continue
            if queries.metric_id(config) != wanted:
                continue
            if (statistic and config.get("Statistic") != statistic) or (
                    extended_statistic and config.get("ExtendedStatistic") != extended_statistic
            ) or (period and config.get("Period") != period) or (
                    unit and config.get("Unit") != unit):
                continue
            found.append(self.describe(record))
        return {"MetricAlarms": found}

    def describe_alarm_history(self, ctx: RequestContext, *, alarm_name: str | None = None,
                               alarm_types: list[str] | None = None,
                               history_item_type: str | None = None,
                               start_date: datetime | None = None,
                               end_date: datetime | None = None,
                               max_records: int | None = None, next_token: str | None = None,
                               scan_by: str | None = None, **_: Any) -> dict[str, Any]:
        kinds = set(alarm_types or [METRIC_ALARM, COMPOSITE_ALARM])
        start = start_date.timestamp() if start_date else float("-inf")
        end = end_date.timestamp() if end_date else float("inf")
        items = [item for _key, item in sorted(self.history(ctx).items())
                 if (alarm_name is None or item.alarm_name == alarm_name)
                 and item.alarm_type in kinds
                 and (history_item_type is None or item.item_type == history_item_type)
                 and start <= item.timestamp <= end]
        if scan_by != "TimestampAscending":
            items.reverse()
        chunk, token = page(items, next_token, max_records or 100)
        output: dict[str, Any] = {"AlarmHistoryItems": [
            {"AlarmName": item.alarm_name, "AlarmType": item.alarm_type,
             "Timestamp": item.timestamp, "HistoryItemType": item.item_type,
             "HistorySummary": item.summary, "HistoryData": item.data} for item in chunk]}
        if token:
            output["NextToken"] = token
        return output


def _history_view(described: dict[str, Any]) -> dict[str, Any]:
    """An alarm as history data shows it: camelCase members, ISO timestamps."""
    view: dict[str, Any] = {}
    for name, value in described.items():
        key = name[0].lower() + name[1:]
        if name.endswith("Timestamp") and isinstance(value, (int, float)):
            value = iso(value)
        view[key] = value
    return view


__all__ = ["COMPOSITE_ALARM", "METRIC_ALARM", "STATES", "AlarmsApi"]
