"""AWS::ApiGateway::* : REST APIs (from properties or an OpenAPI Body), resources, methods
with their integrations, deployments, stages, authorizers, models, request validators,
gateway responses, API keys, usage plans and their keys, and the account."""

from __future__ import annotations

import json
from typing import Any

from emulator.cloudformation.context import ResourceContext
from emulator.cloudformation.ports import ServiceFailure
from emulator.cloudformation.resources import Created, ResourceType, ignore_missing, register
from emulator.cloudformation.tags import Tagging, tag_map
from emulator.cloudformation.types.base import Put, Simple, fit

SERVICE = "apigateway"


def _patch(changes: dict[str, Any]) -> list[dict[str, str]]:
    return [{"op": "replace", "path": path, "value": str(value)}
            for path, value in changes.items() if value is not None]


# A MethodSetting property and the setting it patches under /{resourcePath}/{httpMethod}/.
_METHOD_SETTINGS = {
    "LoggingLevel": "logging/loglevel", "DataTraceEnabled": "logging/dataTrace",
    "MetricsEnabled": "metrics/enabled", "ThrottlingBurstLimit": "throttling/burstLimit",
    "ThrottlingRateLimit": "throttling/rateLimit", "CachingEnabled": "caching/enabled",
    "CacheTtlInSeconds": "caching/ttlInSeconds", "CacheDataEncrypted": "caching/dataEncrypted",
}


def _setting_text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _stage_settings(properties: dict[str, Any], previous: dict[str, Any] | None = None
                    ) -> list[dict[str, str]]:
    """UpdateStage operations for what CreateStage cannot set: AccessLogSetting and
    MethodSettings (ResourcePath ``/*`` with HttpMethod ``*`` for every method, ``/`` for
    the root, slashes inside written ``~1``), as the Stage resource documents them
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-apigateway-stage-methodsetting.html)."""
    operations: list[dict[str, str]] = []
    access = properties.get("AccessLogSetting") or {}
    for name, path in (("DestinationArn", "destinationArn"), ("Format", "format")):
        if access.get(name) is not None:
            operations.append({"op": "replace", "path": f"/accessLogSettings/{path}",
                               "value": str(access[name])})
    if not access and previous and previous.get("AccessLogSetting"):
        operations.append({"op": "remove", "path": "/accessLogSettings"})
    for setting in properties.get("MethodSettings") or []:
        resource = str(setting.get("ResourcePath") or "/*")
        rest = resource[1:] if resource.startswith("/") else resource
        prefix = "/*" if rest == "*" else "/" + (rest.replace("/", "~1") or "~1")
        method = str(setting.get("HttpMethod") or "*")
        for name, path in _METHOD_SETTINGS.items():
            if setting.get(name) is not None:
                operations.append({"op": "replace", "path": f"{prefix}/{method}/{path}",
                                   "value": _setting_text(setting[name])})
    return operations


@register
class RestApi(ResourceType):
    type_name = "AWS::ApiGateway::RestApi"
    delete_operation, identity = "DeleteRestApi", {"restApiId": "@id"}
    tagging = Tagging(SERVICE, "TagResource", "UntagResource", "resourceArn", tags="tags",
                      keys="tagKeys", style="map")

    async def _import(self, ctx: ResourceContext, properties: dict[str, Any],
                      api_id: str | None) -> dict[str, Any]:
        body = properties["Body"]
        document = (json.dumps(body) if isinstance(body, dict) else str(body)).encode()
        parameters = {key: str(value) for key, value in (properties.get(
            "Parameters") or {}).items()}
        if api_id is None:
            answer = await ctx.call(SERVICE, "ImportRestApi", {
                "body": document, "failOnWarnings": bool(properties.get("FailOnWarnings")),
                "parameters": parameters})
        else:
            answer = await ctx.call(SERVICE, "PutRestApi", {
                "restApiId": api_id, "body": document, "mode": properties.get(
                    "Mode", "overwrite"), "parameters": parameters})
        changes = {"/name": properties.get("Name"), "/description": properties.get(
            "Description")}
        if any(value is not None for value in changes.values()):
            answer = await ctx.call(SERVICE, "UpdateRestApi", {
                "restApiId": answer["id"], "patchOperations": _patch(changes)})
        return answer

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        if properties.get("Body") is not None:
            answer = await self._import(ctx, properties, None)
            await self.retag(ctx, answer["id"], {}, tag_map(ctx, properties), {})
        else:
            answer = await ctx.call(SERVICE, "CreateRestApi", fit(
                SERVICE, "CreateRestApi", properties, skip=("Tags",),
                name=properties.get("Name") or ctx.physical_name(),
                tags=tag_map(ctx, properties)))
        return Created(answer["id"], {"RestApiId": answer["id"],
                                      "RootResourceId": answer.get("rootResourceId", "")})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        if properties.get("Body") is not None:
            answer = await self._import(ctx, properties, physical_id)
            return {**attributes, "RootResourceId": answer.get(
                "rootResourceId", attributes.get("RootResourceId"))}
        changes = {"/name": properties.get("Name"),
                   "/description": properties.get("Description", "")}
        await ctx.call(SERVICE, "UpdateRestApi", {"restApiId": physical_id,
                                                  "patchOperations": _patch(changes)})
        return attributes

    def tag_target(self, ctx: ResourceContext, physical_id: str,
                   attributes: dict[str, Any]) -> str:
        return f"arn:aws:apigateway:{ctx.region}::/restapis/{physical_id}"



