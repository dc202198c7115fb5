"""Stages (named ones and ``$default``, auto-deploy, stage variables, route settings with
throttling) and deployments."""

from __future__ import annotations

import re
from typing import Any

from emulator.context import RequestContext
from emulator.services.apigatewayv2.common import HttpApiBase, bad_request, members, without_none
from emulator.services.apigatewayv2.models import DeploymentRecord, StageRecord, child_key

STAGE_NAME = re.compile(r"^(?:\$default|[A-Za-z0-9_\-]{1,128})$")
VARIABLE_NAME = re.compile(r"^[A-Za-z0-9_]{1,64}$")
VARIABLE_VALUE = re.compile(r"^[A-Za-z0-9\-._~:/?#&=,]{0,512}$")


def check_stage(stage: dict[str, Any]) -> None:
    for name, value in (stage.get("StageVariables") or {}).items():
        if not VARIABLE_NAME.match(name) or not VARIABLE_VALUE.match(str(value)):
            raise bad_request(f"Stage variable {name} is invalid: names take alphanumerics "
                              "and underscores, values alphanumerics and -._~:/?#&=,")
    settings = [stage.get("DefaultRouteSettings") or {},
                *(stage.get("RouteSettings") or {}).values()]
    for setting in settings:
        rate, burst = setting.get("ThrottlingRateLimit"), setting.get("ThrottlingBurstLimit")
        if (rate is not None and rate < 0) or (burst is not None and burst < 0):
            raise bad_request("Throttling limits must not be negative")


