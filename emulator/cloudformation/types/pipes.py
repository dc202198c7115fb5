"""AWS::Pipes::Pipe: a pipe made with CreatePipe, changed in place with UpdatePipe (a new Name,
Source or starting position replaces it), its tags a map; Ref gives its name
(https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/
aws-resource-pipes-pipe.html)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from emulator.cloudformation.context import ResourceContext
from emulator.cloudformation.resources import Created, ResourceType, register
from emulator.cloudformation.tags import Tagging, tag_map
from emulator.cloudformation.types.base import fit


def _text(value: Any) -> str:
    """A timestamp of the API's answer as an ISO 8601 attribute."""
    if isinstance(value, int | float):
        value = datetime.fromtimestamp(value, tz=UTC)
    return value.isoformat() if isinstance(value, datetime) else str(value)


@register
class Pipe(ResourceType):
    type_name = "AWS::Pipes::Pipe"
    name_property = "Name"
    tagging = Tagging("pipes", "TagResource", "UntagResource", "resourceArn", tags="tags",
                      keys="tagKeys", style="map")
    tag_by = "Arn"
    delete_operation, identity = "DeletePipe", {"Name": "@id"}

    async def _attributes(self, ctx: ResourceContext, name: str) -> dict[str, Any]:
        pipe = await ctx.call("pipes", "DescribePipe", {"Name": name})
        attributes = {"Arn": pipe["Arn"], "CurrentState": pipe["CurrentState"],
                      "CreationTime": _text(pipe["CreationTime"]),
                      "LastModifiedTime": _text(pipe["LastModifiedTime"])}
        if pipe.get("StateReason"):
            attributes["StateReason"] = pipe["StateReason"]
        return attributes

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        name = properties.get("Name") or ctx.physical_name(64)
        params = fit("pipes", "CreatePipe", properties, skip=("Tags",), Name=name,
                     Tags=tag_map(ctx, properties) or None)
        await ctx.call("pipes", "CreatePipe", params)
        return Created(name, await self._attributes(ctx, name))

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        params = fit("pipes", "UpdatePipe", properties, Name=physical_id)
        if previous.get("Enrichment") and not properties.get("Enrichment"):
            params["Enrichment"] = ""  # taken out of the template: the pipe loses it
        await ctx.call("pipes", "UpdatePipe", params)
        return await self._attributes(ctx, physical_id)


__all__ = ["Pipe"]
