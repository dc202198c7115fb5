"""Automatic segments: Lambda with Active tracing, and one request through API Gateway ->
Lambda (whose handler uses the X-Ray SDK to call SQS and Step Functions) -> Step Functions ->
Lambda recorded as one trace with AWS's segment and service graph shapes."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

import pytest
from apigateway_support import lambda_uri, new_api
from lambda_support import create_function, unique
from xray_support import XrayEmulator, running, wait_for

from emulator.testing import EmulatorHandle

ROLE = "arn:aws:iam::000000000000:role/sfn"
ECHO = {"app.py": """
import os
def handler(event, context):
    return {"trace": os.environ.get("_X_AMZN_TRACE_ID"),
            "daemon": os.environ.get("AWS_XRAY_DAEMON_ADDRESS")}
"""}


@pytest.fixture(scope="module")
def xray() -> Iterator[XrayEmulator]:
    yield from running()


@pytest.fixture(scope="module")
def handle(xray: XrayEmulator) -> EmulatorHandle:
    return EmulatorHandle(xray.server)


def _segments(xray: XrayEmulator, trace_id: str, count: int) -> list[dict[str, Any]]:
    client = xray.client()

    def probe() -> list[dict[str, Any]] | None:
        traces = client.batch_get_traces(TraceIds=[trace_id])["Traces"]
        docs = [json.loads(s["Document"]) for t in traces for s in t["Segments"]]
        return docs if len(docs) >= count else None

    return wait_for(probe, f"{count} segments of {trace_id}", deadline=30)


def _invoke(handle: EmulatorHandle, name: str, header: str | None = None) -> dict[str, Any]:
    client = handle.client("lambda")
    if header:
        def add_header(request: Any, **_: Any) -> None:
            request.headers["X-Amzn-Trace-Id"] = header

        client.meta.events.register("before-sign.lambda.Invoke", add_header)
    reply = client.invoke(FunctionName=name, Payload=b"{}")
    assert "FunctionError" not in reply
    return dict(json.loads(reply["Payload"].read()))


def test_active_tracing_records_service_and_function_segments(
        xray: XrayEmulator, handle: EmulatorHandle) -> None:
    name = create_function(handle.client("lambda"), ECHO, TracingConfig={"Mode": "Active"})
    first = _invoke(handle, name)
    assert first["daemon"] == xray.daemon_address
    root, parent, sampled = (part.split("=")[1] for part in first["trace"].split(";"))
    assert sampled == "1"
    service, function = sorted(_segments(xray, root, 2), key=lambda d: d["origin"])
    assert (service["origin"], service["name"]) == ("AWS::Lambda", name)
    assert "parent_id" not in service and service["aws"]["request_id"]
    assert (function["origin"], function["parent_id"]) == ("AWS::Lambda::Function",
                                                           service["id"])
    assert function["id"] == parent  # the handler's header names the function segment
    assert function["resource_arn"].endswith(f":function:{name}")
    assert [s["name"] for s in function["subsegments"]] == ["Initialization", "Invocation",
                                                            "Overhead"]
    assert service["start_time"] <= function["start_time"] <= function["end_time"]

    # The default rule took this second's one request: a rule samples every call.
    xray.client().create_sampling_rule(SamplingRule={
        "RuleName": "all-functions", "ResourceARN": "*", "Priority": 1, "FixedRate": 1.0,
        "ReservoirSize": 0, "ServiceName": name, "ServiceType": "AWS::Lambda::Function",
        "Host": "*", "HTTPMethod": "*", "URLPath": "*", "Version": 1})
    warm = _invoke(handle, name)
    xray.client().delete_sampling_rule(RuleName="all-functions")
    (_, warm_function) = sorted(_segments(xray, warm["trace"].split(";")[0][5:], 2),
                                key=lambda d: d["origin"])
    assert [s["name"] for s in warm_function["subsegments"]] == ["Invocation", "Overhead"]


def test_incoming_headers_are_honoured(xray: XrayEmulator, handle: EmulatorHandle) -> None:
    lam = handle.client("lambda")
    passthrough = create_function(lam, ECHO)
    active = create_function(lam, ECHO, TracingConfig={"Mode": "Active"})
    root = f"1-{int(time.time()):08x}-{'4' * 24}"

    untraced = _invoke(handle, passthrough)
    assert untraced["trace"] is None and untraced["daemon"] == xray.daemon_address
    kept = _invoke(handle, passthrough, f"Root={root};Parent={'5' * 16};Sampled=1")
    assert kept["trace"].startswith(f"Root={root};Parent=") and kept["trace"].endswith("=1")
    service = next(d for d in _segments(xray, root, 2) if d["origin"] == "AWS::Lambda")
    assert service["parent_id"] == "5" * 16

    other = f"1-{int(time.time()):08x}-{'6' * 24}"
    declined = _invoke(handle, active, f"Root={other};Sampled=0")
    assert declined["trace"] == f"Root={other};Sampled=0"
    assert xray.client().batch_get_traces(TraceIds=[other])["Traces"] == []


FRONT = {"app.py": """
import json, os, boto3
from aws_xray_sdk.core import patch
patch(["boto3"])

