"""aws-lambda-powertools (Logger, Tracer, event classes) inside a deployed zip, installed the
way users install it (``pip install --target``), under both Python executors.

https://docs.powertools.aws.dev/lambda/python/latest/ (Logger, Tracer, event source data
classes); Tracer needs aws-xray-sdk, which it imports with ``importlib`` and which patches
botocore through ``patch_all()``.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from lambda_support import ROLE, unique
from runtime_functions import CACHE, zip_folder

from emulator.testing import EmulatorHandle

HANDLER = textwrap.dedent("""
    import boto3
    import botocore.client
    from aws_lambda_powertools import Logger, Tracer
    from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent, event_source

    logger = Logger(service="orders")
    tracer = Tracer(service="orders")

    @logger.inject_lambda_context
    @tracer.capture_lambda_handler
    @event_source(data_class=APIGatewayProxyEvent)
    def handler(event, context):
        logger.info("handling an order", extra={"path": event.path})
        queues = boto3.client("sqs").list_queues().get("QueueUrls", [])
        wrapped = botocore.client.BaseClient._make_api_call
        return {"path": event.path, "method": event.http_method,
                "botocore_patched": "FunctionWrapper" in type(wrapped).__name__,
                "queues": len(queues)}
""")


def powertools_package(tmp: Path) -> Path:
    """The handler and powertools with Tracer's dependencies, as ``pip install -t`` leaves
    them (boto3 and botocore come with the runtime, as on AWS). Installed once per machine."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    installed = CACHE / f"powertools-py{version}"
    if not (installed / "aws_lambda_powertools").is_dir():
        done = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
             str(installed), "aws-lambda-powertools>=3,<4", "aws-xray-sdk>=2.12,<3",
             "wrapt>=1.14"], capture_output=True, text=True, timeout=600, check=False)
        if done.returncode != 0:
            pytest.skip(f"pip could not install aws-lambda-powertools: {done.stderr[-500:]}")
    return installed


@pytest.fixture(autouse=True)
def _unpatched_afterwards() -> Iterator[None]:
    """Put back what the in-process run patched (only its own threads see it meanwhile)."""
    from emulator.runtime.scoped_patches import originals

    saved = originals()
    yield
    for owner, attribute, value in saved:
        setattr(owner, attribute, value)
    import botocore.client

    with contextlib.suppress(AttributeError):
        del botocore.client._xray_enabled  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    installed = powertools_package(tmp_path_factory.mktemp("powertools"))
    build = tmp_path_factory.mktemp("build")
    import shutil

    shutil.copytree(installed, build, dirs_exist_ok=True)
    (build / "app.py").write_text(HANDLER)
    return zip_folder(build)


@pytest.mark.parametrize("executor", ["inprocess", "process"])
def test_logger_tracer_and_event_classes(emulator: EmulatorHandle, package: bytes,
                                         executor: str) -> None:
    client = emulator.client("lambda")
    name = unique("powertools")
    runtime = f"python{sys.version_info.major}.{sys.version_info.minor}"
    client.create_function(FunctionName=name, Runtime=runtime, Handler="app.handler", Role=ROLE,
                           Code={"ZipFile": package}, Timeout=30, MemorySize=512,
                           TracingConfig={"Mode": "Active"},
                           Tags={"emulator:executor": executor})
    event = {"path": "/orders/7", "httpMethod": "POST", "headers": {}, "body": None,
             "requestContext": {"requestId": "r-1", "stage": "prod"}}
    reply = client.invoke(FunctionName=name, Payload=json.dumps(event).encode(), LogType="Tail")
    body = json.loads(reply["Payload"].read())
    assert "FunctionError" not in reply, body
    assert body["path"] == "/orders/7" and body["method"] == "POST"
    # Tracer's patch_all() reached the botocore the handler's boto3 uses.
    assert body["botocore_patched"] is True
    import base64

    log = base64.b64decode(reply["LogResult"]).decode()
    records = [json.loads(line) for line in log.split("\n") if line.startswith("{")]
    order = next(record for record in records if record.get("message") == "handling an order")
    assert order["service"] == "orders" and order["path"] == "/orders/7"
    assert order["function_name"] == name
    assert order["function_request_id"] == reply["ResponseMetadata"]["RequestId"]
    assert order["level"] == "INFO"
    if executor == "inprocess":
        assert "[emulator] the handler patched botocore.client.BaseClient._make_api_call" in log
        # This thread, like every one but the function's, still sees the original.
        import botocore.client

        seen = type(botocore.client.BaseClient._make_api_call).__name__
        assert "FunctionWrapper" not in seen
