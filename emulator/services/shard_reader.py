"""What the ``data-streams`` and ``table-streams`` ports share (emulator.ports.ShardedStreams):
positions, reads, counts and waits over a stream's ShardSet. Each service says how to find a
stream's shards and how one of its records looks to an event source."""

from __future__ import annotations

from emulator.clock import Clock
from emulator.ports import ShardRecord
from emulator.services.shard_store import ShardSet
from emulator.shards import Entry, ShardLog


def start_position(log: ShardLog, starting_position: str, timestamp: float | None) -> int:
    """The "after" position TRIM_HORIZON, LATEST or AT_TIMESTAMP names in a shard."""
    if starting_position == "LATEST":
        return log.tip
    if starting_position == "AT_TIMESTAMP" and timestamp is not None:
        return log.after_time(timestamp)
    return log.trimmed_through


class ShardReader:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def shard_set(self, stream_arn: str) -> ShardSet | None:
        """The stream's shards, retention applied; None when there is no such stream."""
        raise NotImplementedError

    def event_record(self, entry: Entry) -> ShardRecord:
        raise NotImplementedError

    def _log(self, stream_arn: str, shard_id: str) -> ShardLog | None:
        shards = self.shard_set(stream_arn)
        return shards.logs.get(shard_id) if shards is not None else None

    def start(self, stream_arn: str, shard_id: str, starting_position: str,
              timestamp: float | None = None) -> int:
        log = self._log(stream_arn, shard_id)
        return start_position(log, starting_position, timestamp) if log is not None else 0

    def read(self, stream_arn: str, shard_id: str, after: int,
             limit: int) -> list[ShardRecord]:
        log = self._log(stream_arn, shard_id)
        if log is None:
            return []
        return [self.event_record(entry) for entry in log.read(after, limit)]

    def pending(self, stream_arn: str, shard_id: str, after: int) -> int:
        log = self._log(stream_arn, shard_id)
        return log.pending(after) if log is not None else 0

    async def wait(self, stream_arn: str, deadline: float) -> bool:
        shards = self.shard_set(stream_arn)
        if shards is None:
            return False
        return await shards.changes.wait(self.clock, deadline)


__all__ = ["ShardReader", "start_position"]
