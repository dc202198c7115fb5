"""Failures, with the payloads AWS returns, and handlers that must not take the emulator down,
under both executors."""

from __future__ import annotations

import base64
import re
import sys

import httpx
import pytest
from botocore.exceptions import ClientError
from lambda_support import create_function, invoke

from emulator.testing import EmulatorHandle

EXECUTORS = ["inprocess", "process"]
HEALTHY = {"app.py": "def handler(event, context):\n    return 'still serving'\n"}


def assert_serving(emulator: EmulatorHandle, executor: str) -> None:
    """Another function still answers, and so does the emulator."""
    client = emulator.client("lambda")
    name = create_function(client, HEALTHY, Tags={"emulator:executor": executor})
    assert invoke(client, name)[1] == "still serving"
    assert httpx.get(f"{emulator.endpoint_url}/_emulator/health").status_code == 200


def make(emulator: EmulatorHandle, source: str, executor: str, **options: object) -> str:
    return create_function(emulator.client("lambda"), {"app.py": source},
                           Tags={"emulator:executor": executor}, **options)


def messages(emulator: EmulatorHandle, name: str) -> list[str]:
    """The function's CloudWatch Logs events, as stored."""
    events = emulator.client("logs").filter_log_events(logGroupName=f"/aws/lambda/{name}")
    return [event["message"] for event in events["events"]]


@pytest.mark.parametrize("executor", EXECUTORS)
def test_unhandled_exception_payload_has_aws_shape_and_environment_survives(
    emulator: EmulatorHandle, executor: str
) -> None:
    client = emulator.client("lambda")
    name = make(emulator, """
COUNT = 0
def handler(event, context):
    global COUNT
    COUNT += 1
    if event.get("fail"):
        raise ValueError("bad input")
    return COUNT
""", executor)
    reply, body = invoke(client, name, {"fail": True})
    assert reply["StatusCode"] == 200
    assert reply["FunctionError"] == "Unhandled"
    assert list(body) == ["errorMessage", "errorType", "requestId", "stackTrace"]
    assert body["errorMessage"] == "bad input"
    assert body["errorType"] == "ValueError"
    assert body["requestId"] == reply["ResponseMetadata"]["RequestId"]
    assert len(body["stackTrace"]) == 1
    assert body["stackTrace"][0].startswith('  File "')
    assert ', in handler\n    raise ValueError("bad input")\n' in body["stackTrace"][0]
    # The environment and its module state survive a normal exception, as on AWS.
    assert invoke(client, name)[1] == 2


@pytest.mark.parametrize("executor", EXECUTORS)
def test_timeout_returns_the_timed_out_error_and_discards_the_environment(
    emulator: EmulatorHandle, executor: str
) -> None:
    client = emulator.client("lambda")
    name = make(emulator, """
import time, uuid
ENVIRONMENT = uuid.uuid4().hex
def handler(event, context):
    if event.get("sleep"):
        time.sleep(event["sleep"])
    return ENVIRONMENT
""", executor, Timeout=1)
    before = invoke(client, name)[1]
    reply, body = invoke(client, name, {"sleep": 30})
    request_id = reply["ResponseMetadata"]["RequestId"]
    assert reply["FunctionError"] == "Unhandled"
    assert body == {"errorType": "Sandbox.Timedout",
                    "errorMessage": f"RequestId: {request_id} Error: Task timed out after 1.00 "
                                    "seconds"}
    # Ends with a newline as every line Lambda itself writes (no recorded example found).
    assert any(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z " + request_id
                            + r" Task timed out after 1\.00 seconds\n", message)
               for message in messages(emulator, name))
    assert invoke(client, name)[1] != before  # a new environment
    assert_serving(emulator, executor)


