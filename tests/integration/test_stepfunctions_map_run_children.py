"""A Distributed Map run's child executions and UpdateMapRun.

ListExecutions with ``mapRunArn`` lists "all of the child workflow executions started by a Map
Run"; "You can specify either a mapRunArn or a stateMachineArn, but not both"; each listed item
carries ``mapRunArn`` and ``itemCount`` only when listed by map run
(https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html,
https://docs.aws.amazon.com/step-functions/latest/apireference/API_ExecutionListItem.html).
DescribeExecution returns "the Map Run Amazon Resource Name (ARN) if the execution was
dispatched by a Map Run", and "Executions of an EXPRESS state machine aren't supported by
DescribeExecution unless a Map Run dispatched them"
(https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html).
A child's state machine is "stateMachine:{stateMachineName}/{MapRunLabel or UUID}"
(https://docs.aws.amazon.com/step-functions/latest/dg/concepts-examine-map-run.html).
UpdateMapRun "Updates an in-progress Map Run's configuration" (maxConcurrency,
toleratedFailurePercentage 0-100, toleratedFailureCount) and answers an empty body; its errors
are InvalidArn, ResourceNotFound and ValidationException
(https://docs.aws.amazon.com/step-functions/latest/apireference/API_UpdateMapRun.html).
DescribeStateMachineForExecution of a child returns "the Map Run Amazon Resource Name (ARN)";
"The state machine returned is the state machine associated with the Map Run"; ``mapRunArn`` and
``label`` are "returned only if the executionArn is a child workflow execution that was started
by a Distributed Map state"
(https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeStateMachineForExecution.html)."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError
from sfn_helpers import finished, machine, sfn
from sfn_tasks import start, unique

from emulator.testing.handle import EmulatorHandle

_CHILD = r"arn:aws:states:us-east-1:000000000000:{kind}:{name}/Fan:[0-9a-f-]{{36}}"


def _fan(execution_type: str, processor: dict[str, Any], **map_fields: Any) -> dict[str, Any]:
    return {"StartAt": "Fan", "States": {"Fan": {
        "Type": "Map", "ItemsPath": "$.items", "Label": "Fan",
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": execution_type},
            **processor},
        "End": True, **map_fields}}}


_CHECK = {"StartAt": "Check", "States": {
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 3,
                                             "Next": "Broken"}], "Default": "Done"},
    "Broken": {"Type": "Fail", "Error": "Bad", "Cause": "three"},
    "Done": {"Type": "Pass", "End": True}}}


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def _only_run(client: Any, execution: str) -> str:
    for _ in range(500):
        runs = client.list_map_runs(executionArn=execution)["mapRuns"]
        if runs:
            return str(runs[0]["mapRunArn"])
        time.sleep(0.01)
    raise AssertionError("no map run started")


def test_a_standard_runs_children_are_listed_and_described(emulator: EmulatorHandle) -> None:
    client = sfn(emulator)
    name = unique("kids")
    arn = machine(client, name, _fan("STANDARD", _CHECK, ToleratedFailureCount=1))
    execution = start(client, arn, {"items": [1, 2, 3]})
    assert finished(client, execution)["status"] == "SUCCEEDED"
    run = _only_run(client, execution)
    children = client.list_executions(mapRunArn=run)["executions"]
    assert sorted(child["status"] for child in children) == ["FAILED", "SUCCEEDED", "SUCCEEDED"]
    assert [c["startDate"] for c in children] == sorted(
        (c["startDate"] for c in children), reverse=True)
    for child in children:
        assert re.fullmatch(_CHILD.format(kind="execution", name=name), child["executionArn"])
        assert child["executionArn"].endswith(":" + child["name"])
        assert (child["stateMachineArn"], child["mapRunArn"]) == (f"{arn}/Fan", run)
        assert (child["itemCount"], child["redriveCount"]) == (1, 0)
        assert child["startDate"] <= child["stopDate"]
    failed = client.list_executions(mapRunArn=run, statusFilter="FAILED")["executions"]
    assert len(failed) == 1
    described = client.describe_execution(executionArn=failed[0]["executionArn"])
    assert (described["status"], described["mapRunArn"]) == ("FAILED", run)
    assert (described["error"], described["cause"], described["input"]) == ("Bad", "three", "3")
    assert described["stateMachineArn"] == f"{arn}/Fan"
    page = client.list_executions(mapRunArn=run, maxResults=2)
    assert len(page["executions"]) == 2
    rest = client.list_executions(mapRunArn=run, nextToken=page["nextToken"])["executions"]
    assert {c["executionArn"] for c in page["executions"] + rest} == {
        c["executionArn"] for c in children}
    # Listed by state machine, the parent has no mapRunArn and its children are not listed.
    parents = client.list_executions(stateMachineArn=arn)["executions"]
    assert [p["executionArn"] for p in parents] == [execution]
    assert "mapRunArn" not in parents[0] and "itemCount" not in parents[0]


def test_express_children_are_described_through_their_map_run(
        emulator: EmulatorHandle) -> None:
    client = sfn(emulator)
    arn = machine(client, unique("kids"), _fan(
        "EXPRESS", _CHECK, ItemBatcher={"MaxItemsPerBatch": 2}))
    execution = start(client, arn, {"items": [1, 2, 4]})
    assert finished(client, execution)["status"] == "SUCCEEDED"
    run = _only_run(client, execution)
    children = client.list_executions(mapRunArn=run)["executions"]
    assert sorted(child["itemCount"] for child in children) == [1, 2]
    batch = next(child for child in children if child["itemCount"] == 2)
    described = client.describe_execution(executionArn=batch["executionArn"])
    assert (described["status"], described["mapRunArn"]) == ("SUCCEEDED", run)
    assert json.loads(described["input"]) == {"Items": [1, 2]}
    assert json.loads(described["output"]) == {"Items": [1, 2]}
    metadata = client.describe_execution(executionArn=batch["executionArn"],
                                         includedData="METADATA_ONLY")
    assert "input" not in metadata and metadata["inputDetails"] == {"included": False}


def test_a_childs_state_machine_is_its_map_runs(emulator: EmulatorHandle) -> None:
    client = sfn(emulator)
    name = unique("kids")
    arn = machine(client, name, _fan("STANDARD", _CHECK))
    execution = start(client, arn, {"items": [1]})
    assert finished(client, execution)["status"] == "SUCCEEDED"
    run = _only_run(client, execution)
    child = client.list_executions(mapRunArn=run)["executions"][0]["executionArn"]
    described = client.describe_state_machine_for_execution(executionArn=child)
    assert (described["mapRunArn"], described["label"]) == (run, "Fan")
    assert described["stateMachineArn"] == f"{arn}/Fan"
    assert json.loads(described["definition"]) == _fan("STANDARD", _CHECK)[
        "States"]["Fan"]["ItemProcessor"]
    parent = client.describe_state_machine_for_execution(executionArn=execution)
    assert described["roleArn"] == parent["roleArn"]
    assert "mapRunArn" not in parent and "label" not in parent
    assert json.loads(parent["definition"])["StartAt"] == "Fan"
    with pytest.raises(ClientError) as missing:
        client.describe_state_machine_for_execution(executionArn=child[:-4] + "0000")
    assert _code(missing) == "ExecutionDoesNotExist"


def test_a_standard_childs_history_is_its_own(emulator: EmulatorHandle) -> None:
    client = sfn(emulator)
    arn = machine(client, unique("kids"), _fan("STANDARD", _CHECK, ToleratedFailureCount=1))
    execution = start(client, arn, {"items": [1, 3]})
    assert finished(client, execution)["status"] == "SUCCEEDED"
    children = client.list_executions(mapRunArn=_only_run(client, execution))["executions"]
    histories = {child["status"]: client.get_execution_history(
        executionArn=child["executionArn"])["events"] for child in children}
    assert [e["type"] for e in histories["SUCCEEDED"]] == [
        "ExecutionStarted", "ChoiceStateEntered", "ChoiceStateExited", "PassStateEntered",
        "PassStateExited", "ExecutionSucceeded"]
    assert [e["type"] for e in histories["FAILED"]] == [
        "ExecutionStarted", "ChoiceStateEntered", "ChoiceStateExited", "FailStateEntered",
        "ExecutionFailed"]
    started, failed = histories["FAILED"][0], histories["FAILED"][-1]
    assert (started["id"], started["previousEventId"]) == (1, 0)
    assert started["executionStartedEventDetails"]["input"] == "3"
    assert failed["executionFailedEventDetails"] == {"error": "Bad", "cause": "three"}
    assert [e["id"] for e in histories["FAILED"]] == [1, 2, 3, 4, 5]
    succeeded = histories["SUCCEEDED"][-1]["executionSucceededEventDetails"]
    assert succeeded["output"] == "1"
    reverse = client.get_execution_history(executionArn=children[0]["executionArn"],
                                           reverseOrder=True)["events"]
    assert reverse[0]["type"].startswith("Execution") and reverse[0]["id"] > 1
    # The parent's history keeps only its own states' events.
    parent = [e["type"] for e in client.get_execution_history(executionArn=execution)["events"]]
    assert "ChoiceStateEntered" not in parent and "MapRunStarted" in parent


def test_listing_by_map_run_checks_its_arguments(emulator: EmulatorHandle) -> None:
    client = sfn(emulator)
    arn = machine(client, unique("kids"), _fan("STANDARD", _CHECK))
    run = _only_run(client, start(client, arn, {"items": [1]}))
    with pytest.raises(ClientError) as both:
        client.list_executions(stateMachineArn=arn, mapRunArn=run)
    assert _code(both) == "ValidationException"
    with pytest.raises(ClientError) as wrong_kind:
        client.list_executions(mapRunArn=arn)
    assert _code(wrong_kind) == "InvalidArn"
    with pytest.raises(ClientError) as missing:
        client.list_executions(mapRunArn=run[:-4] + "0000")
    assert _code(missing) == "ResourceNotFound"


def test_update_map_run_changes_what_children_not_yet_started_get(
        emulator: EmulatorHandle) -> None:
    """MaxConcurrency 1 and no tolerated failure: raised to 2 and 3, a second child starts while
    the first runs and three failed children no longer fail the run."""
    client = sfn(emulator)
    activity = client.create_activity(name=unique("hold"))["activityArn"]
    arn = machine(client, unique("kids"), _fan("STANDARD", {"StartAt": "Work", "States": {
        "Work": {"Type": "Task", "Resource": activity, "End": True}}}, MaxConcurrency=1))
    execution = start(client, arn, {"items": [1, 2, 3]})
    run = _only_run(client, execution)
    tokens = [client.get_activity_task(activityArn=activity)["taskToken"]]
    assert client.describe_map_run(mapRunArn=run)["executionCounts"]["running"] == 1
    running = client.list_executions(mapRunArn=run)["executions"][0]["executionArn"]
    assert client.describe_state_machine_for_execution(
        executionArn=running)["mapRunArn"] == run
    live = client.get_execution_history(executionArn=running)["events"]
    assert [e["type"] for e in live][:2] == ["ExecutionStarted", "TaskStateEntered"]
    assert not live[-1]["type"].startswith("Execution")
    reply = client.update_map_run(mapRunArn=run, maxConcurrency=2, toleratedFailureCount=3)
    assert {k: v for k, v in reply.items() if k != "ResponseMetadata"} == {}
    described = client.describe_map_run(mapRunArn=run)
    assert (described["maxConcurrency"], described["toleratedFailureCount"]) == (2, 3)
    tokens.append(client.get_activity_task(activityArn=activity)["taskToken"])
    assert client.describe_map_run(mapRunArn=run)["executionCounts"]["running"] == 2
    client.send_task_failure(taskToken=tokens[0], error="Nope")
    tokens.append(client.get_activity_task(activityArn=activity)["taskToken"])
    for token in tokens[1:]:
        client.send_task_failure(taskToken=token, error="Nope")
    assert finished(client, execution)["status"] == "SUCCEEDED"
    assert client.describe_map_run(mapRunArn=run)["executionCounts"]["failed"] == 3
    with pytest.raises(ClientError) as ended:
        client.update_map_run(mapRunArn=run, maxConcurrency=5)
    assert _code(ended) == "ValidationException"
    with pytest.raises(ClientError) as wrong_kind:
        client.update_map_run(mapRunArn=execution, maxConcurrency=5)
    assert _code(wrong_kind) == "InvalidArn"
    with pytest.raises(ClientError) as missing:
        client.update_map_run(mapRunArn=run[:-4] + "0000", maxConcurrency=5)
    assert _code(missing) == "ResourceNotFound"
