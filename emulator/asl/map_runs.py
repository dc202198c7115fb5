"""A Distributed Map's run as DescribeMapRun and ListMapRuns report it: its settings, status,
live counts of items and child executions, and the child executions themselves, as
ListExecutions (``mapRunArn``) and DescribeExecution report them
(https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeMapRun.html).

The engine updates one MapRunProgress while the run goes; whoever started the execution may
watch it (``Execution(on_map_run=...)``), read it at any time and change its settings
(UpdateMapRun): a new MaxConcurrency or tolerated failure threshold holds for the children
that have not started yet.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from emulator.asl.paths import dumps

_ENDED = {"succeeded": "SUCCEEDED", "failed": "FAILED", "aborted": "ABORTED"}


@dataclass
class ChildRun:
    """One child workflow execution of a map run (``items``: how many items it processes)."""

    name: str
    input: Any
    start: float
    stop: float
    output: Any = None
    error: str | None = None
    cause: str | None = None
    items: int = 1
    status: str = "PENDING"  # until it starts: no execution yet
    events: list[dict[str, Any]] | None = None  # its own history (STANDARD children only)

    @property
    def succeeded(self) -> bool:
        return self.error is None


class ConcurrencyGate:
    """Lets at most ``limit`` children run at once (0: any number); the limit may change while
    children wait."""

    def __init__(self, limit: int) -> None:
        self.limit, self.held = limit, 0
        self._waiting: list[asyncio.Event] = []

    async def acquire(self) -> None:
        while self.limit and self.held >= self.limit:
            woken = asyncio.Event()
            self._waiting.append(woken)
            await woken.wait()
        self.held += 1

    def release(self) -> None:
        self.held -= 1
        self._wake()

    def change(self, limit: int) -> None:
        self.limit = limit
        self._wake()

    def _wake(self) -> None:
        waiting, self._waiting = self._waiting, []
        for woken in waiting:
            woken.set()


@dataclass
class Counts:
    """Items or child executions by state (a child with a batch counts its items)."""

    total: int = 0
    running: int = 0
    succeeded: int = 0
    failed: int = 0
    aborted: int = 0
    results_written: int = 0

    def summary(self) -> dict[str, int]:
        pending = (self.total - self.running - self.succeeded - self.failed
                   - self.aborted)
        return {"pending": max(0, pending), "running": self.running,
                "succeeded": self.succeeded, "failed": self.failed, "timedOut": 0,
                "aborted": self.aborted, "total": self.total,
                "resultsWritten": self.results_written,
                "failuresNotRedrivable": 0, "pendingRedrive": 0}


@dataclass
class MapRunProgress:
    arn: str
    execution_arn: str
    state_machine_arn: str
    start: float
    max_concurrency: int
    tolerated_percentage: float
    tolerated_count: int
    stop: float | None = None
    status: str = "RUNNING"
    items: Counts = field(default_factory=Counts)
    executions: Counts = field(default_factory=Counts)
    # The children's state machine ("{machine ARN}/{label}") and ARN prefix
    # ("...:execution:{machine}/{label}", or ":express:" for EXPRESS children).
    child_machine: str = ""
    child_prefix: str = ""
    # The Map's label (as written or generated) and its ItemProcessor: the children's definition.
    label: str = ""
    child_definition: str = ""
    # The failure thresholds as the state set them (None: not set) or UpdateMapRun changed them.
    failure_count_limit: float | None = None
    failure_percentage_limit: float | None = None
    children: list[ChildRun] = field(default_factory=list)  # started ones, in start order
    gate: ConcurrencyGate = field(init=False)

    def __post_init__(self) -> None:
        self.gate = ConcurrencyGate(self.max_concurrency)

    def child_arn(self, child: ChildRun) -> str:
        return f"{self.child_prefix}:{child.name}"

    def started_child(self, child: ChildRun, now: float) -> None:
        child.start, child.status = now, "RUNNING"
        self.children.append(child)
        self.executions.running += 1
        self.items.running += child.items

    def ended_child(self, child: ChildRun, outcome: str, now: float) -> None:
        """A started child ended: "succeeded", "failed", or "aborted" (stopped while running,
        by the user or because its run ended)."""
        child.stop, child.status = now, _ENDED[outcome]
        self.executions.running -= 1
        self.items.running -= child.items
        for counts, amount in ((self.executions, 1), (self.items, child.items)):
            setattr(counts, outcome, getattr(counts, outcome) + amount)

    def update(self, max_concurrency: int | None, percentage: float | None,
               count: int | None) -> None:
        """UpdateMapRun: new settings for the children not started yet."""
        if max_concurrency is not None:
            self.max_concurrency = max_concurrency
            self.gate.change(max_concurrency)
        if percentage is not None:
            self.tolerated_percentage = self.failure_percentage_limit = float(percentage)
        if count is not None:
            self.tolerated_count = count
            self.failure_count_limit = float(count)

    def child_summary(self, child: ChildRun) -> dict[str, Any]:
        """A child execution as ListExecutions and DescribeExecution report it (dates in epoch
        seconds; ``input`` and ``output`` as JSON text)."""
        summary: dict[str, Any] = {
            "executionArn": self.child_arn(child), "stateMachineArn": self.child_machine,
            "name": child.name, "status": child.status, "startDate": child.start,
            "itemCount": child.items, "mapRunArn": self.arn, "input": dumps(child.input),
        }
        if child.status != "RUNNING":
            summary["stopDate"] = child.stop
        if child.status == "SUCCEEDED":
            summary["output"] = dumps(child.output)
        for key, value in (("error", child.error), ("cause", child.cause)):
            if value is not None:
                summary[key] = value
        return summary

    def results_written(self) -> None:
        """The ResultWriter exported every finished child's result."""
        for counts in (self.items, self.executions):
            counts.results_written = counts.succeeded + counts.failed

    def close(self, status: str, now: float) -> None:
        self.status, self.stop = status, now

    def describe(self) -> dict[str, Any]:
        """DescribeMapRun's answer (dates in epoch seconds)."""
        reply: dict[str, Any] = {
            "mapRunArn": self.arn, "executionArn": self.execution_arn, "status": self.status,
            "startDate": self.start, "maxConcurrency": self.max_concurrency,
            "toleratedFailurePercentage": self.tolerated_percentage,
            "toleratedFailureCount": self.tolerated_count,
            "itemCounts": self.items.summary(), "executionCounts": self.executions.summary(),
            "redriveCount": 0,
        }
        if self.stop is not None:
            reply["stopDate"] = self.stop
        return reply

    def stored(self) -> dict[str, Any]:
        """What the execution's record keeps: DescribeMapRun's answer, the machine and the
        child executions."""
        return {**self.describe(), **self.child_machine_facts(),
                "stateMachineArn": self.state_machine_arn,
                "children": [self.child_summary(child) | (
                    {"events": child.events} if child.events is not None else {})
                    for child in self.children]}

    def child_machine_facts(self) -> dict[str, Any]:
        """What DescribeStateMachineForExecution tells of the children's state machine."""
        return {"childStateMachineArn": self.child_machine, "label": self.label,
                "childDefinition": self.child_definition}


__all__ = ["ChildRun", "ConcurrencyGate", "Counts", "MapRunProgress"]
