"""Throttling: a token bucket per stage and method setting, refilled on the emulator's clock.

The bucket holds up to ``burst`` tokens and gains ``rate`` tokens a second; a request takes one
or is refused with 429, as API Gateway does.
"""

from __future__ import annotations

from dataclasses import dataclass

from emulator.clock import Clock


@dataclass
class TokenBucket:
    rate: float
    burst: int
    tokens: float
    updated: float

    def take(self, now: float) -> bool:
        elapsed = max(0.0, now - self.updated)
        self.tokens = min(float(self.burst), self.tokens + elapsed * self.rate)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class Throttles:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._buckets: dict[tuple[str, ...], TokenBucket] = {}

    def allow(self, key: tuple[str, ...], rate: float, burst: int) -> bool:
        """Take a token from the bucket called ``key`` (created full, or resized when its
        limits changed)."""
        now = self._clock.now()
        bucket = self._buckets.get(key)
        if bucket is None or bucket.rate != rate or bucket.burst != burst:
            bucket = TokenBucket(rate, burst, float(burst), now)
            self._buckets[key] = bucket
        return bucket.take(now)

    def forget(self) -> None:
        self._buckets.clear()


__all__ = ["Throttles", "TokenBucket"]
