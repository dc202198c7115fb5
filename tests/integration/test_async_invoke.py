"""Asynchronous invocation: retries on the clock, maximum event age, destinations, the
dead-letter queue, event invoke configuration, and waiting for idle."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from lambda_support import create_function, unique

from emulator.testing import EmulatorHandle


@pytest.fixture(autouse=True)
def _back_to_real_time(emulator: EmulatorHandle) -> Iterator[None]:
    """These tests move the shared emulator's clock; later tests expect real time."""
    yield
    emulator.clock.reset()

FAILING = {"app.py": """
    COUNT = 0
    def handler(event, context):
        global COUNT
        COUNT += 1
        raise ValueError(f"failure {COUNT} of {context.aws_request_id}")
"""}
ECHO = {"app.py": """
    def handler(event, context):
        return {"echo": event, "request": context.aws_request_id}
"""}


def _queue(emulator: EmulatorHandle, name: str | None = None) -> tuple[str, str]:
    sqs = emulator.client("sqs")
    url = sqs.create_queue(QueueName=name or unique("q"))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return url, arn["Attributes"]["QueueArn"]


def _drain(emulator: EmulatorHandle, url: str, **options: Any) -> list[dict[str, Any]]:
    sqs = emulator.client("sqs")
    found: list[dict[str, Any]] = []
    while True:
        reply = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, **options)
        messages = reply.get("Messages", [])
        if not messages:
            return found
        found.extend(messages)
        for message in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def _invocations(emulator: EmulatorHandle, name: str) -> int:
    logs = emulator.client("logs")
    events = logs.filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]
    return sum(1 for event in events if event["message"].startswith("START RequestId"))


def test_failing_function_is_tried_one_plus_retries_and_fails_to_sqs(
    emulator: EmulatorHandle,
) -> None:
    lam = emulator.client("lambda")
    name = create_function(lam, FAILING)
    url, arn = _queue(emulator)
    lam.put_function_event_invoke_config(
        FunctionName=name, DestinationConfig={"OnFailure": {"Destination": arn}})
    emulator.clock.freeze()  # the retries come due only by the jumps below
    reply = lam.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"order": 7}')
    assert reply["StatusCode"] == 202
    request_id = reply["ResponseMetadata"]["RequestId"]
    emulator.wait_idle()
    assert _invocations(emulator, name) == 1
    emulator.clock.advance(50)  # real seconds pass too: a busy machine's stay under ten
    emulator.wait_idle()
    assert _invocations(emulator, name) == 1  # the first retry waits a minute
    emulator.clock.advance(10)
    emulator.wait_idle()
    assert _invocations(emulator, name) == 2
    assert _drain(emulator, url) == []
    emulator.clock.advance(120)
    emulator.wait_idle()
    assert _invocations(emulator, name) == 3
    messages = _drain(emulator, url)
    assert len(messages) == 1
    record = json.loads(messages[0]["Body"])
    assert set(record) == {"version", "timestamp", "requestContext", "requestPayload",
                           "responseContext", "responsePayload"}
    assert record["version"] == "1.0"
    assert record["timestamp"].endswith("Z") and len(record["timestamp"]) == 24
    region = emulator.region
    assert record["requestContext"] == {
        "requestId": request_id,
        "functionArn": f"arn:aws:lambda:{region}:000000000000:function:{name}:$LATEST",
        "condition": "RetriesExhausted",
        "approximateInvokeCount": 3,
    }
    assert record["requestPayload"] == {"order": 7}
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST",
                                         "functionError": "Unhandled"}
    assert record["responsePayload"]["errorType"] == "ValueError"
    assert record["responsePayload"]["errorMessage"] == f"failure 3 of {request_id}"


@pytest.mark.parametrize("retries", [0, 1])
def test_maximum_retry_attempts_bounds_the_tries(emulator: EmulatorHandle, retries: int) -> None:
    lam = emulator.client("lambda")
    name = create_function(lam, FAILING)
    url, arn = _queue(emulator)
    lam.put_function_event_invoke_config(
        FunctionName=name, MaximumRetryAttempts=retries,
        DestinationConfig={"OnFailure": {"Destination": arn}})
    lam.invoke(FunctionName=name, InvocationType="Event", Payload=b"{}")
    for _ in range(3):
        emulator.wait_idle()
        emulator.clock.advance(120)
    emulator.wait_idle()
    assert _invocations(emulator, name) == 1 + retries
    [message] = _drain(emulator, url)
    assert json.loads(message["Body"])["requestContext"]["approximateInvokeCount"] == 1 + retries


