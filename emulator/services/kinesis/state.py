"""The data of every stream: shard logs in memory, batches in the store.

A stream's logs are built from its stored batches the first time the stream is used, so
records written before a restart are read back in order. Appends store the batch before they
return; retention trims logs and deletes the batches it emptied.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from emulator.clock import Clock
from emulator.services.kinesis.models import (
    BATCHES,
    STREAMS,
    BatchModel,
    EntryData,
    ShardModel,
    StreamModel,
    batch_key,
)
from emulator.services.kinesis.naming import parse_sequence
from emulator.shards import Changes, Entry, ShardLog
from emulator.store import ServiceStore, Table


@dataclass
class LiveStream:
    """A stream as it runs: its stored record, its shards' logs and the batches behind them."""

    model: StreamModel
    logs: dict[str, ShardLog] = field(default_factory=dict)
    # Per shard: (arrival of the batch's last record, batch key), oldest first.
    batches: dict[str, deque[tuple[float, str]]] = field(default_factory=dict)
    changes: Changes = field(default_factory=Changes)
    counter: int = 0  # the last sequence counter handed out

    def shard(self, shard_id: str) -> ShardModel | None:
        return next((s for s in self.model.shards if s.shard_id == shard_id), None)

    def open_shards(self) -> list[ShardModel]:
        return [s for s in self.model.shards if s.end_sequence is None]

    def add_log(self, shard: ShardModel) -> ShardLog:
        log = ShardLog(shard.shard_id, int(shard.start_sequence))
        self.logs[shard.shard_id] = log
        self.batches.setdefault(shard.shard_id, deque())
        return log


def _entry(data: EntryData) -> Entry:
    return Entry(int(data["sequence"]), data["arrival"], data["size"],
                 data)  # type: ignore[arg-type]


class StreamData:
    def __init__(self, store: ServiceStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self._live: dict[tuple[str, str, str], LiveStream] = {}

    def streams(self, account: str, region: str) -> Table[StreamModel]:
        return self.store.table(account, region, STREAMS, StreamModel)

    def batches(self, account: str, region: str) -> Table[BatchModel]:
        return self.store.table(account, region, BATCHES, BatchModel)

    def live(self, model: StreamModel) -> LiveStream:
        key = (model.account, model.region, model.name)
        found = self._live.get(key)
        if found is None or found.model is not model:
            found = self._load(model)
            self._live[key] = found
        return found

    def _load(self, model: StreamModel) -> LiveStream:
        live = LiveStream(model)
        for shard in model.shards:
            live.add_log(shard)
            live.counter = max(live.counter, _counter(shard.start_sequence))
            if shard.end_sequence:
                live.counter = max(live.counter, _counter(shard.end_sequence))
        table = self.batches(model.account, model.region)
        prefix = f"{model.name}\x1f"
        for key in sorted(k for k in table if k.startswith(prefix)):
            batch = table.get(key)
            log = live.logs.get(batch.shard_id) if batch is not None else None
            if batch is None or log is None or not batch.entries:
                continue
            for data in batch.entries:
                if log.last_sequence is None or int(data["sequence"]) > log.last_sequence:
                    log.append(_entry(data))
                live.counter = max(live.counter, _counter(data["sequence"]))
            live.batches[batch.shard_id].append((batch.entries[-1]["arrival"], key))
        for shard in model.shards:
            if shard.end_sequence:
                live.logs[shard.shard_id].close(int(shard.end_sequence))
        return live

    # -- writing ---------------------------------------------------------------------------

    def append(self, live: LiveStream, shard_id: str, entries: list[EntryData]) -> None:
        """Store one batch for a shard, then add it to the shard's log and wake readers."""
        model = live.model
        key = batch_key(model.name, shard_id, int(entries[0]["sequence"]))
        self.batches(model.account, model.region).put(
            key, BatchModel(stream=model.name, shard_id=shard_id, entries=entries))
        log = live.logs[shard_id]
        for data in entries:
            log.append(_entry(data))
        live.batches[shard_id].append((entries[-1]["arrival"], key))
        live.changes.notify()

    def save(self, live: LiveStream) -> None:
        """Store the stream's record after a change to it."""
        model = live.model
        self.streams(model.account, model.region).put(model.name, model)

    def trim(self, live: LiveStream) -> None:
        """Drop what retention no longer keeps: records, their batches, and closed shards
        whose records are all gone."""
        model = live.model
        cutoff = self.clock.now() - model.retention_hours * 3600
        table = self.batches(model.account, model.region)
        for shard_id, log in live.logs.items():
            first = log.first()
            if first is None or first.arrival >= cutoff:
                continue
            log.trim(cutoff)
            stored = live.batches[shard_id]
            while stored and stored[0][0] < cutoff:
                table.delete(stored.popleft()[1])
        gone = [s for s in model.shards if s.closed_at is not None and s.closed_at < cutoff
                and not len(live.logs[s.shard_id])]
        if gone:
            for shard in gone:
                model.shards.remove(shard)
                live.logs.pop(shard.shard_id, None)
                live.batches.pop(shard.shard_id, None)
            self.save(live)

    def drop(self, model: StreamModel) -> None:
        """Forget a deleted stream's data and wake its readers."""
        live = self._live.pop((model.account, model.region, model.name), None)
        table = self.batches(model.account, model.region)
        prefix = f"{model.name}\x1f"
        for key in [k for k in table if k.startswith(prefix)]:
            table.delete(key)
        if live is not None:
            live.changes.notify()

    def reset(self) -> None:
        for live in self._live.values():
            live.changes.notify()
        self._live.clear()


def _counter(sequence: str) -> int:
    parsed = parse_sequence(sequence)
    return parsed[1] if parsed else 0


__all__ = ["LiveStream", "StreamData"]
