"""``aws cloudformation deploy`` (the AWS CLI, unchanged) against the emulator: a SAM template
with inline code, deployed, updated, its API called, then deleted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from cloudformation_support import FAST, outputs, stack_name

from emulator.testing import EmulatorHandle
from tests.integration.test_lambda_cli import V1_CLI, cli_env

# Real CLIs wait seconds between their polls: the slow profile (pytest -m slow) runs these.
pytestmark = pytest.mark.slow

TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Parameters:
  Word: {Type: String, Default: first}
Resources:
  Echo:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Environment: {Variables: {WORD: !Ref Word}}
      InlineCode: |
        import os
        def handler(event, context):
            return {"statusCode": 200, "body": os.environ["WORD"]}
      Events:
        Get: {Type: HttpApi, Properties: {Path: /word, Method: get}}
Outputs:
  ApiId: {Value: !Ref ServerlessHttpApi}
"""


def _aws(emulator: EmulatorHandle, *args: str) -> subprocess.CompletedProcess[str]:
    command = [str(V1_CLI)] if V1_CLI.exists() else [sys.executable, "-m", "awscli"]
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=300,
                          env=cli_env(emulator))


def test_aws_cloudformation_deploy(emulator: EmulatorHandle, tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE)
    name = stack_name("cli")
    deployed = _aws(emulator, "cloudformation", "deploy", "--template-file", str(template),
                    "--stack-name", name, "--capabilities", "CAPABILITY_IAM")
    assert deployed.returncode == 0, deployed.stderr
    assert f"Successfully created/updated stack - {name}" in deployed.stdout
    cfn = emulator.client("cloudformation")
    url = f"{emulator.endpoint_url}/_aws/execute-api/{outputs(cfn, name)['ApiId']}/word"
    assert httpx.get(url).text == "first"

    again = _aws(emulator, "cloudformation", "deploy", "--template-file", str(template),
                 "--stack-name", name, "--capabilities", "CAPABILITY_IAM",
                 "--parameter-overrides", "Word=second")
    assert again.returncode == 0, again.stderr
    assert httpx.get(url).text == "second"
    unchanged = _aws(emulator, "cloudformation", "deploy", "--template-file", str(template),
                     "--stack-name", name, "--capabilities", "CAPABILITY_IAM",
                     "--parameter-overrides", "Word=second")
    assert unchanged.returncode == 255  # the AWS CLI's answer without --no-fail-on-empty...
    assert f"No changes to deploy. Stack {name} is up to date" in unchanged.stderr

    described = _aws(emulator, "cloudformation", "describe-stacks", "--stack-name", name)
    assert json.loads(described.stdout)["Stacks"][0]["StackStatus"] == "UPDATE_COMPLETE"
    deleted = _aws(emulator, "cloudformation", "delete-stack", "--stack-name", name)
    assert deleted.returncode == 0
    cfn.get_waiter("stack_delete_complete").wait(StackName=name, WaiterConfig=FAST)
