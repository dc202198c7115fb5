"""What Lambda publishes to CloudWatch, embedded metric format lines from aws-lambda-powertools,
and an alarm on a function's errors that fires on the clock and reaches a queue through SNS.

Metric names and dimensions:
https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
Alarm notifications: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from lambda_support import create_function, invoke
from polling import eventually

from emulator.testing import EmulatorHandle

FAILING = {"app.py": """
def handler(event, context):
    if event.get("fail"):
        raise ValueError("boom")
    return {"ok": True}
"""}

POWERTOOLS = {"app.py": """
from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit

metrics = Metrics(namespace="Orders", service="checkout")

@metrics.log_metrics
def handler(event, context):
    metrics.add_dimension(name="Channel", value="web")
    metrics.add_metric(name="OrderPlaced", unit=MetricUnit.Count, value=event["count"])
    return {"ok": True}
"""}


def _window(emulator: EmulatorHandle) -> tuple[datetime, datetime]:
    now = datetime.fromtimestamp(emulator.clock.now(), tz=UTC)
    return now - timedelta(minutes=10), now + timedelta(minutes=1)


def _sum(cloudwatch: Any, emulator: EmulatorHandle, namespace: str, name: str,
         dimensions: list[dict[str, str]], statistic: str = "Sum") -> float | None:
    start, end = _window(emulator)
    points = cloudwatch.get_metric_statistics(
        Namespace=namespace, MetricName=name, Dimensions=dimensions, StartTime=start,
        EndTime=end, Period=600, Statistics=[statistic])["Datapoints"]
    return sum(p[statistic] for p in points) if points else None



def test_invocations_errors_duration_and_concurrency(emulator: EmulatorHandle) -> None:
    lam, cloudwatch = emulator.client("lambda"), emulator.client("cloudwatch")
    name = create_function(lam, FAILING)
    lam.publish_version(FunctionName=name)
    invoke(lam, name, {})
    invoke(lam, name, {"fail": True})
    invoke(lam, name, {}, Qualifier="1")
    by_name = [{"Name": "FunctionName", "Value": name}]
    assert _sum(cloudwatch, emulator, "AWS/Lambda", "Invocations", by_name) == 3.0
    assert _sum(cloudwatch, emulator, "AWS/Lambda", "Errors", by_name) == 1.0
    assert _sum(cloudwatch, emulator, "AWS/Lambda", "Duration", by_name,
                "SampleCount") == 3.0
    assert _sum(cloudwatch, emulator, "AWS/Lambda", "ConcurrentExecutions", by_name,
                "Maximum") == 1.0
    # A qualified call is also counted under its Resource, and its version.
    resource = [*by_name, {"Name": "Resource", "Value": f"{name}:1"}]
    assert _sum(cloudwatch, emulator, "AWS/Lambda", "Invocations", resource) == 1.0
    listed = cloudwatch.list_metrics(Namespace="AWS/Lambda", MetricName="Invocations",
                                     Dimensions=[{"Name": "FunctionName", "Value": name}])
    assert {tuple(sorted(d["Name"] for d in m["Dimensions"])) for m in listed["Metrics"]} == {
        ("FunctionName",), ("FunctionName", "Resource"),
        ("ExecutedVersion", "FunctionName", "Resource")}
    units = cloudwatch.get_metric_statistics(
        Namespace="AWS/Lambda", MetricName="Duration", Dimensions=by_name,
        StartTime=_window(emulator)[0], EndTime=_window(emulator)[1], Period=600,
        Statistics=["Maximum"])["Datapoints"]
    assert units[0]["Unit"] == "Milliseconds"


def test_throttles_are_counted_without_an_invocation(emulator: EmulatorHandle) -> None:
    # One attempt: boto3 would otherwise retry the throttled call (each retry is a throttle).
    lam = emulator.client("lambda", config=Config(retries={"total_max_attempts": 1}))
    cloudwatch = emulator.client("cloudwatch")
    name = create_function(lam, FAILING)
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    with pytest.raises(ClientError) as throttled:
        lam.invoke(FunctionName=name, Payload=b"{}")
    assert throttled.value.response["Error"]["Code"] == "TooManyRequestsException"
    by_name = [{"Name": "FunctionName", "Value": name}]
    assert _sum(cloudwatch, emulator, "AWS/Lambda", "Throttles", by_name) == 1.0
    assert _sum(cloudwatch, emulator, "AWS/Lambda", "Invocations", by_name) is None


def test_powertools_metrics_become_cloudwatch_metrics(emulator: EmulatorHandle) -> None:
    lam, cloudwatch = emulator.client("lambda"), emulator.client("cloudwatch")
    name = create_function(lam, POWERTOOLS)
    invoke(lam, name, {"count": 2})
    invoke(lam, name, {"count": 3})
    dims = [{"Name": "Channel", "Value": "web"}, {"Name": "service", "Value": "checkout"}]
    found = eventually(lambda: _sum(cloudwatch, emulator, "Orders", "OrderPlaced", dims))
    assert found == 5.0
    [metric] = cloudwatch.list_metrics(Namespace="Orders")["Metrics"]
    assert sorted(metric["Dimensions"], key=lambda d: d["Name"]) == dims


def test_alarm_on_errors_fires_after_the_clock_moves_and_reaches_a_queue(
        emulator: EmulatorHandle) -> None:
    lam, cloudwatch = emulator.client("lambda"), emulator.client("cloudwatch")
    sns, sqs = emulator.client("sns"), emulator.client("sqs")
    name = create_function(lam, FAILING)
    topic = sns.create_topic(Name=f"alarms-{uuid.uuid4().hex[:8]}")["TopicArn"]
    queue = sqs.create_queue(QueueName=f"alarms-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    alarm = f"errors-{name}"
    cloudwatch.put_metric_alarm(
        AlarmName=alarm, Namespace="AWS/Lambda", MetricName="Errors",
        Dimensions=[{"Name": "FunctionName", "Value": name}], Statistic="Sum", Period=60,
        EvaluationPeriods=1, Threshold=1.0, ComparisonOperator="GreaterThanOrEqualToThreshold",
        TreatMissingData="notBreaching", AlarmActions=[topic])
    state = eventually(lambda: cloudwatch.describe_alarms(AlarmNames=[alarm])[
        "MetricAlarms"][0]["StateValue"] == "OK")
    assert state
    invoke(lam, name, {"fail": True})
    assert cloudwatch.describe_alarms(AlarmNames=[alarm])["MetricAlarms"][0][
        "StateValue"] == "OK"
    emulator.clock.advance(60)  # the minute with the error is now complete
    described = eventually(lambda: [
        a for a in cloudwatch.describe_alarms(AlarmNames=[alarm])["MetricAlarms"]
        if a["StateValue"] == "ALARM"])
    assert described, "the alarm did not fire"
    assert described[0]["StateReason"].startswith("Threshold Crossed: 1 datapoint [1.0 (")
    reason_data = json.loads(described[0]["StateReasonData"])
    assert reason_data["recentDatapoints"] == [1.0] and reason_data["threshold"] == 1.0
    messages = eventually(lambda: sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1).get(
        "Messages"))
    assert messages, "no notification reached the queue"
    envelope = json.loads(messages[0]["Body"])
    assert envelope["Subject"] == f'ALARM: "{alarm}" in US East (N. Virginia)'
    notice = json.loads(envelope["Message"])
    assert notice["AlarmName"] == alarm
    assert (notice["OldStateValue"], notice["NewStateValue"]) == ("OK", "ALARM")
    assert notice["Trigger"]["MetricName"] == "Errors"
    assert notice["Trigger"]["Statistic"] == "SUM"
    assert notice["Trigger"]["Dimensions"] == [{"value": name, "name": "FunctionName"}]
    history = cloudwatch.describe_alarm_history(AlarmName=alarm)["AlarmHistoryItems"]
    kinds = [item["HistoryItemType"] for item in history]
    assert kinds.count("StateUpdate") == 2 and "ConfigurationUpdate" in kinds
    assert "Action" in kinds
