"""The records of every table stream: stored stream records and their shards' logs.

A stream has one open shard at a time. As on AWS, a shard is closed and a child opened after
about four hours (on the clock), and records stay 24 hours
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html). A disabled
stream's shard closes; its records stay readable until they expire, then the stream is gone.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from emulator import arns
from emulator.clock import Clock
from emulator.dynamodb.size import item_size
from emulator.ports import ItemChange, TableStream
from emulator.services.dynamodbstreams.models import STREAMS, ShardModel, StreamModel
from emulator.services.dynamodbstreams.naming import (
    parse_sequence,
    sequence_number,
    shard_id,
    to_text,
)
from emulator.services.shard_store import ShardSet, ShardStore
from emulator.store import ServiceStore, Table

RETENTION = 24 * 3600.0
SHARD_LIFETIME = 4 * 3600.0


@dataclass
class LiveTableStream:
    model: StreamModel
    shards: ShardSet
    counter: int = 0

    @property
    def key(self) -> str:
        return stream_key(self.model)

    def shard(self, shard_name: str) -> ShardModel | None:
        return next((s for s in self.model.shards if s.shard_id == shard_name), None)

    def open_shard(self) -> ShardModel | None:
        return next((s for s in self.model.shards if s.end_sequence is None), None)


def stream_key(model: StreamModel) -> str:
    """What names the stream's batches: unique per account and region."""
    return f"{model.table_name}/{model.label}"


def _counter(sequence: str | None) -> int:
    parsed = parse_sequence(sequence or "")
    return parsed[1] if parsed else 0


def stream_record(model: StreamModel, change: ItemChange, sequence: str) -> dict[str, Any]:
    """A stream record as GetRecords and Lambda events carry it (binary values as base64)."""
    view = model.view_type
    # Whole seconds, written as a float (1693997155.0) as Lambda events carry it.
    body: dict[str, Any] = {"ApproximateCreationDateTime": float(math.floor(change.time)),
                            "Keys": to_text(change.keys)}
    size = item_size(change.keys)  # the item size rules, as DynamoDB counts SizeBytes
    if view in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES") and change.new_image is not None:
        body["NewImage"] = to_text(change.new_image)
        size += item_size(change.new_image)
    if view in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES") and change.old_image is not None:
        body["OldImage"] = to_text(change.old_image)
        size += item_size(change.old_image)
    body.update(SequenceNumber=sequence, SizeBytes=max(1, size), StreamViewType=view)
    record: dict[str, Any] = {
        "eventID": secrets.token_hex(16),
        "eventName": change.event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": model.region,
        "dynamodb": body,
    }
    if change.user_identity:
        record["userIdentity"] = dict(change.user_identity)
    return record


