"""DescribeMapRun and ListMapRuns report a Distributed Map's run: its settings, status, dates
and counts of items and child executions (a batch is one execution of several items)
(https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeMapRun.html,
https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListMapRuns.html). The
distributed map README of aws-samples/aws-stepfunctions-examples
(sam/demo-distributed-map-data-processing) has users follow a run's progress there."""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.exceptions import ClientError
from sfn_helpers import finished, machine, sfn
from sfn_tasks import start, unique

from emulator.testing.handle import EmulatorHandle


def _definition(**map_fields: Any) -> dict[str, Any]:
    return {"StartAt": "Fan", "States": {"Fan": {
        "Type": "Map", "ItemsPath": "$.items", "Label": "Fan", "MaxConcurrency": 2,
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
            "StartAt": "Check", "States": {
                "Check": {"Type": "Choice", "Choices": [
                    {"Variable": "$.Items[0]", "IsPresent": True, "Next": "Done"},
                    {"Variable": "$", "NumericEquals": 3, "Next": "Broken"}],
                    "Default": "Done"},
                "Broken": {"Type": "Fail", "Error": "Bad", "Cause": "three"},
                "Done": {"Type": "Pass", "End": True}}},
        "End": True, **map_fields}}}


def test_a_finished_run_is_described_and_listed(emulator: EmulatorHandle) -> None:
    client = sfn(emulator)
    arn = machine(client, unique("runs"), _definition(ToleratedFailureCount=1))
    execution = start(client, arn, {"items": [1, 2, 3, 4, 5]})
    done = finished(client, execution)
    assert done["status"] == "SUCCEEDED", done
    listed = client.list_map_runs(executionArn=execution)["mapRuns"]
    assert len(listed) == 1
    run_arn = listed[0]["mapRunArn"]
    assert run_arn.startswith(arn.replace(":stateMachine:", ":mapRun:") + "/Fan:")
    assert (listed[0]["executionArn"], listed[0]["stateMachineArn"]) == (execution, arn)
    described = client.describe_map_run(mapRunArn=run_arn)
    assert (described["status"], described["executionArn"]) == ("SUCCEEDED", execution)
    assert (described["maxConcurrency"], described["toleratedFailureCount"]) == (2, 1)
    assert described["toleratedFailurePercentage"] == 0.0
    assert described["startDate"] <= described["stopDate"]
    counts = {"pending": 0, "running": 0, "succeeded": 4, "failed": 1, "timedOut": 0,
              "aborted": 0, "total": 5, "resultsWritten": 0, "failuresNotRedrivable": 0,
              "pendingRedrive": 0}
    assert described["itemCounts"] == counts
    assert described["executionCounts"] == counts


def test_batches_count_as_executions_and_a_failed_run_says_so(
        emulator: EmulatorHandle) -> None:
    client = sfn(emulator)
    arn = machine(client, unique("runs"), _definition(ItemBatcher={"MaxItemsPerBatch": 2}))
    execution = start(client, arn, {"items": [1, 2, 3, 4, 5]})
    assert finished(client, execution)["status"] == "SUCCEEDED"
    run = client.describe_map_run(
        mapRunArn=client.list_map_runs(executionArn=execution)["mapRuns"][0]["mapRunArn"])
    assert (run["itemCounts"]["total"], run["itemCounts"]["succeeded"]) == (5, 5)
    assert (run["executionCounts"]["total"], run["executionCounts"]["succeeded"]) == (3, 3)
    failing = machine(client, unique("runs"), _definition())
    failed = finished(client, start(client, failing, {"items": [3]}))
    assert failed["error"] == "States.ExceedToleratedFailureThreshold"
    run = client.describe_map_run(mapRunArn=client.list_map_runs(
        executionArn=failed["executionArn"])["mapRuns"][0]["mapRunArn"])
    assert run["status"] == "FAILED"
    assert run["itemCounts"]["failed"] == 1


def test_unknown_runs_and_executions_are_refused(emulator: EmulatorHandle) -> None:
    client = sfn(emulator)
    arn = machine(client, unique("runs"), _definition())
    missing = arn.replace(":stateMachine:", ":mapRun:") + "/Fan:00000000-0000-0000-0000-000"
    with pytest.raises(ClientError) as refused:
        client.describe_map_run(mapRunArn=missing)
    assert refused.value.response["Error"]["Code"] == "ResourceNotFound"
    with pytest.raises(ClientError) as refused:
        client.describe_map_run(mapRunArn=arn)
    assert refused.value.response["Error"]["Code"] == "InvalidArn"
    with pytest.raises(ClientError) as refused:
        client.list_map_runs(executionArn=arn.replace(":stateMachine:", ":execution:") + ":x")
    assert refused.value.response["Error"]["Code"] == "ExecutionDoesNotExist"


def test_children_a_stop_ends_are_counted_aborted(emulator: EmulatorHandle) -> None:
    """MapRunExecutionCounts' aborted: children "that were started by a Map Run and were
    running, but were either stopped by the user or by Step Functions because the Map Run
    failed" (API_DescribeMapRun); none is left running once the run is ABORTED."""
    client = sfn(emulator)
    arn = machine(client, unique("runs"), {"StartAt": "Fan", "States": {"Fan": {
        "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 2,
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "Hold", "States": {"Hold": {"Type": "Wait", "Seconds": 60,
                                                   "End": True}}},
        "End": True}}})
    execution = start(client, arn, {"items": [1, 2, 3, 4, 5]})
    for _ in range(200):
        runs = client.list_map_runs(executionArn=execution)["mapRuns"]
        if runs and client.describe_map_run(
                mapRunArn=runs[0]["mapRunArn"])["executionCounts"]["running"] == 2:
            break
        time.sleep(0.01)
    client.stop_execution(executionArn=execution)
    assert finished(client, execution)["status"] == "ABORTED"
    run = client.describe_map_run(mapRunArn=runs[0]["mapRunArn"])
    assert run["status"] == "ABORTED"
    assert {key: run["executionCounts"][key] for key in (
        "running", "aborted", "pending", "total")} == {
        "running": 0, "aborted": 2, "pending": 3, "total": 5}
    assert (run["itemCounts"]["running"], run["itemCounts"]["aborted"]) == (0, 2)
