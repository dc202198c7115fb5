"""Where traces are kept: per account and region, for 30 days by the emulator's clock, under
a size cap that evicts the oldest traces first."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from emulator.xray.segments import Entity, InvalidSegment, parse, walk
from emulator.xray.trace import Trace

if TYPE_CHECKING:
    from emulator.xray.filters import Filter

RETENTION_SECONDS = 30 * 86_400
TimeRangeType = str  # "TraceId", "Event" or "Service"


@dataclass
class Rejected:
    """A document X-Ray would list in UnprocessedTraceSegments."""

    segment_id: str | None
    code: str
    message: str


class TraceStore:
    """The traces of one account and region, oldest first, with an index of their string
    annotations (key, value) -> trace ids, as X-Ray indexes annotations for filtering."""

    def __init__(self) -> None:
        self.traces: dict[str, Trace] = {}
        self.size = 0
        self.annotations: dict[tuple[str, str], dict[str, None]] = {}

    def index(self, trace: Trace, entity: Entity) -> None:
        for item, _ in walk(entity.document):
            for key, value in (item.get("annotations") or {}).items():
                if isinstance(value, str) and (key, value) not in trace.indexed:
                    trace.indexed.add((key, value))
                    self.annotations.setdefault((key, value), {})[trace.id] = None

    def remove(self, trace: Trace) -> None:
        del self.traces[trace.id]
        self.size -= trace.size
        for pair in trace.indexed:
            ids = self.annotations.get(pair)
            if ids is not None:
                ids.pop(trace.id, None)
                if not ids:
                    del self.annotations[pair]

    def candidates(self, required: list[tuple[str, str]]) -> list[Trace]:
        """Traces carrying every required annotation, by the index; oldest first."""
        found = sorted((self.annotations.get(pair, {}) for pair in required), key=len)
        first, rest = found[0], found[1:]
        return [self.traces[trace_id] for trace_id in first
                if all(trace_id in ids for ids in rest) and trace_id in self.traces]

    def __len__(self) -> int:
        return len(self.traces)


class Journal(Protocol):
    """Where kept and dropped segments are written, so traces outlive a restart."""

    def kept(self, account: str, region: str, entity: Entity, at: float) -> None: ...

    def dropped(self, account: str, region: str, trace: Trace) -> None: ...


class Collector:
    """Every account's and region's traces."""

    def __init__(self, now: Callable[[], float], max_bytes: int,
                 retention: float = RETENTION_SECONDS, journal: Journal | None = None) -> None:
        self._now = now
        self.journal = journal
        self.max_bytes = max_bytes
        self.retention = retention
        self._stores: dict[tuple[str, str], TraceStore] = {}
        self.received = 0
        self.rejected = 0
        # Segments also arrive from other threads (in-process Lambda handlers, executions).
        self._lock = threading.Lock()

    def store(self, account: str, region: str) -> TraceStore:
        key = (account, region)
        store = self._stores.get(key)
        if store is None:
            store = self._stores[key] = TraceStore()
        return store

    def reset(self) -> None:
        self._stores.clear()

    # -- writing -------------------------------------------------------------------------

    def put_documents(self, account: str, region: str,
                      documents: list[str | bytes]) -> list[Rejected]:
        """Check and keep each document; return the ones X-Ray would leave unprocessed."""
        rejected = []
        for text in documents:
            try:
                entity = parse(text)
            except InvalidSegment as error:
                self.rejected += 1
                rejected.append(Rejected(error.segment_id, error.code, str(error)))
                continue
            self.put(account, region, entity)
        return rejected

    def put(self, account: str, region: str, entity: Entity, at: float | None = None) -> None:
        """Keep ``entity``; ``at`` replays a stored segment at the time it first arrived."""
        with self._lock:
            self._put(account, region, entity, at)

    def _put(self, account: str, region: str, entity: Entity, at: float | None) -> None:
        self.received += 1
        store = self.store(account, region)
        now = self._now() if at is None else at
        trace = store.traces.get(entity.trace_id)
        if trace is None:
            trace = store.traces[entity.trace_id] = Trace(entity.trace_id, now)
        before = trace.size
        if trace.add(entity, now):
            store.index(trace, entity)
            if self.journal is not None and at is None:
                self.journal.kept(account, region, entity, now)
        store.size += trace.size - before
        self._evict(account, region, store, self._now())

    def _evict(self, account: str, region: str, store: TraceStore, now: float) -> None:
        cutoff = now - self.retention
        traces = store.traces
        while traces:
            oldest = next(iter(traces.values()))
            if store.size <= self.max_bytes and oldest.updated >= cutoff:
                return
            store.remove(oldest)
            if self.journal is not None:
                self.journal.dropped(account, region, oldest)

    # -- reading -------------------------------------------------------------------------

    def live(self, account: str, region: str) -> Iterator[Trace]:
        """Traces younger than the retention period, oldest first."""
        cutoff = self._now() - self.retention
        with self._lock:
            traces = list(self.store(account, region).traces.values())
        for trace in traces:
            if trace.updated >= cutoff:
                yield trace

    def newest(self, account: str, region: str, limit: int) -> list[Trace]:
        """Up to ``limit`` live traces, the most recently first seen first."""
        cutoff = self._now() - self.retention
        found: list[Trace] = []
        with self._lock:
            for trace in reversed(self.store(account, region).traces.values()):
                if trace.updated >= cutoff and trace.segments:
                    found.append(trace)
                    if len(found) >= limit:
                        break
        return found

    def get(self, account: str, region: str, trace_id: str) -> Trace | None:
        trace = self.store(account, region).traces.get(trace_id)
        if trace is None or trace.updated < self._now() - self.retention:
            return None
        return trace

    def find(self, account: str, region: str, start: float, end: float,
             range_type: TimeRangeType = "TraceId",
             expression: Filter | None = None) -> tuple[list[tuple[Trace, float]], int]:
        """Traces in [start, end] by ``range_type`` that match ``expression``, with the time
        that matched; and how many traces were in the time range."""
        found: list[tuple[Trace, float]] = []
        scanned = 0
        cutoff = self._now() - self.retention
        matches = expression.matches if expression is not None else None
        # One tight loop: this scan is what GetTraceSummaries costs over many traces.
        store = self.store(account, region)
        with self._lock:
            if expression is not None and expression.required:
                pool = store.candidates(expression.required)
            else:
                pool = list(store.traces.values())
        for trace in pool:
            if trace.updated < cutoff:
                continue
            if range_type == "Event":
                when = trace.updated
            elif range_type == "Service":
                when = trace.end_time
            else:
                when = trace.epoch
            if when < start or when > end:
                continue
            scanned += 1
            if matches is None or matches(trace.facts):
                found.append((trace, when))
        return found, scanned


__all__ = ["RETENTION_SECONDS", "Collector", "Journal", "Rejected", "TraceStore"]