def test_event_older_than_its_maximum_age_is_dropped_with_event_age_exceeded(
    emulator: EmulatorHandle,
) -> None:
    lam = emulator.client("lambda")
    name = create_function(lam, FAILING)
    url, arn = _queue(emulator)
    lam.put_function_event_invoke_config(
        FunctionName=name, MaximumEventAgeInSeconds=90,
        DestinationConfig={"OnFailure": {"Destination": arn}})
    lam.invoke(FunctionName=name, InvocationType="Event", Payload=b"{}")
    emulator.wait_idle()
    emulator.clock.advance(60)  # second try at one minute
    emulator.wait_idle()
    emulator.clock.advance(30)  # the third would come at three minutes: past 90 s of age
    emulator.wait_idle()
    assert _invocations(emulator, name) == 2
    [message] = _drain(emulator, url)
    record = json.loads(message["Body"])
    assert record["requestContext"]["condition"] == "EventAgeExceeded"
    assert record["requestContext"]["approximateInvokeCount"] == 2


def test_on_success_reaches_sqs_with_the_response(emulator: EmulatorHandle) -> None:
    lam = emulator.client("lambda")
    name = create_function(lam, ECHO)
    url, arn = _queue(emulator)
    lam.put_function_event_invoke_config(
        FunctionName=name, DestinationConfig={"OnSuccess": {"Destination": arn}})
    reply = lam.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"n": 1}')
    emulator.wait_idle()
    [message] = _drain(emulator, url)
    record = json.loads(message["Body"])
    # The invocation record
    # (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html)
    # arrives as compact JSON text, {"version":"1.0","timestamp":...}, as Lambda sends it.
    assert message["Body"] == json.dumps(record, separators=(",", ":"))
    request_id = reply["ResponseMetadata"]["RequestId"]
    assert record["requestContext"]["condition"] == "Success"
    assert record["requestContext"]["approximateInvokeCount"] == 1
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST"}
    assert record["responsePayload"] == {"echo": {"n": 1}, "request": request_id}


def test_on_success_to_another_function_invokes_it_with_the_record(
    emulator: EmulatorHandle,
) -> None:
    lam = emulator.client("lambda")
    url, _arn = _queue(emulator)
    relay = create_function(lam, {"app.py": f"""
        import boto3, json
        def handler(event, context):
            boto3.client("sqs").send_message(QueueUrl="{url}", MessageBody=json.dumps(event))
    """})
    relay_arn = lam.get_function(FunctionName=relay)["Configuration"]["FunctionArn"]
    name = create_function(lam, ECHO)
    lam.put_function_event_invoke_config(
        FunctionName=name, DestinationConfig={"OnSuccess": {"Destination": relay_arn}})
    lam.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"n": 2}')
    emulator.wait_idle()
    [message] = _drain(emulator, url)
    record = json.loads(message["Body"])
    assert record["requestPayload"] == {"n": 2}
    assert record["requestContext"]["condition"] == "Success"


def test_dead_letter_queue_gets_the_event_with_error_attributes(
    emulator: EmulatorHandle,
) -> None:
    lam = emulator.client("lambda")
    url, arn = _queue(emulator)
    name = create_function(lam, FAILING, DeadLetterConfig={"TargetArn": arn})
    lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=0)
    reply = lam.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"lost": true}')
    emulator.wait_idle()
    [message] = _drain(emulator, url, MessageAttributeNames=["All"])
    assert json.loads(message["Body"]) == {"lost": True}
    attributes = message["MessageAttributes"]
    assert attributes["RequestID"] == {"StringValue": reply["ResponseMetadata"]["RequestId"],
                                       "DataType": "String"}
    assert attributes["ErrorCode"] == {"StringValue": "200", "DataType": "Number"}
    assert attributes["ErrorMessage"]["StringValue"].startswith("failure 1 of")


def test_throttled_events_are_retried_until_they_run(emulator: EmulatorHandle) -> None:
    lam = emulator.client("lambda")
    name = create_function(lam, ECHO)
    url, arn = _queue(emulator)
    lam.put_function_event_invoke_config(
        FunctionName=name, DestinationConfig={"OnSuccess": {"Destination": arn}})
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    lam.invoke(FunctionName=name, InvocationType="Event", Payload=b"{}")
    emulator.wait_idle()
    emulator.clock.advance(1)
    emulator.wait_idle()
    assert _drain(emulator, url) == []
    lam.delete_function_concurrency(FunctionName=name)
    emulator.clock.advance(2)
    emulator.wait_idle()
    [message] = _drain(emulator, url)
    assert json.loads(message["Body"])["requestContext"]["approximateInvokeCount"] == 1


