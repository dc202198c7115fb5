"""A Distributed Map's run as DescribeMapRun and ListMapRuns report it: its settings, status
and live counts of items and child executions
(https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeMapRun.html).

The engine updates one MapRunProgress while the run goes; whoever started the execution may
watch it (``Execution(on_map_run=...)``) and read it at any time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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

    def started_child(self, items: int) -> None:
        self.executions.running += 1
        self.items.running += items

    def ended_child(self, items: int, outcome: str) -> None:
        """A started child ended: "succeeded", "failed", or "aborted" (stopped while running,
        by the user or because its run ended)."""
        self.executions.running -= 1
        self.items.running -= items
        for counts, amount in ((self.executions, 1), (self.items, items)):
            setattr(counts, outcome, getattr(counts, outcome) + amount)

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
        """What the execution's record keeps: DescribeMapRun's answer and the machine."""
        return {**self.describe(), "stateMachineArn": self.state_machine_arn}


__all__ = ["Counts", "MapRunProgress"]
