"""Authorizer results kept for their TTL on the emulator's clock.

An entry is keyed by the API, the stage, the authorizer and the values of its identity
sources, and holds the authorizer's whole answer (for a REST API the whole policy, which is
evaluated again against each method ARN). FlushStageAuthorizersCache drops a stage's entries.
The cache does not know what it holds, so REST and HTTP API authorizers both use it.
"""

from __future__ import annotations

from typing import Any

from emulator.gateway.ttl_cache import StageTtlCache

MAX_TTL = 3600  # authorizerResultTtlInSeconds' upper bound


class AuthorizerCache(StageTtlCache[Any]):
    @staticmethod
    def key(authorizer_id: str, identity: list[str] | tuple[str, ...]) -> tuple[str, ...]:
        return (authorizer_id, *identity)

    def put(self, api_id: str, stage: str, key: tuple[str, ...], ttl: int, value: Any) -> None:
        super().put(api_id, stage, key, min(ttl, MAX_TTL), value)


__all__ = ["MAX_TTL", "AuthorizerCache"]
