"""With a state dir, a Task-heavy STANDARD workflow killed with ``kill -9`` at random points
and restarted finishes, and no state that had finished before a kill runs again: each task's
side effect happens once, except the one task in flight at a kill, which starts over (as a
task whose worker was lost does). An execution that ended is never run again after a restart.
"""

from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path
from typing import Any

import boto3
import pytest
from emulator_process import EmulatorProcess
from lambda_support import ROLE, zip_of

STEPS = 6
HANDLER = """
import os, time

def handler(event, context):
    # The side effect: one line per run of a step, written before the task answers.
    with open(os.environ["SIDE_EFFECTS"], "a") as out:
        out.write(f"{event['run']}:{event['step']}\\n")
    time.sleep(0.15)
    return {"done": event["step"]}
"""


def _client(url: str, service: str) -> Any:
    return boto3.client(service, endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def _definition(function_arn: str) -> str:
    states: dict[str, Any] = {}
    for step in range(STEPS):
        states[f"Step{step}"] = {
            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": function_arn,
                           "Payload": {"run.$": "$$.Execution.Name", "step": step}},
            "ResultPath": None,
            **({"Next": f"Step{step + 1}"} if step < STEPS - 1 else {"End": True}),
        }
    return json.dumps({"StartAt": "Step0", "States": states})


def _wait_done(client: Any, arn: str, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        described: dict[str, Any] = client.describe_execution(executionArn=arn)
        if described["status"] != "RUNNING":
            return described
        time.sleep(0.1)
    raise AssertionError(f"{arn} still running after {timeout} s")


@pytest.mark.slow  # a dozen server starts: minutes on a busy machine
def test_killed_at_random_points_each_side_effect_happens_once(tmp_path: Path) -> None:
    seed = int(os.environ.get("KILL_SEED", random.randrange(1 << 30)))
    chance = random.Random(seed)
    state, effects = tmp_path / "state", tmp_path / "effects.txt"
    effects.touch()
    env = {"SIDE_EFFECTS": str(effects)}
    kills: dict[str, int] = {}
    with EmulatorProcess("--state-dir", str(state), env=env) as first:
        first.wait_healthy()
        lambda_client = _client(first.url, "lambda")
        function_arn = lambda_client.create_function(
            FunctionName="side-effect", Runtime="python3.12", Role=ROLE,
            Handler="app.handler", Code={"ZipFile": zip_of({"app.py": HANDLER})},
            Environment={"Variables": env}, Timeout=30)["FunctionArn"]
        sfn = _client(first.url, "stepfunctions")
        machine = sfn.create_state_machine(name="tasks", definition=_definition(function_arn),
                                           roleArn=ROLE)["stateMachineArn"]
        first.kill()
    runs = [f"run{index}" for index in range(3)]
    for run in runs:
        with EmulatorProcess("--state-dir", str(state), env=env) as server:
            server.wait_healthy()
            _client(server.url, "stepfunctions").start_execution(
                stateMachineArn=machine, name=run, input="{}")
            kills[run] = 0
            # Kill it a few times while it works, each time at a random moment.
            for _ in range(2):
                time.sleep(chance.uniform(0.05, 0.9))
                server.kill()
                kills[run] += 1
                server = EmulatorProcess("--state-dir", str(state), env=env)
                server.wait_healthy()
            sfn = _client(server.url, "stepfunctions")
            described = _wait_done(sfn, f"{machine.replace(':stateMachine:', ':execution:')}"
                                        f":{run}")
            assert described["status"] == "SUCCEEDED", (seed, described)
            server.terminate()
            server.__exit__()

    lines = effects.read_text().split()
    for run in runs:
        counts = [lines.count(f"{run}:{step}") for step in range(STEPS)]
        assert all(count >= 1 for count in counts), (seed, run, counts)
        # Only a task in flight at a kill may run twice: at most one per kill.
        assert sum(count - 1 for count in counts) <= kills[run], (seed, run, counts)

    # Ended executions are not run again by another restart.
    before = effects.read_text()
    with EmulatorProcess("--state-dir", str(state), env=env) as last:
        last.wait_healthy()
        time.sleep(1)
        assert effects.read_text() == before
        statuses = {e["name"]: e["status"] for e in _client(last.url, "stepfunctions")
                    .list_executions(stateMachineArn=machine)["executions"]}
        assert statuses == dict.fromkeys(runs, "SUCCEEDED")