def test_event_invoke_config_operations(emulator: EmulatorHandle) -> None:
    lam = emulator.client("lambda")
    name = create_function(lam, ECHO)
    _url, arn = _queue(emulator)
    with pytest.raises(ClientError) as missing:
        lam.get_function_event_invoke_config(FunctionName=name)
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"
    put = lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=1)
    assert put["FunctionArn"].endswith(f"function:{name}:$LATEST")
    assert put["MaximumRetryAttempts"] == 1
    assert put["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {}}
    updated = lam.update_function_event_invoke_config(
        FunctionName=name, MaximumEventAgeInSeconds=3600,
        DestinationConfig={"OnFailure": {"Destination": arn}})
    assert updated["MaximumRetryAttempts"] == 1
    assert updated["MaximumEventAgeInSeconds"] == 3600
    assert updated["DestinationConfig"]["OnFailure"] == {"Destination": arn}
    got = lam.get_function_event_invoke_config(FunctionName=name, Qualifier="$LATEST")
    assert got["MaximumEventAgeInSeconds"] == 3600
    replaced = lam.put_function_event_invoke_config(FunctionName=name, MaximumEventAgeInSeconds=60)
    assert "MaximumRetryAttempts" not in replaced
    listed = lam.list_function_event_invoke_configs(FunctionName=name)
    assert [c["MaximumEventAgeInSeconds"] for c in listed["FunctionEventInvokeConfigs"]] == [60]
    with pytest.raises(ClientError) as bad:
        lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=3)
    assert bad.value.response["Error"]["Code"] in ("ValidationException",
                                                   "InvalidParameterValueException")
    with pytest.raises(ClientError) as bad_arn:
        lam.put_function_event_invoke_config(
            FunctionName=name, DestinationConfig={"OnSuccess": {"Destination": "nope"}})
    assert bad_arn.value.response["Error"]["Code"] == "InvalidParameterValueException"
    lam.delete_function_event_invoke_config(FunctionName=name)
    assert lam.list_function_event_invoke_configs(
        FunctionName=name)["FunctionEventInvokeConfigs"] == []
    with pytest.raises(ClientError) as no_function:
        lam.put_function_event_invoke_config(FunctionName=unique(), MaximumRetryAttempts=1)
    assert no_function.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_invoke_async_is_accepted_and_runs(emulator: EmulatorHandle) -> None:
    lam = emulator.client("lambda")
    name = create_function(lam, ECHO)
    url, arn = _queue(emulator)
    lam.put_function_event_invoke_config(
        FunctionName=name, DestinationConfig={"OnSuccess": {"Destination": arn}})
    assert lam.invoke_async(FunctionName=name, InvokeArgs=b'{"old": 1}')["Status"] == 202
    emulator.wait_idle()
    [message] = _drain(emulator, url)
    assert json.loads(message["Body"])["requestPayload"] == {"old": 1}


@pytest.mark.slow  # a thousand invocations take seconds
def test_a_thousand_async_invokes_deliver_exactly_a_thousand_records(
    emulator: EmulatorHandle,
) -> None:
    lam = emulator.client("lambda")
    name = create_function(lam, ECHO)
    url, arn = _queue(emulator)
    lam.put_function_event_invoke_config(
        FunctionName=name, DestinationConfig={"OnSuccess": {"Destination": arn}})
    for number in range(1000):
        lam.invoke(FunctionName=name, InvocationType="Event",
                   Payload=json.dumps({"n": number}).encode())
    emulator.wait_idle(timeout=60)
    numbers = [json.loads(m["Body"])["requestPayload"]["n"] for m in _drain(emulator, url)]
    assert sorted(numbers) == list(range(1000))


def test_wait_idle_names_what_is_still_busy(emulator: EmulatorHandle) -> None:
    lam = emulator.client("lambda")
    name = create_function(lam, {"app.py": """
        import time
        def handler(event, context):
            time.sleep(3)  # longer than a busy machine takes to ask
    """}, Timeout=5)
    lam.invoke(FunctionName=name, InvocationType="Event", Payload=b"{}")
    with pytest.raises(TimeoutError, match="async invocation"):
        emulator.wait_idle(timeout=0.05)
    emulator.wait_idle()


def test_on_success_to_sns_reaches_its_subscribers(emulator: EmulatorHandle) -> None:
    lam, sns = emulator.client("lambda"), emulator.client("sns")
    name = create_function(lam, ECHO)
    url, arn = _queue(emulator)
    topic = sns.create_topic(Name=unique("results"))["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn,
                  Attributes={"RawMessageDelivery": "true"})
    lam.put_function_event_invoke_config(
        FunctionName=name, DestinationConfig={"OnSuccess": {"Destination": topic}})
    lam.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"via": "sns"}')
    emulator.wait_idle()
    [message] = _drain(emulator, url)
    record = json.loads(message["Body"])
    assert record["requestContext"]["condition"] == "Success"
    assert record["responsePayload"]["echo"] == {"via": "sns"}


def test_dead_letter_topic_gets_the_event(emulator: EmulatorHandle) -> None:
    lam, sns = emulator.client("lambda"), emulator.client("sns")
    url, arn = _queue(emulator)
    topic = sns.create_topic(Name=unique("dead"))["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    name = create_function(lam, FAILING, DeadLetterConfig={"TargetArn": topic})
    lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=0)
    lam.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"lost": 1}')
    emulator.wait_idle()
    [message] = _drain(emulator, url)
    envelope = json.loads(message["Body"])
    assert json.loads(envelope["Message"]) == {"lost": 1}
    assert envelope["MessageAttributes"]["ErrorCode"] == {"Type": "Number", "Value": "200"}
