"""Custom runtimes (provided, provided.al2, provided.al2023): the ``bootstrap`` from the code
or a layer, and AWS's answers when there is none
(https://docs.aws.amazon.com/lambda/latest/dg/runtimes-custom.html)."""

from __future__ import annotations

import json

import pytest
from lambda_support import ROLE, unique
from runtime_functions import zip_files

from emulator.testing import EmulatorHandle

# The shell bootstrap of AWS's custom runtime tutorial, with Python standing in for curl.
SHELL_BOOTSTRAP = """#!/bin/sh
set -eu
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
while true; do
  python3 - "$API" <<'PY'
import json, sys, urllib.request
api = sys.argv[1]
with urllib.request.urlopen(api + "/invocation/next") as reply:
    request_id = reply.headers["Lambda-Runtime-Aws-Request-Id"]
    event = json.load(reply)
print("handling", request_id, flush=True)
body = json.dumps({"echo": event, "handler": __import__("os").environ["_HANDLER"]}).encode()
urllib.request.urlopen(urllib.request.Request(
    f"{api}/invocation/{request_id}/response", data=body, method="POST")).read()
PY
done
"""


def create(emulator: EmulatorHandle, files: dict[str, bytes], runtime: str = "provided.al2023",
           executable: tuple[str, ...] = ("bootstrap",), **options: object) -> str:
    name = unique("custom")
    emulator.client("lambda").create_function(
        FunctionName=name, Runtime=runtime, Handler="function.handler", Role=ROLE,
        Code={"ZipFile": zip_files(files, executable)}, **options)
    return name


def invoke(emulator: EmulatorHandle, name: str) -> tuple[dict[str, object], object]:
    reply = emulator.client("lambda").invoke(FunctionName=name, Payload=b'{"n": 1}')
    return reply, json.loads(reply["Payload"].read())


@pytest.mark.parametrize("runtime", ["provided", "provided.al2", "provided.al2023"])
def test_a_shell_bootstrap(emulator: EmulatorHandle, runtime: str) -> None:
    name = create(emulator, {"bootstrap": SHELL_BOOTSTRAP.encode()}, runtime)
    assert invoke(emulator, name)[1] == {"echo": {"n": 1}, "handler": "function.handler"}


def test_the_bootstrap_may_come_from_a_layer(emulator: EmulatorHandle) -> None:
    lam = emulator.client("lambda")
    layer = lam.publish_layer_version(
        LayerName=unique("runtime"),
        Content={"ZipFile": zip_files({"bootstrap": SHELL_BOOTSTRAP.encode()}, ("bootstrap",))},
    )["LayerVersionArn"]
    name = create(emulator, {"function.sh": b"# the handler's own files\n"}, executable=(),
                  Layers=[layer])
    assert invoke(emulator, name)[1] == {"echo": {"n": 1}, "handler": "function.handler"}


def test_no_bootstrap_is_an_invalid_entrypoint(emulator: EmulatorHandle) -> None:
    name = create(emulator, {"main.go": b"package main\n"}, executable=())
    reply, body = invoke(emulator, name)
    request_id = reply["ResponseMetadata"]["RequestId"]
    assert reply["FunctionError"] == "Unhandled"
    assert body == {"errorType": "Runtime.InvalidEntrypoint",
                    "errorMessage": f"RequestId: {request_id} Error: Couldn't find valid "
                                    "bootstrap(s): [/var/task/bootstrap /opt/bootstrap]"}


def test_a_bootstrap_that_is_not_executable(emulator: EmulatorHandle) -> None:
    name = create(emulator, {"bootstrap": SHELL_BOOTSTRAP.encode()}, executable=())
    _reply, body = invoke(emulator, name)
    assert body["errorType"] == "Runtime.InvalidEntrypoint"
    assert body["errorMessage"].endswith("Error: fork/exec /var/task/bootstrap: "
                                         "permission denied")


def test_a_bootstrap_that_exits_during_init(emulator: EmulatorHandle) -> None:
    name = create(emulator, {"bootstrap": b"#!/bin/sh\necho starting\nexit 4\n"})
    _reply, body = invoke(emulator, name)
    assert body["errorType"] == "Runtime.ExitError"
    assert body["errorMessage"].endswith("Error: Runtime exited with error: exit status 4")


IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1"


@pytest.mark.parametrize("options", [
    {"PackageType": "Image", "Code": {"ImageUri": IMAGE}},
    {"Code": {"ImageUri": IMAGE}, "Runtime": "python3.12", "Handler": "app.handler"},
])
def test_container_image_functions_are_refused_clearly(emulator: EmulatorHandle,
                                                       options: dict[str, object]) -> None:
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as raised:
        emulator.client("lambda").create_function(FunctionName=unique("image"), Role=ROLE,
                                                  **options)
    error = raised.value.response["Error"]
    assert error["Code"] == "InvalidParameterValueException"
    assert "Container image functions (PackageType Image) are not supported" in error["Message"]
    assert "without Docker" in error["Message"]


def test_the_health_route_lists_the_runtimes(emulator: EmulatorHandle) -> None:
    import shutil
    import sys

    import httpx

    listed = httpx.get(f"{emulator.endpoint_url}/_emulator/health").json()["lambda_runtimes"]
    own = f"python{sys.version_info.major}.{sys.version_info.minor}"
    assert listed[own].startswith(f"Python {sys.version.split()[0]}")
    assert listed["provided.al2023"] == "the function's bootstrap"
    assert ("nodejs20.x" in listed) == (shutil.which("node") is not None)
    assert "java21" not in listed
