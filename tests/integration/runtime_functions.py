"""One small function, written for every runtime the emulator runs, and how to deploy each.

The event's ``action`` says what the function does: ``hello``, ``error``, ``timeout``,
``env``, ``context``, ``sdk`` (an AWS API call back into the emulator), ``log``; anything else
echoes the event back.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import textwrap
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).parent
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "localcloud-tests"

PYTHON = textwrap.dedent("""
    import os, time
    import boto3

    class CustomError(Exception):
        pass

    def handler(event, context):
        action = event.get("action") if isinstance(event, dict) else None
        if action == "hello":
            return {"hello": event["name"]}
        if action == "error":
            raise CustomError("boom")
        if action == "timeout":
            time.sleep(600)
        if action == "env":
            return {"function": os.environ["AWS_LAMBDA_FUNCTION_NAME"],
                    "colour": os.environ.get("COLOUR"), "region": os.environ["AWS_REGION"],
                    "handler": os.environ["_HANDLER"],
                    "memory": os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"]}
        if action == "context":
            return {"requestId": context.aws_request_id, "functionName": context.function_name,
                    "invokedFunctionArn": context.invoked_function_arn,
                    "memoryLimitInMB": context.memory_limit_in_mb,
                    "logStreamName": context.log_stream_name,
                    "remaining": context.get_remaining_time_in_millis()}
        if action == "sdk":
            return {"sdk": {"QueueUrls": boto3.client("sqs").list_queues().get("QueueUrls", [])}}
        if action == "log":
            print("line one\\nline two")
            return "logged"
        return event
""")

NODE_BODY = """
class CustomError extends Error {
  constructor(message) {
    super(message);
    this.name = "CustomError";
  }
}

const handler = async (event, context) => {
  switch (event && event.action) {
    case "hello":
      return { hello: event.name };
    case "error":
      throw new CustomError("boom");
    case "timeout":
      return new Promise((resolve) => setTimeout(resolve, 600000));
    case "env":
      return { function: process.env.AWS_LAMBDA_FUNCTION_NAME, colour: process.env.COLOUR,
               region: process.env.AWS_REGION, handler: process.env._HANDLER,
               memory: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE };
    case "context":
      return { requestId: context.awsRequestId, functionName: context.functionName,
               invokedFunctionArn: context.invokedFunctionArn,
               memoryLimitInMB: context.memoryLimitInMB, logStreamName: context.logStreamName,
               remaining: context.getRemainingTimeInMillis() };
    case "sdk": {
      const { SQSClient, ListQueuesCommand } = load("@aws-sdk/client-sqs");
      const listed = await new SQSClient({}).send(new ListQueuesCommand({}));
      return { sdk: { QueueUrls: listed.QueueUrls || [] } };
    }
    case "log":
      console.log("line one\\nline two");
      return "logged";
    default:
      return event;
  }
};
"""

NODE_COMMONJS = "const load = require;\n" + NODE_BODY + "\nexports.handler = handler;\n"
NODE_MODULE = ('import { createRequire } from "node:module";\n'
               "const load = createRequire(import.meta.url);\n"
               + NODE_BODY + "\nexport { handler };\n")


@dataclass
class Kind:
    """One way of running the function: its runtime, files, handler and function options."""

    name: str
    runtime: str
    files: dict[str, bytes]
    handler: str
    options: dict[str, Any] = field(default_factory=dict)
    executable: tuple[str, ...] = ()


def zip_files(files: dict[str, bytes], executable: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o755 if name in executable else 0o644) << 16
            info.create_system = 3
            archive.writestr(info, data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def zip_folder(folder: Path, prefix: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, prefix + str(path.relative_to(folder)))
    return buffer.getvalue()


def need(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        pytest.skip(f"{tool} is not installed")
    return found


def compiled_bootstrap(tmp: Path) -> bytes:
    compiler = need("gcc")
    target = tmp / "bootstrap"
    subprocess.run([compiler, "-O1", "-o", str(target), str(HERE / "runtimes" / "bootstrap.c")],
                   check=True, capture_output=True, timeout=120)
    return target.read_bytes()


def node_sdk_layer() -> bytes:
    """A layer with the AWS SDK for JavaScript's SQS client under ``nodejs/node_modules``,
    installed with npm once per machine (AWS's Node.js runtime ships the SDK; we do not)."""
    npm = need("npm")
    folder = CACHE / "node-sdk-v3"
    modules = folder / "nodejs" / "node_modules" / "@aws-sdk" / "client-sqs"
    if not modules.is_dir():
        (folder / "nodejs").mkdir(parents=True, exist_ok=True)
        subprocess.run([npm, "install", "--no-audit", "--no-fund", "--loglevel=error",
                        "--prefix", str(folder / "nodejs"), "@aws-sdk/client-sqs@3"],
                       check=True, capture_output=True, timeout=600)
    return zip_folder(folder / "nodejs", "nodejs/")


def kinds(tmp: Path) -> dict[str, Kind]:
    """Every kind, built lazily by name (a missing tool skips only its kinds)."""
    return {
        "python-inprocess": Kind("python-inprocess", "python3.11",
                                 {"app.py": PYTHON.encode()}, "app.handler",
                                 {"Tags": {"emulator:executor": "inprocess"}}),
        "python-process": Kind("python-process", "python3.11", {"app.py": PYTHON.encode()},
                               "app.handler", {"Tags": {"emulator:executor": "process"}}),
        "node-commonjs": Kind("node-commonjs", "nodejs20.x",
                              {"index.js": NODE_COMMONJS.encode()}, "index.handler"),
        "node-module": Kind("node-module", "nodejs20.x", {"index.mjs": NODE_MODULE.encode()},
                            "index.handler"),
    }


__all__ = ["CACHE", "NODE_COMMONJS", "NODE_MODULE", "PYTHON", "Kind", "compiled_bootstrap",
           "kinds", "need", "node_sdk_layer", "zip_files", "zip_folder"]
