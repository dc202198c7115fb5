"""Nested workflows through ``states:startExecution``: request-response, .sync, .sync:2 and
the callback pattern."""

from __future__ import annotations

import json
from typing import Any

from sfn_helpers import finished, machine, sfn
from sfn_tasks import detail, start, types, unique, wait_for_event

CHILD = {"StartAt": "Double", "States": {
    "Check": {"Type": "Choice", "Choices": [
        {"Variable": "$.n", "NumericLessThan": 0, "Next": "Refuse"}], "Default": "Double"},
    "Double": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, $.n)"},
               "End": True},
    "Refuse": {"Type": "Fail", "Error": "Negative", "Cause": "n must not be negative"}}}
CHILD["StartAt"] = "Check"


def _parent(client: Any, child_arn: str, pattern: str) -> str:
    return machine(client, unique("parent"), {"StartAt": "Run", "States": {"Run": {
        "Type": "Task", "Resource": f"arn:aws:states:::states:startExecution{pattern}",
        "Parameters": {"StateMachineArn": child_arn, "Input": {
            "n.$": "$.n", "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id"}},
        "End": True}}})


def test_sync_2_returns_the_child_output_as_json(emulator: Any) -> None:
    client = sfn(emulator)
    child = machine(client, unique("child"), CHILD)
    execution = start(client, _parent(client, child, ".sync:2"), {"n": 21})
    done = finished(client, execution)
    assert done["status"] == "SUCCEEDED", done
    output = json.loads(done["output"])
    assert output["Output"] == {"n": 42}
    assert output["Status"] == "SUCCEEDED"
    assert output["StateMachineArn"] == child
    assert output["Input"]["AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID"] == execution
    assert isinstance(output["StartDate"], int) and output["StopDate"] >= output["StartDate"]
    # .sync runs a job: TaskSubmitted carries StartExecution's response before the wait.
    assert types(client, execution) == [
        "ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted",
        "TaskSubmitted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"]
    submitted = json.loads(detail(wait_for_event(client, execution, "TaskSubmitted")[0])["output"])
    assert submitted["ExecutionArn"] == output["ExecutionArn"]
    child_done = client.describe_execution(executionArn=output["ExecutionArn"])
    assert child_done["status"] == "SUCCEEDED"


def test_sync_returns_the_child_output_as_text(emulator: Any) -> None:
    client = sfn(emulator)
    child = machine(client, unique("child"), CHILD)
    done = finished(client, start(client, _parent(client, child, ".sync"), {"n": 2}))
    output = json.loads(done["output"])
    assert output["Output"] == '{"n":4}'
    assert isinstance(output["Input"], str)


def test_a_failed_child_fails_the_task(emulator: Any) -> None:
    client = sfn(emulator)
    child = machine(client, unique("child"), CHILD)
    done = finished(client, start(client, _parent(client, child, ".sync:2"), {"n": -1}))
    assert (done["status"], done["error"]) == ("FAILED", "States.TaskFailed")
    cause = json.loads(done["cause"])
    assert (cause["Status"], cause["Error"]) == ("FAILED", "Negative")


def test_request_response_does_not_wait(emulator: Any) -> None:
    client = sfn(emulator)
    child = machine(client, unique("child"), {"StartAt": "Hold", "States": {
        "Hold": {"Type": "Wait", "Seconds": 3600, "End": True}}})
    done = finished(client, start(client, _parent(client, child, ""), {"n": 1}))
    output = json.loads(done["output"])
    assert set(output) >= {"ExecutionArn", "StartDate", "SdkHttpMetadata"}
    described = client.describe_execution(executionArn=output["ExecutionArn"])
    assert described["status"] == "RUNNING"
    client.stop_execution(executionArn=output["ExecutionArn"])


def test_stopping_the_parent_stops_a_sync_child(emulator: Any) -> None:
    client = sfn(emulator)
    child = machine(client, unique("child"), {"StartAt": "Hold", "States": {
        "Hold": {"Type": "Wait", "Seconds": 3600, "End": True}}})
    execution = start(client, _parent(client, child, ".sync"), {"n": 1})
    submitted = wait_for_event(client, execution, "TaskSubmitted")[0]
    child_arn = json.loads(detail(submitted)["output"])["ExecutionArn"]
    client.stop_execution(executionArn=execution)
    assert finished(client, execution)["status"] == "ABORTED"
    assert finished(client, child_arn)["status"] == "ABORTED"


def test_a_missing_child_machine_is_a_typed_error(emulator: Any) -> None:
    client = sfn(emulator)
    missing = "arn:aws:states:us-east-1:000000000000:stateMachine:" + unique("absent")
    done = finished(client, start(client, _parent(client, missing, ".sync"), {"n": 1}))
    assert done["error"] == "StepFunctions.StateMachineDoesNotExistException"


def test_child_calls_back_the_parent_token(emulator: Any) -> None:
    client = sfn(emulator)
    child = machine(client, unique("child"), {"StartAt": "Answer", "States": {"Answer": {
        "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:sendTaskSuccess",
        "Parameters": {"TaskToken.$": "$.token", "Output": "{\"from\": \"child\"}"},
        "End": True}}})
    parent = machine(client, unique("parent"), {"StartAt": "Run", "States": {"Run": {
        "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.waitForTaskToken",
        "Parameters": {"StateMachineArn": child, "Input": {"token.$": "$$.Task.Token"}},
        "End": True}}})
    done = finished(client, start(client, parent))
    assert done["status"] == "SUCCEEDED", done
    assert json.loads(done["output"]) == {"from": "child"}


def test_express_child_is_followed_to_its_end(emulator: Any) -> None:
    client = sfn(emulator)
    child = machine(client, unique("express-child"), CHILD, type="EXPRESS")
    done = finished(client, start(client, _parent(client, child, ".sync:2"), {"n": 5}))
    assert done["status"] == "SUCCEEDED", done
    output = json.loads(done["output"])
    assert output["Output"] == {"n": 10}
    assert ":express:" in output["ExecutionArn"]
