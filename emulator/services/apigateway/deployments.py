"""Deployments (frozen copies of an API) and the stages that serve them."""

from __future__ import annotations

import re
from typing import Any

from emulator import ids
from emulator.context import RequestContext
from emulator.services.apigateway import patch
from emulator.services.apigateway.common import ApiGatewayBase, bad_request, without_none
from emulator.services.apigateway.models import (
    DeploymentRecord,
    RestApiRecord,
    Snapshot,
    StageRecord,
    child_key,
)

STAGE_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,128}$")
CACHE_SIZES = ("0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237")
STAGE_PATHS = {
    "/description": patch.Path(removable=True),
    "/deploymentId": patch.Path(),
    "/cacheClusterEnabled": patch.Path(patch.BOOL),
    "/cacheClusterSize": patch.Path(),
    "/variables": patch.Path(patch.MAP),
    "/tracingEnabled": patch.Path(patch.BOOL),
    "/clientCertificateId": patch.Path(removable=True),
    "/documentationVersion": patch.Path(removable=True),
    "/webAclArn": patch.Path(removable=True),
    "/accessLogSettings": patch.Path(patch.OBJECT),
    "/accessLogSettings/destinationArn": patch.Path(removable=True),
    "/accessLogSettings/format": patch.Path(removable=True),
    "/canarySettings": patch.Path(patch.OBJECT),
    "/canarySettings/percentTraffic": patch.Path(patch.FLOAT),
    "/canarySettings/deploymentId": patch.Path(),
    "/canarySettings/stageVariableOverrides": patch.Path(patch.MAP),
    "/canarySettings/useStageCache": patch.Path(patch.BOOL),
}
# "/{resourcePath}/{httpMethod}/{group}/{setting}" -> MethodSetting member and its type.
METHOD_SETTINGS = {
    "metrics/enabled": ("metricsEnabled", patch.BOOL),
    "logging/loglevel": ("loggingLevel", patch.SCALAR),
    "logging/dataTrace": ("dataTraceEnabled", patch.BOOL),
    "throttling/burstLimit": ("throttlingBurstLimit", patch.INT),
    "throttling/rateLimit": ("throttlingRateLimit", patch.FLOAT),
    "caching/enabled": ("cachingEnabled", patch.BOOL),
    "caching/ttlInSeconds": ("cacheTtlInSeconds", patch.INT),
    "caching/dataEncrypted": ("cacheDataEncrypted", patch.BOOL),
    "caching/requireAuthorizationForCacheControl": (
        "requireAuthorizationForCacheControl", patch.BOOL),
    "caching/unauthorizedCacheControlHeaderStrategy": (
        "unauthorizedCacheControlHeaderStrategy", patch.SCALAR),
}
CACHE_STRATEGIES = ("FAIL_WITH_403", "SUCCEED_WITH_RESPONSE_HEADER",
                    "SUCCEED_WITHOUT_RESPONSE_HEADER")


def default_method_setting() -> dict[str, Any]:
    """What AWS shows for a method setting nobody has changed."""
    return {
        "metricsEnabled": False, "loggingLevel": "OFF", "dataTraceEnabled": False,
        "throttlingBurstLimit": 5000, "throttlingRateLimit": 10000.0,
        "cachingEnabled": False, "cacheTtlInSeconds": 300, "cacheDataEncrypted": False,
        "requireAuthorizationForCacheControl": True,
        "unauthorizedCacheControlHeaderStrategy": "SUCCEED_WITH_RESPONSE_HEADER",
    }


