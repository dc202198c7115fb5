"""Task states run real functions through the Lambda service."""

from __future__ import annotations

import json
from typing import Any

from lambda_support import create_function
from sfn_helpers import finished, machine, sfn

HANDLERS = {"app.py": """
    def handler(event, context):
        if event.get("fail"):
            raise ValueError("asked to fail")
        return {"doubled": event["n"] * 2}
"""}


def test_lambda_tasks(emulator: Any) -> None:
    lam = emulator.client("lambda")
    name = create_function(lam, HANDLERS)
    function_arn = lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    client = sfn(emulator)
    definition = {"StartAt": "ByArn", "States": {
        "ByArn": {"Type": "Task", "Resource": function_arn, "ResultPath": "$.first",
                  "Next": "ByInvoke"},
        "ByInvoke": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                     "Parameters": {"FunctionName": name, "Payload": {"n.$": "$.first.doubled"}},
                     "ResultSelector": {"value.$": "$.Payload.doubled"}, "End": True}}}
    arn = machine(client, f"sm-{name}", definition)
    execution = client.start_execution(stateMachineArn=arn, input='{"n": 3}')["executionArn"]
    done = finished(client, execution, attempts=2000)
    assert done["status"] == "SUCCEEDED", done
    assert json.loads(done["output"]) == {"value": 12}
    types = [e["type"] for e in client.get_execution_history(executionArn=execution)["events"]]
    assert types == [
        "ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted",
        "LambdaFunctionSucceeded", "TaskStateExited", "TaskStateEntered", "TaskScheduled",
        "TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"]

    failing = client.start_execution(stateMachineArn=arn, input='{"n": 1, "fail": true}')
    failed = finished(client, failing["executionArn"], attempts=2000)
    assert failed["status"] == "FAILED"
    assert failed["error"] == "ValueError"
    assert json.loads(failed["cause"])["errorMessage"] == "asked to fail"

    missing = machine(client, f"missing-{name}", {"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": f"{name}-absent"}, "End": True}}})
    gone = client.start_execution(stateMachineArn=missing)["executionArn"]
    assert finished(client, gone, attempts=2000)["error"] == "Lambda.ResourceNotFoundException"
