"""The stage cache: responses kept per stage and deployment until their TTL passes on the
emulator's clock, with the hit and miss counts AWS reports as CacheHitCount and
CacheMissCount."""

from __future__ import annotations

from emulator.gateway.messages import GatewayResponse
from emulator.gateway.ttl_cache import StageTtlCache

MAX_ENTRY_BYTES = 1_048_576  # larger responses are not cached, as on AWS


class StageCache(StageTtlCache[GatewayResponse]):
    def put(self, api_id: str, stage: str, key: tuple[str, ...], ttl: int,
            value: GatewayResponse) -> None:
        if len(value.body) > MAX_ENTRY_BYTES:
            return
        super().put(api_id, stage, key, ttl, value)


__all__ = ["MAX_ENTRY_BYTES", "StageCache"]
