"""The control plane's records as the data plane reads them (emulator.gateway.rest.deployed)."""

from __future__ import annotations

from typing import Any

from emulator.gateway.rest.deployed import DeployedStage, DomainMapping, UsagePlanView
from emulator.services.apigateway import models
from emulator.services.gateway_common import ApiHomes
from emulator.store import ServiceStore


class DeployedApisView:
    def __init__(self, store: ServiceStore) -> None:
        self._store = store
        self._homes = ApiHomes(store, models.APIS, models.RestApiRecord)

    def api_exists(self, api_id: str) -> bool:
        return self._homes.find(api_id) is not None

    def stage(self, api_id: str, stage_name: str) -> DeployedStage | None:
        found = self._homes.stage(api_id, stage_name)
        if found is None:
            return None
        home, stage = found
        deployments = self._store.table(*home, models.DEPLOYMENTS, models.DeploymentRecord)
        deployment_id = str(stage.stage.get("deploymentId", ""))
        deployment = deployments.get(models.child_key(api_id, deployment_id))
        if deployment is None:
            return None
        deployed = DeployedStage(account=home[0], region=home[1], api_id=api_id,
                                 stage=stage.stage, deployment_id=deployment_id,
                                 snapshot=deployment.snapshot)
        canary_id = (stage.stage.get("canarySettings") or {}).get("deploymentId")
        canary = deployments.get(models.child_key(api_id, canary_id)) if canary_id else None
        if canary is not None:
            deployed.canary_deployment_id = canary_id
            deployed.canary_snapshot = canary.snapshot
        return deployed

    def domain(self, host: str) -> DomainMapping | None:
        store = self._store
        for account, region in store.scopes(models.DOMAINS):
            record = store.table(account, region, models.DOMAINS, models.DomainNameRecord).get(host)
            if record is not None:
                return DomainMapping(account, region, host, record.mappings,
                                     edge=_edge(record.domain))
        if host.endswith((".cloudfront.net", ".amazonaws.com")):
            # The name's alias target (d….cloudfront.net for an edge-optimized name,
            # d-….execute-api.{region}.amazonaws.com for a regional one) reaches it too.
            for account, region in store.scopes(models.DOMAINS):
                table = store.table(account, region, models.DOMAINS, models.DomainNameRecord)
                for record in table.values():
                    if host in (record.domain.get("distributionDomainName"),
                                record.domain.get("regionalDomainName")):
                        return DomainMapping(account, region, record.domain["domainName"],
                                             record.mappings, edge=_edge(record.domain))
        return None

    def account_throttle(self, account: str, region: str) -> tuple[float, int]:
        record = self._store.table(account, region, models.ACCOUNT, models.AccountRecord).get(
            "account")
        throttle = (record.account if record else {}).get("throttleSettings") or {}
        return float(throttle.get("rateLimit", 10000.0)), int(throttle.get("burstLimit", 5000))

    def api_key(self, account: str, region: str, value: str) -> dict[str, Any] | None:
        keys = self._store.table(account, region, models.API_KEYS, models.ApiKeyRecord)
        return next((r.key for r in keys.values() if r.key.get("value") == value), None)

    def usage_plans(self, account: str, region: str, api_id: str, stage: str
                    ) -> list[UsagePlanView]:
        plans = self._store.table(account, region, models.USAGE_PLANS, models.UsagePlanRecord)
        return [UsagePlanView(r.plan, set(r.keys)) for r in plans.values()
                if any(s.get("apiId") == api_id and s.get("stage") == stage
                       for s in r.plan.get("apiStages") or [])]


def _edge(domain: dict[str, Any]) -> bool:
    return "EDGE" in ((domain.get("endpointConfiguration") or {}).get("types") or ["EDGE"])


__all__ = ["DeployedApisView"]
