"""X-Ray: an execution with tracing enabled records a segment and a subsegment per task, and
passes the trace on to the functions it calls."""

from __future__ import annotations

import json
import time
from typing import Any

from lambda_support import create_function
from sfn_helpers import finished, machine, sfn
from sfn_tasks import start, unique


def _documents(xray: Any, now: float, name: str) -> list[dict[str, Any]]:
    for _ in range(300):
        summaries = xray.get_trace_summaries(StartTime=now - 600, EndTime=now + 600)
        ids = [s["Id"] for s in summaries["TraceSummaries"]]
        traces = xray.batch_get_traces(TraceIds=ids)["Traces"] if ids else []
        found = [json.loads(segment["Document"]) for trace in traces
                 for segment in trace["Segments"]]
        mine = [d for d in found if d.get("name") == name]
        if mine and len({d["trace_id"] for d in found if d["trace_id"] == mine[0]["trace_id"]}):
            return [d for d in found if d["trace_id"] == mine[0]["trace_id"]]
        time.sleep(0.02)
    raise AssertionError(f"no segment named {name}")


def test_traced_execution_records_a_segment_per_execution(emulator: Any) -> None:
    name = create_function(emulator.client("lambda"), {"app.py": """
        import os

        def handler(event, context):
            return {"n": event["n"] + 1, "trace": os.environ.get("_X_AMZN_TRACE_ID")}
    """})
    client = sfn(emulator)
    machine_name = unique("traced")
    arn = machine(client, machine_name, {"StartAt": "Add", "States": {
        "Add": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": name, "Payload.$": "$"},
                "ResultSelector": {"trace.$": "$.Payload.trace"}, "ResultPath": "$.added",
                "Next": "Fail"},
        "Fail": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                 "Parameters": {"FunctionName": name, "Payload": {}}, "End": True}}},
        tracingConfiguration={"enabled": True})
    execution = start(client, arn, {"n": 1})
    assert finished(client, execution, attempts=2000)["status"] == "FAILED"
    entered = [e for e in client.get_execution_history(executionArn=execution)["events"]
               if e["type"] == "TaskStateEntered"][1]
    trace_header = json.loads(entered["stateEnteredEventDetails"]["input"])["added"]["trace"]
    documents = _documents(emulator.client("xray"), emulator.clock.now(), machine_name)
    segment = next(d for d in documents if d["name"] == machine_name)
    assert segment["origin"] == "AWS::StepFunctions::StateMachine"
    assert segment["aws"]["execution_arn"] == execution
    assert segment["error"] is True
    tasks = {s["name"]: s for s in segment["subsegments"]}
    assert set(tasks) == {"Add", "Fail"}
    assert "error" not in tasks["Add"] and tasks["Fail"]["error"] is True
    assert tasks["Add"]["end_time"] >= tasks["Add"]["start_time"] >= segment["start_time"]
    # The function ran inside the same trace, its Lambda segment under the Add subsegment.
    assert trace_header.startswith(f"Root={segment['trace_id']};")
    lambda_parents = {d.get("parent_id") for d in documents if d.get("origin") == "AWS::Lambda"}
    assert tasks["Add"]["id"] in lambda_parents


def test_untraced_machines_record_nothing(emulator: Any) -> None:
    client = sfn(emulator)
    machine_name = unique("untraced")
    arn = machine(client, machine_name, {"StartAt": "P", "States": {
        "P": {"Type": "Pass", "End": True}}})
    finished(client, start(client, arn))
    xray = emulator.client("xray")
    now = emulator.clock.now()
    summaries = xray.get_trace_summaries(StartTime=now - 600, EndTime=now + 600)
    ids = [s["Id"] for s in summaries["TraceSummaries"]]
    traces = xray.batch_get_traces(TraceIds=ids)["Traces"] if ids else []
    names = {json.loads(s["Document"]).get("name") for t in traces for s in t["Segments"]}
    assert machine_name not in names
