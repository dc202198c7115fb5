"""The AWS CLI drives Step Functions: create, start, describe, history, sync executions,
and AWS's error for an invalid definition."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

import pytest
from sfn_helpers import ROLE, pass_chain

from emulator.testing.handle import EmulatorHandle

# Every command starts a real AWS CLI process (about a second each): the slow profile.
pytestmark = pytest.mark.slow


def _aws(emulator: EmulatorHandle, *args: str, ok: bool = True) -> Any:
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        # start-sync-execution and test-state use a "sync-" host prefix.
        "AWS_DISABLE_HOST_PREFIX_INJECTION": "true",
    }
    done = subprocess.run(
        [sys.executable, "-m", "awscli", "--endpoint-url", emulator.endpoint_url,
         "--output", "json", "stepfunctions", *args],
        capture_output=True, text=True, env=env, timeout=120,
    )
    if not ok:
        assert done.returncode != 0
        return done.stderr
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else {}


def test_aws_cli(fresh_emulator: EmulatorHandle) -> None:
    definition = json.dumps({"StartAt": "Greet", "States": {"Greet": {
        "Type": "Pass", "Parameters": {"greeting.$": "States.Format('Hello, {}!', $.name)"},
        "End": True}}})
    arn = _aws(fresh_emulator, "create-state-machine", "--name", "cli", "--definition",
               definition, "--role-arn", ROLE)["stateMachineArn"]
    assert arn.endswith(":stateMachine:cli")
    execution = _aws(fresh_emulator, "start-execution", "--state-machine-arn", arn,
                     "--input", '{"name": "CLI"}')["executionArn"]
    for _ in range(200):
        described = _aws(fresh_emulator, "describe-execution", "--execution-arn", execution)
        if described["status"] != "RUNNING":
            break
        time.sleep(0.02)
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"greeting": "Hello, CLI!"}
    history = _aws(fresh_emulator, "get-execution-history", "--execution-arn", execution)
    assert [e["type"] for e in history["events"]] == [
        "ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]
    listed = _aws(fresh_emulator, "list-executions", "--state-machine-arn", arn)
    assert [e["executionArn"] for e in listed["executions"]] == [execution]

    express = _aws(fresh_emulator, "create-state-machine", "--name", "cli-express",
                   "--type", "EXPRESS", "--definition", json.dumps(pass_chain(3)),
                   "--role-arn", ROLE)["stateMachineArn"]
    sync = _aws(fresh_emulator, "start-sync-execution", "--state-machine-arn", express,
                "--input", '{"x": 1}')
    assert sync["status"] == "SUCCEEDED" and json.loads(sync["output"]) == {"x": 1}

    stderr = _aws(fresh_emulator, "create-state-machine", "--name", "broken", "--definition",
                  '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "A"}}}',
                  "--role-arn", ROLE, ok=False)
    assert "(InvalidDefinition)" in stderr
    assert ("Invalid State Machine Definition: 'MISSING_END_STATE: Workflow has no terminal "
            "state at null'") in stderr
    _aws(fresh_emulator, "delete-state-machine", "--state-machine-arn", arn)
