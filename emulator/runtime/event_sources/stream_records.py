"""What a stream event-source mapping is, and the records its events carry.

Record shapes follow AWS's documented examples key by key: Kinesis records as in
https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html (``kinesis`` with
kinesisSchemaVersion, partitionKey, sequenceNumber, data, approximateArrivalTimestamp, then
eventSource, eventVersion, eventID ``shardId:sequenceNumber``, eventName, invokeIdentityArn,
awsRegion, eventSourceARN), DynamoDB records as DynamoDB Streams' GetRecords gives them plus
eventSourceARN (https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
from dataclasses import dataclass, field
from typing import Any

from emulator import inbound
from emulator.event_patterns import Pattern
from emulator.ports import ShardRecord

KINESIS = "kinesis"
DYNAMODB = "dynamodb"
# Lambda's synchronous payload limit: a batch stops growing before its event would pass it.
PAYLOAD_LIMIT = 6 * 1024 * 1024


@dataclass
class StreamSource:
    """One enabled stream event-source mapping, as the poller runs it."""

    uuid: str
    function: str  # function ARN, qualified when the mapping names a version or alias
    account: str
    region: str
    kind: str  # KINESIS or DYNAMODB
    source_arn: str  # the mapping's EventSourceArn (a stream, or a Kinesis consumer)
    stream_arn: str  # the stream read
    role: str = ""  # the function's execution role: Kinesis records' invokeIdentityArn
    batch_size: int = 100
    window: float = 0.0  # MaximumBatchingWindowInSeconds
    starting_position: str = "LATEST"
    starting_timestamp: float | None = None
    parallelization: int = 1
    filters: list[Pattern] = field(default_factory=list)
    report_item_failures: bool = False
    bisect: bool = False
    max_retries: int = -1  # -1: until the records expire
    max_age: int = -1  # seconds; -1: no limit
    function_metrics: bool = True  # IteratorAge is a function's metric: off for a pipe
    on_failure: str | None = None  # SQS queue or SNS topic ARN
    tumbling_window: int = 0  # seconds; 0: none
    checkpoints: dict[str, int] = field(default_factory=dict)  # shard -> position processed
    finished: set[str] = field(default_factory=set)  # closed shards read to their end

    @property
    def port(self) -> str:
        return "data-streams" if self.kind == KINESIS else "table-streams"


def event_record(source: StreamSource, shard_id: str, record: ShardRecord) -> dict[str, Any]:
    """The entry of the event's ``Records`` for one stream record."""
    if source.kind == KINESIS:
        return {
            "kinesis": dict(record.record),
            "eventSource": "aws:kinesis",
            "eventVersion": "1.0",
            "eventID": f"{shard_id}:{record.sequence}",
            "eventName": "aws:kinesis:record",
            "invokeIdentityArn": source.role,
            "awsRegion": source.region,
            "eventSourceARN": source.stream_arn,
        }
    return {**record.record, "eventSourceARN": source.stream_arn}


def filter_view(entry: dict[str, Any]) -> dict[str, Any]:
    """What filter patterns see (https://docs.aws.amazon.com/lambda/latest/dg/
    invocation-eventfiltering.html): for Kinesis the record's ``kinesis`` members
    (partitionKey, data...) with ``data`` decoded when it holds JSON; for DynamoDB the whole
    record (eventName, dynamodb...)."""
    kinesis = entry.get("kinesis")
    if not isinstance(kinesis, dict):
        return entry
    view = dict(kinesis)
    with contextlib.suppress(binascii.Error, ValueError, UnicodeDecodeError):
        view["data"] = inbound.loads(base64.b64decode(kinesis.get("data", "")))
    return view


def matches(source: StreamSource, entry: dict[str, Any]) -> bool:
    if not source.filters:
        return True
    view = filter_view(entry)
    return any(pattern.matches(view) for pattern in source.filters)


def payload_size(record: ShardRecord) -> int:
    """About how many bytes a record adds to the event (data travels base64-encoded)."""
    return record.size * 4 // 3 + 600


__all__ = ["DYNAMODB", "KINESIS", "PAYLOAD_LIMIT", "StreamSource", "event_record",
           "filter_view", "matches", "payload_size"]
