"""What DynamoDB Streams offers others: the ``table-changes`` sink DynamoDB writes into, and
the ``table-streams`` reader event-source mappings poll."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from emulator.ports import ItemChange, ShardInfo, ShardRecord, TableStream
from emulator.services.shard_reader import ShardReader
from emulator.services.shard_store import ShardSet
from emulator.shards import Entry

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


class TableStreamsReader(ShardReader):
    """The ``table-streams`` port (emulator.ports.ShardedStreams)."""

    def __init__(self, provider: DynamoDbStreamsProvider) -> None:
        super().__init__(provider.clock)
        self._provider = provider

    def resolve(self, source_arn: str) -> str | None:
        live = self._provider.data.by_arn(source_arn)
        return live.model.arn if live is not None else None

    def shard_set(self, stream_arn: str) -> ShardSet | None:
        live = self._provider.data.by_arn(stream_arn)
        return live.shards if live is not None else None

    def shards(self, stream_arn: str) -> list[ShardInfo] | None:
        live = self._provider.data.by_arn(stream_arn)
        if live is None:
            return None
        return [ShardInfo(s.shard_id, (s.parent,) if s.parent else (), s.end_sequence is not None)
                for s in live.model.shards]

    def event_record(self, entry: Entry) -> ShardRecord:
        record = entry.item["record"]
        return ShardRecord(
            sequence=entry.item["sequence"], position=entry.sequence, arrival=entry.arrival,
            size=entry.size, key=repr(sorted(record["dynamodb"]["Keys"].items())),
            record=record)


__all__ = ["TableChanges", "TableStreamsReader"]
