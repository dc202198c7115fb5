"""The control plane's records as the data plane reads them (emulator.gateway.deployed)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.gateway.deployed import DeployedStage, DomainMapping
from emulator.services.apigateway.models import (
    ACCOUNT,
    APIS,
    DEPLOYMENTS,
    DOMAINS,
    STAGES,
    AccountRecord,
    DeploymentRecord,
    DomainNameRecord,
    RestApiRecord,
    StageRecord,
    deployment_key,
    stage_key,
)

if TYPE_CHECKING:
    from emulator.services.apigateway.common import ApiGatewayBase


class DeployedApisView:
    def __init__(self, provider: ApiGatewayBase) -> None:
        self._provider = provider
        self._homes: dict[str, tuple[str, str]] = {}  # api id -> (account, region)

    def _home(self, api_id: str) -> tuple[str, str] | None:
        store = self._provider.store
        home = self._homes.get(api_id)
        if home is not None and api_id in store.table(*home, APIS, RestApiRecord):
            return home
        for account, region in store.scopes(APIS):
            if api_id in store.table(account, region, APIS, RestApiRecord):
                self._homes[api_id] = (account, region)
                return account, region
        return None

    def api_exists(self, api_id: str) -> bool:
        return self._home(api_id) is not None

    def stage(self, api_id: str, stage_name: str) -> DeployedStage | None:
        home = self._home(api_id)
        if home is None:
            return None
        store = self._provider.store
        stage = store.table(*home, STAGES, StageRecord).get(stage_key(api_id, stage_name))
        if stage is None:
            return None
        deployments = store.table(*home, DEPLOYMENTS, DeploymentRecord)
        deployment_id = str(stage.stage.get("deploymentId", ""))
        deployment = deployments.get(deployment_key(api_id, deployment_id))
        if deployment is None:
            return None
        deployed = DeployedStage(account=home[0], region=home[1], api_id=api_id,
                                 stage=stage.stage, deployment_id=deployment_id,
                                 snapshot=deployment.snapshot)
        canary_id = (stage.stage.get("canarySettings") or {}).get("deploymentId")
        canary = deployments.get(deployment_key(api_id, canary_id)) if canary_id else None
        if canary is not None:
            deployed.canary_deployment_id = canary_id
            deployed.canary_snapshot = canary.snapshot
        return deployed

    def domain(self, host: str) -> DomainMapping | None:
        store = self._provider.store
        for account, region in store.scopes(DOMAINS):
            record = store.table(account, region, DOMAINS, DomainNameRecord).get(host)
            if record is not None:
                return DomainMapping(account, region, host, record.mappings)
        return None

    def account_throttle(self, account: str, region: str) -> tuple[float, int]:
        record = self._provider.store.table(account, region, ACCOUNT, AccountRecord).get(
            "account")
        throttle = (record.account if record else {}).get("throttleSettings") or {}
        return float(throttle.get("rateLimit", 10000.0)), int(throttle.get("burstLimit", 5000))


__all__ = ["DeployedApisView"]
