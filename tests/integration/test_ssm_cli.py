"""The AWS CLI against Parameter Store: ``aws ssm put-parameter``, ``get-parameter`` with
decryption and selectors, ``get-parameters-by-path`` across pages, and an error's exit."""

from __future__ import annotations

import json
import subprocess
import uuid
from typing import Any

import pytest
from test_lambda_cli import V1_CLI, cli_env

from emulator.testing import EmulatorHandle

# Every command starts a real AWS CLI process (about a second each): the slow profile.
pytestmark = pytest.mark.slow


def _aws(emulator: EmulatorHandle, *args: str) -> Any:
    done = subprocess.run([str(V1_CLI), "ssm", *args, "--output", "json"], capture_output=True,
                          text=True, env=cli_env(emulator), check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else None


def test_put_and_get_with_the_cli(emulator: EmulatorHandle) -> None:
    root = f"/cli{uuid.uuid4().hex[:8]}"
    assert _aws(emulator, "put-parameter", "--name", f"{root}/pw", "--value", "s3cret",
                "--type", "SecureString") == {"Version": 1, "Tier": "Standard"}
    _aws(emulator, "put-parameter", "--name", f"{root}/pw", "--value", "n3w", "--type",
         "SecureString", "--overwrite")
    shown = _aws(emulator, "get-parameter", "--name", f"{root}/pw:1", "--with-decryption")
    assert (shown["Parameter"]["Value"], shown["Parameter"]["Selector"]) == ("s3cret", ":1")
    ssm = emulator.client("ssm")
    for n in range(12):
        ssm.put_parameter(Name=f"{root}/list/{n:02d}", Value=str(n), Type="String")
    # The CLI follows NextToken itself (pages of ten at most) and joins the pages.
    listed = _aws(emulator, "get-parameters-by-path", "--path", f"{root}/list")
    assert [p["Value"] for p in listed["Parameters"]] == [str(n) for n in range(12)]


def test_a_missing_parameter_fails_the_command(emulator: EmulatorHandle) -> None:
    done = subprocess.run([str(V1_CLI), "ssm", "get-parameter", "--name", "/no/such/thing"],
                          capture_output=True, text=True, env=cli_env(emulator), check=False,
                          timeout=60)
    assert done.returncode == 254 or done.returncode == 255
    assert "ParameterNotFound" in done.stderr
