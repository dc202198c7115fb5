"""The control plane's records as the HTTP and WebSocket API data planes read them
(emulator.gateway.http_api.deployed, emulator.gateway.websocket.deployed)."""

from __future__ import annotations

from emulator.gateway.http_api.deployed import ApiMapping, DeployedHttpStage
from emulator.gateway.websocket.deployed import DeployedWebSocketStage
from emulator.services.apigatewayv2 import models
from emulator.services.gateway_common import ApiHomes
from emulator.store import ServiceStore


class DeployedHttpApisView:
    def __init__(self, store: ServiceStore) -> None:
        self._store = store
        self._homes = ApiHomes(store, models.APIS, models.ApiRecord)

    def protocol(self, api_id: str) -> str | None:
        """``HTTP`` or ``WEBSOCKET``, None for an unknown API."""
        home = self._homes.find(api_id)
        if home is None:
            return None
        record = self._store.table(*home, models.APIS, models.ApiRecord).get(api_id)
        return str(record.api.get("ProtocolType")) if record is not None else None

    def api_exists(self, api_id: str) -> bool:
        """Whether ``api_id`` is an HTTP API (WebSocket APIs have their own data plane)."""
        return self.protocol(api_id) == "HTTP"

    def stage(self, api_id: str, stage_name: str) -> DeployedHttpStage | None:
        found = self.deployment(api_id, stage_name)
        if found is None:
            return None
        account, region, stage, deployment = found
        return DeployedHttpStage(account=account, region=region, api_id=api_id,
                                 stage=stage.stage,
                                 deployment_id=str(stage.stage.get("DeploymentId") or ""),
                                 snapshot=deployment.snapshot)

    def deployment(self, api_id: str, stage_name: str
                   ) -> tuple[str, str, models.StageRecord, models.DeploymentRecord] | None:
        """The account, region, stage and current deployment of ``api_id``'s stage."""
        found = self._homes.stage(api_id, stage_name)
        if found is None:
            return None
        home, stage = found
        deployment = self._store.table(*home, models.DEPLOYMENTS, models.DeploymentRecord).get(
            models.child_key(api_id, str(stage.stage.get("DeploymentId") or "")))
        if deployment is None:
            return None
        return home[0], home[1], stage, deployment

    def mappings(self, host: str) -> list[ApiMapping] | None:
        store = self._store
        for account, region in store.scopes(models.DOMAINS):
            record = store.table(account, region, models.DOMAINS,
                                 models.DomainNameRecord).get(host.lower())
            if record is not None:
                return [ApiMapping(account, region, m["ApiId"], m["Stage"],
                                   m.get("ApiMappingKey") or "")
                        for m in record.mappings.values()]
        return None


class DeployedWebSocketApisView:
    """The WebSocket API data plane's view (emulator.gateway.websocket.deployed)."""

    def __init__(self, apis: DeployedHttpApisView) -> None:
        self._apis = apis

    def knows(self, api_id: str) -> bool:
        return self._apis.protocol(api_id) == "WEBSOCKET"

    def stage(self, api_id: str, stage_name: str) -> DeployedWebSocketStage | None:
        if not self.knows(api_id):
            return None
        found = self._apis.deployment(api_id, stage_name)
        if found is None:
            return None
        account, region, stage, deployment = found
        return DeployedWebSocketStage(
            account=account, region=region, api_id=api_id, stage=stage.stage,
            deployment_id=str(deployment.deployment["DeploymentId"]),
            snapshot=deployment.snapshot)


__all__ = ["DeployedHttpApisView", "DeployedWebSocketApisView"]
