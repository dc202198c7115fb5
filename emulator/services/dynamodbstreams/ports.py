"""What DynamoDB Streams offers others: the ``table-changes`` sink DynamoDB writes into, and
the ``table-streams`` reader event-source mappings poll."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from emulator.ports import ItemChange, ShardInfo, ShardRecord, TableStream
from emulator.services.dynamodbstreams.state import LiveTableStream

if TYPE_CHECKING:
    from emulator.services.dynamodbstreams.provider import DynamoDbStreamsProvider

log = logging.getLogger("emulator.dynamodbstreams")


class TableChanges:
    """The ``table-changes`` port (emulator.ports.TableChangeSink). Never raises: a change
    that cannot be recorded is logged, and the write it came from still succeeds."""

    def __init__(self, provider: DynamoDbStreamsProvider) -> None:
        self._provider = provider

    def stream_enabled(self, stream: TableStream) -> None:
        try:
            self._provider.data.enable(stream)
        except Exception:
            log.exception("could not begin the stream %s", stream.stream_arn)

    def stream_disabled(self, stream_arn: str) -> None:
        try:
            self._provider.data.disable(stream_arn)
        except Exception:
            log.exception("could not end the stream %s", stream_arn)

    def record(self, stream_arn: str, changes: Sequence[ItemChange]) -> None:
        try:
            self._provider.data.record(stream_arn, changes)
        except Exception:
            log.exception("could not record %d change(s) in %s", len(changes), stream_arn)


class TableStreamsReader:
    """The ``table-streams`` port (emulator.ports.ShardedStreams)."""

    def __init__(self, provider: DynamoDbStreamsProvider) -> None:
        self._provider = provider

    def _live(self, stream_arn: str) -> LiveTableStream | None:
        return self._provider.data.by_arn(stream_arn)

    def resolve(self, source_arn: str) -> str | None:
        live = self._live(source_arn)
        return live.model.arn if live is not None else None

    def shards(self, stream_arn: str) -> list[ShardInfo] | None:
        live = self._live(stream_arn)
        if live is None:
            return None
        return [ShardInfo(s.shard_id, (s.parent,) if s.parent else (), s.end_sequence is not None)
                for s in live.model.shards]

    def start(self, stream_arn: str, shard_id: str, starting_position: str,
              timestamp: float | None = None) -> int:
        live = self._live(stream_arn)
        log_ = live.shards.logs.get(shard_id) if live else None
        if log_ is None:
            return 0
        if starting_position == "LATEST":
            return log_.tip
        if starting_position == "AT_TIMESTAMP" and timestamp is not None:
            return log_.after_time(timestamp)
        return log_.trimmed_through

    def read(self, stream_arn: str, shard_id: str, after: int,
             limit: int) -> list[ShardRecord]:
        live = self._live(stream_arn)
        log_ = live.shards.logs.get(shard_id) if live else None
        if log_ is None:
            return []
        found = []
        for entry in log_.read(after, limit):
            record = entry.item["record"]
            found.append(ShardRecord(
                sequence=entry.item["sequence"], position=entry.sequence,
                arrival=entry.arrival, size=entry.size,
                key=repr(sorted(record["dynamodb"]["Keys"].items())), record=record))
        return found

    def pending(self, stream_arn: str, shard_id: str, after: int) -> int:
        live = self._live(stream_arn)
        log_ = live.shards.logs.get(shard_id) if live else None
        return log_.pending(after) if log_ is not None else 0

    async def wait(self, stream_arn: str, deadline: float) -> bool:
        live = self._live(stream_arn)
        if live is None:
            return False
        return await live.shards.changes.wait(self._provider.clock, deadline)


__all__ = ["TableChanges", "TableStreamsReader"]
