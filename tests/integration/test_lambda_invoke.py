"""Invoking functions in-process: isolation, execution environments, the context, the
environment, logs, invocation types and addressing."""

from __future__ import annotations

import base64
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from botocore.exceptions import ClientError
from lambda_support import create_function, invoke, unique

from emulator.testing import EmulatorHandle

ECHO_WORLD = {
    "app.py": """
        import os
        import helpers

        def handler(event, context):
            return {"helper": helpers.WHO, "colour": os.environ.get("COLOUR"),
                    "getenv": os.getenv("COLOUR"), "other": os.environ.get("OTHER_ONLY")}
    """,
}


def test_functions_see_only_their_own_modules_and_variables_concurrently(
    emulator: EmulatorHandle,
) -> None:
    client = emulator.client("lambda")
    red = create_function(client, {**ECHO_WORLD, "helpers.py": "WHO = 'red'\n"},
                          Environment={"Variables": {"COLOUR": "red"}})
    blue = create_function(client, {**ECHO_WORLD, "helpers.py": "WHO = 'blue'\n"},
                           Environment={"Variables": {"COLOUR": "blue", "OTHER_ONLY": "x"}})
    calls = [red, blue] * 12
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda name: (name, invoke(client, name)[1]), calls))
    for name, body in results:
        if name == red:
            assert body == {"helper": "red", "colour": "red", "getenv": "red", "other": None}
        else:
            assert body == {"helper": "blue", "colour": "blue", "getenv": "blue", "other": "x"}


def test_cold_start_runs_init_once_and_reports_init_duration(emulator: EmulatorHandle) -> None:
    client = emulator.client("lambda")
    name = create_function(client, {"app.py": """
        print("initialising")
        COUNT = 0
        def handler(event, context):
            global COUNT
            COUNT += 1
            return COUNT
    """})
    first, count = invoke(client, name, LogType="Tail")
    tail = base64.b64decode(first["LogResult"]).decode()
    assert count == 1
    assert "initialising" in tail and "Init Duration:" in tail
    second, count = invoke(client, name, LogType="Tail")
    tail = base64.b64decode(second["LogResult"]).decode()
    assert count == 2
    assert "initialising" not in tail and "Init Duration:" not in tail


def test_a_concurrent_invocation_gets_a_second_environment(
    emulator: EmulatorHandle, tmp_path: Path
) -> None:
    client = emulator.client("lambda")
    name = create_function(client, {"app.py": """
        import os, time, uuid
        ENVIRONMENT = uuid.uuid4().hex
        def handler(event, context):
            folder = event["folder"]
            open(os.path.join(folder, ENVIRONMENT), "w").close()
            # Both invocations must be running at once for two files to appear.
            while len(os.listdir(folder)) < 2 and context.get_remaining_time_in_millis() > 100:
                time.sleep(0.01)
            return ENVIRONMENT
    """}, Timeout=5)
    with ThreadPoolExecutor(2) as pool:
        ids = list(pool.map(lambda _: invoke(client, name, {"folder": str(tmp_path)})[1],
                            range(2)))
    assert len(set(ids)) == 2
    assert invoke(client, name, {"folder": str(tmp_path)})[1] in ids  # a warm one again