@pytest.mark.parametrize("executor", EXECUTORS)
def test_log_events_of_output_errors_and_exits_end_as_on_lambda(
    emulator: EmulatorHandle, executor: str
) -> None:
    # Printed and logged lines keep their newline; the runtime's [ERROR] entry is one record
    # with none (AWS's runtime interface client, awslambdaric/bootstrap.py,
    # FramedTelemetryLogSink.log_error); a runtime that exits leaves one event of two lines,
    # "RequestId: ... Error: Runtime exited with error: ...\nRuntime.ExitError\n", as recorded
    # in newrelic/aws-log-ingestion's test/function_test.py.
    client = emulator.client("lambda")
    name = make(emulator, """
import logging, sys
logging.getLogger().setLevel(logging.INFO)
def handler(event, context):
    print("printed")
    logging.info("logged")
    if event.get("exit"):
        sys.exit(2)
    raise ValueError("bad input")
""", executor)
    raised = invoke(client, name)[0]["ResponseMetadata"]["RequestId"]
    exited = invoke(client, name, {"exit": True})[0]["ResponseMetadata"]["RequestId"]
    found = messages(emulator, name)
    assert "printed\n" in found
    assert any(re.fullmatch(r"\[INFO\]\t\S+Z\t" + raised + r"\tlogged\n", m) for m in found)
    error = next(m for m in found if m.startswith("[ERROR]"))
    assert error.startswith("[ERROR] ValueError: bad input\rTraceback (most recent call last):")
    assert error.endswith('raise ValueError("bad input")')
    assert (f"RequestId: {exited} Error: Runtime exited with error: exit status 2\n"
            "Runtime.ExitError\n") in found


@pytest.mark.parametrize("executor", EXECUTORS)
@pytest.mark.parametrize("code,status", [("sys.exit()", 0), ("sys.exit(2)", 2)])
def test_sys_exit_is_a_runtime_exit_error(emulator: EmulatorHandle, executor: str, code: str,
                                          status: int) -> None:
    client = emulator.client("lambda")
    name = make(emulator, f"import sys\ndef handler(event, context):\n    {code}\n", executor)
    reply, body = invoke(client, name)
    request_id = reply["ResponseMetadata"]["RequestId"]
    reason = ("Runtime exited without providing a reason" if status == 0
              else f"Runtime exited with error: exit status {status}")
    assert body == {"errorType": "Runtime.ExitError",
                    "errorMessage": f"RequestId: {request_id} Error: {reason}"}
    assert_serving(emulator, executor)


@pytest.mark.parametrize("executor", EXECUTORS)
def test_infinite_loop_times_out_and_the_emulator_keeps_serving(
    emulator: EmulatorHandle, executor: str
) -> None:
    client = emulator.client("lambda")
    name = make(emulator, "def handler(event, context):\n    while True:\n        pass\n",
                executor, Timeout=1)
    assert invoke(client, name)[1]["errorType"] == "Sandbox.Timedout"
    assert_serving(emulator, executor)


@pytest.mark.parametrize("executor", EXECUTORS)
def test_memory_error_is_reported_and_the_emulator_keeps_serving(
    emulator: EmulatorHandle, executor: str
) -> None:
    client = emulator.client("lambda")
    name = make(emulator, "def handler(event, context):\n    raise MemoryError()\n", executor)
    reply, body = invoke(client, name)
    assert reply["FunctionError"] == "Unhandled"
    assert body["errorType"] == "MemoryError"
    assert_serving(emulator, executor)


def test_os_exit_under_the_process_executor(emulator: EmulatorHandle) -> None:
    client = emulator.client("lambda")
    name = make(emulator, "import os\ndef handler(event, context):\n    os._exit(7)\n", "process")
    body = invoke(client, name)[1]
    assert body["errorType"] == "Runtime.ExitError"
    assert body["errorMessage"].endswith("Error: Runtime exited with error: exit status 7")
    assert_serving(emulator, "process")


def test_os_exit_in_process_ends_only_the_handler(emulator: EmulatorHandle) -> None:
    client = emulator.client("lambda")
    name = make(emulator, "import os\ndef handler(event, context):\n    os._exit(7)\n",
                "inprocess")
    assert invoke(client, name)[1]["errorType"] == "Runtime.ExitError"
    assert_serving(emulator, "inprocess")


def test_memory_past_memory_size_is_out_of_memory_under_the_process_executor(
    emulator: EmulatorHandle,
) -> None:
    client = emulator.client("lambda")
    name = make(emulator, """
import time
def handler(event, context):
    hog = b"x" * (400 * 1024 * 1024)
    time.sleep(5)
    return len(hog)
""", "process", MemorySize=128, Timeout=20)
    body = invoke(client, name)[1]
    assert body["errorType"] == "Runtime.OutOfMemory"
    assert body["errorMessage"].endswith("Error: Runtime exited with error: signal: killed")
    assert_serving(emulator, "process")


@pytest.mark.parametrize("executor", EXECUTORS)
def test_unserialisable_result_is_a_marshal_error(emulator: EmulatorHandle,
                                                  executor: str) -> None:
    name = make(emulator, "def handler(event, context):\n    return {1, 2}\n", executor)
    body = invoke(emulator.client("lambda"), name)[1]
    assert body["errorType"] == "Runtime.MarshalError"
    assert body["errorMessage"] == (
        "Unable to marshal response: Object of type set is not JSON serializable")


