"""Step Functions executions through boto3: start, describe, list, stop, history, express
machines, TestState, redrive and a one-hour Wait completed by moving the clock."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError
from sfn_helpers import finished, machine, pass_chain, sfn

WAIT_HOUR = {"StartAt": "Prepare", "States": {
    "Prepare": {"Type": "Pass", "Result": {"ready": True}, "ResultPath": "$.prep", "Next": "Wait"},
    "Wait": {"Type": "Wait", "Seconds": 3600, "Next": "Done"},
    "Done": {"Type": "Succeed"}}}


def _wait_until_waiting(client: Any, arn: str) -> None:
    for _ in range(500):
        events = client.get_execution_history(executionArn=arn)["events"]
        if events[-1]["type"] == "WaitStateEntered":
            return
        time.sleep(0.01)
    raise AssertionError("the execution never reached its Wait state")


def test_one_hour_wait_completes_when_the_clock_moves(fresh_emulator: Any) -> None:
    client = sfn(fresh_emulator)
    arn = machine(client, "hour", WAIT_HOUR)
    started = client.start_execution(stateMachineArn=arn, name="run-1", input='{"order": 1}')
    execution = started["executionArn"]
    assert execution == "arn:aws:states:us-east-1:000000000000:execution:hour:run-1"
    _wait_until_waiting(client, execution)
    assert client.describe_execution(executionArn=execution)["status"] == "RUNNING"
    fresh_emulator.clock.advance(3600)
    done = finished(client, execution)
    assert done["status"] == "SUCCEEDED"
    assert json.loads(done["output"]) == {"order": 1, "prep": {"ready": True}}
    assert (done["stopDate"] - done["startDate"]).total_seconds() >= 3600
    history = client.get_execution_history(executionArn=execution)["events"]
    assert [e["type"] for e in history] == [
        "ExecutionStarted", "PassStateEntered", "PassStateExited", "WaitStateEntered",
        "WaitStateExited", "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded",
    ]
    assert [e["id"] for e in history] == list(range(1, 9))
    assert [e["previousEventId"] for e in history] == list(range(0, 8))
    waited = history[4]["timestamp"] - history[3]["timestamp"]
    assert waited.total_seconds() >= 3600
    assert history[0]["executionStartedEventDetails"] == {
        "input": '{"order": 1}', "inputDetails": {"truncated": False},
        "roleArn": "arn:aws:iam::000000000000:role/StepFunctions",
    }


def test_start_execution_is_idempotent_by_name(fresh_emulator: Any) -> None:
    client = sfn(fresh_emulator)
    arn = machine(client, "idem", WAIT_HOUR)
    first = client.start_execution(stateMachineArn=arn, name="once", input="{}")
    again = client.start_execution(stateMachineArn=arn, name="once", input="{}")
    assert again["executionArn"] == first["executionArn"]
    with pytest.raises(ClientError) as excinfo:
        client.start_execution(stateMachineArn=arn, name="once", input='{"other": 1}')
    assert excinfo.value.response["Error"]["Code"] == "ExecutionAlreadyExists"
    assert excinfo.value.response["Error"]["Message"] == (
        f"Execution Already Exists: '{first['executionArn']}'"
    )
    with pytest.raises(ClientError) as excinfo:
        client.start_execution(stateMachineArn=arn, input="{not json")
    assert excinfo.value.response["Error"]["Code"] == "InvalidExecutionInput"
    # Entries without their comma are worded as the service's JSON parser words them; this
    # input and answer are a real StartExecution's, quoted in a public project's notes
    # ("Invalid State Machine Execution Input: 'com.fasterxml.jackson.core...").
    bad = '{"courseId": "6225", "department": "CSYE", "boardId": """, "size": "0"}'
    with pytest.raises(ClientError) as excinfo:
        client.start_execution(stateMachineArn=arn, input=bad)
    assert excinfo.value.response["Error"] == {
        "Code": "InvalidExecutionInput",
        "Message": "Invalid State Machine Execution Input: 'com.fasterxml.jackson.core."
                   "JsonParseException: Unexpected character ('\"' (code 34)): was expecting "
                   "comma to separate Object entries\n at [Source: (String)\"" + bad + "\"; "
                   "line: 1, column: 58]'",
    }
    # An 81-character name fails the request's model constraint, as in the real run quoted in
    # https://github.com/wolfeidau/buildkite-serverless-agent/issues/37
    with pytest.raises(ClientError) as excinfo:
        client.start_execution(stateMachineArn=arn, name="x" * 81)
    assert excinfo.value.response["Error"] == {
        "Code": "ValidationException",
        "Message": f"1 validation error detected: Value '{'x' * 81}' at 'name' failed to "
                   "satisfy constraint: Member must have length less than or equal to 80",
    }