def test_context_attributes_and_remaining_time_follow_the_clock(
    emulator: EmulatorHandle, tmp_path: Path
) -> None:
    client = emulator.client("lambda")
    name = create_function(client, {"app.py": """
        import os, time
        def handler(event, context):
            first = context.get_remaining_time_in_millis()
            open(os.path.join(event["folder"], "started"), "w").close()
            while not os.path.exists(os.path.join(event["folder"], "go")):
                time.sleep(0.01)
            return {
                "first": first,
                "second": context.get_remaining_time_in_millis(),
                "request_id": context.aws_request_id,
                "name": context.function_name,
                "version": context.function_version,
                "arn": context.invoked_function_arn,
                "memory": context.memory_limit_in_mb,
                "group": context.log_group_name,
                "stream": context.log_stream_name,
            }
    """}, Timeout=300, MemorySize=256)
    box: list[tuple[dict, dict]] = []
    thread = threading.Thread(target=lambda: box.append(
        invoke(client, name, {"folder": str(tmp_path)})))
    thread.start()
    try:
        while not (tmp_path / "started").exists():
            time.sleep(0.01)
        emulator.clock.advance(120)
        (tmp_path / "go").touch()
        thread.join()
    finally:
        emulator.clock.reset()
    reply, body = box[0]
    assert body["first"] - body["second"] >= 120_000
    assert body["request_id"] == reply["ResponseMetadata"]["RequestId"]
    assert (body["name"], body["version"], body["memory"]) == (name, "$LATEST", "256")
    assert body["arn"] == f"arn:aws:lambda:us-east-1:000000000000:function:{name}"
    assert body["group"] == f"/aws/lambda/{name}"
    assert body["stream"].split("/")[3].startswith("[$LATEST]")


@pytest.mark.parametrize("executor", ["inprocess", "process"])
def test_the_context_prints_and_logs_as_the_python_runtime_s(emulator: EmulatorHandle,
                                                             executor: str) -> None:
    # awslambdaric/lambda_context.py of github.com/aws/aws-lambda-python-runtime-interface-client:
    # each object's __repr__, and context.log writing the message as it is.
    client = emulator.client("lambda")
    name = create_function(client, {"app.py": """
        def handler(event, context):
            context.log("through context.log\\n")
            return repr(context)
    """}, Tags={"emulator:executor": executor})
    context = json.dumps({"client": {"app_title": "shop"}, "custom": {"k": 1}, "env": None})
    reply = client.invoke(FunctionName=name, LogType="Tail",
                          ClientContext=base64.b64encode(context.encode()).decode())
    shown = json.loads(reply["Payload"].read())
    request_id = reply["ResponseMetadata"]["RequestId"]
    assert shown.startswith(f"LambdaContext([aws_request_id={request_id},"
                            f"log_group_name=/aws/lambda/{name},log_stream_name=")
    assert shown.endswith(
        f",function_name={name},memory_limit_in_mb=128,function_version=$LATEST,"
        f"invoked_function_arn=arn:aws:lambda:us-east-1:000000000000:function:{name},"
        "client_context=ClientContext([custom={'k': 1},env=None,"
        "client=Client([installation_id=None,app_title=shop,app_version_name=None,"
        "app_version_code=None,app_package_name=None])]),"
        "identity=CognitoIdentity([cognito_identity_id=None,cognito_identity_pool_id=None]),"
        "tenant_id=None])")
    assert "through context.log\n" in base64.b64decode(reply["LogResult"]).decode()


