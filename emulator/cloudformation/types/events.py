"""AWS::Events::Rule, EventBus and Archive."""

from __future__ import annotations

from typing import Any

from emulator.cloudformation.context import ResourceContext
from emulator.cloudformation.resources import Created, ResourceType, ignore_missing, register
from emulator.cloudformation.tags import Tagging, tag_list, tag_map
from emulator.cloudformation.types.base import fit, json_text
from emulator.errors import ServiceError


def _bus(properties: dict[str, Any]) -> str:
    bus = str(properties.get("EventBusName") or "default")
    return bus.rsplit("/", 1)[-1] if bus.startswith("arn:") else bus


@register
class Rule(ResourceType):
    type_name = "AWS::Events::Rule"
    tagging = Tagging("events", "TagResource", "UntagResource", "ResourceARN")
    tag_by = "Arn"
    name_property = "Name"

    def _rule(self, physical_id: str) -> tuple[str, str]:
        bus, _, name = physical_id.rpartition("|")
        return bus or "default", name

    async def _put(self, ctx: ResourceContext, name: str, properties: dict[str, Any],
                   previous: dict[str, Any] | None) -> str:
        pattern = properties.get("EventPattern")
        answer = await ctx.call("events", "PutRule", fit(
            "events", "PutRule", properties, skip=("Targets", "Tags"), Name=name,
            EventBusName=_bus(properties),
            EventPattern=json_text(pattern) if isinstance(pattern, dict) else pattern))
        targets = [fit("events", "PutTargets", {"Targets": [target]})["Targets"][0]
                   for target in properties.get("Targets") or []]
        kept = {target["Id"] for target in targets}
        gone = [target["Id"] for target in (previous or {}).get("Targets") or []
                if target.get("Id") not in kept]
        if gone:
            await ctx.call("events", "RemoveTargets", {
                "Rule": name, "EventBusName": _bus(properties), "Ids": gone})
        if targets:
            put = await ctx.call("events", "PutTargets", {
                "Rule": name, "EventBusName": _bus(properties), "Targets": targets})
            for failed in put.get("FailedEntries") or []:  # a rule without its target fails
                raise ServiceError(str(failed.get("ErrorCode") or "ValidationException"),
                                   str(failed.get("ErrorMessage") or "PutTargets failed"))
        return str(answer["RuleArn"])

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        name = properties.get("Name") or ctx.physical_name(64)
        arn = await self._put(ctx, name, properties, None)
        bus = _bus(properties)
        physical_id = name if bus == "default" else f"{bus}|{name}"
        await self.retag(ctx, physical_id, {"Arn": arn}, tag_map(ctx, properties), {})
        return Created(physical_id, {"Arn": arn})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        await self._put(ctx, self._rule(physical_id)[1], properties, previous)
        return attributes

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        bus, name = self._rule(physical_id)
        ids = [target["Id"] for target in properties.get("Targets") or [] if "Id" in target]
        if ids:
            await ignore_missing(lambda: ctx.call("events", "RemoveTargets", {
                "Rule": name, "EventBusName": bus, "Ids": ids}))
        await ignore_missing(lambda: ctx.call("events", "DeleteRule", {
            "Name": name, "EventBusName": bus}))


@register
class EventBus(ResourceType):
    type_name = "AWS::Events::EventBus"
    tagging = Tagging("events", "TagResource", "UntagResource", "ResourceARN")
    tag_by = "Arn"
    delete_operation, identity = "DeleteEventBus", {"Name": "@id"}
    name_property = "Name"
    extra_attributes = ("Name", "Arn")

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        name = properties["Name"]
        answer = await ctx.call("events", "CreateEventBus", fit(
            "events", "CreateEventBus", properties, skip=("Policy", "Tags"),
            Tags=tag_list(ctx, properties)))
        return Created(name, {"Arn": answer["EventBusArn"], "Name": name})


@register
class Archive(ResourceType):
    type_name = "AWS::Events::Archive"
    delete_operation, identity = "DeleteArchive", {"ArchiveName": "@id"}
    name_property = "ArchiveName"

    def _pattern(self, properties: dict[str, Any]) -> str | None:
        pattern = properties.get("EventPattern")
        return json_text(pattern) if isinstance(pattern, dict) else pattern

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        name = properties.get("ArchiveName") or ctx.physical_name(48)
        answer = await ctx.call("events", "CreateArchive", fit(
            "events", "CreateArchive", properties, skip=("EventPattern",), ArchiveName=name,
            EventSourceArn=properties.get("SourceArn"), EventPattern=self._pattern(properties)))
        return Created(name, {"Arn": answer["ArchiveArn"]})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        await ctx.call("events", "UpdateArchive", fit(
            "events", "UpdateArchive", properties, skip=("EventPattern", "SourceArn"),
            ArchiveName=physical_id, EventPattern=self._pattern(properties)))
        return attributes


__all__ = ["Archive", "EventBus", "Rule"]
