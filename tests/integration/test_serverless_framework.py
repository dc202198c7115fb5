"""A typical Serverless Framework (v3) service deployed, used and removed with the framework
itself: a Node.js function behind a REST API `http` event, a Python function fed by an `sqs`
event from a queue under `resources:`, and a DynamoDB table whose name reaches both through
`environment:` with `!Ref`.

The framework's bundled AWS SDK (v2) honours no endpoint variable, so the test points it at
the emulator the way users do: a module preloaded through NODE_OPTIONS that sets the SDK's
global endpoint. It runs the framework found as `serverless` on PATH or named by
SERVERLESS_BIN (`npm install serverless@3`), and skips without one.

The calls it makes are replayed through boto3 in test_cloudformation_serverless_framework.py,
test_sts.py and test_ecr_repositories.py, which cite AWS's documentation.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from emulator.testing import EmulatorHandle

pytestmark = pytest.mark.slow

SERVICE = """
service: {service}
frameworkVersion: '3'
provider:
  name: aws
  region: {region}
  stage: dev
  environment:
    TABLE_NAME: !Ref ItemsTable
functions:
  hello:
    runtime: nodejs20.x
    handler: handler.hello
    events:
      - http: {{path: hello, method: get}}
  worker:
    runtime: python3.11
    handler: worker.handle
    events:
      - sqs: {{arn: !GetAtt JobsQueue.Arn, batchSize: 5}}
resources:
  Resources:
    ItemsTable:
      Type: AWS::DynamoDB::Table
      Properties:
        BillingMode: PAY_PER_REQUEST
        AttributeDefinitions: [{{AttributeName: id, AttributeType: S}}]
        KeySchema: [{{AttributeName: id, KeyType: HASH}}]
    JobsQueue:
      Type: AWS::SQS::Queue
      Properties: {{VisibilityTimeout: 60}}
  Outputs:
    QueueUrl: {{Value: !Ref JobsQueue}}
"""
HANDLER_JS = """
exports.hello = async (event) => ({
  statusCode: 200,
  body: JSON.stringify({ message: '{greeting}', table: process.env.TABLE_NAME }),
});
"""
WORKER_PY = """
import os


def handle(event, context):
    for record in event["Records"]:
        print("got", record["body"], "for", os.environ["TABLE_NAME"])
"""
PRELOAD = """
const AWS = require(process.env.SLS_TEST_AWS_SDK);
AWS.config.update({ endpoint: process.env.SLS_TEST_ENDPOINT, s3ForcePathStyle: true });
"""


def _framework() -> tuple[Path, Path] | None:
    """The serverless v3 command and the aws-sdk (v2) module it loads, or None."""
    found = os.environ.get("SERVERLESS_BIN") or shutil.which("serverless")
    if not found or shutil.which("node") is None:
        return None
    package = Path(found).resolve().parent.parent  # .../node_modules/serverless/bin/...
    for sdk in (package / "node_modules" / "aws-sdk", package.parent / "aws-sdk"):
        if (sdk / "package.json").is_file() and '"version": "3.' in (
                package / "package.json").read_text():
            return Path(found), sdk
    return None


FRAMEWORK = _framework()


@pytest.fixture
def project(tmp_path: Path, emulator: EmulatorHandle) -> Any:
    if FRAMEWORK is None:
        pytest.skip("needs the Serverless Framework v3 (npm install serverless@3)")
    service = f"sls-{uuid.uuid4().hex[:6]}"
    (tmp_path / "serverless.yml").write_text(SERVICE.format(service=service,
                                                            region=emulator.region))
    (tmp_path / "handler.js").write_text(HANDLER_JS.replace("{greeting}", "hello"))
    (tmp_path / "worker.py").write_text(WORKER_PY)
    (tmp_path / "preload.js").write_text(PRELOAD)
    environment = {
        **os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_REGION": emulator.region, "SLS_TELEMETRY_DISABLED": "1",
        "SLS_NOTIFICATIONS_MODE": "off", "SLS_TEST_ENDPOINT": emulator.endpoint_url,
        "SLS_TEST_AWS_SDK": str(FRAMEWORK[1]),
        "NODE_OPTIONS": f"--require {tmp_path / 'preload.js'}"}

    def run(*args: str) -> str:
        done = subprocess.run([str(FRAMEWORK[0]), *args], cwd=tmp_path, env=environment,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout + done.stderr

    return service, tmp_path, run


def _logged(emulator: EmulatorHandle, group: str, text: str) -> bool:
    logs = emulator.client("logs")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            found = logs.filter_log_events(logGroupName=group)["events"]
        except logs.exceptions.ResourceNotFoundException:
            found = []
        if any(text in event["message"] for event in found):
            return True
        time.sleep(0.5)
    return False


def test_deploy_use_update_and_remove(project: Any, emulator: EmulatorHandle) -> None:
    service, folder, run = project
    cfn = emulator.client("cloudformation")
    stack = f"{service}-dev"
    run("deploy")
    outputs = {o["OutputKey"]: o["OutputValue"]
               for o in cfn.describe_stacks(StackName=stack)["Stacks"][0]["Outputs"]}
    api = outputs["ServiceEndpoint"].split("//", 1)[1].split(".", 1)[0]
    url = f"{emulator.endpoint_url}/_aws/execute-api/{api}/dev/hello"
    reply = httpx.get(url, timeout=30)
    assert reply.status_code == 200, reply.text
    table = reply.json()["table"]
    assert table.startswith(f"{stack}-ItemsTable-")

    emulator.client("sqs").send_message(QueueUrl=outputs["QueueUrl"], MessageBody="job-42")
    assert _logged(emulator, f"/aws/lambda/{stack}-worker", f"got job-42 for {table}")

    # A second deploy with new code goes through the update path (a new change set and a
    # new REST API deployment on the same stage).
    (folder / "handler.js").write_text(HANDLER_JS.replace("{greeting}", "hello again"))
    run("deploy")
    assert httpx.get(url, timeout=30).json()["message"] == "hello again"

    run("remove")
    assert cfn.list_stacks(StackStatusFilter=["DELETE_COMPLETE"])["StackSummaries"][0][
        "StackName"] == stack
    functions = [f["FunctionName"] for f in emulator.client("lambda").list_functions()[
        "Functions"]]
    assert not [name for name in functions if name.startswith(stack)]