def test_standard_variables_and_boto3_inside_reaches_the_emulator(
    emulator: EmulatorHandle,
) -> None:
    client = emulator.client("lambda")
    name = create_function(client, {"app.py": """
        import os
        import boto3
        def handler(event, context):
            own = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
            found = boto3.client("lambda").get_function(FunctionName=own)
            keys = ["AWS_LAMBDA_FUNCTION_NAME", "AWS_REGION", "_HANDLER", "AWS_ENDPOINT_URL",
                    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_EXECUTION_ENV", "LAMBDA_TASK_ROOT"]
            return {"env": {k: os.environ.get(k) for k in keys},
                    "sees_itself": found["Configuration"]["FunctionName"] == own}
    """})
    body = invoke(client, name)[1]
    env = body["env"]
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == name
    assert env["AWS_REGION"] == "us-east-1"
    assert env["_HANDLER"] == "app.handler"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "128"
    assert env["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.11"
    assert httpx.get(env["AWS_ENDPOINT_URL"] + "/_emulator/health").status_code == 200
    assert body["sees_itself"] is True


def test_tail_holds_start_end_report_and_handler_output(emulator: EmulatorHandle) -> None:
    client = emulator.client("lambda")
    name = create_function(client, {"app.py": """
        import logging
        logger = logging.getLogger()
        logger.setLevel(logging.INFO)
        def handler(event, context):
            print("printed line")
            logger.info("logged line")
            return "ok"
    """})
    reply, _ = invoke(client, name, LogType="Tail")
    request_id = reply["ResponseMetadata"]["RequestId"]
    lines = base64.b64decode(reply["LogResult"]).decode().splitlines()
    assert f"START RequestId: {request_id} Version: $LATEST" in lines
    assert "printed line" in lines
    assert any(line.startswith("[INFO]\t") and line.endswith(f"\t{request_id}\tlogged line")
               for line in lines)
    assert f"END RequestId: {request_id}" in lines
    report = next(line for line in lines if line.startswith("REPORT"))
    for field in ("Duration:", "Billed Duration:", "Memory Size: 128 MB", "Max Memory Used:",
                  "Init Duration:"):
        assert field in report
    assert "LogResult" not in client.invoke(FunctionName=name)


def test_logs_reach_cloudwatch_logs(emulator: EmulatorHandle) -> None:
    client = emulator.client("lambda")
    name = create_function(client, {"app.py": """
        def handler(event, context):
            print("to cloudwatch", event["n"])
    """})
    invoke(client, name, {"n": 7})
    logs = emulator.client("logs")
    events = logs.filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]
    messages = [e["message"] for e in events]
    assert "to cloudwatch 7\n" in messages
    assert any(m.startswith("REPORT RequestId:") for m in messages)
    streams = logs.describe_log_streams(logGroupName=f"/aws/lambda/{name}")["logStreams"]
    assert len(streams) == 1 and "[$LATEST]" in streams[0]["logStreamName"]