def apply_method_setting(stage: dict[str, Any], operation: dict[str, Any]) -> bool:
    """Apply a ``/{path}/{method}/{group}/{setting}`` operation; False when not one."""
    path = str(operation.get("path") or "")
    parts = path.strip("/").split("/")
    if len(parts) == 2 and operation.get("op") == "remove" and (
            parts[1].isupper() or parts[1] == "*"):
        stage.get("methodSettings", {}).pop(
            f"{patch.unescape(parts[0]).lstrip('/')}/{parts[1]}", None)
        return True
    if len(parts) != 4:
        return False
    member = METHOD_SETTINGS.get(f"{parts[2]}/{parts[3]}")
    if member is None:
        return False
    # Keys are the resource path without its leading slash ("pets/GET", "/GET" for the root).
    key = f"{patch.unescape(parts[0]).lstrip('/')}/{parts[1]}"
    name, kind = member
    if operation.get("op") != "replace":
        raise patch.invalid_path(path, str(operation.get("op")), ["/*/*/" + k
                                                                  for k in METHOD_SETTINGS])
    value = patch.convert(kind, operation.get("value"), path)
    if name == "cacheTtlInSeconds" and not 0 <= value <= 3600:
        raise bad_request("CacheTtlInSeconds must be between 0 and 3600")
    if name == "loggingLevel" and value not in ("OFF", "ERROR", "INFO"):
        raise bad_request("Logging level must be one of: OFF, ERROR, INFO")
    if name == "unauthorizedCacheControlHeaderStrategy" and value not in CACHE_STRATEGIES:
        raise bad_request("Invalid unauthorizedCacheControlHeaderStrategy: " + str(value))
    settings = stage.setdefault("methodSettings", {})
    settings.setdefault(key, default_method_setting())[name] = value
    return True


def api_summary(record: RestApiRecord) -> dict[str, dict[str, dict[str, Any]]]:
    summary: dict[str, dict[str, dict[str, Any]]] = {}
    for resource in record.resources.values():
        for name, method in resource.get("resourceMethods", {}).items():
            summary.setdefault(resource["path"], {})[name] = {
                "authorizationType": method.get("authorizationType", "NONE"),
                "apiKeyRequired": bool(method.get("apiKeyRequired")),
            }
    return summary


def snapshot_of(record: RestApiRecord) -> Snapshot:
    return Snapshot.model_validate(record.model_dump(
        include={"api", "resources", "models", "validators", "gateway_responses",
                 "authorizers"}))


