"""AWS::Logs::LogGroup, LogStream and SubscriptionFilter."""

from __future__ import annotations

from typing import Any

from emulator.cloudformation.context import ResourceContext
from emulator.cloudformation.resources import Created, ResourceType, register
from emulator.cloudformation.tags import Tagging, tag_map
from emulator.cloudformation.types.base import Put, Simple, fit


@register
class LogGroup(ResourceType):
    type_name = "AWS::Logs::LogGroup"
    tagging = Tagging("logs", "TagResource", "UntagResource", "resourceArn", tags="tags",
                      keys="tagKeys", style="map")
    delete_operation, identity = "DeleteLogGroup", {"logGroupName": "@id"}
    name_property = "LogGroupName"

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        name = properties.get("LogGroupName") or ctx.physical_name(512)
        await ctx.call("logs", "CreateLogGroup", fit(
            "logs", "CreateLogGroup", properties, logGroupName=name,
            tags=tag_map(ctx, properties)))
        if properties.get("RetentionInDays") is not None:
            await ctx.call("logs", "PutRetentionPolicy", {
                "logGroupName": name, "retentionInDays": properties["RetentionInDays"]})
        return Created(name, {"Arn": ctx.arn("logs", f"log-group:{name}:*")})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        retention = properties.get("RetentionInDays")
        if retention != previous.get("RetentionInDays"):
            if retention is None:
                await ctx.call("logs", "DeleteRetentionPolicy", {"logGroupName": physical_id})
            else:
                await ctx.call("logs", "PutRetentionPolicy", {
                    "logGroupName": physical_id, "retentionInDays": retention})
        return attributes

    def tag_target(self, ctx: ResourceContext, physical_id: str,
                   attributes: dict[str, Any]) -> str:
        return str(attributes["Arn"]).removesuffix(":*")  # the group's ARN without ":*"


@register
class LogStream(Simple):
    type_name = "AWS::Logs::LogStream"
    updatable = False
    noun = "LogStream"
    physical = "logStreamName"
    identity = {"logGroupName": "LogGroupName", "logStreamName": "@id"}

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        name = properties.get("LogStreamName") or ctx.physical_name(512)
        await ctx.call("logs", "CreateLogStream", {
            "logGroupName": properties.get("LogGroupName"), "logStreamName": name})
        return Created(name)


@register
class SubscriptionFilter(Put):
    type_name = "AWS::Logs::SubscriptionFilter"
    delete_operation, identity = (
        "DeleteSubscriptionFilter", {"logGroupName": "LogGroupName", "filterName": "@id"})

    def new_id(self, ctx: ResourceContext, properties: dict[str, Any]) -> str:
        return str(properties.get("FilterName") or ctx.physical_name(512))

    async def put(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any],
                  previous: dict[str, Any] | None) -> None:
        await ctx.call("logs", "PutSubscriptionFilter", fit(
            "logs", "PutSubscriptionFilter", properties, filterName=physical_id))


__all__ = ["LogGroup", "LogStream", "SubscriptionFilter"]