def test_invocation_types_and_addressing(emulator: EmulatorHandle, tmp_path: Path) -> None:
    client = emulator.client("lambda")
    name = create_function(client, {"app.py": """
        def handler(event, context):
            if "marker" in event:
                open(event["marker"], "w").close()
            return context.invoked_function_arn
    """})
    arn = f"arn:aws:lambda:us-east-1:000000000000:function:{name}"
    client.publish_version(FunctionName=name)
    client.create_alias(FunctionName=name, Name="prod", FunctionVersion="1")
    for address, qualifier, expected in [
        (name, None, arn), (arn, None, arn), (f"000000000000:function:{name}", None, arn),
        (f"{arn}:1", None, f"{arn}:1"), (name, "1", f"{arn}:1"), (name, "prod", f"{arn}:prod"),
        (f"{arn}:prod", None, f"{arn}:prod"),
    ]:
        options = {"Qualifier": qualifier} if qualifier else {}
        assert invoke(client, address, **options)[1] == expected

    dry = client.invoke(FunctionName=name, InvocationType="DryRun",
                        Payload=json.dumps({"marker": str(tmp_path / "dry")}))
    assert dry["StatusCode"] == 204
    event = client.invoke(FunctionName=name, InvocationType="Event",
                          Payload=json.dumps({"marker": str(tmp_path / "event")}))
    assert event["StatusCode"] == 202
    deadline = time.monotonic() + 10
    while not (tmp_path / "event").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert (tmp_path / "event").exists()
    assert not (tmp_path / "dry").exists()
    with pytest.raises(ClientError) as excinfo:
        invoke(client, f"{name}-missing")
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_hot_reload_picks_up_an_edited_file(emulator: EmulatorHandle, tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import dep\ndef handler(e, c):\n    return dep.VALUE\n")
    (tmp_path / "dep.py").write_text("VALUE = 'first'\n")
    client = emulator.client("lambda")
    name = unique()
    client.create_function(FunctionName=name, Runtime="python3.11",
                           Role="arn:aws:iam::000000000000:role/r", Handler="app.handler",
                           Code={"S3Bucket": "hot-reload", "S3Key": str(tmp_path)})
    assert invoke(client, name)[1] == "first"
    assert invoke(client, name)[1] == "first"
    (tmp_path / "dep.py").write_text("VALUE = 'second'\n")
    assert invoke(client, name)[1] == "second"


def test_reserved_concurrency_zero_throttles_with_the_reason(emulator: EmulatorHandle) -> None:
    client = emulator.client("lambda")
    name = create_function(client, {"app.py": "def handler(e, c):\n    return 1\n"})
    client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    with pytest.raises(ClientError) as excinfo:
        invoke(client, name)
    response = excinfo.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert response["Error"]["Code"] == "TooManyRequestsException"
    assert response["Error"]["Message"] == "Rate Exceeded."
    assert response["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    client.delete_function_concurrency(FunctionName=name)
    assert invoke(client, name)[1] == 1


def test_the_event_is_the_payload_parsed_and_each_call_gets_its_own(
    emulator: EmulatorHandle,
) -> None:
    client = emulator.client("lambda")
    name = create_function(client, {"app.py": """
        def handler(event, context):
            if isinstance(event, dict):
                event["seen"] = event.get("seen", 0) + 1
            return [type(event).__name__, event]
    """})

    def answer(**options: object) -> object:
        return json.loads(client.invoke(FunctionName=name, **options)["Payload"].read())

    assert answer() == ["dict", {"seen": 1}]  # no payload: an empty object
    assert answer(Payload=b'{"a": [1, 2.5, true]}') == ["dict", {"a": [1, 2.5, True], "seen": 1}]
    assert answer(Payload=b'{"a": [1, 2.5, true]}') == ["dict", {"a": [1, 2.5, True], "seen": 1}]
    assert answer(Payload=b"null") == ["NoneType", None]
    assert answer(Payload=b'"text"') == ["str", "text"]


def test_changes_made_after_an_invocation_reach_the_next_one(emulator: EmulatorHandle) -> None:
    client = emulator.client("lambda")
    name = create_function(client, {"app.py": """
        import os
        def handler(event, context):
            return [os.getpid(), os.environ.get("COLOUR")]
    """})
    pid, colour = invoke(client, name)[1]
    assert colour is None
    client.update_function_configuration(FunctionName=name,
                                         Environment={"Variables": {"COLOUR": "green"}})
    assert invoke(client, name)[1] == [pid, "green"]
    arn = client.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    client.tag_resource(Resource=arn, Tags={"emulator:executor": "process"})
    other_pid, colour = invoke(client, name)[1]
    assert (other_pid != pid, colour) == (True, "green")
    client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    with pytest.raises(ClientError) as excinfo:
        invoke(client, name)
    assert excinfo.value.response["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"


def test_reserved_concurrency_one_throttles_a_second_caller(
    emulator: EmulatorHandle, tmp_path: Path
) -> None:
    client = emulator.client("lambda")
    name = create_function(client, {"app.py": """
        import os, time
        def handler(event, context):
            open(os.path.join(event["folder"], "busy"), "w").close()
            while not os.path.exists(os.path.join(event["folder"], "done")):
                time.sleep(0.01)
            return "finished"
    """}, Timeout=30)
    client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=1)
    box: list[object] = []
    first = threading.Thread(target=lambda: box.append(
        invoke(client, name, {"folder": str(tmp_path)})[1]))
    first.start()
    try:
        while not (tmp_path / "busy").exists():
            time.sleep(0.01)
        with pytest.raises(ClientError) as excinfo:
            invoke(client, name, {"folder": str(tmp_path)})
        assert excinfo.value.response["Reason"] == (
            "ReservedFunctionConcurrentInvocationLimitExceeded")
    finally:
        (tmp_path / "done").touch()
        first.join()
    assert box == ["finished"]
