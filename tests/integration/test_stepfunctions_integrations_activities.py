"""Activities: the control plane, a worker polling with GetActivityTask, and heartbeats."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from botocore.exceptions import ClientError
from sfn_helpers import finished, machine, sfn
from sfn_tasks import detail, events, start, types, unique, wait_for_event


def _activity_machine(client: Any, activity: str, **task: Any) -> str:
    return machine(client, unique("worker"), {"StartAt": "Work", "States": {"Work": {
        "Type": "Task", "Resource": activity, "Parameters": {"job.$": "$.job"},
        "End": True, **task}}})


def test_activity_control_plane(emulator: Any) -> None:
    client = sfn(emulator)
    name = unique("approve")
    arn = client.create_activity(name=name, tags=[{"key": "team", "value": "ops"}])["activityArn"]
    assert arn == f"arn:aws:states:us-east-1:000000000000:activity:{name}"
    assert client.create_activity(name=name)["activityArn"] == arn  # idempotent by name
    described = client.describe_activity(activityArn=arn)
    assert (described["name"], described["activityArn"]) == (name, arn)
    assert arn in [a["activityArn"] for a in client.list_activities()["activities"]]
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == [
        {"key": "team", "value": "ops"}]
    client.delete_activity(activityArn=arn)
    with pytest.raises(ClientError) as gone:
        client.describe_activity(activityArn=arn)
    assert gone.value.response["Error"]["Code"] == "ActivityDoesNotExist"
    with pytest.raises(ClientError) as bad:
        client.describe_activity(activityArn="arn:aws:states:us-east-1:000000000000:nope:x")
    assert bad.value.response["Error"]["Code"] == "InvalidArn"


def test_worker_takes_the_task_and_answers(emulator: Any) -> None:
    client = sfn(emulator)
    activity = client.create_activity(name=unique("pack"))["activityArn"]
    execution = start(client, _activity_machine(client, activity, TimeoutSeconds=600),
                      {"job": "box-9"})
    task = client.get_activity_task(activityArn=activity, workerName="packer-1")
    assert json.loads(task["input"]) == {"job": "box-9"}
    client.send_task_success(taskToken=task["taskToken"], output='{"packed": true}')
    done = finished(client, execution)
    assert json.loads(done["output"]) == {"packed": True}
    history = events(client, execution)
    assert [e["type"] for e in history] == [
        "ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted",
        "ActivitySucceeded", "TaskStateExited", "ExecutionSucceeded"]
    scheduled = detail(history[2])
    assert (scheduled["resource"], scheduled["timeoutInSeconds"]) == (activity, 600)
    assert json.loads(scheduled["input"]) == {"job": "box-9"}
    assert detail(history[3]) == {"workerName": "packer-1"}


def test_a_waiting_poll_gets_the_next_task(emulator: Any) -> None:
    client = sfn(emulator)
    activity = client.create_activity(name=unique("poll"))["activityArn"]
    arn = _activity_machine(client, activity)
    answers: list[dict[str, Any]] = []
    poller = threading.Thread(
        target=lambda: answers.append(client.get_activity_task(activityArn=activity)))
    poller.start()
    execution = start(client, arn, {"job": "late"})
    poller.join(30)
    assert json.loads(answers[0]["input"]) == {"job": "late"}
    client.send_task_failure(taskToken=answers[0]["taskToken"], error="Broken", cause="jammed")
    done = finished(client, execution)
    assert (done["status"], done["error"], done["cause"]) == ("FAILED", "Broken", "jammed")
    assert types(client, execution)[-2:] == ["ActivityFailed", "ExecutionFailed"]


def test_an_empty_poll_ends_when_the_clock_passes_a_minute(emulator: Any) -> None:
    client = sfn(emulator)
    activity = client.create_activity(name=unique("idle"))["activityArn"]
    answers: list[dict[str, Any]] = []
    poller = threading.Thread(
        target=lambda: answers.append(client.get_activity_task(activityArn=activity)))
    poller.start()
    for _ in range(200):  # the poll is waiting; move time past its 60 seconds
        emulator.clock.advance(61)
        poller.join(0.05)
        if not poller.is_alive():
            break
    assert answers and "taskToken" not in answers[0]


def test_activity_heartbeat_timeout(emulator: Any) -> None:
    client = sfn(emulator)
    activity = client.create_activity(name=unique("beat"))["activityArn"]
    execution = start(client, _activity_machine(client, activity, HeartbeatSeconds=20),
                      {"job": "slow"})
    task = client.get_activity_task(activityArn=activity, workerName="w")
    wait_for_event(client, execution, "ActivityStarted")
    emulator.clock.advance(15)
    client.send_task_heartbeat(taskToken=task["taskToken"])
    emulator.clock.advance(15)
    assert client.describe_execution(executionArn=execution)["status"] == "RUNNING"
    emulator.clock.advance(6)
    done = finished(client, execution)
    assert (done["status"], done["error"]) == ("FAILED", "States.HeartbeatTimeout")
    timed_out = wait_for_event(client, execution, "ActivityTimedOut")[0]
    assert detail(timed_out)["error"] == "States.HeartbeatTimeout"
    scheduled = wait_for_event(client, execution, "ActivityScheduled")[0]
    assert detail(scheduled)["heartbeatInSeconds"] == 20


def test_get_activity_task_for_a_missing_activity(emulator: Any) -> None:
    client = sfn(emulator)
    with pytest.raises(ClientError) as missing:
        client.get_activity_task(
            activityArn=f"arn:aws:states:us-east-1:000000000000:activity:{unique('none')}")
    assert missing.value.response["Error"]["Code"] == "ActivityDoesNotExist"


def test_express_machines_refuse_activities_and_waiting_patterns(emulator: Any) -> None:
    client = sfn(emulator)
    activity = client.create_activity(name=unique("express"))["activityArn"]
    for resource, words in (
        (activity, "Express state machine does not support Activity ARN"),
        ("arn:aws:states:::sqs:sendMessage.waitForTaskToken",
         "Express state machine does not support '.waitForTaskToken' service integration"),
        ("arn:aws:states:::states:startExecution.sync:2",
         "Express state machine does not support '.sync' service integration"),
    ):
        definition = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": resource,
                                                       "End": True}}}
        with pytest.raises(ClientError) as refused:
            machine(client, unique("express"), definition, type="EXPRESS")
        error = refused.value.response["Error"]
        assert error["Code"] == "InvalidDefinition"
        assert words in error["Message"] and "/States/T/Resource" in error["Message"]
        checked = client.validate_state_machine_definition(
            definition=json.dumps(definition), type="EXPRESS")
        assert checked["result"] == "FAIL"
