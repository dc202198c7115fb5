"""Authorizer results kept for their TTL on the emulator's clock.

An entry is keyed by the API, the stage, the authorizer and the values of its identity
sources, and holds the authorizer's whole answer (for a REST API the whole policy, which is
evaluated again against each method ARN). FlushStageAuthorizersCache drops a stage's entries.
The cache does not know what it holds, so REST and HTTP API authorizers both use it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from emulator.clock import Clock

MAX_TTL = 3600  # authorizerResultTtlInSeconds' upper bound


@dataclass
class _Entry:
    expires: float
    value: Any


class AuthorizerCache:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._entries: dict[tuple[str, str], dict[tuple[str, ...], _Entry]] = {}
        self.hits: Counter[tuple[str, str]] = Counter()
        self.misses: Counter[tuple[str, str]] = Counter()

    @staticmethod
    def key(authorizer_id: str, identity: list[str] | tuple[str, ...]) -> tuple[str, ...]:
        return (authorizer_id, *identity)

    def get(self, api_id: str, stage: str, key: tuple[str, ...]) -> Any | None:
        """The cached answer, or None when there is none or it has expired."""
        entries = self._entries.get((api_id, stage), {})
        entry = entries.get(key)
        if entry is not None and entry.expires > self._clock.now():
            self.hits[(api_id, stage)] += 1
            return entry.value
        if entry is not None:
            del entries[key]
        self.misses[(api_id, stage)] += 1
        return None

    def put(self, api_id: str, stage: str, key: tuple[str, ...], ttl: int, value: Any) -> None:
        if ttl <= 0:
            return
        self._entries.setdefault((api_id, stage), {})[key] = _Entry(
            self._clock.now() + min(ttl, MAX_TTL), value)

    def flush(self, api_id: str, stage: str) -> None:
        self._entries.pop((api_id, stage), None)

    def size(self, api_id: str, stage: str) -> int:
        return len(self._entries.get((api_id, stage), {}))

    def forget(self) -> None:
        self._entries.clear()
        self.hits.clear()
        self.misses.clear()


__all__ = ["MAX_TTL", "AuthorizerCache"]
