"""Lambda tasks: errors caught by their errorType, retries backing off on the virtual clock,
and a function called back through its task token."""

from __future__ import annotations

import json
from typing import Any

from lambda_support import create_function
from sfn_helpers import finished, machine, sfn
from sfn_tasks import detail, events, start, types, unique, wait_for_event

HANDLERS = {"app.py": """
    class PaymentDeclined(Exception):
        pass

    def handler(event, context):
        if event.get("decline"):
            raise PaymentDeclined("card refused")
        if event.get("flaky"):
            raise RuntimeError("try again")
        return {"charged": event.get("amount", 0), "token": event.get("token")}
"""}


def _function(emulator: Any) -> str:
    return create_function(emulator.client("lambda"), HANDLERS)


def test_function_error_is_caught_by_its_error_type(emulator: Any) -> None:
    name = _function(emulator)
    client = sfn(emulator)
    arn = machine(client, unique("pay"), {"StartAt": "Charge", "States": {
        "Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                   "Parameters": {"FunctionName": name, "Payload.$": "$"},
                   "Catch": [{"ErrorEquals": ["PaymentDeclined"], "ResultPath": "$.error",
                              "Next": "Declined"}],
                   "OutputPath": "$.Payload", "End": True},
        "Declined": {"Type": "Pass", "End": True}}})
    done = finished(client, start(client, arn, {"amount": 5}), attempts=2000)
    assert json.loads(done["output"]) == {"charged": 5, "token": None}
    declined = finished(client, start(client, arn, {"decline": True}), attempts=2000)
    assert declined["status"] == "SUCCEEDED", declined
    error = json.loads(declined["output"])["error"]
    assert error["Error"] == "PaymentDeclined"
    assert json.loads(error["Cause"])["errorMessage"] == "card refused"


def test_retries_back_off_on_the_virtual_clock(emulator: Any) -> None:
    name = _function(emulator)
    client = sfn(emulator)
    arn = machine(client, unique("retry"), {"StartAt": "Charge", "States": {"Charge": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": name, "Payload": {"flaky": True}},
        "Retry": [{"ErrorEquals": ["RuntimeError"], "IntervalSeconds": 30, "BackoffRate": 2,
                   "MaxAttempts": 2}],
        "End": True}}})
    execution = start(client, arn)
    first_failure = wait_for_event(client, execution, "TaskFailed", attempts=2000)[0]
    assert client.describe_execution(executionArn=execution)["status"] == "RUNNING"
    emulator.clock.advance(30)
    second = wait_for_event(client, execution, "TaskScheduled", count=2, attempts=2000)[1]
    gap = second["timestamp"].timestamp() - first_failure["timestamp"].timestamp()
    assert 30 <= gap < 31
    second_failure = wait_for_event(client, execution, "TaskFailed", count=2, attempts=2000)[1]
    emulator.clock.advance(60)  # IntervalSeconds x BackoffRate
    third = wait_for_event(client, execution, "TaskScheduled", count=3, attempts=2000)[2]
    gap = third["timestamp"].timestamp() - second_failure["timestamp"].timestamp()
    assert 60 <= gap < 61
    done = finished(client, execution, attempts=2000)
    assert (done["status"], done["error"]) == ("FAILED", "RuntimeError")
    assert types(client, execution).count("TaskFailed") == 3


def test_legacy_function_arn_writes_lambda_function_events(emulator: Any) -> None:
    name = _function(emulator)
    function_arn = emulator.client("lambda").get_function(
        FunctionName=name)["Configuration"]["FunctionArn"]
    client = sfn(emulator)
    arn = machine(client, unique("legacy"), {"StartAt": "Charge", "States": {"Charge": {
        "Type": "Task", "Resource": function_arn, "TimeoutSeconds": 30, "End": True}}})
    execution = start(client, arn, {"decline": True})
    done = finished(client, execution, attempts=2000)
    assert (done["status"], done["error"]) == ("FAILED", "PaymentDeclined")
    history = events(client, execution)
    assert [e["type"] for e in history] == [
        "ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled",
        "LambdaFunctionStarted", "LambdaFunctionFailed", "ExecutionFailed"]
    scheduled = detail(history[2])
    assert scheduled["resource"] == function_arn
    assert scheduled["timeoutInSeconds"] == 30
    assert detail(history[4])["error"] == "PaymentDeclined"


def test_lambda_callback_waits_for_the_token(emulator: Any) -> None:
    name = _function(emulator)
    client = sfn(emulator)
    arn = machine(client, unique("lambda-callback"), {"StartAt": "Hand", "States": {"Hand": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
        "Parameters": {"FunctionName": name,
                       "Payload": {"amount": 3, "token.$": "$$.Task.Token"}},
        "End": True}}})
    execution = start(client, arn)
    submitted = wait_for_event(client, execution, "TaskSubmitted", attempts=2000)[0]
    response = json.loads(detail(submitted)["output"])
    assert response["StatusCode"] == 200
    token = response["Payload"]["token"]
    client.send_task_success(taskToken=token, output='{"settled": true}')
    done = finished(client, execution)
    assert json.loads(done["output"]) == {"settled": True}
    assert types(client, execution) == [
        "ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted",
        "TaskSubmitted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"]
