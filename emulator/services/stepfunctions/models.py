"""Stored Step Functions records. Times are epoch seconds; history events are stored as
the interpreter writes them (see emulator.asl.history)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from emulator.store import Record

TERMINAL = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")  # execution statuses
DEFAULT_LOGGING: dict[str, Any] = {"level": "OFF", "includeExecutionData": False}
DEFAULT_TRACING: dict[str, Any] = {"enabled": False}
DEFAULT_ENCRYPTION: dict[str, Any] = {"type": "AWS_OWNED_KEY"}


class MachineRecord(Record):
    arn: str
    name: str
    definition: str
    role_arn: str
    type: str = "STANDARD"
    creation_date: float
    update_date: float | None = None
    description: str | None = None
    logging: dict[str, Any] = Field(default_factory=lambda: dict(DEFAULT_LOGGING))
    tracing: dict[str, Any] = Field(default_factory=lambda: dict(DEFAULT_TRACING))
    encryption: dict[str, Any] = Field(default_factory=lambda: dict(DEFAULT_ENCRYPTION))
    revision_id: str
    status: str = "ACTIVE"
    tags: dict[str, str] = Field(default_factory=dict)
    last_version: int = 0


class VersionRecord(Record):
    arn: str
    machine_arn: str
    number: int
    definition: str
    role_arn: str
    type: str
    description: str | None = None
    creation_date: float
    revision_id: str
    logging: dict[str, Any] = Field(default_factory=lambda: dict(DEFAULT_LOGGING))
    tracing: dict[str, Any] = Field(default_factory=lambda: dict(DEFAULT_TRACING))
    encryption: dict[str, Any] = Field(default_factory=lambda: dict(DEFAULT_ENCRYPTION))


class AliasRecord(Record):
    arn: str
    machine_arn: str
    name: str
    description: str | None = None
    routing: list[dict[str, Any]] = Field(default_factory=list)
    creation_date: float
    update_date: float | None = None


class ExecutionRecord(Record):
    arn: str
    name: str
    machine_arn: str
    machine_name: str
    type: str = "STANDARD"
    status: str = "RUNNING"
    start_date: float
    stop_date: float | None = None
    input: str
    output: str | None = None
    error: str | None = None
    cause: str | None = None
    trace_header: str | None = None
    role_arn: str
    definition: str
    revision_id: str | None = None
    version_arn: str | None = None
    alias_arn: str | None = None
    events: list[dict[str, Any]] = Field(default_factory=list)
    # Where a restart resumes (see emulator.asl.interpreter.Checkpoint); None: from the start.
    checkpoint: dict[str, Any] | None = None
    redrive_count: int = 0
    redrive_date: float | None = None
    # The top-level state that failed and its input, for RedriveExecution.
    redrive_point: dict[str, Any] | None = None
    # The mock configuration's test case the execution runs (``<machine ARN>#<test case>``).
    mock_test_case: str | None = None
    # Its ended Distributed Map runs, as DescribeMapRun answers (see emulator.asl.map_runs).
    map_runs: list[dict[str, Any]] = Field(default_factory=list)


class ActivityRecord(Record):
    arn: str
    name: str
    creation_date: float
    tags: dict[str, str] = Field(default_factory=dict)
    encryption: dict[str, Any] = Field(default_factory=lambda: dict(DEFAULT_ENCRYPTION))


__all__ = [
    "DEFAULT_ENCRYPTION", "DEFAULT_LOGGING", "DEFAULT_TRACING", "ActivityRecord", "AliasRecord",
    "ExecutionRecord", "MachineRecord", "VersionRecord",
]
