"""A Distributed Map run is watched while its execution runs; once the execution is over (a
synchronous execution answered, a running one cancelled) nothing keeps watching it."""

from __future__ import annotations

import asyncio
import json

from emulator.asl.map_runs import ConcurrencyGate
from emulator.clock import Clock
from emulator.config import Settings
from emulator.context import RequestContext
from emulator.services.registry import ServiceRegistry
from emulator.store import MemoryBackend

ROLE = "arn:aws:iam::111111111111:role/r"


def _machine(wait: int, kind: str) -> tuple[object, RequestContext, str]:
    registry = ServiceRegistry(Settings(), Clock(), MemoryBackend())
    provider = registry.get("stepfunctions")
    ctx = RequestContext("111111111111", "eu-west-1", "r", "stepfunctions",
                         "CreateStateMachine", "json", "http://localhost:4566")
    definition = {"StartAt": "Fan", "States": {"Fan": {
        "Type": "Map", "ItemsPath": "$.items",
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
            "StartAt": "Hold", "States": {"Hold": {"Type": "Wait", "Seconds": wait,
                                                   "End": True}}},
        "End": True}}}
    arn = provider.create_state_machine(  # type: ignore[union-attr]
        ctx, name="fan", definition=json.dumps(definition), role_arn=ROLE,
        type=kind)["stateMachineArn"]
    return provider, ctx, arn


def test_a_synchronous_execution_leaves_no_run_behind() -> None:
    provider, ctx, arn = _machine(0, "EXPRESS")
    reply = asyncio.run(provider.start_sync_execution(  # type: ignore[attr-defined]
        ctx, state_machine_arn=arn, input='{"items": [1, 2]}'))
    assert reply["status"] == "SUCCEEDED", reply
    assert provider.map_runs == {}  # type: ignore[attr-defined]


def test_a_cancelled_execution_leaves_no_run_behind() -> None:
    provider, ctx, arn = _machine(60, "STANDARD")

    async def run() -> None:
        started = provider.start_execution(  # type: ignore[attr-defined]
            ctx, state_machine_arn=arn, input='{"items": [1, 2]}')
        for _ in range(100):
            if provider.map_runs:  # type: ignore[attr-defined]
                break
            await asyncio.sleep(0)
        assert provider.map_runs  # type: ignore[attr-defined]
        _execution, task, _record = provider.launched[started["executionArn"]]  # type: ignore[attr-defined]
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    asyncio.run(run())
    assert provider.map_runs == {}  # type: ignore[attr-defined]


def test_a_raised_concurrency_limit_lets_waiting_children_start() -> None:
    async def run() -> list[int]:
        gate, started = ConcurrencyGate(1), []

        async def child(index: int) -> None:
            await gate.acquire()
            started.append(index)

        tasks = [asyncio.ensure_future(child(i)) for i in range(3)]
        for _ in range(5):
            await asyncio.sleep(0)
        assert started == [0]  # the other two wait for a place
        gate.change(3)
        await asyncio.gather(*tasks)
        return started

    assert asyncio.run(run()) == [0, 1, 2]
