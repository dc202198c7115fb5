"""What the REST pipeline's steps use of the engine that runs them, in one small object: the
deployed APIs, the clock, the ports, the stage cache, throttling buckets, cached authorizer
results, the usage ledger, the routers of deployments and the backends integrations reach.

The steps (pipeline, api_keys, authorizer) take a :class:`GatewayParts` instead of the engine,
so they import nothing above them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from emulator.clock import Clock
from emulator.gateway import http_client
from emulator.gateway.authorizers.cache import AuthorizerCache
from emulator.gateway.rest.cache import StageCache
from emulator.gateway.rest.deployed import DeployedApis, Snapshot
from emulator.gateway.rest.integrations.base import Backends
from emulator.gateway.rest.routes import Router
from emulator.gateway.rest.usage import UsageLedger
from emulator.gateway.throttling import Throttles
from emulator.gateway.ttl_cache import ENTRIES
from emulator.ports import Ports


@dataclass
class GatewayParts:
    apis: DeployedApis
    clock: Clock
    ports: Ports
    cache: StageCache
    throttles: Throttles
    authorizer_cache: AuthorizerCache
    usage: UsageLedger
    _routers: dict[tuple[str, str], Router] = field(default_factory=dict)

    @classmethod
    def new(cls, apis: DeployedApis, clock: Clock, ports: Ports,
            cache_entries: int = ENTRIES) -> GatewayParts:
        return cls(apis, clock, ports, StageCache(clock, cache_entries), Throttles(clock),
                   AuthorizerCache(clock, cache_entries), UsageLedger(clock))

    @cached_property
    def backends(self) -> Backends:
        """The ports and the shared HTTP client, for integrations (made once: both last)."""
        return Backends(self.ports, http_client.shared)

    def router(self, api_id: str, deployment_id: str, snapshot: Snapshot) -> Router:
        """The deployment's router, built once: deployments never change."""
        key = (api_id, deployment_id)
        found = self._routers.get(key)
        if found is None:
            found = self._routers[key] = Router(snapshot.resources)
        return found

    def forget(self) -> None:
        self.cache.forget()
        self.throttles.forget()
        self.authorizer_cache.forget()
        self.usage.forget()
        self._routers.clear()


__all__ = ["GatewayParts"]
