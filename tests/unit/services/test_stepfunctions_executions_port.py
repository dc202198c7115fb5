"""The ``executions`` port: other services (EventBridge targets) start executions by ARN."""

from __future__ import annotations

import asyncio
import json

import pytest

from emulator.clock import Clock
from emulator.config import Settings
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.registry import ServiceRegistry
from emulator.store import MemoryBackend

ROLE = "arn:aws:iam::111111111111:role/r"


def test_executions_port_starts_a_state_machine_by_arn() -> None:
    registry = ServiceRegistry(Settings(), Clock(), MemoryBackend())
    provider = registry.get("stepfunctions")
    assert provider is not None
    ctx = RequestContext("111111111111", "eu-west-1", "r", "stepfunctions",
                         "CreateStateMachine", "json", "http://localhost:4566")
    definition = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
    arn = provider.create_state_machine(  # type: ignore[attr-defined]
        ctx, name="target", definition=json.dumps(definition), role_arn=ROLE
    )["stateMachineArn"]

    async def run() -> dict[str, object]:
        started = registry.ports.executions.start_execution(arn, '{"from": "rule"}')
        execution_arn = str(started["executionArn"])
        for _ in range(100):
            described = provider.describe_execution(  # type: ignore[attr-defined]
                ctx, execution_arn=execution_arn)
            if described["status"] != "RUNNING":
                return dict(described)
            await asyncio.sleep(0)
        raise AssertionError("still running")

    described = asyncio.run(run())
    assert described["status"] == "SUCCEEDED"
    assert json.loads(str(described["output"])) == {"from": "rule"}
    with pytest.raises(ServiceError) as missing:
        asyncio.run(_start(registry, arn + "-absent"))
    assert missing.value.code == "StateMachineDoesNotExist"


async def _start(registry: ServiceRegistry, arn: str) -> None:
    registry.ports.executions.start_execution(arn, "{}")
