"""The notes application deployed by the real SAM CLI (``sam deploy --resolve-s3``) and by the
AWS CLI (``aws cloudformation package`` then ``deploy``), then used end to end: the API
queues a note, the consumer files it in DynamoDB, the workflow counts it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from botocore.exceptions import ClientError

from emulator.testing import EmulatorHandle

# Real CLIs wait seconds between their polls: the slow profile (pytest -m slow) runs these.
pytestmark = pytest.mark.slow

APP = Path(__file__).parent
REPO = APP.parent.parent


def _environment(emulator: EmulatorHandle) -> dict[str, str]:
    env = dict(os.environ)
    env.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
               AWS_DEFAULT_REGION="us-east-1", AWS_ENDPOINT_URL=emulator.endpoint_url,
               AWS_PAGER="", SAM_CLI_TELEMETRY="0", SAM_CLI_POLL_DELAY="1")
    return env


def _sam() -> str:
    """The SAM CLI: $SAM_CLI, else the one .ci/run installs in .venv-sam (its own venv, as it
    pins its own boto3)."""
    for candidate in (os.environ.get("SAM_CLI"), str(REPO / ".venv-sam" / "bin" / "sam"),
                      shutil.which("sam")):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.fail("no SAM CLI: run .ci/run, or python3 -m venv .venv-sam && "
                ".venv-sam/bin/pip install aws-sam-cli")


def _run(command: list[str], cwd: Path, emulator: EmulatorHandle) -> str:
    done = subprocess.run(command, cwd=cwd, env=_environment(emulator), capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, f"{' '.join(command)}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _outputs(emulator: EmulatorHandle, stack: str) -> dict[str, str]:
    described = emulator.client("cloudformation").describe_stacks(StackName=stack)
    return {o["OutputKey"]: o["OutputValue"] for o in described["Stacks"][0]["Outputs"]}


def _use_the_app(emulator: EmulatorHandle, stack: str, stage: str) -> None:
    out = _outputs(emulator, stack)
    api = f"{emulator.endpoint_url}/_aws/execute-api/{out['ApiId']}/Prod/notes"
    created = httpx.post(api, json={"text": "buy milk"})
    assert created.status_code == 202, created.text
    note_id = created.json()["id"]
    deadline = time.monotonic() + 60
    found = httpx.get(f"{api}/{note_id}")
    while found.status_code == 404 and time.monotonic() < deadline:
        time.sleep(0.2)
        found = httpx.get(f"{api}/{note_id}")
    assert found.status_code == 200, found.text
    assert found.json() == {"id": note_id, "text": "buy milk", "stage": stage}
    item = emulator.client("dynamodb").get_item(TableName=out["TableName"],
                                                Key={"id": {"S": note_id}})["Item"]
    assert item["stage"] == {"S": stage}
    sfn = emulator.client("stepfunctions")
    run = sfn.start_execution(stateMachineArn=out["SummaryArn"], input="{}")
    described = sfn.describe_execution(executionArn=run["executionArn"])
    while described["status"] == "RUNNING" and time.monotonic() < deadline:
        time.sleep(0.2)
        described = sfn.describe_execution(executionArn=run["executionArn"])
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"notes": 1}


def _gone(emulator: EmulatorHandle, stack: str, table: str) -> None:
    cfn = emulator.client("cloudformation")
    with pytest.raises(ClientError):
        cfn.describe_stacks(StackName=stack)
    with pytest.raises(ClientError):
        emulator.client("dynamodb").describe_table(TableName=table)


def test_sam_deploy_and_delete(emulator: EmulatorHandle, tmp_path: Path) -> None:
    app = tmp_path / "app"
    shutil.copytree(APP, app, ignore=shutil.ignore_patterns("test_*", "__pycache__"))
    stack = f"notes-sam-{uuid.uuid4().hex[:6]}"
    printed = _run([_sam(), "deploy", "--resolve-s3", "--no-confirm-changeset",
                    "--stack-name", stack, "--capabilities", "CAPABILITY_IAM"], app, emulator)
    assert f"Successfully created/updated stack - {stack}" in printed
    table = _outputs(emulator, stack)["TableName"]
    _use_the_app(emulator, stack, "dev")
    _run([_sam(), "delete", "--stack-name", stack, "--no-prompts"], app, emulator)
    _gone(emulator, stack, table)


def test_aws_cloudformation_package_and_deploy(emulator: EmulatorHandle,
                                              tmp_path: Path) -> None:
    aws = [str(Path(sys.executable).with_name("aws"))]
    stack, bucket = (f"notes-cli-{uuid.uuid4().hex[:6]}",) * 2
    _run([*aws, "s3", "mb", f"s3://{bucket}"], APP, emulator)
    packaged = tmp_path / "packaged.yaml"
    _run([*aws, "cloudformation", "package", "--template-file", str(APP / "template.yaml"),
          "--s3-bucket", bucket, "--output-template-file", str(packaged)], APP, emulator)
    assert "s3://" + bucket in packaged.read_text()
    _run([*aws, "cloudformation", "deploy", "--template-file", str(packaged), "--stack-name",
          stack, "--capabilities", "CAPABILITY_IAM", "--parameter-overrides", "Stage=prod"],
         APP, emulator)
    table = _outputs(emulator, stack)["TableName"]
    _use_the_app(emulator, stack, "prod")
    cfn = emulator.client("cloudformation")
    cfn.delete_stack(StackName=stack)
    cfn.get_waiter("stack_delete_complete").wait(StackName=stack,
                                                 WaiterConfig={"Delay": 0.2})
    _gone(emulator, stack, table)
