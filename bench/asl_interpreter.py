"""The States Language interpreter in process: Pass transitions per second on a 100-state
chain, and a Map over 10,000 items with unlimited concurrency."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

from bench.results import Result, median
from emulator.asl.interpreter import Execution, ExecutionInfo
from emulator.asl.loader import load
from emulator.asl.nodes import Machine
from emulator.clock import Clock

CHAIN = 100
TARGET_PER_SECOND = 50_000
MAP_ITEMS = 10_000


def workflow(steps: int, state: Callable[[int], dict[str, Any]]) -> dict[str, Any]:
    """States S0, S1, ... run one after the other; ``state(index)`` gives each one's body."""
    states: dict[str, Any] = {}
    for index in range(steps):
        body = state(index)
        if index + 1 < steps:
            body["Next"] = f"S{index + 1}"
        else:
            body["End"] = True
        states[f"S{index}"] = body
    return {"StartAt": "S0", "States": states}


def chain(count: int) -> dict[str, Any]:
    """``count`` Pass states in a row."""
    return workflow(count, lambda _: {"Type": "Pass"})


def _info(data: Any) -> ExecutionInfo:
    return ExecutionInfo(
        "arn:aws:states:us-east-1:000000000000:execution:bench:run", "run",
        "arn:aws:states:us-east-1:000000000000:stateMachine:bench", "bench",
        "arn:aws:iam::000000000000:role/bench", data, time.time(), "000000000000", "us-east-1",
    )


async def _timed_runs(machine: Machine, data: Any, runs: int, keep: bool) -> list[float]:
    clock = Clock()
    times: list[float] = []
    for _ in range(runs):
        execution = Execution(machine, _info(data), clock, keep_history=keep)
        began = time.perf_counter()
        outcome = await execution.run()
        times.append(time.perf_counter() - began)
        if outcome.status != "SUCCEEDED":
            raise RuntimeError(f"benchmark execution failed: {outcome}")
    return times


def run(runs: int) -> list[Result]:
    machine = load(json.dumps(chain(CHAIN)))
    data = {"order": 1, "items": ["a", "b", "c"]}
    asyncio.run(_timed_runs(machine, data, 10, True))  # warm up
    per_chain = median(asyncio.run(_timed_runs(machine, data, runs, True)))
    budget = CHAIN / TARGET_PER_SECOND
    results = [Result(
        f"ASL {CHAIN}-state Pass chain in process, with history ({CHAIN / per_chain:,.0f} "
        "transitions/s)", "s", per_chain, budget, 1.0, runs,
    )]
    mapped = load(json.dumps({"StartAt": "M", "States": {"M": {
        "Type": "Map", "MaxConcurrency": 0,
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
        "End": True}}}))
    items = list(range(MAP_ITEMS))
    map_times = asyncio.run(_timed_runs(mapped, items, 3, False))
    results.append(Result(
        f"ASL Map over {MAP_ITEMS:,} items, MaxConcurrency 0 (floor: as many chain "
        "transitions)", "s", median(map_times), MAP_ITEMS * per_chain / CHAIN, None, 3,
    ))
    return results


__all__ = ["chain", "run", "workflow"]