class StagesApi(HttpApiBase):
    def forget_authorizers(self, api_id: str, stage_name: str) -> None:
        """Drop the stage's cached authorizer results (the provider wires the data plane)."""

    # -- stages -----------------------------------------------------------------------------

    def stage_record(self, ctx: RequestContext, api_id: str, stage_name: str) -> StageRecord:
        self.api_record(ctx, api_id)
        return self.found(self.stages(ctx).get(child_key(api_id, stage_name)),
                          f"Invalid stage identifier specified {stage_name}", ResourceType="Stage")

    def create_stage(self, ctx: RequestContext, *, api_id: str, stage_name: str,
                     deployment_id: str | None = None, **fields: Any) -> dict[str, Any]:
        record = self.api_record(ctx, api_id)
        if not STAGE_NAME.match(stage_name):
            raise bad_request(f"Stage name {stage_name} is invalid: use alphanumerics, "
                              "hyphens and underscores (or $default)")
        if child_key(api_id, stage_name) in self.stages(ctx):
            raise self.conflict(f"Stage {stage_name} already exists")
        if deployment_id is not None and \
                child_key(api_id, deployment_id) not in self.deployments(ctx):
            raise self.not_found(f"Invalid deployment identifier specified {deployment_id}",
                            ResourceType="Deployment")
        now = self.clock.now()
        doc = without_none({
            "AutoDeploy": False, "CreatedDate": now, "DefaultRouteSettings": {
                "DetailedMetricsEnabled": False}, "DeploymentId": deployment_id,
            "LastUpdatedDate": now, "RouteSettings": {}, "StageName": stage_name,
            "StageVariables": {}, "Tags": {}})
        doc.update(members(fields))
        check_stage(doc)
        stage = StageRecord(api_id=api_id, stage=doc)
        self.stages(ctx).put(child_key(api_id, stage_name), stage)
        if doc.get("AutoDeploy"):
            self.deploy(ctx, record, stage, auto=True)
        return self.copy(stage.stage)

    def get_stage(self, ctx: RequestContext, *, api_id: str, stage_name: str, **_: Any
                  ) -> dict[str, Any]:
        return self.copy(self.stage_record(ctx, api_id, stage_name).stage)

    def get_stages(self, ctx: RequestContext, *, api_id: str, max_results: str | None = None,
                   next_token: str | None = None, **_: Any) -> dict[str, Any]:
        self.api_record(ctx, api_id)
        items = [self.copy(s.stage) for s in self.stages(ctx).values() if s.api_id == api_id]
        return self.page(items, next_token, max_results)

    def update_stage(self, ctx: RequestContext, *, api_id: str, stage_name: str,
                     **fields: Any) -> dict[str, Any]:
        record = self.api_record(ctx, api_id)
        stage = self.stage_record(ctx, api_id, stage_name)
        given = members(fields)
        deployment_id = given.get("DeploymentId")
        if deployment_id is not None and \
                child_key(api_id, deployment_id) not in self.deployments(ctx):
            raise self.not_found(f"Invalid deployment identifier specified {deployment_id}",
                            ResourceType="Deployment")
        for key in ("StageVariables", "RouteSettings"):
            if key in given:  # merged key by key, as AWS updates these maps
                stage.stage[key] = {**(stage.stage.get(key) or {}), **given.pop(key)}
        if "DefaultRouteSettings" in given:
            stage.stage["DefaultRouteSettings"] = {
                **(stage.stage.get("DefaultRouteSettings") or {}),
                **given.pop("DefaultRouteSettings")}
        stage.stage.update(given)
        check_stage(stage.stage)
        stage.stage["LastUpdatedDate"] = self.clock.now()
        self.stages(ctx).put(child_key(api_id, stage_name), stage)
        if given.get("AutoDeploy"):
            self.deploy(ctx, record, stage, auto=True)
        return self.copy(stage.stage)

    def delete_stage(self, ctx: RequestContext, *, api_id: str, stage_name: str, **_: Any
                     ) -> None:
        self.stage_record(ctx, api_id, stage_name)
        self.stages(ctx).delete(child_key(api_id, stage_name))
        self.forget_authorizers(api_id, stage_name)

    def delete_route_settings(self, ctx: RequestContext, *, api_id: str, stage_name: str,
                              route_key: str, **_: Any) -> None:
        stage = self.stage_record(ctx, api_id, stage_name)
        settings = stage.stage.get("RouteSettings") or {}
        if route_key not in settings:
            raise self.not_found(f"Route settings for {route_key} do not exist",
                                 ResourceType="RouteSettings")
        del settings[route_key]
        self.stages(ctx).put(child_key(api_id, stage_name), stage)

    def delete_access_log_settings(self, ctx: RequestContext, *, api_id: str,
                                   stage_name: str, **_: Any) -> None:
        stage = self.stage_record(ctx, api_id, stage_name)
        stage.stage.pop("AccessLogSettings", None)
        self.stages(ctx).put(child_key(api_id, stage_name), stage)

    def reset_authorizers_cache(self, ctx: RequestContext, *, api_id: str, stage_name: str,
                                **_: Any) -> None:
        self.stage_record(ctx, api_id, stage_name)
        self.forget_authorizers(api_id, stage_name)

    # -- deployments ------------------------------------------------------------------------

    def create_deployment(self, ctx: RequestContext, *, api_id: str,
                          stage_name: str | None = None, description: str | None = None,
                          **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, api_id)
        if not record.routes:
            raise bad_request("Unable to deploy API because no routes exist in this API")
        stage = self.stage_record(ctx, api_id, stage_name) if stage_name else None
        if stage is not None and stage.stage.get("AutoDeploy"):
            raise bad_request(f"Stage {stage_name} is configured for auto-deploy: it is "
                              "deployed with every change")
        return self.copy(self.deploy(ctx, record, stage, description=description))

    def _deployment(self, ctx: RequestContext, api_id: str, deployment_id: str
                    ) -> DeploymentRecord:
        self.api_record(ctx, api_id)
        return self.found(self.deployments(ctx).get(child_key(api_id, deployment_id)),
                          f"Invalid deployment identifier specified {deployment_id}",
                          ResourceType="Deployment")

    def get_deployment(self, ctx: RequestContext, *, api_id: str, deployment_id: str,
                       **_: Any) -> dict[str, Any]:
        return self.copy(self._deployment(ctx, api_id, deployment_id).deployment)

    def get_deployments(self, ctx: RequestContext, *, api_id: str,
                        max_results: str | None = None, next_token: str | None = None,
                        **_: Any) -> dict[str, Any]:
        self.api_record(ctx, api_id)
        items = [self.copy(d.deployment) for d in self.deployments(ctx).values()
                 if d.api_id == api_id]
        return self.page(items, next_token, max_results)

    def update_deployment(self, ctx: RequestContext, *, api_id: str, deployment_id: str,
                          description: str | None = None, **_: Any) -> dict[str, Any]:
        found = self._deployment(ctx, api_id, deployment_id)
        if description is not None:
            found.deployment["Description"] = description
        self.deployments(ctx).put(child_key(api_id, deployment_id), found)
        return self.copy(found.deployment)

    def delete_deployment(self, ctx: RequestContext, *, api_id: str, deployment_id: str,
                          **_: Any) -> None:
        self._deployment(ctx, api_id, deployment_id)
        if any(s.api_id == api_id and s.stage.get("DeploymentId") == deployment_id
               for s in self.stages(ctx).values()):
            raise bad_request(f"Deployment {deployment_id} is in use by a stage")
        self.deployments(ctx).delete(child_key(api_id, deployment_id))


__all__ = ["StagesApi", "check_stage"]
