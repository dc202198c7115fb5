"""The stage cache: responses kept per stage and deployment until their TTL passes on the
emulator's clock, with the hit and miss counts AWS reports as CacheHitCount and
CacheMissCount."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from emulator.clock import Clock
from emulator.gateway.messages import GatewayResponse

MAX_ENTRY_BYTES = 1_048_576  # larger responses are not cached, as on AWS


@dataclass
class _Entry:
    expires: float
    response: GatewayResponse


class StageCache:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._entries: dict[tuple[str, str], dict[tuple[str, ...], _Entry]] = {}
        self.hits: Counter[tuple[str, str]] = Counter()
        self.misses: Counter[tuple[str, str]] = Counter()

    def get(self, api_id: str, stage: str, key: tuple[str, ...]) -> GatewayResponse | None:
        entries = self._entries.get((api_id, stage), {})
        entry = entries.get(key)
        if entry is not None and entry.expires > self._clock.now():
            self.hits[(api_id, stage)] += 1
            return entry.response
        if entry is not None:
            del entries[key]
        self.misses[(api_id, stage)] += 1
        return None

    def put(self, api_id: str, stage: str, key: tuple[str, ...], ttl: int,
            response: GatewayResponse) -> None:
        if ttl <= 0 or len(response.body) > MAX_ENTRY_BYTES:
            return
        self._entries.setdefault((api_id, stage), {})[key] = _Entry(
            self._clock.now() + ttl, response)

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


__all__ = ["MAX_ENTRY_BYTES", "StageCache"]
