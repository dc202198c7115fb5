"""A mock configuration file in Step Functions Local's format drives test cases unchanged.

The file and the LambdaSQSIntegration state machine are AWS's own example ("Using mocked
service integrations for testing in Step Functions Local"); a second machine shows Throw
answers reaching Retry and Catch.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from sfn_helpers import finished, machine
from sfn_tasks import detail, events, receive, types, unique, wait_for_event

from emulator.config import Settings
from emulator.server import BackgroundServer
from emulator.testing.handle import EmulatorHandle

MOCK_CONFIG: dict[str, Any] = {
    "StateMachines": {
        "LambdaSQSIntegration": {
            "TestCases": {
                "HappyPath": {"LambdaState": "MockedLambdaSuccess",
                              "SQSState": "MockedSQSSuccess"},
                "RetryPath": {"LambdaState": "MockedLambdaRetry",
                              "SQSState": "MockedSQSSuccess"},
                "HybridPath": {"LambdaState": "MockedLambdaSuccess"},
            }
        },
        "OrderCheckout": {
            "TestCases": {
                "Declined": {"Charge": "MockedDeclined"},
                "Exhausted": {"Charge": "LambdaMockedResourceNotReady"},
            }
        },
    },
    "MockedResponses": {
        "MockedLambdaSuccess": {"0": {"Return": {
            "StatusCode": 200, "Payload": {"StatusCode": 200, "body": "Hello from Lambda!"}}}},
        "LambdaMockedResourceNotReady": {"0": {"Throw": {
            "Error": "Lambda.ResourceNotReadyException",
            "Cause": "Lambda resource is not ready."}}},
        "MockedSQSSuccess": {"0": {"Return": {
            "MD5OfMessageBody": "3bcb6e8e-7h85-4375-b0bc-1a59812c6e51",
            "MessageId": "3bcb6e8e-8b51-4375-b0bc-1a59812c6e51"}}},
        "MockedLambdaRetry": {
            "0": {"Throw": {"Error": "Lambda.ResourceNotReadyException",
                            "Cause": "Lambda resource is not ready."}},
            "1-2": {"Throw": {"Error": "Lambda.TimeoutException", "Cause": "Lambda timed out."}},
            "3": {"Return": {"StatusCode": 200, "Payload": {"StatusCode": 200,
                                                            "body": "Hello from Lambda!"}}},
        },
        "MockedDeclined": {"0": {"Throw": {"Error": "PaymentDeclined",
                                           "Cause": "card refused"}}},
    },
}

LAMBDA_SQS_INTEGRATION = {
    "Comment": "This state machine is called: LambdaSQSIntegration",
    "StartAt": "LambdaState",
    "States": {
        "LambdaState": {
            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"Payload.$": "$", "FunctionName": "HelloWorldFunction"},
            "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 2, "MaxAttempts": 3,
                       "BackoffRate": 2}],
            "Next": "SQSState",
        },
        "SQSState": {
            "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
            "Parameters": {
                "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/myQueue",
                "MessageBody.$": "$",
            },
            "End": True,
        },
    },
}

ORDER_CHECKOUT = {
    "StartAt": "Charge",
    "States": {
        "Charge": {
            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "charge", "Payload.$": "$"},
            "Retry": [{"ErrorEquals": ["Lambda.ResourceNotReadyException"],
                       "IntervalSeconds": 1, "MaxAttempts": 1}],
            "Catch": [{"ErrorEquals": ["PaymentDeclined"], "ResultPath": "$.error",
                       "Next": "Declined"}],
            "End": True,
        },
        "Declined": {"Type": "Pass", "End": True},
    },
}

ACCOUNT = "123456789012"


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorHandle]:
    """An emulator started the way Step Functions Local users start theirs: with the path of
    their mock configuration file."""
    path: Path = tmp_path_factory.mktemp("mocks") / "MockConfigFile.json"
    path.write_text(json.dumps(MOCK_CONFIG))
    server = BackgroundServer(Settings(host="127.0.0.1", port=0, log_level="warning",
                                       request_log=False, sfn_mock_config=path)).start()
    try:
        yield EmulatorHandle(server)
    finally:
        server.stop()


def _client(local: EmulatorHandle, service: str) -> Any:
    # The example's queue URL names account 123456789012: act as that account.
    return local.client(service, aws_access_key_id=ACCOUNT)


@pytest.fixture(scope="module")
def integration_arn(local: EmulatorHandle) -> str:
    return machine(_client(local, "stepfunctions"), "LambdaSQSIntegration",
                   LAMBDA_SQS_INTEGRATION)


def _run(client: Any, arn: str, case: str, data: Any = None) -> str:
    reply = client.start_execution(stateMachineArn=f"{arn}#{case}", name=unique(case),
                                   input=json.dumps(data or {}))
    return str(reply["executionArn"])


def test_happy_path_answers_both_states_from_the_file(
    local: EmulatorHandle, integration_arn: str
) -> None:
    client = _client(local, "stepfunctions")
    execution = _run(client, integration_arn, "HappyPath")
    assert ":execution:LambdaSQSIntegration:" in execution
    done = finished(client, execution)
    assert done["status"] == "SUCCEEDED", done
    assert json.loads(done["output"]) == MOCK_CONFIG["MockedResponses"]["MockedSQSSuccess"][
        "0"]["Return"]
    history = events(client, execution)
    sqs_succeeded = [e for e in history if e["type"] == "TaskSucceeded"][-1]
    assert detail(sqs_succeeded)["resourceType"] == "sqs"
    entered = [e for e in history if e["type"] == "TaskStateEntered"][1]
    assert json.loads(detail(entered)["input"])["Payload"]["body"] == "Hello from Lambda!"


def test_retry_path_retries_thrown_errors_on_the_clock(
    local: EmulatorHandle, integration_arn: str
) -> None:
    client = _client(local, "stepfunctions")
    execution = _run(client, integration_arn, "RetryPath")
    for attempt, delay in enumerate((2, 4, 8), start=1):  # IntervalSeconds x BackoffRate^n
        failed = wait_for_event(client, execution, "TaskFailed", count=attempt)[-1]
        assert client.describe_execution(executionArn=execution)["status"] == "RUNNING"
        local.clock.advance(delay)
        following = wait_for_event(client, execution, "TaskScheduled", count=attempt + 1)[-1]
        gap = following["timestamp"].timestamp() - failed["timestamp"].timestamp()
        assert delay <= gap < delay + 1
    done = finished(client, execution)
    assert done["status"] == "SUCCEEDED", done
    errors = [detail(e)["error"] for e in events(client, execution) if e["type"] == "TaskFailed"]
    assert errors == ["Lambda.ResourceNotReadyException", "Lambda.TimeoutException",
                      "Lambda.TimeoutException"]


def test_hybrid_path_calls_the_real_queue(local: EmulatorHandle, integration_arn: str) -> None:
    sqs = _client(local, "sqs")
    url = sqs.create_queue(QueueName="myQueue")["QueueUrl"]
    client = _client(local, "stepfunctions")
    done = finished(client, _run(client, integration_arn, "HybridPath"))
    assert done["status"] == "SUCCEEDED", done
    body = json.loads(receive(sqs, url)["Body"])
    assert body["Payload"]["body"] == "Hello from Lambda!"
    assert json.loads(done["output"])["MessageId"]


def test_throw_reaches_catch(local: EmulatorHandle) -> None:
    client = _client(local, "stepfunctions")
    arn = machine(client, "OrderCheckout", ORDER_CHECKOUT)
    done = finished(client, _run(client, arn, "Declined", {"order": 1}))
    assert done["status"] == "SUCCEEDED", done
    assert json.loads(done["output"]) == {
        "order": 1, "error": {"Error": "PaymentDeclined", "Cause": "card refused"}}


def test_an_invocation_without_a_mocked_answer_fails_the_execution(
    local: EmulatorHandle,
) -> None:
    client = _client(local, "stepfunctions")
    arn = machine(client, "OrderCheckout", ORDER_CHECKOUT)
    execution = _run(client, arn, "Exhausted")
    wait_for_event(client, execution, "TaskFailed")
    local.clock.advance(1)  # the retry asks for invocation 1, which the file does not answer
    done = finished(client, execution)
    assert (done["status"], done["error"]) == ("FAILED", "States.Runtime")
    assert "has no answer for invocation 1" in done["cause"]
    assert types(client, execution)[-1] == "ExecutionFailed"


def test_unknown_test_case_is_refused(local: EmulatorHandle, integration_arn: str) -> None:
    client = _client(local, "stepfunctions")
    with pytest.raises(ClientError) as refused:
        _run(client, integration_arn, "NoSuchCase")
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert "NoSuchCase" in refused.value.response["Error"]["Message"]


def test_without_a_file_a_test_case_is_refused(emulator: Any) -> None:
    client = emulator.client("stepfunctions")
    arn = machine(client, unique("plain"), {"StartAt": "P", "States": {
        "P": {"Type": "Pass", "End": True}}})
    with pytest.raises(ClientError) as refused:
        client.start_execution(stateMachineArn=f"{arn}#HappyPath")
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert "SFN_MOCK_CONFIG" in refused.value.response["Error"]["Message"]
