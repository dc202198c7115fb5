"""The AWS CLI against the emulator: ``aws lambda invoke`` and ``aws logs tail``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lambda_support import create_function

from emulator.testing import EmulatorHandle

# Every command starts a real AWS CLI process (about a second each): the slow profile.
pytestmark = pytest.mark.slow

V1_CLI = Path(sys.executable).with_name("aws")


def cli_env(emulator: EmulatorHandle) -> dict[str, str]:
    env = dict(os.environ)
    env.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
               AWS_DEFAULT_REGION="us-east-1", AWS_ENDPOINT_URL=emulator.endpoint_url,
               AWS_PAGER="")
    return env


def cli_v2() -> str | None:
    """An AWS CLI version 2 (``aws logs tail`` exists only there)."""
    for candidate in ("/usr/bin/aws", "/usr/local/bin/aws", shutil.which("aws")):
        if candidate and Path(candidate).exists():
            done = subprocess.run([candidate, "--version"], capture_output=True, text=True,
                                  check=False)
            if done.stdout.startswith("aws-cli/2"):
                return candidate
    return None


def test_aws_lambda_invoke(emulator: EmulatorHandle, tmp_path: Path) -> None:
    name = create_function(emulator.client("lambda"), {"app.py": """
        def handler(event, context):
            print("cli says", event["word"])
            return {"echo": event["word"]}
    """})
    out = tmp_path / "out.json"
    done = subprocess.run(
        [str(V1_CLI), "lambda", "invoke", "--function-name", name, "--payload",
         json.dumps({"word": "hi"}), "--log-type", "Tail", str(out)],
        capture_output=True, text=True, env=cli_env(emulator), check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["StatusCode"] == 200
    assert summary["ExecutedVersion"] == "$LATEST"
    import base64

    assert "cli says hi" in base64.b64decode(summary["LogResult"]).decode()
    assert json.loads(out.read_text()) == {"echo": "hi"}


def test_aws_logs_tail(emulator: EmulatorHandle, tmp_path: Path) -> None:
    cli = cli_v2()
    if cli is None:
        pytest.skip("aws logs tail needs AWS CLI v2 (Debian package awscli)")
    client = emulator.client("lambda")
    name = create_function(client, {"app.py": """
        def handler(event, context):
            print("tailed line")
    """})
    client.invoke(FunctionName=name)
    done = subprocess.run([cli, "--endpoint-url", emulator.endpoint_url, "logs", "tail",
                           f"/aws/lambda/{name}"], capture_output=True,
                          text=True, env=cli_env(emulator), check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert any(line.endswith(" tailed line") and "[$LATEST]" in line for line in lines)
    assert any("START RequestId:" in line for line in lines)
    assert any("REPORT RequestId:" in line for line in lines)