@register
class Resource(Simple):
    type_name = "AWS::ApiGateway::Resource"
    updatable = False
    noun = "Resource"
    physical = "id"
    identity = {"restApiId": "RestApiId", "resourceId": "@id"}
    outputs = {"ResourceId": "id"}


@register
class Method(Put):
    type_name = "AWS::ApiGateway::Method"

    def _where(self, properties: dict[str, Any]) -> dict[str, Any]:
        return {"restApiId": properties.get("RestApiId"),
                "resourceId": properties.get("ResourceId"),
                "httpMethod": properties.get("HttpMethod")}

    async def put(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any],
                  previous: dict[str, Any] | None) -> None:
        if previous is not None:  # a method is changed by putting it again whole
            old = self._where(previous)
            await ignore_missing(lambda: ctx.call(SERVICE, "DeleteMethod", old))
        where = self._where(properties)
        await ctx.call(SERVICE, "PutMethod", fit(SERVICE, "PutMethod", properties, **where,
                                                 authorizationType=properties.get(
                                                     "AuthorizationType", "NONE")))
        for response in properties.get("MethodResponses") or []:
            await ctx.call(SERVICE, "PutMethodResponse", fit(
                SERVICE, "PutMethodResponse", response, **where,
                statusCode=str(response.get("StatusCode"))))
        integration = properties.get("Integration")
        if not integration:
            return
        await ctx.call(SERVICE, "PutIntegration", fit(
            SERVICE, "PutIntegration", integration, skip=("IntegrationResponses",), **where))
        for response in integration.get("IntegrationResponses") or []:
            await ctx.call(SERVICE, "PutIntegrationResponse", fit(
                SERVICE, "PutIntegrationResponse", response, **where,
                statusCode=str(response.get("StatusCode"))))

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        await ignore_missing(lambda: ctx.call(SERVICE, "DeleteMethod",
                                              self._where(properties)))


@register
class Deployment(ResourceType):
    type_name = "AWS::ApiGateway::Deployment"

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        stage = properties.get("StageDescription") or {}
        params = fit(SERVICE, "CreateDeployment", properties, skip=("StageDescription",))
        if stage and properties.get("StageName"):
            # The stage this deployment creates, as StageDescription describes it; its
            # caching, logging, metrics and throttling properties apply to every method.
            params.update(fit(SERVICE, "CreateDeployment", stage, skip=(
                "Description", "MethodSettings", "AccessLogSetting", "Tags")))
            if stage.get("Description") is not None:
                params["stageDescription"] = stage["Description"]
        answer = await ctx.call(SERVICE, "CreateDeployment", params)
        if stage and properties.get("StageName"):
            every = {name: stage[name] for name in _METHOD_SETTINGS if name in stage}
            settings = _stage_settings({
                "AccessLogSetting": stage.get("AccessLogSetting"),
                "MethodSettings": ([{"ResourcePath": "/*", "HttpMethod": "*", **every}]
                                   if every else []) + list(stage.get("MethodSettings") or [])})
            if settings:
                await ctx.call(SERVICE, "UpdateStage", {
                    "restApiId": properties["RestApiId"], "stageName": properties["StageName"],
                    "patchOperations": settings})
        return Created(answer["id"], {"DeploymentId": answer["id"]})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        await ctx.call(SERVICE, "UpdateDeployment", {
            "restApiId": properties["RestApiId"], "deploymentId": physical_id,
            "patchOperations": _patch({"/description": properties.get("Description", "")})})
        return attributes

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        api = properties.get("RestApiId")
        if properties.get("StageName"):
            # The stage this deployment created goes with it, unless a newer deployment
            # (one that replaced this one, naming the same stage) has taken it over.
            where = {"restApiId": api, "stageName": properties["StageName"]}
            try:
                stage = await ctx.call(SERVICE, "GetStage", where)
            except ServiceFailure as failure:
                if failure.code != "NotFoundException":
                    raise
            else:
                if stage.get("deploymentId") == physical_id:
                    await ignore_missing(lambda: ctx.call(SERVICE, "DeleteStage", where))
        await ignore_missing(lambda: ctx.call(SERVICE, "DeleteDeployment", {
            "restApiId": api, "deploymentId": physical_id}))