def handler(event, context):
    boto3.client("sqs").send_message(QueueUrl=os.environ["QUEUE"], MessageBody="order")
    started = boto3.client("stepfunctions").start_execution(
        stateMachineArn=os.environ["MACHINE"], input=json.dumps({"order": 1}))
    return {"statusCode": 200, "body": json.dumps({"execution": started["executionArn"]})}
"""}
WORKER = {"app.py": """
def handler(event, context):
    return {"done": event}
"""}


def test_one_request_through_api_gateway_lambda_and_step_functions_is_one_trace(
        xray: XrayEmulator, handle: EmulatorHandle) -> None:
    lam, sfn = handle.client("lambda"), handle.client("stepfunctions")
    queue = handle.client("sqs").create_queue(QueueName=unique("orders"))["QueueUrl"]
    worker = create_function(lam, WORKER, TracingConfig={"Mode": "Active"})
    worker_arn = lam.get_function(FunctionName=worker)["Configuration"]["FunctionArn"]
    machine = sfn.create_state_machine(
        name=unique("flow"), roleArn=ROLE, tracingConfiguration={"enabled": True},
        definition=json.dumps({"StartAt": "Work", "States": {"Work": {
            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": worker_arn, "Payload.$": "$"}, "End": True}}}),
    )["stateMachineArn"]
    front = create_function(lam, FRONT, TracingConfig={"Mode": "Active"},
                            Environment={"Variables": {"QUEUE": queue, "MACHINE": machine}},
                            Tags={"emulator:executor": "process"})
    front_arn = lam.get_function(FunctionName=front)["Configuration"]["FunctionArn"]
    api = new_api(handle, name="shop")
    api.method("/orders", "POST", {"type": "AWS_PROXY", "integrationHttpMethod": "POST",
                                   "uri": lambda_uri(xray.region, front_arn)})
    api.deploy("prod", tracingEnabled=True)

    reply = api.request("POST", "prod", "/orders", json={"item": "book"},
                        headers={"X-Amzn-Trace-Id": "Sampled=1"})
    assert reply.status_code == 200, reply.text
    execution = reply.json()["execution"]
    wait_for(lambda: sfn.describe_execution(executionArn=execution)["status"] != "RUNNING",
             "the execution")
    assert sfn.describe_execution(executionArn=execution)["status"] == "SUCCEEDED"
    trace_id = reply.headers["X-Amzn-Trace-Id"].split(";")[0].removeprefix("Root=")

    documents = _segments(xray, trace_id, 7)
    assert {d["trace_id"] for d in documents} == {trace_id}
    by_origin: dict[str, list[dict[str, Any]]] = {}
    for doc in documents:
        by_origin.setdefault(doc.get("origin", ""), []).append(doc)
    (stage,) = by_origin["AWS::ApiGateway::Stage"]
    assert stage["name"] == "shop/prod" and stage["http"]["response"]["status"] == 200
    services = {d["name"]: d for d in by_origin["AWS::Lambda"]}
    functions = {d["name"]: d for d in by_origin["AWS::Lambda::Function"]}
    assert set(services) == set(functions) == {front, worker}
    assert services[front]["parent_id"] == stage["id"]
    front_calls = {s["name"].lower(): s for s in functions[front]["subsegments"]}
    assert {"initialization", "invocation", "overhead", "sqs", "states"} <= set(front_calls)
    assert front_calls["sqs"]["namespace"] == "aws"
    (execution_segment,) = by_origin["AWS::StepFunctions::StateMachine"]
    assert execution_segment["parent_id"] == front_calls["states"]["id"]
    (task,) = execution_segment["subsegments"]
    assert task["name"] == "Work"
    assert services[worker]["parent_id"] == task["id"]
    assert functions[worker]["parent_id"] == services[worker]["id"]
    (queue_node,) = [d for d in documents if d.get("inferred")]
    assert queue_node["origin"] == "AWS::SQS::Queue"
    # The trace travels on with the message as its AWSTraceHeader system attribute.
    (message,) = handle.client("sqs").receive_message(
        QueueUrl=queue, AttributeNames=["AWSTraceHeader"])["Messages"]
    assert message["Attributes"]["AWSTraceHeader"].startswith(
        f"Root={trace_id};Parent={front_calls['sqs']['id']};Sampled=1")

    graph = xray.client().get_trace_graph(TraceIds=[trace_id])["Services"]
    nodes = {s["ReferenceId"]: (s["Name"], s.get("Type")) for s in graph}
    edges = {(nodes[s["ReferenceId"]], nodes[e["ReferenceId"]])
             for s in graph for e in s["Edges"]}
    flow = [("shop/prod", "client"), ("shop/prod", "AWS::ApiGateway::Stage"),
            (front, "AWS::Lambda"), (front, "AWS::Lambda::Function")]
    assert set(pairwise(flow)) <= edges
    machine_node = next(n for n in nodes.values() if n[1] == "AWS::StepFunctions::StateMachine")
    assert ((front, "AWS::Lambda::Function"), machine_node) in edges
    assert ((front, "AWS::Lambda::Function"), ("sqs", "AWS::SQS::Queue")) in edges
    assert (machine_node, (worker, "AWS::Lambda")) in edges
    assert ((worker, "AWS::Lambda"), (worker, "AWS::Lambda::Function")) in edges
    for service in graph:
        if service.get("Type") != "client":
            assert service["SummaryStatistics"]["TotalCount"] >= 1
