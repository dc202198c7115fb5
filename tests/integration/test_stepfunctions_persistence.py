"""With a state dir, a STANDARD execution parked in a Wait survives ``kill -9`` and completes
after the restart; EXPRESS machines keep no executions."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from emulator_process import EmulatorProcess
from sfn_helpers import ROLE

# Each test kills and restarts a real emulator process (seconds each): the slow profile.
pytestmark = pytest.mark.slow


def _client(url: str) -> Any:
    return boto3.client("stepfunctions", endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def _history_types(client: Any, arn: str) -> list[str]:
    return [e["type"] for e in client.get_execution_history(executionArn=arn)["events"]]


def test_waiting_execution_survives_kill_9(tmp_path: Path) -> None:
    state = tmp_path / "state"
    definition = {"StartAt": "Before", "States": {
        "Before": {"Type": "Pass", "Result": "set", "ResultPath": "$.before", "Next": "Park"},
        "Park": {"Type": "Wait", "Seconds": 600, "Next": "After"},
        "After": {"Type": "Pass", "Result": "done", "ResultPath": "$.after", "End": True}}}
    with EmulatorProcess("--state-dir", str(state)) as first:
        first.wait_healthy()
        client = _client(first.url)
        arn = client.create_state_machine(name="durable", definition=json.dumps(definition),
                                          roleArn=ROLE)["stateMachineArn"]
        execution = client.start_execution(stateMachineArn=arn, name="parked",
                                           input='{"id": 7}')["executionArn"]
        for _ in range(500):
            if _history_types(client, execution)[-1] == "WaitStateEntered":
                break
            time.sleep(0.01)
        assert _history_types(client, execution)[-1] == "WaitStateEntered"
        first.kill()

    with EmulatorProcess("--state-dir", str(state)) as second:
        second.wait_healthy()
        client = _client(second.url)
        assert client.describe_execution(executionArn=execution)["status"] == "RUNNING"
        httpx.post(f"{second.url}/_emulator/clock", json={"advance": 600}).raise_for_status()
        for _ in range(500):
            described = client.describe_execution(executionArn=execution)
            if described["status"] != "RUNNING":
                break
            time.sleep(0.01)
        assert described["status"] == "SUCCEEDED"
        assert json.loads(described["output"]) == {"id": 7, "before": "set", "after": "done"}
        history = client.get_execution_history(executionArn=execution)["events"]
        assert [e["type"] for e in history] == [
            "ExecutionStarted", "PassStateEntered", "PassStateExited", "WaitStateEntered",
            "WaitStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]
        assert [e["id"] for e in history] == list(range(1, 9))
        assert second.terminate() in (0, -15)