@pytest.mark.parametrize("executor", EXECUTORS)
@pytest.mark.parametrize("files,handler,error_type,message", [
    ({"app.py": "import not_installed_anywhere\n"}, "app.handler", "Runtime.ImportModuleError",
     "Unable to import module 'app': No module named 'not_installed_anywhere'"),
    ({"app.py": "def handler(e, c): pass\n"}, "missing.handler", "Runtime.ImportModuleError",
     "Unable to import module 'missing': No module named 'missing'"),
    ({"app.py": "def handler(e, c): pass\n"}, "app", "Runtime.MalformedHandlerName",
     "Bad handler 'app': not enough values to unpack (expected 2, got 1)"),
    ({"app.py": "def other(e, c): pass\n"}, "app.handler", "Runtime.HandlerNotFound",
     "Handler 'handler' missing on module 'app'"),
    ({"app.py": "def handler(e, c)\n    pass\n"}, "app.handler", "Runtime.UserCodeSyntaxError",
     None),
])
def test_init_errors(emulator: EmulatorHandle, executor: str, files: dict[str, str],
                     handler: str, error_type: str, message: str | None) -> None:
    client = emulator.client("lambda")
    name = create_function(client, files, handler=handler,
                           Tags={"emulator:executor": executor})
    reply, body = invoke(client, name)
    assert reply["FunctionError"] == "Unhandled"
    assert body["errorType"] == error_type
    assert body["requestId"] == ""
    if message is not None:
        assert body["errorMessage"] == message
    else:
        assert body["errorMessage"].startswith("Syntax error in module 'app': ")


def test_payload_limits(emulator: EmulatorHandle) -> None:
    client = emulator.client("lambda")
    name = make(emulator, "def handler(event, context):\n    return 'x' * event['n']\n",
                "inprocess")
    too_big = b'"' + b"a" * (6 * 1024 * 1024 - 1) + b'"'
    with pytest.raises(ClientError) as excinfo:
        client.invoke(FunctionName=name, Payload=too_big)
    error = excinfo.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert error["Error"]["Code"] == "RequestEntityTooLargeException"
    assert error["Error"]["Message"] == (
        "Request must be smaller than 6291456 bytes for the InvokeFunction operation")
    with pytest.raises(ClientError) as excinfo:
        client.invoke(FunctionName=name, InvocationType="Event",
                      Payload=b'"' + b"a" * (1024 * 1024) + b'"')
    assert excinfo.value.response["Error"]["Code"] == "RequestEntityTooLargeException"
    # Just under 1 MB is accepted asynchronously; the deprecated InvokeAsync stops at 256 KB.
    padded = b'{"n": 1, "pad": "' + b"a" * (1024 * 1024 - 30) + b'"}'
    assert len(padded) < 1024 * 1024
    accepted = client.invoke(FunctionName=name, InvocationType="Event", Payload=padded)
    assert accepted["StatusCode"] == 202
    with pytest.raises(ClientError) as excinfo:
        client.invoke_async(FunctionName=name, InvokeArgs=b'"' + b"a" * (256 * 1024) + b'"')
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert excinfo.value.response["Error"]["Message"] == (
        "Request must be smaller than 262144 bytes for the InvokeAsync operation")
    assert client.invoke_async(FunctionName=name, InvokeArgs=b'{"n": 1}')["Status"] == 202
    reply, body = invoke(client, name, {"n": 6 * 1024 * 1024 + 100})
    assert reply["FunctionError"] == "Unhandled"
    assert body == {"errorType": "Function.ResponseSizeTooLarge",
                    "errorMessage": "Response payload size exceeded maximum allowed payload "
                                    "size (6291556 bytes)."}
    with pytest.raises(ClientError) as excinfo:
        client.invoke(FunctionName=name, Payload=b"{not json")
    assert excinfo.value.response["Error"]["Code"] == "InvalidRequestContentException"


def test_a_raised_recursion_limit_is_put_back_in_process(emulator: EmulatorHandle) -> None:
    limit = sys.getrecursionlimit()
    name = make(emulator, "import sys\ndef handler(event, context):\n"
                "    sys.setrecursionlimit(10**6)\n    return sys.getrecursionlimit()\n",
                "inprocess")
    reply, body = invoke(emulator.client("lambda"), name, LogType="Tail")
    assert body == 10**6
    assert sys.getrecursionlimit() == limit
    assert "changed the recursion limit" in base64.b64decode(reply["LogResult"]).decode()
