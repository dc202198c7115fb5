"""The stored records of EventBridge Pipes: pipes, and the stream positions they have read."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from emulator.store import Record

PIPES = "pipes"  # key: pipe name
CHECKPOINTS = "checkpoints"  # key: pipe name; stream sources only (CheckpointRecord)


class PipeRecord(Record):
    name: str
    arn: str
    account: str
    region: str
    source: str
    target: str
    role_arn: str
    description: str | None = None
    desired_state: str = "RUNNING"
    current_state: str = "RUNNING"
    state_reason: str | None = None
    source_parameters: dict[str, Any] = Field(default_factory=dict)
    enrichment: str | None = None
    enrichment_parameters: dict[str, Any] = Field(default_factory=dict)
    target_parameters: dict[str, Any] = Field(default_factory=dict)
    log_configuration: dict[str, Any] | None = None
    kms_key_identifier: str | None = None
    tags: dict[str, str] = Field(default_factory=dict)
    created: float = 0.0
    last_modified: float = 0.0
    generation: int = 0  # bumped by each change, so a poller's source is never stale


__all__ = ["CHECKPOINTS", "PIPES", "PipeRecord"]
