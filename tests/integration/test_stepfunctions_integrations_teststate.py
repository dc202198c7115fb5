"""TestState with mocks (AWS's examples), and EXPRESS workflows calling integrations."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from lambda_support import create_function
from sfn_helpers import machine, sfn
from sfn_tasks import http_server, unique

LAMBDA_TASK = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
               "Parameters": {"FunctionName": "MyFunction", "Payload.$": "$"}}


def test_mocked_result_without_a_role(emulator: Any) -> None:
    client = sfn(emulator)
    reply = client.test_state(
        definition=json.dumps({**LAMBDA_TASK, "ResultSelector": {"body.$": "$.Payload.body"},
                               "End": True}),
        input='{"key": "value"}', inspectionLevel="DEBUG",
        mock={"result": json.dumps({"Payload": {"statusCode": 200, "body": "Success"}})})
    assert reply["status"] == "SUCCEEDED"
    assert json.loads(reply["output"]) == {"body": "Success"}
    assert json.loads(reply["inspectionData"]["result"])["Payload"]["body"] == "Success"


def test_mocked_error_is_retriable_with_the_backoff_of_that_retry(emulator: Any) -> None:
    client = sfn(emulator)
    reply = client.test_state(
        definition=json.dumps({**LAMBDA_TASK, "Retry": [{
            "ErrorEquals": ["Lambda.ServiceException"], "IntervalSeconds": 2, "MaxAttempts": 3,
            "BackoffRate": 2.0}], "End": True}),
        input='{"data": "value"}', inspectionLevel="DEBUG",
        stateConfiguration={"retrierRetryCount": 1},
        mock={"errorOutput": {"error": "Lambda.ServiceException", "cause": "Service error"}})
    assert reply["status"] == "RETRIABLE"
    assert reply["inspectionData"]["errorDetails"] == {"retryBackoffIntervalSeconds": 4,
                                                       "retryIndex": 0}
    exhausted = client.test_state(
        definition=json.dumps({**LAMBDA_TASK, "Retry": [{
            "ErrorEquals": ["Lambda.ServiceException"], "MaxAttempts": 3}], "End": True}),
        stateConfiguration={"retrierRetryCount": 3},
        mock={"errorOutput": {"error": "Lambda.ServiceException", "cause": "Service error"}})
    assert (exhausted["status"], exhausted["error"]) == ("FAILED", "Lambda.ServiceException")


def test_mocked_error_caught(emulator: Any) -> None:
    client = sfn(emulator)
    reply = client.test_state(
        definition=json.dumps({**LAMBDA_TASK, "Catch": [{
            "ErrorEquals": ["Lambda.TooManyRequestsException"], "ResultPath": "$.error",
            "Next": "HandleThrottling"}], "Next": "Success"}),
        input='{"data": "value"}', inspectionLevel="DEBUG",
        mock={"errorOutput": {"error": "Lambda.TooManyRequestsException",
                              "cause": "Rate exceeded"}})
    assert (reply["status"], reply["nextState"]) == ("CAUGHT_ERROR", "HandleThrottling")
    assert (reply["error"], reply["cause"]) == ("Lambda.TooManyRequestsException",
                                                "Rate exceeded")
    assert json.loads(reply["output"]) == {"data": "value", "error": {
        "Error": "Lambda.TooManyRequestsException", "Cause": "Rate exceeded"}}
    assert reply["inspectionData"]["errorDetails"] == {"catchIndex": 0}


def test_waiting_patterns_need_a_mock(emulator: Any) -> None:
    client = sfn(emulator)
    callback = {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/1/q",
                               "MessageBody": {"t.$": "$$.Task.Token"}}, "End": True}
    with pytest.raises(ClientError) as refused:
        client.test_state(definition=json.dumps(callback),
                          roleArn="arn:aws:iam::000000000000:role/r")
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    reply = client.test_state(definition=json.dumps(callback),
                              mock={"result": '{"approved": true}'})
    assert json.loads(reply["output"]) == {"approved": True}


def test_mock_results_are_checked_against_the_api(emulator: Any) -> None:
    client = sfn(emulator)
    definition = json.dumps({**LAMBDA_TASK, "End": True})
    with pytest.raises(ClientError) as refused:
        client.test_state(definition=definition, mock={"result": '{"StatusCode": "two"}'})
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert "StatusCode" in refused.value.response["Error"]["Message"]
    relaxed = client.test_state(definition=definition, mock={
        "result": '{"StatusCode": "two"}', "fieldValidationMode": "NONE"})
    assert json.loads(relaxed["output"]) == {"StatusCode": "two"}
    sdk = {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:startExecution",
           "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:1:stateMachine:m"},
           "End": True}
    with pytest.raises(ClientError):  # ExecutionArn and StartDate are required
        client.test_state(definition=json.dumps(sdk), mock={"result": "{}"})
    partial = client.test_state(definition=json.dumps(sdk), mock={
        "result": "{}", "fieldValidationMode": "PRESENT"})
    assert partial["status"] == "SUCCEEDED"
    with pytest.raises(ClientError):
        client.test_state(definition=definition, mock={
            "result": "{}", "errorOutput": {"error": "E", "cause": "C"}})


def test_map_state_with_a_mocked_result_and_context(emulator: Any) -> None:
    client = sfn(emulator)
    reply = client.test_state(
        definition=json.dumps({
            "Type": "Map", "ItemsPath": "$.items",
            "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "P",
                              "States": {"P": {**LAMBDA_TASK, "End": True}}},
            "ResultPath": "$.doubled", "End": True}),
        input='{"items": [1, 2, 3]}', mock={"result": "[2, 4, 6]"})
    assert json.loads(reply["output"]) == {"items": [1, 2, 3], "doubled": [2, 4, 6]}
    context = client.test_state(
        definition=json.dumps({"Type": "Pass", "Parameters": {"id.$": "$$.Execution.Id",
                                                              "state.$": "$$.State.Name"},
                               "End": True}),
        context=json.dumps({"Execution": {"Id": "arn:aws:states:us-east-1:123456789012:"
                                                "execution:MyStateMachine:test-exec-123"}}))
    assert json.loads(context["output"])["id"].endswith(":test-exec-123")


def test_express_workflow_runs_lambda_tasks_synchronously(emulator: Any) -> None:
    lam = emulator.client("lambda")
    name = create_function(lam, {"app.py": """
        def handler(event, context):
            return {"total": sum(event["items"])}
    """})
    client = sfn(emulator)
    arn = machine(client, unique("express"), {"StartAt": "Sum", "States": {"Sum": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": name, "Payload.$": "$"},
        "OutputPath": "$.Payload", "End": True}}}, type="EXPRESS")
    reply = client.start_sync_execution(stateMachineArn=arn, input='{"items": [1, 2, 3]}')
    assert reply["status"] == "SUCCEEDED", reply
    assert json.loads(reply["output"]) == {"total": 6}
    assert reply["billingDetails"]["billedMemoryUsedInMB"] > 0
    # "rounded up to the nearest 100ms" (https://aws.amazon.com/step-functions/pricing/)
    billed = reply["billingDetails"]["billedDurationInMilliseconds"]
    assert billed >= 100 and billed % 100 == 0
    # Express executions keep no history, and the same name starts a new execution.
    first = client.start_execution(stateMachineArn=arn, name="same", input='{"items": [1]}')
    second = client.start_execution(stateMachineArn=arn, name="same", input='{"items": [1]}')
    assert first["executionArn"] != second["executionArn"]
    with pytest.raises(ClientError) as excinfo:
        client.get_execution_history(executionArn=first["executionArn"])
    assert excinfo.value.response["Error"]["Code"] == "InvalidArn"


def test_trace_level_shows_the_http_exchange(emulator: Any) -> None:
    client = sfn(emulator)
    with http_server(body={"pong": True}) as server:
        reply = client.test_state(
            definition=json.dumps({
                "Type": "Task", "Resource": "arn:aws:states:::http:invoke",
                "Parameters": {"ApiEndpoint": f"{server.url}/ping",  # type: ignore[attr-defined]
                               "Method": "GET", "QueryParameters": {"q": "1"},
                               "Authentication": {"ConnectionArn": "arn:aws:events:us-east-1:"
                                                  "000000000000:connection/c/1"}},
                "End": True}),
            roleArn="arn:aws:iam::000000000000:role/r", inspectionLevel="TRACE")
    assert reply["status"] == "SUCCEEDED"
    assert json.loads(reply["output"])["ResponseBody"] == {"pong": True}
    request, response = reply["inspectionData"]["request"], reply["inspectionData"]["response"]
    assert (request["method"], request["url"]) == ("GET", f"{server.url}/ping?q=1")  # type: ignore[attr-defined]
    assert "Amazon|StepFunctions|HttpInvoke|" in request["headers"]
    assert (response["statusCode"], json.loads(response["body"])) == ("200", {"pong": True})
