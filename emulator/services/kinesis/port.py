"""Kinesis data streams as event-source mappings read them (the ``data-streams`` port)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.ports import ShardInfo, ShardRecord
from emulator.services.kinesis.common import split_stream_arn
from emulator.services.kinesis.state import LiveStream

if TYPE_CHECKING:
    from emulator.services.kinesis.provider import KinesisProvider


class DataStreamsPort:
    def __init__(self, provider: KinesisProvider) -> None:
        self._provider = provider

    def _live(self, stream_arn: str) -> LiveStream | None:
        return self._provider.by_arn(stream_arn)

    def resolve(self, source_arn: str) -> str | None:
        live = self._live(source_arn)
        parts = split_stream_arn(source_arn)
        if live is None or parts is None:
            return None
        if parts[3] is not None and not any(c.arn == source_arn
                                            for c in live.model.consumers):
            return None
        return live.model.arn

    def shards(self, stream_arn: str) -> list[ShardInfo] | None:
        live = self._live(stream_arn)
        if live is None or live.model.arn != stream_arn:
            return None
        return [ShardInfo(s.shard_id, tuple(s.ancestors), s.end_sequence is not None)
                for s in live.model.shards]

    def start(self, stream_arn: str, shard_id: str, starting_position: str,
              timestamp: float | None = None) -> int:
        live = self._live(stream_arn)
        log = live.shards.logs.get(shard_id) if live else None
        if log is None:
            return 0
        if starting_position == "LATEST":
            return log.tip
        if starting_position == "AT_TIMESTAMP" and timestamp is not None:
            return log.after_time(timestamp)
        return log.trimmed_through

    def read(self, stream_arn: str, shard_id: str, after: int,
             limit: int) -> list[ShardRecord]:
        live = self._live(stream_arn)
        log = live.shards.logs.get(shard_id) if live else None
        if log is None:
            return []
        return [ShardRecord(
            sequence=e.item["sequence"], position=e.sequence, arrival=e.arrival, size=e.size,
            key=e.item["partition_key"],
            record={"kinesisSchemaVersion": "1.0", "partitionKey": e.item["partition_key"],
                    "sequenceNumber": e.item["sequence"], "data": e.item["data"],
                    "approximateArrivalTimestamp": round(e.arrival, 3)},
        ) for e in log.read(after, limit)]

    def pending(self, stream_arn: str, shard_id: str, after: int) -> int:
        live = self._live(stream_arn)
        log = live.shards.logs.get(shard_id) if live else None
        return log.pending(after) if log is not None else 0

    async def wait(self, stream_arn: str, deadline: float) -> bool:
        live = self._live(stream_arn)
        if live is None:
            return False
        return await live.shards.changes.wait(self._provider.clock, deadline)


__all__ = ["DataStreamsPort"]
