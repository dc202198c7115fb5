"""HTTP APIs themselves: create (with quick create's route, integration and ``$default``
stage), read, update, delete, the CORS configuration, and tags."""

from __future__ import annotations

import re
from typing import Any

from emulator import ids
from emulator.context import RequestContext
from emulator.services.apigatewayv2.common import EDITABLE, HttpApiBase, bad_request, without_none
from emulator.services.apigatewayv2.models import ApiRecord, StageRecord, child_key

FUNCTION_ARN = re.compile(r"^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[^/]+$")
# The same function as API Gateway's invocation URI
# (arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{function ARN}/invocations).
FUNCTION_INVOCATION = re.compile(
    r"^arn:aws[a-z-]*:apigateway:[a-z0-9-]+:lambda:path/[^/]+/functions/"
    r"arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[^/]+/invocations$")
TAGGED = re.compile(r"^arn:aws[a-z-]*:apigateway:(?P<region>[a-z0-9-]*)::/(?P<path>.+)$")


def snake(member: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", member).lower()


class ApisApi(HttpApiBase):
    def create_api(self, ctx: RequestContext, *, name: str, protocol_type: str,
                   target: str | None = None, route_key: str | None = None,
                   credentials_arn: str | None = None, **fields: Any) -> dict[str, Any]:
        given = {key: fields.get(snake(key)) for key in EDITABLE}
        given.update(Name=name, ProtocolType=protocol_type, Tags=fields.get("tags"))
        if (route_key or credentials_arn) and not target:
            raise bad_request("Target is required when RouteKey or CredentialsArn is set")
        if target and protocol_type == "WEBSOCKET":
            raise bad_request("Quick create (Target, RouteKey, CredentialsArn) is only "
                              "supported for HTTP APIs")
        record = self.new_api(ctx, given)
        if target:
            self._quick_create(ctx, record, target, route_key or "$default", credentials_arn)
        return self._answer(ctx, record)

    def _quick_create(self, ctx: RequestContext, record: ApiRecord, target: str,
                      route_key: str, credentials_arn: str | None) -> None:
        integration_id = ids.short_id(7)
        lambda_target = bool(FUNCTION_ARN.match(target) or FUNCTION_INVOCATION.match(target))
        record.integrations[integration_id] = without_none({
            "ApiGatewayManaged": True, "ConnectionType": "INTERNET",
            "CredentialsArn": credentials_arn, "IntegrationId": integration_id,
            "IntegrationMethod": "POST" if lambda_target else "ANY",
            "IntegrationType": "AWS_PROXY" if lambda_target else "HTTP_PROXY",
            "IntegrationUri": target, "PayloadFormatVersion": "2.0" if lambda_target else "1.0",
            "TimeoutInMillis": 30000,
        })
        route_id = ids.short_id(7)
        record.routes[route_id] = {
            "ApiGatewayManaged": True, "ApiKeyRequired": False, "AuthorizationType": "NONE",
            "RouteId": route_id, "RouteKey": route_key,
            "Target": f"integrations/{integration_id}"}
        stage = StageRecord(api_id=record.api["ApiId"], stage={
            "ApiGatewayManaged": True, "AutoDeploy": True, "CreatedDate": self.clock.now(),
            "DefaultRouteSettings": {"DetailedMetricsEnabled": False},
            "LastUpdatedDate": self.clock.now(), "RouteSettings": {}, "StageName": "$default",
            "StageVariables": {}, "Tags": {}})
        self.save_api(ctx, record, deploy=False)
        self.deploy(ctx, record, stage, auto=True)

    def get_api(self, ctx: RequestContext, *, api_id: str, **_: Any) -> dict[str, Any]:
        return self._answer(ctx, self.api_record(ctx, api_id))

    def get_apis(self, ctx: RequestContext, *, max_results: str | None = None,
                 next_token: str | None = None, **_: Any) -> dict[str, Any]:
        items = [self._answer(ctx, record) for record in self.apis(ctx).values()]
        return self.page(items, next_token, max_results)

    def update_api(self, ctx: RequestContext, *, api_id: str, **fields: Any) -> dict[str, Any]:
        record = self.api_record(ctx, api_id)
        for key in EDITABLE:
            value = fields.get(snake(key))
            if value is not None:
                record.api[key] = value
        if record.api.get("ProtocolType") == "WEBSOCKET":
            self.check_websocket_api(record.api)
            if fields.get("target"):
                raise bad_request("Quick create (Target, RouteKey, CredentialsArn) is only "
                                  "supported for HTTP APIs")
        if fields.get("target"):
            managed = [r for r in record.routes.values() if r.get("ApiGatewayManaged")]
            if not managed:
                self._quick_create(ctx, record, fields["target"],
                                   fields.get("route_key") or "$default",
                                   fields.get("credentials_arn"))
        self.save_api(ctx, record)
        return self._answer(ctx, record)

    def delete_api(self, ctx: RequestContext, *, api_id: str, **_: Any) -> None:
        self.api_record(ctx, api_id)
        self.apis(ctx).delete(api_id)
        for key, stage in self.stages(ctx).items():
            if stage.api_id == api_id:
                self.stages(ctx).delete(key)
        for key, deployment in self.deployments(ctx).items():
            if deployment.api_id == api_id:
                self.deployments(ctx).delete(key)

    def delete_cors_configuration(self, ctx: RequestContext, *, api_id: str, **_: Any
                                  ) -> None:
        record = self.api_record(ctx, api_id)
        record.api.pop("CorsConfiguration", None)
        self.save_api(ctx, record)

    # -- tags -------------------------------------------------------------------------------

    def _tagged(self, ctx: RequestContext, arn: str) -> tuple[dict[str, Any], Any]:
        """The tagged document named by ``arn`` and a function storing it again."""
        match = TAGGED.match(arn)
        parts = match["path"].split("/") if match else []
        if len(parts) == 2 and parts[0] == "apis":
            record = self.api_record(ctx, parts[1])
            return record.api, lambda: self.save_api(ctx, record, deploy=False)
        if len(parts) == 4 and parts[0] == "apis" and parts[2] == "stages":
            key = child_key(parts[1], parts[3])
            stage = self.stages(ctx).get(key)
            if stage is not None:
                return stage.stage, lambda: self.stages(ctx).put(key, stage)
        if len(parts) == 2 and parts[0] == "domainnames":
            domain = self.domains(ctx).get(parts[1].lower())
            if domain is not None:
                return domain.domain, lambda: self.domains(ctx).put(parts[1].lower(), domain)
        raise self.not_found(f"Invalid resource ARN {arn}")

    def tag_resource(self, ctx: RequestContext, *, resource_arn: str,
                     tags: dict[str, str] | None = None, **_: Any) -> dict[str, Any]:
        doc, save = self._tagged(ctx, resource_arn)
        doc.setdefault("Tags", {}).update(tags or {})
        save()
        return {}

    def untag_resource(self, ctx: RequestContext, *, resource_arn: str, tag_keys: list[str],
                       **_: Any) -> None:
        doc, save = self._tagged(ctx, resource_arn)
        for key in tag_keys:
            doc.setdefault("Tags", {}).pop(key, None)
        save()

    def get_tags(self, ctx: RequestContext, *, resource_arn: str, **_: Any) -> dict[str, Any]:
        doc, _save = self._tagged(ctx, resource_arn)
        return {"Tags": dict(doc.get("Tags") or {})}




__all__ = ["ApisApi"]
