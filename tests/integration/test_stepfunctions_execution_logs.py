"""Execution history in CloudWatch Logs, per the state machine's loggingConfiguration.

AWS: https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html (Express workflows
record their history only there) and
https://docs.aws.amazon.com/step-functions/latest/dg/cloudwatch-log-level.html (ALL logs every
event, ERROR the failures, FATAL the execution's own failure; includeExecutionData false leaves
input and output out).
"""

from __future__ import annotations

import json
import time
from typing import Any

from sfn_helpers import ROLE, finished, sfn
from sfn_tasks import start, unique

DEFINITION = {"StartAt": "P", "States": {
    "P": {"Type": "Pass", "Result": {"ok": 1}, "Next": "Check"},
    "Check": {"Type": "Choice", "Default": "Done", "Choices": [
        {"Variable": "$$.Execution.Input.fail", "IsPresent": True, "Next": "Boom"}]},
    "Boom": {"Type": "Fail", "Error": "Bad", "Cause": "told to"},
    "Done": {"Type": "Succeed"}}}


def _machine(emulator: Any, level: str, include_data: bool,
             kind: str = "EXPRESS") -> tuple[Any, str, str]:
    logs = emulator.client("logs")
    group = f"/aws/vendedlogs/states/{unique('logs')}"
    logs.create_log_group(logGroupName=group)
    arn = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]["arn"]
    client = sfn(emulator)
    machine = client.create_state_machine(
        name=unique("logged"), definition=json.dumps(DEFINITION), roleArn=ROLE, type=kind,
        loggingConfiguration={"level": level, "includeExecutionData": include_data,
                              "destinations": [{"cloudWatchLogsLogGroup": {
                                  "logGroupArn": arn}}]})["stateMachineArn"]
    return client, machine, group


def _lines(emulator: Any, group: str, expected: int) -> list[dict[str, Any]]:
    logs = emulator.client("logs")
    for _ in range(200):
        found = logs.filter_log_events(logGroupName=group)["events"]
        if len(found) >= expected:
            return [json.loads(e["message"]) for e in found]
        time.sleep(0.01)
    raise AssertionError(f"{expected} log events expected in {group}")


def test_an_express_workflow_logs_every_event_with_its_data(emulator: Any) -> None:
    client, machine, group = _machine(emulator, "ALL", True)
    reply = client.start_sync_execution(stateMachineArn=machine, input='{"a": 1}')
    assert reply["status"] == "SUCCEEDED"
    lines = _lines(emulator, group, 8)
    assert [line["type"] for line in lines] == [
        "ExecutionStarted", "PassStateEntered", "PassStateExited", "ChoiceStateEntered",
        "ChoiceStateExited", "SucceedStateEntered", "SucceedStateExited",
        "ExecutionSucceeded"]
    first = lines[0]
    assert first["id"] == "1" and first["previous_event_id"] == "0"
    assert first["execution_arn"] == reply["executionArn"]
    assert first["event_timestamp"].isdigit()
    assert json.loads(first["details"]["input"]) == {"a": 1}
    assert json.loads(lines[-1]["details"]["output"]) == {"ok": 1}


def test_error_level_without_execution_data(emulator: Any) -> None:
    client, machine, group = _machine(emulator, "ERROR", False, kind="STANDARD")
    done = finished(client, start(client, machine, {"fail": True}))
    assert done["status"] == "FAILED"
    lines = _lines(emulator, group, 2)
    assert [line["type"] for line in lines] == ["FailStateEntered", "ExecutionFailed"]
    assert "input" not in lines[0]["details"]
    assert lines[1]["details"] == {"error": "Bad", "cause": "told to"}


def test_off_logs_nothing(emulator: Any) -> None:
    client, machine, group = _machine(emulator, "OFF", True)
    assert client.start_sync_execution(stateMachineArn=machine)["status"] == "SUCCEEDED"
    assert emulator.client("logs").filter_log_events(logGroupName=group)["events"] == []
