"""``localcloud deploy TEMPLATE``: a SAM application with its code in a local folder, deployed
to a running emulator (the code uploaded to its S3) with progress and outputs printed, then
updated to run the folder in place, then called."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import httpx
import pytest

from emulator.testing import EmulatorHandle

# Every command starts a real AWS CLI process (about a second each): the slow profile.
pytestmark = pytest.mark.slow

TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Parameters:
  Greeting: {Type: String, Default: hello}
Resources:
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Environment: {Variables: {GREETING: !Ref Greeting}}
      Events:
        Api: {Type: HttpApi, Properties: {Path: /hello, Method: get}}
Outputs:
  ApiId: {Value: !Ref ServerlessHttpApi}
"""


def _deploy(emulator: EmulatorHandle, template: Path,
            *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "emulator", "deploy", str(template), "--endpoint-url",
         emulator.endpoint_url, "--stack-name", "cli-app", *extra],
        capture_output=True, text=True, timeout=120)


def test_deploy_packages_local_code_and_prints_progress(emulator: EmulatorHandle,
                                                        tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(textwrap.dedent("""
        import os
        def handler(event, context):
            return {"statusCode": 200, "body": os.environ["GREETING"]}
    """))
    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE)
    first = _deploy(emulator, template)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[0] == "Deploying stack cli-app (create)"
    assert any(line.startswith("CREATE_COMPLETE") and line.endswith("Hello")
               for line in lines)
    assert lines[-1] == "Stack cli-app: CREATE_COMPLETE"
    api_id = next(line.split(": ", 1)[1] for line in lines if line.startswith("Output ApiId"))
    url = f"{emulator.endpoint_url}/_aws/execute-api/{api_id}/hello"
    assert httpx.get(url).text == "hello"

    s3 = emulator.client("s3")
    uploaded = s3.list_objects_v2(Bucket="localcloud-deploy-artifacts-us-east-1")["Contents"]
    assert [o["Key"].endswith(".zip") for o in uploaded] == [True]
    (tmp_path / "src" / "app.py").write_text(textwrap.dedent("""
        import os
        def handler(event, context):
            return {"statusCode": 200, "body": os.environ["GREETING"] + "!"}
    """))
    second = _deploy(emulator, template, "--parameter-overrides", "Greeting=bonjour",
                     "--hot-reload")
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines()[-1] == "Stack cli-app: UPDATE_COMPLETE"
    assert httpx.get(url).text == "bonjour!"  # the folder itself now runs
    again = _deploy(emulator, template, "--parameter-overrides", "Greeting=bonjour",
                    "--hot-reload")
    assert again.stdout.strip() == "No changes to deploy. Stack cli-app is up to date"
    emulator.client("cloudformation").delete_stack(StackName="cli-app")


def test_deploy_reports_a_missing_code_folder(emulator: EmulatorHandle, tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE)
    failed = _deploy(emulator, template)
    assert failed.returncode == 2
    assert failed.stderr.strip().startswith("localcloud deploy: src/: no such folder")
