"""Lambda tasks as AWS writes them: the cause of a function error in each integration, the
payload parsed from the function's JSON, and the Invoke API's headers in SdkHttpMetadata.

Sources:
- https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html ("The Payload field
  of the response is parsed from escaped Json to Json"; a function's exception fails the task).
- https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html (the response headers:
  X-Amz-Executed-Version, x-amzn-RequestId, and the payload as the body).
- https://docs.aws.amazon.com/lambda/latest/dg/python-exceptions.html (the Python runtime's
  error payload, written with Python's JSON spacing).
- A recorded ``lambda:invoke`` result (SdkHttpMetadata with exactly the headers
  X-Amz-Executed-Version, x-amzn-Remapped-Content-Length, Connection, x-amzn-RequestId,
  Content-Length, Date, X-Amzn-Trace-Id, Content-Type; HttpHeaders ordered by name whatever
  the case).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from lambda_support import create_function
from sfn_helpers import finished, machine, sfn
from sfn_tasks import detail, events, start, unique

HANDLERS = {"app.py": """
    import json

    class Declined(Exception):
        pass

    def handler(event, context):
        kind = event.get("kind")
        if kind == "raise":
            raise Declined("card refused")
        return event.get("value")
"""}


def _function(emulator: Any) -> tuple[str, str]:
    name = create_function(emulator.client("lambda"), HANDLERS)
    arn = emulator.client("lambda").get_function(FunctionName=name)["Configuration"][
        "FunctionArn"]
    return name, arn


def _failure(client: Any, execution: str, kind: str) -> dict[str, Any]:
    failed = [e for e in events(client, execution) if e["type"] == kind]
    assert failed, [e["type"] for e in events(client, execution)]
    return detail(failed[0])


def test_a_function_error_cause_is_spaced_as_each_integration_writes_it(emulator: Any) -> None:
    name, function_arn = _function(emulator)
    client = sfn(emulator)
    legacy = machine(client, unique("legacy-cause"), {"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": function_arn, "End": True}}})
    optimized = machine(client, unique("invoke-cause"), {"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": name, "Payload.$": "$"}, "End": True}}})

    first = start(client, legacy, {"kind": "raise"})
    assert finished(client, first, attempts=2000)["status"] == "FAILED"
    legacy_cause = _failure(client, first, "LambdaFunctionFailed")["cause"]
    second = start(client, optimized, {"kind": "raise"})
    assert finished(client, second, attempts=2000)["status"] == "FAILED"
    optimized_failure = _failure(client, second, "TaskFailed")

    # The legacy task passes the Python runtime's payload on as it came: ", " and ": ".
    assert legacy_cause.startswith('{"errorMessage": "card refused", "errorType": "Declined"')
    # lambda:invoke parses it and writes it back compactly, keeping the members' order.
    assert optimized_failure["error"] == "Declined"
    cause = json.loads(optimized_failure["cause"])
    assert list(cause) == list(json.loads(legacy_cause))
    assert optimized_failure["cause"] == json.dumps(cause, separators=(",", ":"))
    assert optimized_failure["cause"].startswith(
        '{"errorMessage":"card refused","errorType":"Declined","requestId":"')


@pytest.mark.parametrize("value", ["plain text", 42, 1.5, True, None, [1, "two", {"3": 4}],
                                   '{"a": 1}'])
def test_lambda_invoke_parses_any_json_payload(emulator: Any, value: Any) -> None:
    name, _ = _function(emulator)
    client = sfn(emulator)
    arn = machine(client, unique("payload"), {"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": name, "Payload.$": "$"}, "End": True}}})
    done = finished(client, start(client, arn, {"value": value}), attempts=2000)
    assert done["status"] == "SUCCEEDED", done
    # A string that holds JSON stays a string: the payload is parsed once.
    assert json.loads(done["output"])["Payload"] == value


def test_sdk_http_metadata_reports_the_invoke_api_headers(emulator: Any) -> None:
    name, _ = _function(emulator)
    client = sfn(emulator)
    arn = machine(client, unique("metadata"), {"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": name, "Payload.$": "$"}, "End": True}}})
    done = finished(client, start(client, arn, {"value": {"ok": True}}), attempts=2000)
    output = json.loads(done["output"])
    metadata = output["SdkHttpMetadata"]
    every = metadata["AllHttpHeaders"]
    assert list(every)[:6] == ["X-Amz-Executed-Version", "x-amzn-Remapped-Content-Length",
                               "Connection", "x-amzn-RequestId", "Content-Length", "Date"]
    assert list(every)[-1] == "Content-Type"
    assert set(every) <= {"X-Amz-Executed-Version", "x-amzn-Remapped-Content-Length",
                          "Connection", "x-amzn-RequestId", "Content-Length", "Date",
                          "X-Amzn-Trace-Id", "Content-Type"}
    headers = metadata["HttpHeaders"]
    assert list(headers) == sorted(headers, key=str.lower)
    assert {name: [value] for name, value in headers.items()} == every
    request_id = output["SdkResponseMetadata"]["RequestId"]
    assert len(request_id) == 36 and headers["x-amzn-RequestId"] == request_id
    assert headers["Content-Length"] == str(len(b'{"ok": true}'))
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Amz-Executed-Version"] == output["ExecutedVersion"] == "$LATEST"
    assert headers["Date"].endswith(" GMT")
    assert metadata["HttpStatusCode"] == output["StatusCode"] == 200
