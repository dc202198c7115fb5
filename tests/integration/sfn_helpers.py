"""Shared helpers for the Step Functions integration tests."""

from __future__ import annotations

import json
import time
from typing import Any

from botocore.config import Config

ROLE = "arn:aws:iam::000000000000:role/StepFunctions"


def sfn(emulator: Any) -> Any:
    # StartSyncExecution and TestState use the "sync-" host prefix, which a local endpoint
    # cannot resolve: the SDKs' inject_host_prefix switch turns it off.
    return emulator.client("stepfunctions", config=Config(inject_host_prefix=False))


def machine(client: Any, name: str, definition: dict[str, Any], **kwargs: Any) -> str:
    arn: str = client.create_state_machine(
        name=name, definition=json.dumps(definition), roleArn=ROLE, **kwargs
    )["stateMachineArn"]
    return arn


def finished(client: Any, execution_arn: str, attempts: int = 500) -> dict[str, Any]:
    """Describe the execution once it has left RUNNING (polling, never timing)."""
    for _ in range(attempts):
        reply: dict[str, Any] = client.describe_execution(executionArn=execution_arn)
        if reply["status"] != "RUNNING":
            return reply
        time.sleep(0.01)
    raise AssertionError(f"{execution_arn} is still running")


def pass_chain(count: int) -> dict[str, Any]:
    states: dict[str, Any] = {}
    for index in range(count):
        state: dict[str, Any] = {"Type": "Pass"}
        if index + 1 < count:
            state["Next"] = f"S{index + 1}"
        else:
            state["End"] = True
        states[f"S{index}"] = state
    return {"StartAt": "S0", "States": states}


__all__ = ["ROLE", "finished", "machine", "pass_chain", "sfn"]
