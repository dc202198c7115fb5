"""Stream records kept in batches: what Kinesis Data Streams and DynamoDB Streams share.

A batch (one write's records for one shard) is one stored row, so a write costs one row, and
retention deletes whole batches. In memory each shard is a ``ShardLog`` whose entries are the
stored dicts themselves (one object per record). Entry dicts hold at least ``sequence`` (the
sequence number as text), ``arrival`` (clock seconds) and ``size`` (bytes, as the service
counts them).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import Field

from emulator.shards import Changes, Entry, ShardLog
from emulator.store import Record, ServiceStore, Table

BATCHES = "batches"  # key: batch_key(stream, shard, first sequence)


def batch_key(stream: str, shard_id: str, first_sequence: int) -> str:
    return f"{stream}\x1f{shard_id}\x1f{first_sequence:060d}"


class BatchRecord(Record):
    stream: str
    shard_id: str
    entries: list[dict[str, Any]] = Field(default_factory=list)


def _entry(data: dict[str, Any]) -> Entry:
    return Entry(int(data["sequence"]), float(data["arrival"]), int(data["size"]), data)


@dataclass
class ShardSet:
    """The shards of one stream as they run: logs, the batches behind them, and a signal
    that wakes readers when anything changes."""

    account: str
    region: str
    stream: str  # the stream's name (or label) in batch keys
    logs: dict[str, ShardLog] = field(default_factory=dict)
    # Per shard: (arrival of the batch's last record, batch key), oldest first.
    batches: dict[str, deque[tuple[float, str]]] = field(default_factory=dict)
    changes: Changes = field(default_factory=Changes)

    def add(self, shard_id: str, start_sequence: int) -> ShardLog:
        log = ShardLog(shard_id, start_sequence)
        self.logs[shard_id] = log
        self.batches.setdefault(shard_id, deque())
        return log


class ShardStore:
    def __init__(self, store: ServiceStore) -> None:
        self.store = store

    def table(self, account: str, region: str) -> Table[BatchRecord]:
        return self.store.table(account, region, BATCHES, BatchRecord)

    def load(self, account: str, region: str, stream: str,
             shards: Iterable[tuple[str, int, int | None]]) -> ShardSet:
        """A stream's shards, (id, starting sequence, ending sequence or None), with the
        records stored for them."""
        found = ShardSet(account, region, stream)
        ends: dict[str, int | None] = {}
        for shard_id, start, end in shards:
            found.add(shard_id, start)
            ends[shard_id] = end
        table = self.table(account, region)
        prefix = f"{stream}\x1f"
        for key in sorted(k for k in table if k.startswith(prefix)):
            batch = table.get(key)
            log = found.logs.get(batch.shard_id) if batch is not None else None
            if batch is None or log is None or not batch.entries:
                continue
            for data in batch.entries:
                last = log.last_sequence
                if last is None or int(data["sequence"]) > last:
                    log.append(_entry(data))
            found.batches[batch.shard_id].append((float(batch.entries[-1]["arrival"]), key))
        for shard_id, end in ends.items():
            if end is not None:
                found.logs[shard_id].close(end)
        return found

    def append(self, shards: ShardSet, shard_id: str, entries: list[dict[str, Any]]) -> None:
        """Store one batch for a shard, then add it to the shard's log and wake readers."""
        key = batch_key(shards.stream, shard_id, int(entries[0]["sequence"]))
        self.table(shards.account, shards.region).put(
            key, BatchRecord(stream=shards.stream, shard_id=shard_id, entries=entries))
        log = shards.logs[shard_id]
        for data in entries:
            log.append(_entry(data))
        shards.batches[shard_id].append((float(entries[-1]["arrival"]), key))
        shards.changes.notify()

    def trim(self, shards: ShardSet, cutoff: float) -> None:
        """Drop the records that arrived before ``cutoff``, and their batches."""
        table = self.table(shards.account, shards.region)
        for shard_id, log in shards.logs.items():
            first = log.first()
            if first is None or first.arrival >= cutoff:
                continue
            log.trim(cutoff)
            stored = shards.batches[shard_id]
            while stored and stored[0][0] < cutoff:
                table.delete(stored.popleft()[1])

    def forget_shard(self, shards: ShardSet, shard_id: str) -> None:
        """Remove an emptied shard from memory (its batches are already gone)."""
        shards.logs.pop(shard_id, None)
        shards.batches.pop(shard_id, None)

    def drop(self, account: str, region: str, stream: str) -> None:
        """Delete every batch of a stream."""
        table = self.table(account, region)
        prefix = f"{stream}\x1f"
        for key in [k for k in table if k.startswith(prefix)]:
            table.delete(key)


__all__ = ["BATCHES", "BatchRecord", "ShardSet", "ShardStore", "batch_key"]
