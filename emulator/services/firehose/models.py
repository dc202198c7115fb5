"""The stored records of Amazon Data Firehose: delivery streams and the records each one holds
until its buffer is delivered."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from emulator.store import Record

STREAMS = "streams"  # key: delivery stream name
BUFFERS = "buffers"  # key: "<stream name>\x1f<sequence>", in the order accepted


class StreamRecord(Record):
    name: str
    arn: str
    account: str
    region: str
    stream_type: str = "DirectPut"
    version_id: str = "1"
    created: float
    last_update: float
    # The S3 destination as DescribeDeliveryStream answers it (ExtendedS3DestinationDescription).
    destination: dict[str, Any]
    encryption: dict[str, Any] = Field(default_factory=lambda: {"Status": "DISABLED"})
    tags: list[dict[str, str]] = Field(default_factory=list)


class BufferRecord(Record):
    """The records one PutRecord or PutRecordBatch brought, not yet delivered (base64 text, so
    the store keeps JSON): one row per call, so a growing buffer is never written again."""

    stream: str
    data: list[str] = Field(default_factory=list)
    size: int = 0
    arrival: float = 0.0


__all__ = ["BUFFERS", "STREAMS", "BufferRecord", "StreamRecord"]