def test_stop_list_and_history_paging(fresh_emulator: Any) -> None:
    client = sfn(fresh_emulator)
    arn = machine(client, "stoppable", WAIT_HOUR)
    executions = [
        client.start_execution(stateMachineArn=arn, name=f"e{i}")["executionArn"]
        for i in range(3)
    ]
    for execution in executions:
        _wait_until_waiting(client, execution)
    client.stop_execution(executionArn=executions[0], error="Stopped", cause="by the test")
    stopped = finished(client, executions[0])
    assert stopped["status"] == "ABORTED"
    assert stopped["error"] == "Stopped" and stopped["cause"] == "by the test"
    types = [e["type"] for e in client.get_execution_history(executionArn=executions[0])[
        "events"]]
    assert types[-2:] == ["WaitStateAborted", "ExecutionAborted"]

    running = client.list_executions(stateMachineArn=arn, statusFilter="RUNNING")["executions"]
    assert sorted(e["name"] for e in running) == ["e1", "e2"]
    aborted = client.list_executions(stateMachineArn=arn, statusFilter="ABORTED")["executions"]
    assert [e["name"] for e in aborted] == ["e0"]
    names = []
    for page in client.get_paginator("list_executions").paginate(
        stateMachineArn=arn, PaginationConfig={"PageSize": 1}
    ):
        names += [e["name"] for e in page["executions"]]
    assert sorted(names) == ["e0", "e1", "e2"]

    pages = list(client.get_paginator("get_execution_history").paginate(
        executionArn=executions[0], reverseOrder=True, includeExecutionData=False,
        PaginationConfig={"PageSize": 2},
    ))
    events = [e for page in pages for e in page["events"]]
    assert len(pages) == 3
    assert [e["id"] for e in events] == [6, 5, 4, 3, 2, 1]
    assert "input" not in events[-1]["executionStartedEventDetails"]
    for execution in executions[1:]:
        client.stop_execution(executionArn=execution)


def test_failed_execution_reports_error_and_cause(fresh_emulator: Any) -> None:
    client = sfn(fresh_emulator)
    definition = {"StartAt": "Check", "States": {"Check": {
        "Type": "Pass", "Parameters": {"id.$": "$.order.id"}, "End": True}}}
    arn = machine(client, "failing", definition)
    execution = client.start_execution(stateMachineArn=arn, input='{"order": {}}')["executionArn"]
    done = finished(client, execution)
    assert done["status"] == "FAILED"
    assert done["error"] == "States.Runtime"
    assert done["cause"] == (
        "An error occurred while executing the state 'Check' (entered at the event id #2). "
        "The JSONPath '$.order.id' specified for the field 'id.$' could not be found in the "
        "input '{\"order\":{}}'"
    )
    assert done["redriveStatus"] == "REDRIVABLE"
    described = client.describe_state_machine_for_execution(executionArn=execution)
    assert json.loads(described["definition"]) == definition
    with pytest.raises(ClientError) as excinfo:
        client.describe_execution(executionArn=execution + "-missing")
    assert excinfo.value.response["Error"]["Code"] == "ExecutionDoesNotExist"


def test_redrive_runs_again_from_the_failed_state(fresh_emulator: Any) -> None:
    client = sfn(fresh_emulator)
    definition = {"StartAt": "First", "States": {
        "First": {"Type": "Pass", "Result": 1, "ResultPath": "$.first", "Next": "Gate"},
        "Gate": {"Type": "Wait", "Seconds": 10, "Next": "Check"},
        "Check": {"Type": "Choice", "Choices": [
            {"Variable": "$$.Execution.RedriveCount", "NumericEquals": 1, "Next": "Done"}]},
        "Done": {"Type": "Succeed"}}}
    arn = machine(client, "redrivable", definition)
    execution = client.start_execution(stateMachineArn=arn)["executionArn"]
    _wait_until_waiting(client, execution)
    fresh_emulator.clock.advance(10)
    assert finished(client, execution)["error"] == "States.NoChoiceMatched"
    client.redrive_execution(executionArn=execution)
    done = finished(client, execution)
    assert done["status"] == "SUCCEEDED"
    assert done["redriveCount"] == 1
    types = [e["type"] for e in client.get_execution_history(executionArn=execution)["events"]]
    assert "ExecutionRedriven" in types and types[-1] == "ExecutionSucceeded"
    with pytest.raises(ClientError) as excinfo:
        client.redrive_execution(executionArn=execution)
    assert excinfo.value.response["Error"]["Code"] == "ExecutionNotRedrivable"


