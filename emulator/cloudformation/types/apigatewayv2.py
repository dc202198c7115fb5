"""AWS::ApiGatewayV2::* : HTTP and WebSocket APIs (from properties or an OpenAPI Body),
routes, integrations, stages, deployments, authorizers, and their responses."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from emulator.cloudformation.context import ResourceContext
from emulator.cloudformation.resources import Created, ResourceType, register
from emulator.cloudformation.tags import Tagging, tag_map
from emulator.cloudformation.types.base import Simple, fit

SERVICE = "apigatewayv2"


@register
class Api(ResourceType):
    type_name = "AWS::ApiGatewayV2::Api"
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


class _Child(Simple):
    """A part of an API, made, changed and deleted by the operations named after its
    ``noun``, and addressed by the API's id, its parents' ids and its own: the create
    answer's ``{noun}Id`` unless ``physical`` says otherwise."""

    parents: ClassVar[tuple[str, ...]] = ()  # the ids beyond the API's that address it

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "physical" not in vars(cls):
            cls.physical = f"{cls.noun}Id"
        cls.identity = {"ApiId": "ApiId", **{name: name for name in cls.parents},
                        cls.physical: "@id"}


@register
class Route(_Child):
    type_name, noun = "AWS::ApiGatewayV2::Route", "Route"
    outputs = {"RouteId": "RouteId"}


@register
class Integration(_Child):
    type_name, noun = "AWS::ApiGatewayV2::Integration", "Integration"
    outputs = {"IntegrationId": "IntegrationId"}


@register
class Stage(_Child):
    type_name, noun = "AWS::ApiGatewayV2::Stage", "Stage"
    name_property = physical = "StageName"
    tag_style = "map"


@register
class Deployment(_Child):
    type_name, noun = "AWS::ApiGatewayV2::Deployment", "Deployment"
    outputs = {"DeploymentId": "DeploymentId"}


@register
class Authorizer(_Child):
    type_name, noun = "AWS::ApiGatewayV2::Authorizer", "Authorizer"
    outputs = {"AuthorizerId": "AuthorizerId"}


@register
class Model(_Child):
    type_name, noun = "AWS::ApiGatewayV2::Model", "Model"
    outputs = {"ModelId": "ModelId"}


@register
class RouteResponse(_Child):
    type_name, noun = "AWS::ApiGatewayV2::RouteResponse", "RouteResponse"
    parents = ("RouteId",)


@register
class IntegrationResponse(_Child):
    type_name, noun = "AWS::ApiGatewayV2::IntegrationResponse", "IntegrationResponse"
    parents = ("IntegrationId",)


__all__ = ["Api", "Authorizer", "Deployment", "Integration", "IntegrationResponse", "Model",
           "Route", "RouteResponse", "Stage"]
