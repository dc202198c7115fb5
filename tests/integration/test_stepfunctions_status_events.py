"""Step Functions Execution Status Change events on the default EventBridge bus: a STANDARD
execution sends one when it starts (RUNNING) and one when it ends, the detail holding what
DescribeExecution answers with epoch-millisecond dates
(https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html). The cleanup workflow of
aws-samples/aws-stepfunctions-examples (sam/app-control-concurrency-with-dynamodb/template.yaml,
StateMachineSempaphoreCleanup) runs on the FAILED, TIMED_OUT and ABORTED ones."""

from __future__ import annotations

import json
from typing import Any

from sfn_helpers import finished, machine, sfn
from sfn_tasks import receive, start, unique

from emulator.testing.handle import EmulatorHandle


def _queue_for(emulator: EmulatorHandle, pattern: dict[str, Any]) -> tuple[Any, str]:
    sqs, events = emulator.client("sqs"), emulator.client("events")
    url = sqs.create_queue(QueueName=unique("status"))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    rule = unique("status")
    events.put_rule(Name=rule, EventPattern=json.dumps(pattern))
    events.put_targets(Rule=rule, Targets=[{"Id": "q", "Arn": arn}])
    return sqs, url


def test_standard_execution_reports_start_and_failure(emulator: EmulatorHandle) -> None:
    client = sfn(emulator)
    arn = machine(client, unique("status"), {"StartAt": "Boom", "States": {
        "Boom": {"Type": "Fail", "Error": "Custom.Error", "Cause": "it broke"}}})
    sqs, url = _queue_for(emulator, {"source": ["aws.states"],
                                     "detail-type": ["Step Functions Execution Status Change"],
                                     "detail": {"stateMachineArn": [arn]}})
    execution = start(client, arn, {"n": 1})
    done = finished(client, execution)
    started = json.loads(receive(sqs, url)["Body"])
    ended = json.loads(receive(sqs, url)["Body"])
    assert started["source"] == "aws.states"
    assert started["detail-type"] == "Step Functions Execution Status Change"
    assert started["resources"] == [execution]
    assert started["detail"] == {
        "executionArn": execution, "stateMachineArn": arn, "stateMachineVersionArn": None,
        "stateMachineAliasArn": None, "name": execution.rsplit(":", 1)[1],
        "status": "RUNNING", "startDate": int(done["startDate"].timestamp() * 1000),
        "stopDate": None, "input": '{"n": 1}', "output": None,
        "inputDetails": {"included": True}, "outputDetails": None, "error": None,
        "cause": None, "redriveCount": 0, "redriveDate": None,
        "redriveStatus": "NOT_REDRIVABLE",
        "redriveStatusReason": "Execution is RUNNING and cannot be redriven"}
    assert ended["detail"]["status"] == "FAILED"
    assert (ended["detail"]["error"], ended["detail"]["cause"]) == ("Custom.Error", "it broke")
    assert ended["detail"]["stopDate"] == int(done["stopDate"].timestamp() * 1000)
    assert ended["detail"]["redriveStatus"] == "REDRIVABLE"


def test_only_matching_statuses_reach_a_rule(emulator: EmulatorHandle) -> None:
    client = sfn(emulator)
    arn = machine(client, unique("status"), {"StartAt": "Done", "States": {
        "Done": {"Type": "Pass", "Result": {"ok": True}, "End": True}}})
    sqs, url = _queue_for(emulator, {"source": ["aws.states"],
                                     "detail": {"stateMachineArn": [arn],
                                                "status": ["SUCCEEDED"]}})
    finished(client, start(client, arn))
    ended = json.loads(receive(sqs, url)["Body"])["detail"]
    assert (ended["status"], ended["output"]) == ("SUCCEEDED", '{"ok":true}')
    assert ended["outputDetails"] == {"included": True}
    assert sqs.receive_message(QueueUrl=url).get("Messages", []) == []


def test_large_payloads_are_left_out_but_the_event_is_sent(emulator: EmulatorHandle) -> None:
    """https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html: "If the combined
    escaped input and escaped output ... exceeds 248KB, then the input will be excluded." The
    event still goes, with inputDetails {"included": false} and a null input."""
    client = sfn(emulator)
    arn = machine(client, unique("status"), {"StartAt": "Echo", "States": {
        "Echo": {"Type": "Pass", "End": True}}})
    sqs, url = _queue_for(emulator, {"source": ["aws.states"],
                                     "detail": {"stateMachineArn": [arn]}})
    payload = {"blob": "x" * 150_000}
    finished(client, start(client, arn, payload))
    started = json.loads(receive(sqs, url)["Body"])["detail"]
    ended = json.loads(receive(sqs, url)["Body"])["detail"]
    assert started["status"] == "RUNNING"
    assert json.loads(started["input"]) == payload
    assert started["inputDetails"] == {"included": True}
    assert ended["status"] == "SUCCEEDED"
    assert (ended["input"], ended["inputDetails"]) == (None, {"included": False})
    assert json.loads(ended["output"]) == payload
    assert ended["outputDetails"] == {"included": True}
