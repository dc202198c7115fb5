"""AWS::ApiGatewayV2::* : HTTP and WebSocket APIs (from properties or an OpenAPI Body),
routes, integrations, stages, deployments, authorizers, and their responses."""

from __future__ import annotations

import json
from typing import Any

from emulator.cloudformation.resources import (
    Created,
    ResourceContext,
    ResourceType,
    Tagging,
    ignore_missing,
    register,
    tag_map,
)
from emulator.cloudformation.types.base import Simple, fit

SERVICE = "apigatewayv2"


@register
class Api(ResourceType):
    type_name = "AWS::ApiGatewayV2::Api"
    service = SERVICE
    delete_operation, identity = "DeleteApi", {"ApiId": "@id"}
    tagging = Tagging(SERVICE, "TagResource", "UntagResource", "ResourceArn", style="map")

    def _attributes(self, answer: dict[str, Any]) -> dict[str, Any]:
        return {"ApiId": answer["ApiId"], "ApiEndpoint": answer.get("ApiEndpoint", "")}

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        if properties.get("Body") is not None:
            body = properties["Body"]
            answer = await ctx.call(SERVICE, "ImportApi", {
                "Body": json.dumps(body) if isinstance(body, dict) else str(body),
                "FailOnWarnings": bool(properties.get("FailOnWarnings"))})
            changes = fit(SERVICE, "UpdateApi", properties, skip=("Body", "Tags"))
            if changes:
                answer = await ctx.call(SERVICE, "UpdateApi", {**changes,
                                                               "ApiId": answer["ApiId"]})
            await self.retag(ctx, answer["ApiId"], {}, tag_map(ctx, properties), {})
        else:
            answer = await ctx.call(SERVICE, "CreateApi", fit(
                SERVICE, "CreateApi", properties, skip=("Tags",),
                Name=properties.get("Name") or ctx.physical_name(128),
                Tags=tag_map(ctx, properties)))
        return Created(answer["ApiId"], self._attributes(answer))

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        if properties.get("Body") is not None:
            body = properties["Body"]
            await ctx.call(SERVICE, "ReimportApi", {
                "ApiId": physical_id,
                "Body": json.dumps(body) if isinstance(body, dict) else str(body)})
        changes = fit(SERVICE, "UpdateApi", properties, skip=("Body", "Tags"))
        if changes:
            await ctx.call(SERVICE, "UpdateApi", {**changes, "ApiId": physical_id})
        return attributes

    def tag_target(self, ctx: ResourceContext, physical_id: str,
                   attributes: dict[str, Any]) -> str:
        return f"arn:aws:apigateway:{ctx.region}::/apis/{physical_id}"

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        await ignore_missing(lambda: ctx.call(SERVICE, "DeleteApi", {"ApiId": physical_id}))


class _Child(Simple):
    service = SERVICE


@register
class Route(_Child):
    type_name = "AWS::ApiGatewayV2::Route"
    create_operation, update_operation, delete_operation = (
        "CreateRoute", "UpdateRoute", "DeleteRoute")
    physical = "RouteId"
    identity = {"ApiId": "ApiId", "RouteId": "@id"}
    outputs = {"RouteId": "RouteId"}


@register
class Integration(_Child):
    type_name = "AWS::ApiGatewayV2::Integration"
    create_operation, update_operation, delete_operation = (
        "CreateIntegration", "UpdateIntegration", "DeleteIntegration")
    physical = "IntegrationId"
    identity = {"ApiId": "ApiId", "IntegrationId": "@id"}
    outputs = {"IntegrationId": "IntegrationId"}


@register
class Stage(_Child):
    type_name = "AWS::ApiGatewayV2::Stage"
    name_property = "StageName"
    create_operation, update_operation, delete_operation = (
        "CreateStage", "UpdateStage", "DeleteStage")
    physical = "StageName"
    identity = {"ApiId": "ApiId", "StageName": "@id"}
    tag_style = "map"


@register
class Deployment(_Child):
    type_name = "AWS::ApiGatewayV2::Deployment"
    create_operation, update_operation, delete_operation = (
        "CreateDeployment", "UpdateDeployment", "DeleteDeployment")
    physical = "DeploymentId"
    identity = {"ApiId": "ApiId", "DeploymentId": "@id"}
    outputs = {"DeploymentId": "DeploymentId"}


@register
class Authorizer(_Child):
    type_name = "AWS::ApiGatewayV2::Authorizer"
    create_operation, update_operation, delete_operation = (
        "CreateAuthorizer", "UpdateAuthorizer", "DeleteAuthorizer")
    physical = "AuthorizerId"
    identity = {"ApiId": "ApiId", "AuthorizerId": "@id"}
    outputs = {"AuthorizerId": "AuthorizerId"}


@register
class RouteResponse(_Child):
    type_name = "AWS::ApiGatewayV2::RouteResponse"
    create_operation, update_operation, delete_operation = (
        "CreateRouteResponse", "UpdateRouteResponse", "DeleteRouteResponse")
    physical = "RouteResponseId"
    identity = {"ApiId": "ApiId", "RouteId": "RouteId", "RouteResponseId": "@id"}


@register
class IntegrationResponse(_Child):
    type_name = "AWS::ApiGatewayV2::IntegrationResponse"
    create_operation, update_operation, delete_operation = (
        "CreateIntegrationResponse", "UpdateIntegrationResponse", "DeleteIntegrationResponse")
    physical = "IntegrationResponseId"
    identity = {"ApiId": "ApiId", "IntegrationId": "IntegrationId",
                "IntegrationResponseId": "@id"}


__all__ = ["Api", "Authorizer", "Deployment", "Integration", "IntegrationResponse", "Route",
           "RouteResponse", "Stage"]
