"""AWS service integrations of HTTP APIs, mapped from the request by parameter mapping:
SQS SendMessage, Step Functions StartExecution and StartSyncExecution, and EventBridge
PutEvents, reaching the emulator's own services."""

from __future__ import annotations

import json
import uuid
from typing import Any

from http_api_support import HttpApi, new_http_api
from sfn_helpers import finished, machine

from emulator.testing import EmulatorHandle


def _service_api(emulator: EmulatorHandle, key: str, subtype: str,
                 parameters: dict[str, str]) -> HttpApi:
    api = new_http_api(emulator)
    api.route(key, api.integration(IntegrationType="AWS_PROXY", IntegrationSubtype=subtype,
                                   PayloadFormatVersion="1.0",
                                   RequestParameters=parameters))
    api.stage()
    return api


def test_sqs_send_message(emulator: EmulatorHandle) -> None:
    sqs = emulator.client("sqs")
    queue_url = sqs.create_queue(QueueName=f"q-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    api = _service_api(emulator, "POST /messages", "SQS-SendMessage", {
        "QueueUrl": queue_url, "MessageBody": "$request.body.text"})
    reply = api.request("POST", "/messages", json={"text": "hello queue"})
    assert reply.status_code == 200
    assert reply.json()["MessageId"]
    assert reply.text == json.dumps(reply.json(), separators=(",", ":"))  # compact, as AWS
    received = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=0)["Messages"]
    assert [m["Body"] for m in received] == ["hello queue"]
    missing = _service_api(emulator, "POST /nowhere", "SQS-SendMessage", {
        "QueueUrl": queue_url + "-missing", "MessageBody": "x"})
    failed = missing.request("POST", "/nowhere")
    assert failed.status_code == 400  # the service's own error passes through
    assert failed.json()["__type"] == "QueueDoesNotExist"


def test_step_functions_start_execution_and_start_sync_execution(emulator: EmulatorHandle
                                                                 ) -> None:
    sfn = emulator.client("stepfunctions")
    definition: dict[str, Any] = {"StartAt": "Done", "States": {
        "Done": {"Type": "Pass", "Parameters": {"got.$": "$.order"}, "End": True}}}
    standard = machine(sfn, f"std-{uuid.uuid4().hex[:8]}", definition)
    express = machine(sfn, f"exp-{uuid.uuid4().hex[:8]}", definition, type="EXPRESS")
    start = _service_api(emulator, "POST /start", "StepFunctions-StartExecution", {
        "StateMachineArn": standard, "Input": "$request.body",
        "Name": "$request.header.x-name"})
    name = f"run-{uuid.uuid4().hex[:8]}"
    reply = start.request("POST", "/start", json={"order": 7}, headers={"x-name": name})
    assert reply.status_code == 200
    execution_arn = reply.json()["executionArn"]
    assert execution_arn.endswith(f":{name}") and isinstance(reply.json()["startDate"], float)
    assert json.loads(finished(sfn, execution_arn)["output"]) == {"got": 7}
    sync = _service_api(emulator, "POST /sync", "StepFunctions-StartSyncExecution", {
        "StateMachineArn": express, "Input": "$request.body"})
    answer = sync.request("POST", "/sync", json={"order": 8}).json()
    assert answer["status"] == "SUCCEEDED" and json.loads(answer["output"]) == {"got": 8}


def test_eventbridge_put_events_reaches_a_rule_target(emulator: EmulatorHandle) -> None:
    events = emulator.client("events")
    sqs = emulator.client("sqs")
    queue_url = sqs.create_queue(QueueName=f"ev-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    source = f"shop.{uuid.uuid4().hex[:8]}"
    events.put_rule(Name=f"r-{uuid.uuid4().hex[:8]}", EventPattern=json.dumps(
        {"source": [source]}))
    rule = events.list_rules(NamePrefix="r-")["Rules"][-1]["Name"]
    events.put_targets(Rule=rule, Targets=[{"Id": "q", "Arn": queue_arn}])
    api = _service_api(emulator, "POST /events", "EventBridge-PutEvents", {
        "Source": source, "DetailType": "$request.header.x-type",
        "Detail": "$request.body"})
    reply = api.request("POST", "/events", json={"id": 1}, headers={"x-type": "OrderPlaced"})
    assert reply.status_code == 200
    assert reply.json()["FailedEntryCount"] == 0 and reply.json()["Entries"][0]["EventId"]
    emulator.wait_idle()
    messages = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=0).get("Messages", [])
    delivered = [json.loads(m["Body"]) for m in messages]
    assert [(e["source"], e["detail-type"], e["detail"]) for e in delivered] == [
        (source, "OrderPlaced", {"id": 1})]