class TableStreamData:
    def __init__(self, store: ServiceStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self.batches = ShardStore(store)
        self._live: dict[str, LiveTableStream] = {}

    def streams(self, account: str, region: str) -> Table[StreamModel]:
        return self.store.table(account, region, STREAMS, StreamModel)

    def model(self, arn: str) -> StreamModel | None:
        parsed = arns.parse_or_none(arn)
        if parsed is None or parsed.service != "dynamodb":
            return None
        return self.streams(parsed.account, parsed.region).get(arn)

    def by_arn(self, arn: str) -> LiveTableStream | None:
        """The stream, retention applied (None when unknown or expired)."""
        model = self.model(arn)
        if model is None:
            return None
        live = self.live(model)
        return live if self.trim(live) else None

    def live(self, model: StreamModel) -> LiveTableStream:
        found = self._live.get(model.arn)
        if found is None or found.model is not model:
            shards = self.batches.load(model.account, model.region, stream_key(model), [
                (s.shard_id, int(s.start_sequence),
                 int(s.end_sequence) if s.end_sequence else None) for s in model.shards])
            found = LiveTableStream(model, shards)
            for shard in model.shards:
                found.counter = max(found.counter, _counter(shard.start_sequence),
                                    _counter(shard.end_sequence))
            for log in shards.logs.values():
                found.counter = max(found.counter, _counter(str(log.last_sequence or "")))
            self._live[model.arn] = found
        return found

    def save(self, live: LiveTableStream) -> None:
        self.streams(live.model.account, live.model.region).put(live.model.arn, live.model)

    # -- changes from DynamoDB -------------------------------------------------------------

    def enable(self, stream: TableStream) -> LiveTableStream:
        existing = self.model(stream.stream_arn)
        if existing is not None:
            return self.live(existing)
        model = StreamModel(
            arn=stream.stream_arn, label=stream.stream_label, table_name=stream.table_name,
            table_arn=stream.table_arn, account=stream.account, region=stream.region,
            view_type=stream.view_type, key_schema=[dict(k) for k in stream.key_schema],
            created=stream.created)
        live = self.live(model)
        self._new_shard(live, None)
        self.save(live)
        return live

    def disable(self, arn: str) -> None:
        model = self.model(arn)
        if model is None or not model.enabled:
            return
        live = self.live(model)
        model.enabled = False
        model.disabled_at = self.clock.now()
        shard = live.open_shard()
        if shard is not None:
            self._close(live, shard)
        self.save(live)
        live.shards.changes.notify()

    def record(self, arn: str, changes: Sequence[ItemChange]) -> None:
        model = self.model(arn)
        if model is None or not model.enabled or not changes:
            return
        live = self.live(model)
        shard = live.open_shard()
        if shard is None or self.clock.now() - shard.created >= SHARD_LIFETIME:
            shard = self._new_shard(live, shard)
            self.save(live)
        number = model.shards.index(shard)
        entries = []
        for change in changes:
            live.counter += 1
            sequence = sequence_number(number, live.counter)
            record = stream_record(model, change, sequence)
            entries.append({"sequence": sequence, "arrival": change.time,
                            "size": record["dynamodb"]["SizeBytes"], "record": record})
        self.batches.append(live.shards, shard.shard_id, entries)

    def _new_shard(self, live: LiveTableStream, parent: ShardModel | None) -> ShardModel:
        model = live.model
        if parent is not None:
            self._close(live, parent)
        now = self.clock.now()
        shard = ShardModel(shard_id=shard_id(now), parent=parent.shard_id if parent else None,
                           start_sequence=sequence_number(len(model.shards), live.counter + 1),
                           created=now)
        model.shards.append(shard)
        live.shards.add(shard.shard_id, int(shard.start_sequence))
        live.shards.changes.notify()
        return shard

    def _close(self, live: LiveTableStream, shard: ShardModel) -> None:
        log = live.shards.logs[shard.shard_id]
        end = log.last_sequence or int(shard.start_sequence)
        shard.end_sequence = str(end)
        shard.closed_at = self.clock.now()
        log.close(end)

    # -- retention -------------------------------------------------------------------------

    def trim(self, live: LiveTableStream) -> bool:
        """Apply the 24-hour retention; False when the whole stream has expired."""
        model = live.model
        cutoff = self.clock.now() - RETENTION
        self.batches.trim(live.shards, cutoff)
        gone = [s for s in model.shards if s.closed_at is not None and s.closed_at < cutoff
                and not len(live.shards.logs[s.shard_id])]
        if not gone:
            return True
        for shard in gone:
            model.shards.remove(shard)
            self.batches.forget_shard(live.shards, shard.shard_id)
        if not model.shards:
            self.streams(model.account, model.region).delete(model.arn)
            self._live.pop(model.arn, None)
            self.batches.drop(model.account, model.region, stream_key(model))
            return False
        self.save(live)
        return True

    def reset(self) -> None:
        for live in self._live.values():
            live.shards.changes.notify()
        self._live.clear()


__all__ = ["LiveTableStream", "TableStreamData", "stream_key",
           "stream_record"]
