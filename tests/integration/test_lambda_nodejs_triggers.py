"""A Node.js function behind the services that trigger functions: an SQS event source, REST
and HTTP APIs, and Step Functions, whose Catch sees the function's errors by AWS's names
(https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html: a Lambda
error's name is the errorType of its payload)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from apigateway_support import lambda_uri, new_api
from http_api_support import new_http_api
from lambda_support import ROLE, unique, zip_of
from runtime_functions import need
from sfn_helpers import finished, machine, sfn

from emulator.testing import EmulatorHandle

HANDLER = """
class OrderRejected extends Error {
  constructor(message) {
    super(message);
    this.name = "OrderRejected";
  }
}

exports.handler = async (event) => {
  if (event.Records) {
    return { batchItemFailures: [], seen: event.Records.map((record) => record.body) };
  }
  if (event.requestContext) {
    return { statusCode: 200, headers: { "content-type": "application/json" },
             body: JSON.stringify({ path: event.rawPath || event.path, node: process.version }) };
  }
  if (event.reject) throw new OrderRejected(`order ${event.order} rejected`);
  return { accepted: event.order };
};
"""
RECORDER = """
exports.handler = async (event) => {
  for (const record of event.Records) console.log(`got ${record.body}`);
  return {};
};
"""


@pytest.fixture(autouse=True)
def _node() -> None:
    need("node")


def node_function(emulator: EmulatorHandle, source: str = HANDLER) -> str:
    name = unique("node")
    return str(emulator.client("lambda").create_function(
        FunctionName=name, Runtime="nodejs20.x", Handler="index.handler", Role=ROLE,
        Code={"ZipFile": zip_of({"index.js": source})})["FunctionArn"])


def test_sqs_event_source(emulator: EmulatorHandle) -> None:
    sqs = emulator.client("sqs")
    lam = emulator.client("lambda")
    logs = emulator.client("logs")
    arn = node_function(emulator, RECORDER)
    url = sqs.create_queue(QueueName=unique("node-src"))["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    mapping = lam.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=arn,
                                              BatchSize=10)["UUID"]
    try:
        sqs.send_message(QueueUrl=url, MessageBody="first order")
        group = f"/aws/lambda/{arn.rsplit(':', 1)[1]}"
        messages: list[str] = []
        for _ in range(200):
            try:
                events = logs.filter_log_events(logGroupName=group)["events"]
            except logs.exceptions.ResourceNotFoundException:
                events = []
            messages = [event["message"] for event in events]
            if any("got first order" in message for message in messages):
                break
            time.sleep(0.05)
        assert any(message.endswith("\tINFO\tgot first order\n") for message in messages)
    finally:
        lam.delete_event_source_mapping(UUID=mapping)


def test_rest_api_proxy(emulator: EmulatorHandle) -> None:
    arn = node_function(emulator)
    api = new_api(emulator, name=unique("node-rest"))
    api.method("/orders", "GET", {"type": "AWS_PROXY", "integrationHttpMethod": "POST",
                                  "uri": lambda_uri(emulator.region, arn)})
    api.deploy("prod")
    reply = api.get("prod", "/orders")
    assert reply.status_code == 200
    assert reply.json()["path"] == "/orders"
    assert reply.json()["node"].startswith("v")


def test_http_api_proxy(emulator: EmulatorHandle) -> None:
    arn = node_function(emulator)
    api = new_http_api(emulator, name=unique("node-http"))
    api.route("GET /orders", api.lambda_integration(arn))
    api.stage()
    reply = api.get("/orders")
    assert reply.status_code == 200
    assert reply.json()["path"] == "/orders"


def test_step_functions_task_and_catch_by_error_name(emulator: EmulatorHandle) -> None:
    arn = node_function(emulator)
    client = sfn(emulator)
    definition: dict[str, Any] = {
        "StartAt": "Order",
        "States": {
            "Order": {
                "Type": "Task", "Resource": arn, "End": True,
                "Catch": [{"ErrorEquals": ["OrderRejected"], "ResultPath": "$.error",
                           "Next": "Rejected"}],
            },
            "Rejected": {"Type": "Pass", "End": True},
        },
    }
    state_machine = machine(client, unique("node-flow"), definition)
    accepted = client.start_execution(stateMachineArn=state_machine,
                                      input=json.dumps({"order": 7}))["executionArn"]
    done = finished(client, accepted)
    assert done["status"] == "SUCCEEDED"
    assert json.loads(done["output"]) == {"accepted": 7}
    rejected = client.start_execution(stateMachineArn=state_machine,
                                      input=json.dumps({"order": 8, "reject": True}))
    done = finished(client, rejected["executionArn"])
    assert done["status"] == "SUCCEEDED"
    error = json.loads(done["output"])["error"]
    assert error["Error"] == "OrderRejected"
    cause = json.loads(error["Cause"])
    assert (cause["errorType"], cause["errorMessage"]) == ("OrderRejected", "order 8 rejected")
    assert cause["trace"][0] == "OrderRejected: order 8 rejected"
