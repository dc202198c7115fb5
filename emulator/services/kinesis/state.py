"""The data of every stream: its stored record and its shards (services/shard_store.py).

A stream's shards are loaded from their stored batches the first time the stream is used, so
records written before a restart are read back in order. Appends store the batch before they
return; retention trims logs, deletes the batches it emptied, and forgets closed shards that
have nothing left.
"""

from __future__ import annotations

from dataclasses import dataclass

from emulator.clock import Clock
from emulator.services.kinesis.models import STREAMS, EntryData, ShardModel, StreamModel
from emulator.services.kinesis.naming import parse_sequence
from emulator.services.shard_store import ShardSet, ShardStore
from emulator.shards import ShardLog
from emulator.store import ServiceStore, Table


@dataclass
class LiveStream:
    """A stream as it runs: its stored record and its shards."""

    model: StreamModel
    shards: ShardSet
    counter: int = 0  # the last sequence counter handed out

    def shard(self, shard_id: str) -> ShardModel | None:
        return next((s for s in self.model.shards if s.shard_id == shard_id), None)

    def open_shards(self) -> list[ShardModel]:
        return [s for s in self.model.shards if s.end_sequence is None]

    def log(self, shard_id: str) -> ShardLog | None:
        return self.shards.logs.get(shard_id)


def _counter(sequence: str) -> int:
    parsed = parse_sequence(sequence)
    return parsed[1] if parsed else 0


class StreamData:
    def __init__(self, store: ServiceStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self.batches = ShardStore(store)
        self._live: dict[tuple[str, str, str], LiveStream] = {}

    def streams(self, account: str, region: str) -> Table[StreamModel]:
        return self.store.table(account, region, STREAMS, StreamModel)

    def live(self, model: StreamModel) -> LiveStream:
        key = (model.account, model.region, model.name)
        found = self._live.get(key)
        if found is None or found.model is not model:
            shards = self.batches.load(model.account, model.region, model.name, [
                (s.shard_id, int(s.start_sequence),
                 int(s.end_sequence) if s.end_sequence else None) for s in model.shards])
            found = LiveStream(model, shards)
            for shard in model.shards:
                found.counter = max(found.counter, _counter(shard.start_sequence),
                                    _counter(shard.end_sequence or ""))
            for log in shards.logs.values():
                last = log.last_sequence
                if last is not None:
                    found.counter = max(found.counter, _counter(str(last)))
            self._live[key] = found
        return found

    def append(self, live: LiveStream, shard_id: str, entries: list[EntryData]) -> None:
        self.batches.append(live.shards, shard_id, entries)  # type: ignore[arg-type]

    def save(self, live: LiveStream) -> None:
        """Store the stream's record after a change to it."""
        model = live.model
        self.streams(model.account, model.region).put(model.name, model)

    def trim(self, live: LiveStream) -> None:
        model = live.model
        cutoff = self.clock.now() - model.retention_hours * 3600
        self.batches.trim(live.shards, cutoff)
        gone = [s for s in model.shards if s.closed_at is not None and s.closed_at < cutoff
                and not len(live.shards.logs[s.shard_id])]
        if gone:
            for shard in gone:
                model.shards.remove(shard)
                self.batches.forget_shard(live.shards, shard.shard_id)
            self.save(live)

    def drop(self, model: StreamModel) -> None:
        """Forget a deleted stream's data and wake its readers."""
        live = self._live.pop((model.account, model.region, model.name), None)
        self.batches.drop(model.account, model.region, model.name)
        if live is not None:
            live.shards.changes.notify()

    def reset(self) -> None:
        for live in self._live.values():
            live.shards.changes.notify()
        self._live.clear()


__all__ = ["LiveStream", "StreamData"]
