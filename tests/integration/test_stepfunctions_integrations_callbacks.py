"""SQS tasks and the callback pattern: send a message, wait for its task token, heartbeats."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from sfn_helpers import finished, machine, sfn
from sfn_tasks import detail, receive, start, types, unique, wait_for_event


def _queue(emulator: Any) -> tuple[Any, str]:
    sqs = emulator.client("sqs")
    return sqs, sqs.create_queue(QueueName=unique("tasks"))["QueueUrl"]


def _callback_machine(client: Any, url: str, **task: Any) -> str:
    return machine(client, unique("callback"), {"StartAt": "Ask", "States": {
        "Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {"QueueUrl": url,
                               "MessageBody": {"order.$": "$.order", "token.$": "$$.Task.Token"}},
                "Catch": [{"ErrorEquals": ["Rejected"], "ResultPath": "$.why", "Next": "No"}],
                "Next": "Yes", **task},
        "Yes": {"Type": "Pass", "Result": "approved", "ResultPath": "$.verdict", "End": True},
        "No": {"Type": "Pass", "Result": "rejected", "ResultPath": "$.verdict", "End": True}}})


def test_send_message_answers_the_send_message_response(emulator: Any) -> None:
    sqs, url = _queue(emulator)
    client = sfn(emulator)
    arn = machine(client, unique("send"), {"StartAt": "Send", "States": {"Send": {
        "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
        "Parameters": {"QueueUrl": url, "MessageBody.$": "$",
                       "MessageAttributes": {"kind": {"DataType": "String",
                                                      "StringValue": "order"}}},
        "End": True}}})
    execution = start(client, arn, {"order": 7})
    done = finished(client, execution)
    assert done["status"] == "SUCCEEDED", done
    message = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"])["Messages"][0]
    assert json.loads(message["Body"]) == {"order": 7}
    assert message["MessageAttributes"]["kind"]["StringValue"] == "order"
    output = json.loads(done["output"])
    assert output["MessageId"] == message["MessageId"]
    assert output["MD5OfMessageBody"] == message["MD5OfBody"]
    assert output["SdkHttpMetadata"]["HttpStatusCode"] == 200
    assert types(client, execution) == [
        "ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded",
        "TaskStateExited", "ExecutionSucceeded"]


def test_missing_queue_fails_with_the_sqs_error(emulator: Any) -> None:
    client = sfn(emulator)
    url = f"{emulator.endpoint_url}/000000000000/{unique('absent')}"
    arn = machine(client, unique("missing"), {"StartAt": "Send", "States": {"Send": {
        "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
        "Parameters": {"QueueUrl": url, "MessageBody": "x"}, "End": True}}})
    done = finished(client, start(client, arn))
    assert done["status"] == "FAILED"
    assert done["error"] == "SQS.QueueDoesNotExistException"
    assert "The specified queue does not exist." in done["cause"]


def test_callback_waits_for_send_task_success(emulator: Any) -> None:
    sqs, url = _queue(emulator)
    client = sfn(emulator)
    execution = start(client, _callback_machine(client, url), {"order": "A-1"})
    body = json.loads(receive(sqs, url)["Body"])
    assert body["order"] == "A-1"
    assert client.describe_execution(executionArn=execution)["status"] == "RUNNING"
    client.send_task_success(taskToken=body["token"], output=json.dumps({"approvedBy": "ann"}))
    done = finished(client, execution)
    assert done["status"] == "SUCCEEDED", done
    assert json.loads(done["output"]) == {"approvedBy": "ann", "verdict": "approved"}
    # The callback pattern's events, as AWS's history shows them.
    assert types(client, execution) == [
        "ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted",
        "TaskSubmitted", "TaskSucceeded", "TaskStateExited", "PassStateEntered",
        "PassStateExited", "ExecutionSucceeded"]
    with pytest.raises(ClientError) as late:
        client.send_task_success(taskToken=body["token"], output="{}")
    assert late.value.response["Error"]["Code"] == "TaskTimedOut"


def test_send_task_failure_is_caught_by_its_error_name(emulator: Any) -> None:
    sqs, url = _queue(emulator)
    client = sfn(emulator)
    execution = start(client, _callback_machine(client, url), {"order": "B-2"})
    token = json.loads(receive(sqs, url)["Body"])["token"]
    client.send_task_failure(taskToken=token, error="Rejected", cause="out of stock")
    done = finished(client, execution)
    assert done["status"] == "SUCCEEDED", done
    assert json.loads(done["output"]) == {
        "order": "B-2", "why": {"Error": "Rejected", "Cause": "out of stock"},
        "verdict": "rejected"}
    failed = wait_for_event(client, execution, "TaskFailed")[0]
    assert detail(failed) == {"resourceType": "sqs", "resource": "sendMessage.waitForTaskToken",
                              "error": "Rejected", "cause": "out of stock"}


def test_heartbeat_timeout_fires_when_the_clock_passes_it(emulator: Any) -> None:
    sqs, url = _queue(emulator)
    client = sfn(emulator)
    arn = _callback_machine(client, url, HeartbeatSeconds=60)
    execution = start(client, arn, {"order": "C-3"})
    token = json.loads(receive(sqs, url)["Body"])["token"]
    wait_for_event(client, execution, "TaskSubmitted")
    emulator.clock.advance(40)
    client.send_task_heartbeat(taskToken=token)  # the next beat is due 60 s from now
    emulator.clock.advance(40)
    assert client.describe_execution(executionArn=execution)["status"] == "RUNNING"
    emulator.clock.advance(21)
    done = finished(client, execution)
    assert done["status"] == "FAILED"
    assert done["error"] == "States.HeartbeatTimeout"
    timed_out = wait_for_event(client, execution, "TaskTimedOut")[0]
    assert detail(timed_out)["error"] == "States.HeartbeatTimeout"
    scheduled = wait_for_event(client, execution, "TaskScheduled")[0]
    assert detail(scheduled)["heartbeatInSeconds"] == 60
    with pytest.raises(ClientError) as late:
        client.send_task_heartbeat(taskToken=token)
    assert late.value.response["Error"]["Code"] == "TaskTimedOut"


def test_timeout_seconds_bounds_a_callback(emulator: Any) -> None:
    _sqs, url = _queue(emulator)
    client = sfn(emulator)
    execution = start(client, _callback_machine(client, url, TimeoutSeconds=300), {"order": 1})
    wait_for_event(client, execution, "TaskSubmitted")
    emulator.clock.advance(301)
    done = finished(client, execution)
    assert (done["status"], done["error"]) == ("FAILED", "States.Timeout")
    assert types(client, execution)[-2:] == ["TaskTimedOut", "ExecutionFailed"]


def test_bad_tokens_and_outputs_are_refused(emulator: Any) -> None:
    client = sfn(emulator)
    for call, code in (
        (lambda: client.send_task_success(taskToken="not-a-token", output="{}"), "InvalidToken"),
        (lambda: client.send_task_failure(taskToken="AQC" + "x" * 100), "TaskDoesNotExist"),
        (lambda: client.send_task_success(taskToken="AQC" + "x" * 100, output="{not json"),
         "InvalidOutput"),
    ):
        with pytest.raises(ClientError) as refused:
            call()
        assert refused.value.response["Error"]["Code"] == code


def test_wait_idle_returns_when_only_a_caller_can_move_the_execution(emulator: Any) -> None:
    sqs, url = _queue(emulator)
    client = sfn(emulator)
    execution = start(client, _callback_machine(client, url), {"order": "D-4"})
    emulator.wait_idle()  # the execution now waits for its task token, nothing else runs
    assert types(client, execution)[-1] == "TaskSubmitted"
    token = json.loads(receive(sqs, url)["Body"])["token"]
    client.send_task_success(taskToken=token, output="{}")
    emulator.wait_idle()
    assert client.describe_execution(executionArn=execution)["status"] == "SUCCEEDED"
