"""The same small function suite on every runtime: Python in-process and in a worker process,
Node.js as CommonJS and as an ES module, and a custom runtime compiled from C here.

Each answer and log line is checked against the shapes AWS documents for that runtime:
- https://docs.aws.amazon.com/lambda/latest/dg/python-exceptions.html (Python's error payload)
- https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html (Node.js's
  ``errorType``, ``errorMessage``, ``trace`` and the ``Invoke Error`` log line)
- https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html (``time\\trequest id\\tLEVEL\\t
  message``)
- https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html (what a custom runtime posts is
  what the caller gets)
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lambda_support import ROLE, unique
from runtime_functions import Kind, compiled_bootstrap, kinds, node_sdk_layer, zip_files

from emulator.testing import EmulatorHandle

KINDS = ["python-inprocess", "python-process", "node-commonjs", "node-module", "custom-c"]
NODE_LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t(?P<id>[0-9a-f-]{36}|undefined)\t"
    r"(?P<level>[A-Z]+)\t(?P<message>.*)$")


class Deployed:
    """Functions of each kind, created on first use."""

    def __init__(self, emulator: EmulatorHandle, tmp: Path) -> None:
        self.emulator = emulator
        self.client = emulator.client("lambda")
        self.tmp = tmp
        self.names: dict[str, str] = {}
        self._sdk_layer: str | None = None

    def kind(self, name: str) -> Kind:
        if name == "custom-c":
            return Kind("custom-c", "provided.al2023",
                        {"bootstrap": compiled_bootstrap(self.tmp)}, "function.handler",
                        executable=("bootstrap",))
        return kinds(self.tmp)[name]

    def sdk_layer(self) -> str:
        if self._sdk_layer is None:
            self._sdk_layer = self.client.publish_layer_version(
                LayerName=unique("sdk"), Content={"ZipFile": node_sdk_layer()},
                CompatibleRuntimes=["nodejs20.x"])["LayerVersionArn"]
        return self._sdk_layer

    def function(self, kind_name: str, *, sdk: bool = False) -> str:
        key = kind_name + (":sdk" if sdk else "")
        if key not in self.names:
            kind = self.kind(kind_name)
            options = dict(kind.options)
            if sdk and kind.runtime.startswith("nodejs"):
                options["Layers"] = [self.sdk_layer()]
            name = unique(kind_name)
            self.client.create_function(
                FunctionName=name, Runtime=kind.runtime, Handler=kind.handler, Role=ROLE,
                Code={"ZipFile": zip_files(kind.files, kind.executable)}, Timeout=1,
                MemorySize=256, Environment={"Variables": {"COLOUR": "teal"}}, **options)
            self.names[key] = name
        return self.names[key]

    def invoke(self, kind_name: str, event: Any, *, sdk: bool = False
               ) -> tuple[dict[str, Any], Any, str]:
        reply = self.client.invoke(FunctionName=self.function(kind_name, sdk=sdk),
                                   Payload=json.dumps(event).encode(), LogType="Tail")
        raw = reply["Payload"].read()
        log = base64.b64decode(reply["LogResult"]).decode()
        return reply, json.loads(raw) if raw else None, log


@pytest.fixture(scope="module")
def deployed(emulator: EmulatorHandle, tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[Deployed]:
    yield Deployed(emulator, tmp_path_factory.mktemp("runtimes"))


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    if name.startswith("node"):
        from runtime_functions import need
        need("node")
    return name


def test_hello(deployed: Deployed, kind: str) -> None:
    reply, body, log = deployed.invoke(kind, {"action": "hello", "name": "Ada"})
    assert reply["StatusCode"] == 200 and "FunctionError" not in reply
    assert body == {"hello": "Ada"}
    request_id = reply["ResponseMetadata"]["RequestId"]
    assert f"START RequestId: {request_id} Version: $LATEST" in log
    assert f"END RequestId: {request_id}" in log
    assert re.search(rf"REPORT RequestId: {request_id}\tDuration: [\d.]+ ms\tBilled Duration: "
                     r"\d+ ms\tMemory Size: 256 MB\tMax Memory Used: \d+ MB", log)


def test_error(deployed: Deployed, kind: str) -> None:
    reply, body, log = deployed.invoke(kind, {"action": "error"})
    assert reply["FunctionError"] == "Unhandled"
    request_id = reply["ResponseMetadata"]["RequestId"]
    if kind.startswith("python"):
        assert list(body) == ["errorMessage", "errorType", "requestId", "stackTrace"]
        assert (body["errorMessage"], body["errorType"]) == ("boom", "CustomError")
        assert body["requestId"] == request_id
        # The code is shown where Lambda keeps it.
        assert body["stackTrace"][0].startswith('  File "/var/task/app.py", line ')
        assert "[ERROR] CustomError: boom\rTraceback (most recent call last):" in log
    elif kind.startswith("node"):
        assert list(body) == ["errorType", "errorMessage", "trace"]
        assert (body["errorType"], body["errorMessage"]) == ("CustomError", "boom")
        assert body["trace"][0] == "CustomError: boom"
        assert "/var/task/index." in body["trace"][1]
        lines = [NODE_LOG_LINE.match(line) for line in log.split("\n")]
        errors = [line for line in lines if line and line["level"] == "ERROR"]
        assert len(errors) == 1 and errors[0]["id"] == request_id
        message = errors[0]["message"]
        assert message.startswith("Invoke Error \t")
        logged = json.loads(message.removeprefix("Invoke Error \t"))
        assert (logged["errorType"], logged["errorMessage"]) == ("CustomError", "boom")
        assert logged["stack"][0] == "CustomError: boom"
    else:
        assert body == {"errorMessage": "boom", "errorType": "CustomError"}
    # The environment survives an error, as on AWS.
    assert deployed.invoke(kind, {"action": "hello", "name": "again"})[1] == {"hello": "again"}


def test_timeout(deployed: Deployed, kind: str) -> None:
    reply, body, log = deployed.invoke(kind, {"action": "timeout"})
    request_id = reply["ResponseMetadata"]["RequestId"]
    assert reply["FunctionError"] == "Unhandled"
    assert body == {"errorType": "Sandbox.Timedout",
                    "errorMessage": f"RequestId: {request_id} Error: Task timed out after 1.00 "
                                    "seconds"}
    assert f"{request_id} Task timed out after 1.00 seconds" in log
    assert "Status: timeout" in log
    assert deployed.invoke(kind, {"action": "hello", "name": "after"})[1] == {"hello": "after"}


def test_environment(deployed: Deployed, kind: str) -> None:
    body = deployed.invoke(kind, {"action": "env"})[1]
    handler = deployed.kind(kind).handler
    assert body["function"] == deployed.function(kind)
    assert (body["colour"], body["region"], body["handler"], body["memory"]) == (
        "teal", deployed.emulator.region, handler, "256")


def test_context(deployed: Deployed, kind: str) -> None:
    reply, body, _ = deployed.invoke(kind, {"action": "context"})
    name = deployed.function(kind)
    assert body["requestId"] == reply["ResponseMetadata"]["RequestId"]
    assert body["functionName"] == name
    assert body["invokedFunctionArn"] == f"arn:aws:lambda:us-east-1:000000000000:function:{name}"
    assert re.fullmatch(r"\d{4}/\d\d/\d\d/\[\$LATEST\][0-9a-f]{32}", body["logStreamName"])
    if "remaining" in body:
        assert 0 < body["remaining"] <= 1000
        assert body["memoryLimitInMB"] == "256"
    else:  # the custom runtime reports the deadline it was given
        import time
        assert abs(body["deadlineMs"] / 1000 - time.time() - 1) < 1


def test_sdk_call_back_into_the_emulator(deployed: Deployed, kind: str) -> None:
    sqs = deployed.emulator.client("sqs")
    queue = unique("runtime-sdk")
    sqs.create_queue(QueueName=queue)
    body = deployed.invoke(kind, {"action": "sdk"}, sdk=True)[1]
    # The URL's host is the one the caller used.
    assert f"/000000000000/{queue}" in [url[url.index("/", 8):] for url in body["sdk"]["QueueUrls"]]


def test_one_megabyte_payload(deployed: Deployed, kind: str) -> None:
    event = {"data": "x" * (1024 * 1024)}
    reply, body, _ = deployed.invoke(kind, event)
    assert "FunctionError" not in reply
    assert body == event


def test_logs_with_tail(deployed: Deployed, kind: str) -> None:
    reply, body, log = deployed.invoke(kind, {"action": "log"})
    assert body == "logged"
    request_id = reply["ResponseMetadata"]["RequestId"]
    lines = log.split("\n")  # not splitlines(): a carriage return stays inside an event
    start = lines.index(f"START RequestId: {request_id} Version: $LATEST")
    end = lines.index(f"END RequestId: {request_id}")
    own = lines[start + 1:end]
    if kind.startswith("node"):
        # One console.log call is one log event: newlines are folded to carriage returns.
        assert len(own) == 1
        match = NODE_LOG_LINE.match(own[0])
        assert match is not None
        assert (match["id"], match["level"], match["message"]) == (
            request_id, "INFO", "line one\rline two")
    else:
        assert own == ["line one", "line two"]
    assert lines[end + 1].startswith(f"REPORT RequestId: {request_id}\t")
