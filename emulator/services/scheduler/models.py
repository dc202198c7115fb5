"""The stored records of EventBridge Scheduler: schedule groups and schedules."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from emulator.store import Record

GROUPS = "groups"  # key: group name
SCHEDULES = "schedules"  # key: "group-name/schedule-name"


class GroupRecord(Record):
    name: str
    arn: str
    tags: dict[str, str] = Field(default_factory=dict)
    created: float = 0.0
    last_modified: float = 0.0


class ScheduleRecord(Record):
    name: str
    group: str
    arn: str
    account: str
    region: str
    expression: str
    timezone: str = "UTC"
    start: float | None = None
    end: float | None = None
    state: str = "ENABLED"
    description: str | None = None
    flexible_window: dict[str, Any] = Field(default_factory=lambda: {"Mode": "OFF"})
    target: dict[str, Any] = Field(default_factory=dict)
    after_completion: str = "NONE"
    kms_key_arn: str | None = None
    client_token: str | None = None  # the CreateSchedule request's, for an SDK's retries
    created: float = 0.0
    last_modified: float = 0.0

    @property
    def key(self) -> str:
        return f"{self.group}/{self.name}"


__all__ = ["GROUPS", "SCHEDULES", "GroupRecord", "ScheduleRecord"]
