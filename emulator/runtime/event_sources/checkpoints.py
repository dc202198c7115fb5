"""Where a stream event source has read to: the last record handled in each shard and the
closed shards read to their end, kept as a record so a poller resumes there after an update,
a pause or a restart (Lambda's stream mappings and EventBridge Pipes' stream sources)."""

from __future__ import annotations

from pydantic import Field

from emulator.ports import ShardedStreams
from emulator.runtime.event_sources.streams import StreamHooks
from emulator.store import Record, Table


class CheckpointRecord(Record):
    positions: dict[str, str] = Field(default_factory=dict)  # shard -> position handled
    finished: list[str] = Field(default_factory=list)  # closed shards read to their end


class StreamCheckpoints:
    """One event source's stored checkpoints, and the hooks its poller reports through."""

    def __init__(self, table: Table[CheckpointRecord], key: str,
                 results: dict[str, str] | None = None) -> None:
        self.table = table
        self.uuid = key
        self.results = results if results is not None else {}

    def record(self) -> CheckpointRecord | None:
        return self.table.get(self.uuid)

    def begin(self, streams: ShardedStreams, stream_arn: str, starting_position: str,
              timestamp: float | None = None) -> CheckpointRecord:
        """Turn the starting position into checkpoints for the shards there are now."""
        positions = {
            shard.shard_id: str(streams.start(stream_arn, shard.shard_id, starting_position,
                                              timestamp))
            for shard in streams.shards(stream_arn) or []}
        record = CheckpointRecord(positions=positions)
        self.table.put(self.uuid, record)
        return record

    def forget(self) -> None:
        self.table.delete(self.uuid)

    def _checkpoint(self, shard_id: str, position: int) -> None:
        record = self.table.get(self.uuid) or CheckpointRecord()
        record.positions[shard_id] = str(position)
        self.table.put(self.uuid, record)

    def _finished(self, shard_id: str) -> None:
        record = self.table.get(self.uuid) or CheckpointRecord()
        if shard_id not in record.finished:
            record.finished.append(shard_id)
            self.table.put(self.uuid, record)

    def _result(self, text: str) -> None:
        self.results[self.uuid] = text

    def hooks(self) -> StreamHooks:
        return StreamHooks(checkpoint=self._checkpoint, finished=self._finished,
                           result=self._result)


__all__ = ["CheckpointRecord", "StreamCheckpoints"]
