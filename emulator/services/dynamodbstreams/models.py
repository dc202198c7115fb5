"""The stored records of DynamoDB Streams: one per stream (a table has a new stream each
time its stream is enabled), with its shards; the stream records are batches in the shard
store (services/shard_store.py)."""

from __future__ import annotations

from pydantic import Field

from emulator.store import Record

STREAMS = "streams"  # key: the stream ARN


class ShardModel(Record):
    shard_id: str
    parent: str | None = None
    start_sequence: str
    end_sequence: str | None = None
    created: float
    closed_at: float | None = None


class StreamModel(Record):
    arn: str
    label: str
    table_name: str
    table_arn: str
    account: str
    region: str
    view_type: str
    key_schema: list[dict[str, str]] = Field(default_factory=list)
    created: float
    enabled: bool = True
    disabled_at: float | None = None
    shards: list[ShardModel] = Field(default_factory=list)
    next_shard: int = 0


__all__ = ["STREAMS", "ShardModel", "StreamModel"]
