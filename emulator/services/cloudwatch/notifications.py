"""What an alarm's state change sends: the SNS message, the Lambda event and the EventBridge
"CloudWatch Alarm State Change" event, shaped as AWS shapes them.

https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html
"""

from __future__ import annotations

import json
from typing import Any

from emulator.metrics.alarms import iso
from emulator.services.cloudwatch.common import region_name
from emulator.services.cloudwatch.models import AlarmRecord

_STATISTIC_NAMES = {"SampleCount": "SAMPLE_COUNT", "Average": "AVERAGE", "Sum": "SUM",
                    "Minimum": "MINIMUM", "Maximum": "MAXIMUM"}


def _trigger(config: dict[str, Any]) -> dict[str, Any]:
    if "Metrics" in config:
        return {"Metrics": config["Metrics"], "Period": period_of(config),
                "EvaluationPeriods": config["EvaluationPeriods"],
                "DatapointsToAlarm": config.get("DatapointsToAlarm",
                                                config["EvaluationPeriods"]),
                "ComparisonOperator": config["ComparisonOperator"],
                "Threshold": float(config.get("Threshold", 0.0)),
                "TreatMissingData": config.get("TreatMissingData", "missing"),
                "EvaluateLowSampleCountPercentile": config.get(
                    "EvaluateLowSampleCountPercentile", "")}
    trigger: dict[str, Any] = {"MetricName": config["MetricName"],
                               "Namespace": config["Namespace"]}
    if "ExtendedStatistic" in config:
        trigger.update(StatisticType="ExtendedStatistic",
                       ExtendedStatistic=config["ExtendedStatistic"])
    else:
        trigger.update(StatisticType="Statistic",
                       Statistic=_STATISTIC_NAMES.get(config.get("Statistic", ""), ""))
    trigger.update({
        "Unit": config.get("Unit"),
        "Dimensions": [{"value": d["Value"], "name": d["Name"]}
                       for d in config.get("Dimensions", [])],
        "Period": config["Period"], "EvaluationPeriods": config["EvaluationPeriods"],
        "DatapointsToAlarm": config.get("DatapointsToAlarm", config["EvaluationPeriods"]),
        "ComparisonOperator": config["ComparisonOperator"],
        "Threshold": float(config["Threshold"]),
        "TreatMissingData": config.get("TreatMissingData", "missing"),
        "EvaluateLowSampleCountPercentile": config.get("EvaluateLowSampleCountPercentile", ""),
    })
    return trigger


def period_of(config: dict[str, Any]) -> int:
    if "Period" in config:
        return int(config["Period"])
    for query in config.get("Metrics", []):
        if query.get("ReturnData", True):
            return int(query.get("Period") or query.get("MetricStat", {}).get("Period", 60))
    return 60


def sns_message(record: AlarmRecord, old_state: str, account: str, region: str
                ) -> tuple[str, str]:
    """The subject and JSON body an SNS action publishes."""
    config = record.config
    body: dict[str, Any] = {
        "AlarmName": record.name,
        "AlarmDescription": config.get("AlarmDescription"),
        "AWSAccountId": account,
        "AlarmConfigurationUpdatedTimestamp": iso(record.configuration_updated),
        "NewStateValue": record.state,
        "NewStateReason": record.reason,
        "StateChangeTime": iso(record.state_updated),
        "Region": region_name(region),
        "AlarmArn": record.arn,
        "OldStateValue": old_state,
        "OKActions": config.get("OKActions", []),
        "AlarmActions": config.get("AlarmActions", []),
        "InsufficientDataActions": config.get("InsufficientDataActions", []),
    }
    if record.kind == "CompositeAlarm":
        body["AlarmRule"] = config["AlarmRule"]
        body["TriggeringChildren"] = json.loads(record.reason_data or "{}").get(
            "triggeringAlarms", [])
    else:
        body["Trigger"] = _trigger(config)
    subject = f'{record.state}: "{record.name}" in {region_name(region)}'
    return subject[:100], json.dumps(body, separators=(",", ":"))


def _state(value: str, reason: str, reason_data: str | None, timestamp: float
           ) -> dict[str, Any]:
    state: dict[str, Any] = {"value": value, "reason": reason, "timestamp": iso(timestamp)}
    if reason_data is not None:
        state["reasonData"] = reason_data
    return state


def _configuration(record: AlarmRecord) -> dict[str, Any]:
    config = record.config
    described: dict[str, Any] = {"description": config.get("AlarmDescription")}
    if record.kind == "CompositeAlarm":
        described["alarmRule"] = config["AlarmRule"]
        return described
    if "Metrics" in config:
        described["metrics"] = [_lower_keys(query) for query in config["Metrics"]]
        return described
    dimensions = {d["Name"]: d["Value"] for d in config.get("Dimensions", [])}
    described["metrics"] = [{
        "id": "m1",
        "metricStat": {
            "metric": {"namespace": config["Namespace"], "name": config["MetricName"],
                       "dimensions": dimensions},
            "period": config["Period"],
            "stat": config.get("Statistic") or config.get("ExtendedStatistic")},
        "returnData": True}]
    return described


def _lower_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {key[0].lower() + key[1:]: _lower_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_lower_keys(item) for item in value]
    return value


def alarm_data(record: AlarmRecord, previous: dict[str, Any]) -> dict[str, Any]:
    return {"alarmName": record.name,
            "state": _state(record.state, record.reason, record.reason_data,
                            record.state_updated),
            "previousState": previous,
            "configuration": _configuration(record)}


def previous_state(record: AlarmRecord) -> dict[str, Any]:
    return _state(record.state, record.reason, record.reason_data, record.state_updated)


def lambda_event(record: AlarmRecord, previous: dict[str, Any], account: str, region: str
                 ) -> dict[str, Any]:
    return {"source": "aws.cloudwatch", "alarmArn": record.arn, "accountId": account,
            "time": iso(record.state_updated), "region": region,
            "alarmData": alarm_data(record, previous)}


def bus_entry(record: AlarmRecord, previous: dict[str, Any]) -> dict[str, Any]:
    return {"Source": "aws.cloudwatch", "DetailType": "CloudWatch Alarm State Change",
            "Resources": [record.arn],
            "Detail": json.dumps(alarm_data(record, previous), separators=(",", ":"))}


__all__ = ["alarm_data", "bus_entry", "lambda_event", "period_of", "previous_state",
           "sns_message"]
