"""Segments written through to the store when state persists, and read back at start, so
traces outlive a restart like every other resource."""

from __future__ import annotations

import json

from emulator.services.xray.models import SEGMENTS, SegmentRecord
from emulator.store import ServiceStore, Table
from emulator.xray.collector import Collector
from emulator.xray.segments import Entity
from emulator.xray.trace import Trace


def _key(trace_id: str, kind: str, segment_id: str) -> str:
    return f"{trace_id}|{kind}|{segment_id}"


class StoreJournal:
    """The collector's Journal over the xray service's store."""

    def __init__(self, store: ServiceStore) -> None:
        self._store = store

    def _table(self, account: str, region: str) -> Table[SegmentRecord]:
        return self._store.table(account, region, SEGMENTS, SegmentRecord)

    def kept(self, account: str, region: str, entity: Entity, at: float) -> None:
        kind = "u" if entity.is_subsegment else "s"
        self._table(account, region).put(
            _key(entity.trace_id, kind, entity.id),
            SegmentRecord(document=json.dumps(entity.document), at=at))

    def dropped(self, account: str, region: str, trace: Trace) -> None:
        table = self._table(account, region)
        for segment_id in trace.segments:
            table.delete(_key(trace.id, "s", segment_id))
        for segment_id in trace.subsegments:
            table.delete(_key(trace.id, "u", segment_id))

    def replay(self, collector: Collector) -> None:
        """Put every stored segment back, oldest first, at the time it first arrived."""
        for account, region in self._store.scopes(SEGMENTS):
            records = sorted(self._table(account, region).values(), key=lambda r: r.at)
            for record in records:
                document = json.loads(record.document)
                collector.put(account, region, Entity(document, len(record.document)),
                              at=record.at)


__all__ = ["StoreJournal"]
