"""Kinesis data streams as event-source mappings read them (the ``data-streams`` port)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.ports import ShardInfo, ShardRecord
from emulator.services.kinesis.common import split_stream_arn
from emulator.services.shard_reader import ShardReader
from emulator.services.shard_store import ShardSet
from emulator.shards import Entry

if TYPE_CHECKING:
    from emulator.services.kinesis.provider import KinesisProvider


class DataStreamsPort(ShardReader):
    def __init__(self, provider: KinesisProvider) -> None:
        super().__init__(provider.clock)
        self._provider = provider

    def resolve(self, source_arn: str) -> str | None:
        live = self._provider.by_arn(source_arn)
        parts = split_stream_arn(source_arn)
        if live is None or parts is None:
            return None
        if parts[3] is not None and not any(c.arn == source_arn
                                            for c in live.model.consumers):
            return None
        return live.model.arn

    def shard_set(self, stream_arn: str) -> ShardSet | None:
        live = self._provider.by_arn(stream_arn)
        return live.shards if live is not None and live.model.arn == stream_arn else None

    def shards(self, stream_arn: str) -> list[ShardInfo] | None:
        live = self._provider.by_arn(stream_arn)
        if live is None or live.model.arn != stream_arn:
            return None
        return [ShardInfo(s.shard_id, tuple(s.ancestors), s.end_sequence is not None)
                for s in live.model.shards]

    def event_record(self, entry: Entry) -> ShardRecord:
        item = entry.item
        return ShardRecord(
            sequence=item["sequence"], position=entry.sequence, arrival=entry.arrival,
            size=entry.size, key=item["partition_key"],
            record={"kinesisSchemaVersion": "1.0", "partitionKey": item["partition_key"],
                    "sequenceNumber": item["sequence"], "data": item["data"],
                    "approximateArrivalTimestamp": round(entry.arrival, 3)})


__all__ = ["DataStreamsPort"]
