"""The stored records of DynamoDB: one per table, in the API's own output shapes.

Items are not records: each table's items are stored as JSON documents under
``items_table(name)`` and kept in memory by the engine (emulator.dynamodb.table).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from emulator.store import Record

TABLES = "tables"


def items_table(table_name: str, table_id: str) -> str:
    """Where a table's items are stored; the id keeps a re-created table's rows apart."""
    return f"items:{table_name}:{table_id}"


class TableRecord(Record):
    name: str
    account: str
    region: str
    # DescribeTable's TableDescription as stored (counts and sizes are filled in on answer).
    description: dict[str, Any]
    tags: dict[str, str] = Field(default_factory=dict)
    ttl_attribute: str | None = None
    ttl_enabled: bool = False
    point_in_time_recovery: bool = False
    recovery_period_days: int = 35
    resource_policy: str | None = None
    policy_revision: str | None = None
    stream_created: float | None = None  # clock seconds the current stream was enabled

    @property
    def arn(self) -> str:
        return str(self.description["TableArn"])

    @property
    def table_id(self) -> str:
        return str(self.description["TableId"])


__all__ = ["TABLES", "TableRecord", "items_table"]
