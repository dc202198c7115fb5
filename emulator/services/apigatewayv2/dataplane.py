"""The control plane's records as the HTTP API data plane reads them
(emulator.gateway.http_api.deployed)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.gateway.http_api.deployed import ApiMapping, DeployedHttpStage
from emulator.services.apigatewayv2.models import (
    APIS,
    DEPLOYMENTS,
    DOMAINS,
    STAGES,
    ApiRecord,
    DeploymentRecord,
    DomainNameRecord,
    StageRecord,
    child_key,
)

if TYPE_CHECKING:
    from emulator.services.apigatewayv2.common import HttpApiBase


class DeployedHttpApisView:
    def __init__(self, provider: HttpApiBase) -> None:
        self._provider = provider
        self._homes: dict[str, tuple[str, str]] = {}  # api id -> (account, region)

    def _home(self, api_id: str) -> tuple[str, str] | None:
        store = self._provider.store
        home = self._homes.get(api_id)
        if home is not None and api_id in store.table(*home, APIS, ApiRecord):
            return home
        for account, region in store.scopes(APIS):
            if api_id in store.table(account, region, APIS, ApiRecord):
                self._homes[api_id] = (account, region)
                return account, region
        return None

    def api_exists(self, api_id: str) -> bool:
        return self._home(api_id) is not None

    def stage(self, api_id: str, stage_name: str) -> DeployedHttpStage | None:
        home = self._home(api_id)
        if home is None:
            return None
        store = self._provider.store
        stage = store.table(*home, STAGES, StageRecord).get(child_key(api_id, stage_name))
        if stage is None:
            return None
        deployment_id = str(stage.stage.get("DeploymentId") or "")
        deployment = store.table(*home, DEPLOYMENTS, DeploymentRecord).get(
            child_key(api_id, deployment_id))
        if deployment is None:
            return None
        return DeployedHttpStage(account=home[0], region=home[1], api_id=api_id,
                                 stage=stage.stage, deployment_id=deployment_id,
                                 snapshot=deployment.snapshot)

    def mappings(self, host: str) -> list[ApiMapping] | None:
        store = self._provider.store
        for account, region in store.scopes(DOMAINS):
            record = store.table(account, region, DOMAINS, DomainNameRecord).get(host.lower())
            if record is not None:
                return [ApiMapping(account, region, m["ApiId"], m["Stage"],
                                   m.get("ApiMappingKey") or "")
                        for m in record.mappings.values()]
        return None


__all__ = ["DeployedHttpApisView"]