def test_express_machines_run_synchronously(fresh_emulator: Any) -> None:
    client = sfn(fresh_emulator)
    arn = machine(client, "express", pass_chain(10), type="EXPRESS")
    reply = client.start_sync_execution(stateMachineArn=arn, input='{"a": 1}')
    assert reply["status"] == "SUCCEEDED"
    assert json.loads(reply["output"]) == {"a": 1}
    assert reply["executionArn"].startswith(
        "arn:aws:states:us-east-1:000000000000:express:express:"
    )
    failing = machine(client, "express-fail", {"StartAt": "F", "States": {
        "F": {"Type": "Fail", "Error": "Nope", "Cause": "because"}}}, type="EXPRESS")
    reply = client.start_sync_execution(stateMachineArn=failing)
    assert (reply["status"], reply["error"], reply["cause"]) == ("FAILED", "Nope", "because")
    standard = machine(client, "standard", pass_chain(1))
    with pytest.raises(ClientError) as excinfo:
        client.start_sync_execution(stateMachineArn=standard)
    assert excinfo.value.response["Error"]["Code"] == "StateMachineTypeNotSupported"
    with pytest.raises(ClientError) as excinfo:
        client.describe_execution(executionArn=reply["executionArn"])
    assert excinfo.value.response["Error"]["Code"] == "InvalidArn"


def test_test_state(fresh_emulator: Any) -> None:
    client = sfn(fresh_emulator)
    reply = client.test_state(
        definition=json.dumps({"Type": "Pass", "InputPath": "$.in", "Parameters": {"v.$": "$.x"},
                               "ResultPath": "$.out", "Next": "After"}),
        input='{"in": {"x": 5}}', inspectionLevel="DEBUG",
    )
    assert reply["status"] == "SUCCEEDED"
    assert reply["nextState"] == "After"
    assert json.loads(reply["output"]) == {"in": {"x": 5}, "out": {"v": 5}}
    data = reply["inspectionData"]
    assert json.loads(data["afterInputPath"]) == {"x": 5}
    assert json.loads(data["afterParameters"]) == {"v": 5}
    failed = client.test_state(
        definition=json.dumps({"Type": "Fail", "Error": "E", "Cause": "C"}), input="{}"
    )
    assert (failed["status"], failed["error"], failed["cause"]) == ("FAILED", "E", "C")
    with pytest.raises(ClientError) as excinfo:
        client.test_state(definition=json.dumps({"Type": "Pass"}))
    assert excinfo.value.response["Error"]["Code"] == "InvalidDefinition"
    retry = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
             "Parameters": {"FunctionName": "no-such-function"},
             "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}],
             "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handler"}], "End": True}
    retriable = client.test_state(definition=json.dumps(retry))
    assert retriable["status"] == "RETRIABLE"
    assert retriable["error"] == "Lambda.ResourceNotFoundException"
    retry["Retry"] = []
    caught = client.test_state(definition=json.dumps(retry))
    assert (caught["status"], caught["nextState"]) == ("CAUGHT_ERROR", "Handler")
    assert json.loads(caught["output"])["Error"] == "Lambda.ResourceNotFoundException"


def test_many_waiting_executions_finish_together(fresh_emulator: Any) -> None:
    client = sfn(fresh_emulator)
    arn = machine(client, "many", WAIT_HOUR)
    executions = [client.start_execution(stateMachineArn=arn)["executionArn"] for _ in range(20)]
    for execution in executions:
        _wait_until_waiting(client, execution)
    fresh_emulator.clock.advance(3600)
    assert {finished(client, e)["status"] for e in executions} == {"SUCCEEDED"}
