"""Stored records of X-Ray: sampling rules, groups, tags, encryption and telemetry.

Traces live in the collector (emulator.xray.collector); when state persists, each segment
is also a record (see journal.py).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from emulator.store import Record

RULES = "rules"
GROUPS = "groups"
TAGS = "tags"
SETTINGS = "settings"
TELEMETRY = "telemetry"
SEGMENTS = "segments"


class SegmentRecord(Record):
    document: str  # the segment document as kept
    at: float  # when it arrived, on the emulator's clock


class RuleRecord(Record):
    rule: dict[str, Any]  # the SamplingRule shape, RuleARN included
    created: float
    modified: float


class GroupRecord(Record):
    name: str
    arn: str
    filter_expression: str | None = None
    insights: dict[str, bool] = Field(default_factory=dict)


class TagsRecord(Record):
    tags: dict[str, str] = Field(default_factory=dict)


class EncryptionRecord(Record):
    key_id: str | None = None
    type: str = "NONE"


class TelemetryRecord(Record):
    records: int = 0
    received: int = 0
    sent: int = 0
    rejected: int = 0


__all__ = ["GROUPS", "RULES", "SEGMENTS", "SETTINGS", "TAGS", "TELEMETRY", "EncryptionRecord",
           "GroupRecord", "RuleRecord", "SegmentRecord", "TagsRecord", "TelemetryRecord"]