class DeploymentsApi(ApiGatewayBase):
    # -- deployments ------------------------------------------------------------------------

    def create_deployment(
            self, ctx: RequestContext, *, rest_api_id: str, stage_name: str | None = None,
            stage_description: str | None = None, description: str | None = None,
            cache_cluster_enabled: bool | None = None, cache_cluster_size: str | None = None,
            variables: dict[str, str] | None = None, canary_settings: dict[str, Any] | None = None,
            tracing_enabled: bool | None = None, **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        methods = [(r, m) for r in record.resources.values()
                   for m in r.get("resourceMethods", {}).values()]
        if not methods:
            raise bad_request("The REST API doesn't contain any methods")
        for _resource, method in methods:
            if "methodIntegration" not in method:
                raise bad_request("No integration defined for method")
        if stage_name is not None and not STAGE_NAME.match(stage_name):
            raise bad_request("Stage name only allows a-zA-Z0-9_")
        stage = self.stages(ctx).get(child_key(rest_api_id, stage_name or ""))
        if canary_settings is not None and stage is None:
            raise bad_request("Invalid stage identifier specified")
        deployment = without_none({
            "id": ids.short_id(6), "description": description,
            "createdDate": int(self.clock.now()), "apiSummary": api_summary(record),
        })
        self.deployments(ctx).put(
            child_key(rest_api_id, deployment["id"]),
            DeploymentRecord(api_id=rest_api_id, deployment=deployment,
                             snapshot=snapshot_of(record)))
        if stage_name:
            doc = stage.stage if stage is not None else self._new_stage(stage_name)
            if canary_settings is not None:
                doc["canarySettings"] = without_none({
                    "deploymentId": deployment["id"],
                    "percentTraffic": float(canary_settings.get("percentTraffic", 0.0)),
                    "stageVariableOverrides": canary_settings.get("stageVariableOverrides"),
                    "useStageCache": bool(canary_settings.get("useStageCache", False)),
                })
            else:
                doc["deploymentId"] = deployment["id"]
            if stage_description is not None:
                doc["description"] = stage_description
            if variables:
                doc["variables"] = {**doc.get("variables", {}), **variables}
            if cache_cluster_enabled is not None:
                self._set_cache(doc, cache_cluster_enabled, cache_cluster_size)
            if tracing_enabled is not None:
                doc["tracingEnabled"] = tracing_enabled
            doc["lastUpdatedDate"] = int(self.clock.now())
            self.stages(ctx).put(child_key(rest_api_id, stage_name),
                                 StageRecord(api_id=rest_api_id, stage=doc))
        return deployment

    def _deployment(self, ctx: RequestContext, api_id: str, deployment_id: str
                    ) -> DeploymentRecord:
        self.api_record(ctx, api_id)
        return self.found(self.deployments(ctx).get(child_key(api_id, deployment_id)),
                          "Invalid Deployment identifier specified")

    def get_deployment(self, ctx: RequestContext, *, rest_api_id: str, deployment_id: str,
                       embed: list[str] | None = None, **_: Any) -> dict[str, Any]:
        doc = self._deployment(ctx, rest_api_id, deployment_id).deployment
        return doc if "apisummary" in [e.lower() for e in embed or []] else {
            k: v for k, v in doc.items() if k != "apiSummary"}

    def get_deployments(self, ctx: RequestContext, *, rest_api_id: str,
                        position: str | None = None, limit: int | None = None, **_: Any
                        ) -> dict[str, Any]:
        self.api_record(ctx, rest_api_id)
        items = [r.deployment for r in self.deployments(ctx).values()
                 if r.api_id == rest_api_id]
        return self.page(items, position, limit)

    def update_deployment(self, ctx: RequestContext, *, rest_api_id: str, deployment_id: str,
                          patch_operations: list[dict[str, Any]] | None = None, **_: Any
                          ) -> dict[str, Any]:
        record = self._deployment(ctx, rest_api_id, deployment_id)
        patch.apply(record.deployment, patch_operations,
                    {"/description": patch.Path(removable=True)})
        self.deployments(ctx).put(child_key(rest_api_id, deployment_id), record)
        return record.deployment

    def delete_deployment(self, ctx: RequestContext, *, rest_api_id: str, deployment_id: str,
                          **_: Any) -> None:
        self._deployment(ctx, rest_api_id, deployment_id)
        for stage in self.stages(ctx).values():
            canary = stage.stage.get("canarySettings", {}).get("deploymentId")
            if stage.api_id == rest_api_id and deployment_id in (
                    stage.stage.get("deploymentId"), canary):
                raise bad_request(
                    "Active stages pointing to this deployment must be moved or deleted")
        self.deployments(ctx).delete(child_key(rest_api_id, deployment_id))

    # -- stages -----------------------------------------------------------------------------

    def _new_stage(self, stage_name: str) -> dict[str, Any]:
        now = int(self.clock.now())
        return {"stageName": stage_name, "cacheClusterEnabled": False,
                "cacheClusterStatus": "NOT_AVAILABLE", "methodSettings": {},
                "tracingEnabled": False, "createdDate": now, "lastUpdatedDate": now}

    @staticmethod
    def _set_cache(doc: dict[str, Any], enabled: bool, size: str | None) -> None:
        if size is not None and size not in CACHE_SIZES:
            raise bad_request("Invalid cache cluster size specified: " + size)
        doc["cacheClusterEnabled"] = enabled
        doc["cacheClusterStatus"] = "AVAILABLE" if enabled else "NOT_AVAILABLE"
        if enabled:
            doc["cacheClusterSize"] = size or doc.get("cacheClusterSize") or "0.5"
        else:
            doc.pop("cacheClusterSize", None)

    def create_stage(
            self, ctx: RequestContext, *, rest_api_id: str, stage_name: str, deployment_id: str,
            description: str | None = None, cache_cluster_enabled: bool | None = None,
            cache_cluster_size: str | None = None, variables: dict[str, str] | None = None,
            documentation_version: str | None = None, canary_settings: dict[str, Any] | None = None,
            tracing_enabled: bool | None = None, tags: dict[str, str] | None = None, **_: Any
            ) -> dict[str, Any]:
        self._deployment(ctx, rest_api_id, deployment_id)
        if not STAGE_NAME.match(stage_name):
            raise bad_request("Stage name only allows a-zA-Z0-9_")
        if child_key(rest_api_id, stage_name) in self.stages(ctx):
            raise self.conflict("Stage already exists")
        doc = self._new_stage(stage_name)
        doc["deploymentId"] = deployment_id
        doc.update(without_none({
            "description": description, "variables": variables or None,
            "documentationVersion": documentation_version, "tags": tags or None,
            "tracingEnabled": bool(tracing_enabled)}))
        if canary_settings:
            doc["canarySettings"] = dict(canary_settings)
        if cache_cluster_enabled is not None or cache_cluster_size is not None:
            self._set_cache(doc, bool(cache_cluster_enabled), cache_cluster_size)
        self.stages(ctx).put(child_key(rest_api_id, stage_name),
                             StageRecord(api_id=rest_api_id, stage=doc))
        return doc

    def stage_record(self, ctx: RequestContext, api_id: str, stage_name: str) -> StageRecord:
        self.api_record(ctx, api_id)
        return self.found(self.stages(ctx).get(child_key(api_id, stage_name)),
                          "Invalid Stage identifier specified")

    def get_stage(self, ctx: RequestContext, *, rest_api_id: str, stage_name: str, **_: Any
                  ) -> dict[str, Any]:
        return self.stage_record(ctx, rest_api_id, stage_name).stage

    def get_stages(self, ctx: RequestContext, *, rest_api_id: str,
                   deployment_id: str | None = None, **_: Any) -> dict[str, Any]:
        self.api_record(ctx, rest_api_id)
        items = [r.stage for r in self.stages(ctx).values() if r.api_id == rest_api_id and (
            deployment_id is None or r.stage.get("deploymentId") == deployment_id)]
        return {"item": items}

    def update_stage(self, ctx: RequestContext, *, rest_api_id: str, stage_name: str,
                     patch_operations: list[dict[str, Any]] | None = None, **_: Any
                     ) -> dict[str, Any]:
        record = self.stage_record(ctx, rest_api_id, stage_name)
        doc = self.copy(record.stage)
        was_cached = bool(doc.get("cacheClusterEnabled"))
        for operation in patch_operations or []:
            if not apply_method_setting(doc, operation):
                patch.apply_one(doc, operation, STAGE_PATHS)
        for key in ("deploymentId",):
            if doc.get(key):
                self._deployment(ctx, rest_api_id, doc[key])
        canary = doc.get("canarySettings")
        if canary and canary.get("deploymentId"):
            self._deployment(ctx, rest_api_id, canary["deploymentId"])
        if canary and not 0.0 <= float(canary.get("percentTraffic", 0.0)) <= 100.0:
            raise bad_request("Canary weight must be between 0.0 and 100.0")
        self._set_cache(doc, bool(doc.get("cacheClusterEnabled")), doc.get("cacheClusterSize"))
        if was_cached and not doc["cacheClusterEnabled"]:
            self.flush_stage(ctx, rest_api_id, stage_name)
        doc["lastUpdatedDate"] = int(self.clock.now())
        record.stage = doc
        self.stages(ctx).put(child_key(rest_api_id, stage_name), record)
        return doc

    def delete_stage(self, ctx: RequestContext, *, rest_api_id: str, stage_name: str,
                     **_: Any) -> None:
        self.stage_record(ctx, rest_api_id, stage_name)
        self.stages(ctx).delete(child_key(rest_api_id, stage_name))
        self.flush_stage(ctx, rest_api_id, stage_name)
        self.flush_authorizers(ctx, rest_api_id, stage_name)

    def flush_stage_cache(self, ctx: RequestContext, *, rest_api_id: str, stage_name: str,
                          **_: Any) -> None:
        self.stage_record(ctx, rest_api_id, stage_name)
        self.flush_stage(ctx, rest_api_id, stage_name)

    def flush_stage_authorizers_cache(self, ctx: RequestContext, *, rest_api_id: str,
                                      stage_name: str, **_: Any) -> None:
        self.stage_record(ctx, rest_api_id, stage_name)
        self.flush_authorizers(ctx, rest_api_id, stage_name)


__all__ = ["DeploymentsApi", "api_summary", "default_method_setting", "snapshot_of"]
