"""The stored records of CloudWatch Logs."""

from __future__ import annotations

from pydantic import Field
from typing_extensions import TypedDict

from emulator.store import Record

GROUPS = "groups"  # key: group name
STREAMS = "streams"  # key: "group\x1fstream"
BATCHES = "batches"  # key: "group\x1fstream\x1f<sequence>"; one PutLogEvents worth of events


def stream_key(group: str, stream: str) -> str:
    return f"{group}\x1f{stream}"


def batch_key(group: str, stream: str, sequence: int) -> str:
    return f"{group}\x1f{stream}\x1f{sequence:012d}"


class LogGroupRecord(Record):
    name: str
    created: int  # epoch milliseconds
    retention_days: int | None = None
    kms_key_id: str | None = None
    log_group_class: str = "STANDARD"
    tags: dict[str, str] = Field(default_factory=dict)
    deletion_protection: bool = False


class LogStreamRecord(Record):
    group: str
    name: str
    created: int
    first_event: int | None = None
    last_event: int | None = None
    last_ingestion: int | None = None
    stored_bytes: int = 0
    batches: int = 0


class EventRecord(TypedDict):
    """One event of a batch: a plain dict in memory (one object, where a model is three, for
    every event kept), stored as the same JSON object."""

    timestamp: int
    message: str
    ingestion: int


class BatchRecord(Record):
    sequence: int
    events: list[EventRecord] = Field(default_factory=list)


__all__ = [
    "BATCHES",
    "GROUPS",
    "STREAMS",
    "BatchRecord",
    "EventRecord",
    "LogGroupRecord",
    "LogStreamRecord",
    "batch_key",
    "stream_key",
]
