"""The stored records of EventBridge: event buses and rules (with their targets)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from emulator.store import Record

BUSES = "buses"  # key: bus name
RULES = "rules"  # key: "bus-name/rule-name"


class BusRecord(Record):
    name: str
    arn: str
    description: str | None = None
    policy: str | None = None
    tags: dict[str, str] = Field(default_factory=dict)
    created: float = 0.0
    last_modified: float = 0.0


class RuleRecord(Record):
    name: str
    bus: str
    arn: str
    account: str
    region: str
    event_pattern: str | None = None
    schedule: str | None = None
    state: str = "ENABLED"
    description: str | None = None
    role_arn: str | None = None
    targets: list[dict[str, Any]] = Field(default_factory=list)
    tags: dict[str, str] = Field(default_factory=dict)
    created: float = 0.0

    @property
    def enabled(self) -> bool:
        return self.state.startswith("ENABLED")


__all__ = ["BUSES", "RULES", "BusRecord", "RuleRecord"]
