"""Values kept per API stage until their TTL passes on the emulator's clock, with per-stage
hit and miss counts. The stage cache and the authorizer result cache are both built on it.

A stage keeps at most ``capacity`` entries (``settings.gateway_cache_entries``), as AWS's cache
has a size: a put past it drops the expired entries, then the oldest, so keys that are never
asked for again (one per token, one per query string) do not pile up.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Generic, TypeVar

from emulator.clock import Clock

V = TypeVar("V")
ENTRIES = 10_000  # the default of settings.gateway_cache_entries


@dataclass
class _Entry(Generic[V]):
    expires: float
    value: V


class StageTtlCache(Generic[V]):
    def __init__(self, clock: Clock, capacity: int = ENTRIES) -> None:
        self._clock = clock
        self.capacity = capacity
        self._entries: dict[tuple[str, str], dict[tuple[str, ...], _Entry[V]]] = {}
        self.hits: Counter[tuple[str, str]] = Counter()
        self.misses: Counter[tuple[str, str]] = Counter()

    def get(self, api_id: str, stage: str, key: tuple[str, ...]) -> V | None:
        """The cached value, or None when there is none or it has expired."""
        entries = self._entries.get((api_id, stage), {})
        entry = entries.get(key)
        if entry is not None and entry.expires > self._clock.now():
            self.hits[(api_id, stage)] += 1
            return entry.value
        if entry is not None:
            del entries[key]
        self.misses[(api_id, stage)] += 1
        return None

    def put(self, api_id: str, stage: str, key: tuple[str, ...], ttl: int, value: V) -> None:
        """Keep ``value`` for ``ttl`` seconds; a TTL of 0 or less keeps nothing."""
        if ttl <= 0:
            return
        entries = self._entries.setdefault((api_id, stage), {})
        now = self._clock.now()
        entries.pop(key, None)  # a key put again is the newest
        if len(entries) >= self.capacity:
            for old in [k for k, entry in entries.items() if entry.expires <= now]:
                del entries[old]
            while len(entries) >= self.capacity:
                del entries[next(iter(entries))]
        entries[key] = _Entry(now + ttl, value)

    def invalidate(self, api_id: str, stage: str, key: tuple[str, ...]) -> None:
        self._entries.get((api_id, stage), {}).pop(key, None)

    def flush(self, api_id: str, stage: str) -> None:
        self._entries.pop((api_id, stage), None)

    def size(self, api_id: str, stage: str) -> int:
        return len(self._entries.get((api_id, stage), {}))

    def forget(self) -> None:
        self._entries.clear()
        self.hits.clear()
        self.misses.clear()


__all__ = ["StageTtlCache"]
