"""The stored records of Kinesis Data Streams.

A stream's metadata, shards and consumers are one record; the data records are stored in
batches (services/shard_store.py), one PutRecord or PutRecords worth per shard.
"""

from __future__ import annotations

from pydantic import Field
from typing_extensions import TypedDict

from emulator.store import Record

STREAMS = "streams"  # key: stream name
class ShardModel(Record):
    shard_id: str
    index: int  # the number in its id, also encoded in its sequence numbers
    parent: str | None = None
    adjacent_parent: str | None = None
    # Every closed shard whose keys it took over, for readers that finish parents first.
    ancestors: list[str] = Field(default_factory=list)
    start_hash: str  # decimal, inclusive
    end_hash: str
    start_sequence: str
    end_sequence: str | None = None  # set when the shard closed
    created: float
    closed_at: float | None = None


class ConsumerModel(Record):
    name: str
    arn: str
    created: float
    tags: dict[str, str] = Field(default_factory=dict)


class StreamModel(Record):
    name: str
    arn: str
    account: str
    region: str
    created: float
    tag: int  # the stream's own digits in its sequence numbers
    mode: str = "PROVISIONED"
    retention_hours: int = 24
    shards: list[ShardModel] = Field(default_factory=list)
    next_shard_index: int = 0
    tags: dict[str, str] = Field(default_factory=dict)
    encryption_type: str = "NONE"
    key_id: str | None = None
    shard_level_metrics: list[str] = Field(default_factory=list)
    consumers: list[ConsumerModel] = Field(default_factory=list)
    policies: dict[str, str] = Field(default_factory=dict)  # by stream or consumer ARN
    max_record_size_kib: int = 1024
    warm_throughput_mibps: int | None = None


class EntryData(TypedDict):
    """One data record as stored: a plain dict (shared with the shard's log in memory)."""

    sequence: str
    arrival: float
    partition_key: str
    data: str  # base64, as Lambda events and the json protocol carry it
    size: int


__all__ = ["STREAMS", "ConsumerModel", "EntryData", "ShardModel", "StreamModel"]