@register
class Stage(ResourceType):
    type_name = "AWS::ApiGateway::Stage"
    delete_operation, identity = "DeleteStage", {"restApiId": "RestApiId", "stageName": "@id"}
    name_property = "StageName"

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        name = properties.get("StageName") or ctx.physical_name(128)
        await ctx.call(SERVICE, "CreateStage", fit(
            SERVICE, "CreateStage", properties, skip=("Tags",), stageName=name,
            tags=tag_map(ctx, properties)))
        settings = _stage_settings(properties)
        if settings:
            await ctx.call(SERVICE, "UpdateStage", {
                "restApiId": properties["RestApiId"], "stageName": name,
                "patchOperations": settings})
        return Created(name)

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        changes: dict[str, Any] = {
            "/deploymentId": properties.get("DeploymentId"),
            "/description": properties.get("Description", ""),
            "/tracingEnabled": str(bool(properties.get("TracingEnabled"))).lower(),
            "/cacheClusterEnabled": str(bool(properties.get("CacheClusterEnabled"))).lower(),
        }
        operations = _patch(changes)
        old_variables = previous.get("Variables") or {}
        for key, value in (properties.get("Variables") or {}).items():
            operations.append({"op": "replace", "path": f"/variables/{key}",
                               "value": str(value)})
        for key in old_variables:
            if key not in (properties.get("Variables") or {}):
                operations.append({"op": "remove", "path": f"/variables/{key}"})
        operations.extend(_stage_settings(properties, previous))
        await ctx.call(SERVICE, "UpdateStage", {
            "restApiId": properties["RestApiId"], "stageName": physical_id,
            "patchOperations": operations})
        return attributes


@register
class Authorizer(Simple):
    type_name = "AWS::ApiGateway::Authorizer"
    create_operation, delete_operation = "CreateAuthorizer", "DeleteAuthorizer"
    physical = "id"
    identity = {"restApiId": "RestApiId", "authorizerId": "@id"}
    outputs = {"AuthorizerId": "id"}

    def create_params(self, ctx: ResourceContext, properties: dict[str, Any]) -> dict[str, Any]:
        params = super().create_params(ctx, properties)
        if "ProviderARNs" in properties:
            params["providerARNs"] = properties["ProviderARNs"]
        return params


@register
class Model(Simple):
    type_name = "AWS::ApiGateway::Model"
    updatable = False
    noun = "Model"
    physical = "name"
    identity = {"restApiId": "RestApiId", "modelName": "@id"}

    def create_params(self, ctx: ResourceContext, properties: dict[str, Any]) -> dict[str, Any]:
        params = super().create_params(ctx, properties)
        params.setdefault("name", ctx.physical_name(64, separator=""))
        params.setdefault("contentType", "application/json")
        return params


@register
class RequestValidator(Simple):
    type_name = "AWS::ApiGateway::RequestValidator"
    updatable = False
    noun = "RequestValidator"
    physical = "id"
    identity = {"restApiId": "RestApiId", "requestValidatorId": "@id"}
    outputs = {"RequestValidatorId": "id"}


@register
class GatewayResponse(Simple):
    type_name = "AWS::ApiGateway::GatewayResponse"
    updatable = False
    create_operation, delete_operation = "PutGatewayResponse", "DeleteGatewayResponse"
    physical = "responseType"
    identity = {"restApiId": "RestApiId", "responseType": "ResponseType"}


@register
class ApiKey(Simple):
    type_name = "AWS::ApiGateway::ApiKey"
    updatable = False
    noun = "ApiKey"
    physical = "id"
    identity = {"apiKey": "@id"}
    outputs = {"APIKeyId": "id"}
    tag_style = "map"
    tag_member = "tags"
    generated_name = ("name", 128)


@register
class UsagePlan(Simple):
    type_name = "AWS::ApiGateway::UsagePlan"
    updatable = False
    noun = "UsagePlan"
    physical = "id"
    identity = {"usagePlanId": "@id"}
    tag_style = "map"
    tag_member = "tags"

    def create_params(self, ctx: ResourceContext, properties: dict[str, Any]) -> dict[str, Any]:
        params = super().create_params(ctx, properties)
        params.setdefault("name", properties.get("UsagePlanName") or ctx.physical_name(128))
        return params


@register
class UsagePlanKey(Simple):
    type_name = "AWS::ApiGateway::UsagePlanKey"
    updatable = False
    noun = "UsagePlanKey"
    physical = "id"
    identity = {"usagePlanId": "UsagePlanId", "keyId": "KeyId"}


@register
class Account(Put):
    """The account-wide CloudWatch role; stored through UpdateAccount."""

    type_name = "AWS::ApiGateway::Account"

    async def put(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any],
                  previous: dict[str, Any] | None) -> None:
        if properties.get("CloudWatchRoleArn"):
            await ctx.call(SERVICE, "UpdateAccount", {"patchOperations": _patch(
                {"/cloudwatchRoleArn": properties["CloudWatchRoleArn"]})})


__all__ = ["Account", "ApiKey", "Authorizer", "Deployment", "GatewayResponse", "Method",
           "Model", "RequestValidator", "Resource", "RestApi", "Stage", "UsagePlan",
           "UsagePlanKey"]
