"""The metrics API Gateway (REST and HTTP APIs), SQS and Step Functions publish to CloudWatch
for real work, under AWS's namespaces, names and dimensions.

https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html
https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-metrics.html
https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from apigateway_support import new_api
from http_api_support import new_function, new_http_api

from emulator.testing import EmulatorHandle


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _dims(**pairs: str) -> list[dict[str, str]]:
    return [{"Name": name, "Value": value} for name, value in pairs.items()]


def _stat(emulator: EmulatorHandle, namespace: str, name: str,
          dimensions: list[dict[str, str]], statistic: str = "Sum") -> float | None:
    now = datetime.fromtimestamp(emulator.clock.now(), tz=UTC)
    points = emulator.client("cloudwatch").get_metric_statistics(
        Namespace=namespace, MetricName=name, Dimensions=dimensions,
        StartTime=now - timedelta(minutes=10), EndTime=now + timedelta(minutes=1),
        Period=660, Statistics=[statistic])["Datapoints"]
    return float(points[0][statistic]) if points else None


def _eventually(check: Any, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found is not None or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def test_rest_api_counts_errors_latency_and_cache(emulator: EmulatorHandle) -> None:
    name = _unique("shop")
    api = new_api(emulator, name=name)
    api.mock("/items")
    api.mock("/broken", status="500", body='{"message": "no"}')
    api.deploy("dev", cacheClusterEnabled=True, cacheClusterSize="0.5")
    api.client.update_stage(restApiId=api.id, stageName="dev", patchOperations=[
        {"op": "replace", "path": "/~1items/GET/caching/enabled", "value": "true"},
        {"op": "replace", "path": "/~1items/GET/caching/ttlInSeconds", "value": "60"},
        {"op": "replace", "path": "/*/*/metrics/enabled", "value": "true"}])
    assert api.get("dev", "/items").status_code == 200
    assert api.get("dev", "/items").status_code == 200  # from the cache
    assert api.get("dev", "/broken").status_code == 500
    assert api.get("dev", "/nothing").status_code == 403  # no such resource: a 4XX
    stage = _dims(ApiName=name, Stage="dev")
    assert _stat(emulator, "AWS/ApiGateway", "Count", stage, "SampleCount") == 4.0
    assert _stat(emulator, "AWS/ApiGateway", "4XXError", stage) == 1.0
    assert _stat(emulator, "AWS/ApiGateway", "5XXError", stage) == 1.0
    assert _stat(emulator, "AWS/ApiGateway", "5XXError", stage, "Average") == 0.25
    assert _stat(emulator, "AWS/ApiGateway", "CacheHitCount", stage) == 1.0
    assert _stat(emulator, "AWS/ApiGateway", "CacheMissCount", stage) == 1.0
    assert _stat(emulator, "AWS/ApiGateway", "Latency", stage, "SampleCount") == 4.0
    # The mock integration ran twice (the cached answer and the 403 called none).
    assert _stat(emulator, "AWS/ApiGateway", "IntegrationLatency", stage,
                 "SampleCount") == 2.0
    assert _stat(emulator, "AWS/ApiGateway", "Count", _dims(ApiName=name),
                 "SampleCount") == 4.0
    # Metrics enabled for */* give the methods without settings of their own a series each.
    method = _dims(ApiName=name, Method="GET", Resource="/broken", Stage="dev")
    assert _stat(emulator, "AWS/ApiGateway", "5XXError", method, "SampleCount") == 1.0
    listed = emulator.client("cloudwatch").list_metrics(
        Namespace="AWS/ApiGateway", MetricName="Latency",
        Dimensions=[{"Name": "ApiName", "Value": name}])["Metrics"]
    assert {tuple(sorted(d["Name"] for d in m["Dimensions"])) for m in listed} == {
        ("ApiName",), ("ApiName", "Stage"), ("ApiName", "Method", "Resource", "Stage")}


def test_http_api_counts_errors_latency_and_data(emulator: EmulatorHandle) -> None:
    function = new_function(emulator, "def handler(event, context):\n"
                                      "    return {'statusCode': 200, 'body': 'hello'}\n")
    api = new_http_api(emulator)
    target = api.lambda_integration(function)
    api.route("GET /hello", target)
    api.stage()
    assert api.get("/hello").status_code == 200
    assert api.get("/missing").status_code == 404
    stage = _dims(ApiId=api.id, Stage="$default")
    assert _stat(emulator, "AWS/ApiGateway", "Count", stage, "SampleCount") == 2.0
    assert _stat(emulator, "AWS/ApiGateway", "4xx", stage) == 1.0
    assert _stat(emulator, "AWS/ApiGateway", "5xx", stage) == 0.0
    assert _stat(emulator, "AWS/ApiGateway", "IntegrationLatency", stage,
                 "SampleCount") == 1.0
    processed = _stat(emulator, "AWS/ApiGateway", "DataProcessed", stage)
    assert processed is not None and processed >= len("hello")
    assert _stat(emulator, "AWS/ApiGateway", "Latency", _dims(ApiId=api.id),
                 "SampleCount") == 2.0


def test_sqs_counts_and_sizes_each_minute_of_the_clock(emulator: EmulatorHandle) -> None:
    sqs = emulator.client("sqs")
    name = _unique("orders")
    queue = sqs.create_queue(QueueName=name)["QueueUrl"]
    sqs.send_message(QueueUrl=queue, MessageBody="one")
    sqs.send_message(QueueUrl=queue, MessageBody="two")
    [message] = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=1)["Messages"]
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
    by_queue = _dims(QueueName=name)
    assert _stat(emulator, "AWS/SQS", "NumberOfMessagesSent", by_queue) == 2.0
    assert _stat(emulator, "AWS/SQS", "NumberOfMessagesReceived", by_queue) == 1.0
    assert _stat(emulator, "AWS/SQS", "NumberOfMessagesDeleted", by_queue) == 1.0
    assert _stat(emulator, "AWS/SQS", "SentMessageSize", by_queue, "Maximum") == 3.0
    emulator.clock.advance(90)  # a minute boundary passes: the sizes are published
    visible = _eventually(lambda: _stat(emulator, "AWS/SQS",
                                        "ApproximateNumberOfMessagesVisible", by_queue,
                                        "Maximum"))
    assert visible == 1.0
    age = _stat(emulator, "AWS/SQS", "ApproximateAgeOfOldestMessage", by_queue, "Maximum")
    assert age is not None and age >= 60


def test_sqs_sizes_go_on_after_the_clock_is_set_back(emulator: EmulatorHandle) -> None:
    # A test that jumps an hour ahead and then resets the clock must not leave the per-minute
    # publisher asleep until a minute an hour away.
    emulator.clock.advance(3600)
    time.sleep(0.3)  # the publisher wakes and sleeps until the next minute an hour ahead
    emulator.clock.reset()
    sqs = emulator.client("sqs")
    name = _unique("rewound")
    queue = sqs.create_queue(QueueName=name)["QueueUrl"]
    sqs.send_message(QueueUrl=queue, MessageBody="one")
    emulator.clock.advance(90)
    visible = _eventually(lambda: _stat(emulator, "AWS/SQS",
                                        "ApproximateNumberOfMessagesVisible",
                                        _dims(QueueName=name), "Maximum"), timeout=5.0)
    assert visible == 1.0


def test_step_functions_executions_started_succeeded_failed_and_time(
        emulator: EmulatorHandle) -> None:
    sfn = emulator.client("stepfunctions")
    role = "arn:aws:iam::000000000000:role/sfn"
    passes = sfn.create_state_machine(name=_unique("passes"), roleArn=role, definition=json.dumps(
        {"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}}))[
        "stateMachineArn"]
    fails = sfn.create_state_machine(name=_unique("fails"), roleArn=role, definition=json.dumps(
        {"StartAt": "Boom", "States": {"Boom": {"Type": "Fail", "Error": "Nope"}}}))[
        "stateMachineArn"]
    for machine in (passes, passes, fails):
        sfn.start_execution(stateMachineArn=machine)
    succeeded = _dims(StateMachineArn=passes)
    assert _eventually(lambda: _stat(emulator, "AWS/States", "ExecutionsSucceeded",
                                     succeeded)) == 2.0
    assert _stat(emulator, "AWS/States", "ExecutionsStarted", succeeded) == 2.0
    assert _stat(emulator, "AWS/States", "ExecutionTime", succeeded, "SampleCount") == 2.0
    failed = _dims(StateMachineArn=fails)
    assert _eventually(lambda: _stat(emulator, "AWS/States", "ExecutionsFailed",
                                     failed)) == 1.0
    assert _stat(emulator, "AWS/States", "ExecutionsSucceeded", failed) is None
