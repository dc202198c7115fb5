"""AWS::Scheduler::Schedule and ScheduleGroup (SAM's ScheduleV2 event makes a Schedule)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from emulator.cloudformation.context import ResourceContext
from emulator.cloudformation.resources import Created, ResourceType, ignore_missing, register
from emulator.cloudformation.tags import Tagging, tag_list
from emulator.cloudformation.types.base import fit


def _moment(value: Any) -> Any:
    """A template's StartDate or EndDate (an ISO 8601 string) as the API's timestamp."""
    if isinstance(value, str) and value:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


@register
class Schedule(ResourceType):
    type_name = "AWS::Scheduler::Schedule"
    name_property = "Name"
    extra_replacing = ("GroupName",)  # a schedule cannot move to another group

    def _params(self, operation: str, name: str, properties: dict[str, Any]) -> dict[str, Any]:
        return fit("scheduler", operation, properties, skip=("StartDate", "EndDate"),
                   Name=name, StartDate=_moment(properties.get("StartDate")),
                   EndDate=_moment(properties.get("EndDate")))

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        name = properties.get("Name") or ctx.physical_name(64)
        answer = await ctx.call("scheduler", "CreateSchedule",
                                self._params("CreateSchedule", name, properties))
        return Created(name, {"Arn": answer["ScheduleArn"]})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        answer = await ctx.call("scheduler", "UpdateSchedule",
                                self._params("UpdateSchedule", physical_id, properties))
        return {**attributes, "Arn": answer["ScheduleArn"]}

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        params = {"Name": physical_id}
        if properties.get("GroupName"):
            params["GroupName"] = str(properties["GroupName"])
        await ignore_missing(lambda: ctx.call("scheduler", "DeleteSchedule", params))


@register
class ScheduleGroup(ResourceType):
    type_name = "AWS::Scheduler::ScheduleGroup"
    name_property = "Name"
    tagging = Tagging("scheduler", "TagResource", "UntagResource", "ResourceArn")
    tag_by = "Arn"
    delete_operation, identity = "DeleteScheduleGroup", {"Name": "@id"}

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        name = properties.get("Name") or ctx.physical_name(64)
        await ctx.call("scheduler", "CreateScheduleGroup",
                       {"Name": name, "Tags": tag_list(ctx, properties)})
        group = await ctx.call("scheduler", "GetScheduleGroup", {"Name": name})
        return Created(name, {
            "Arn": group["Arn"], "State": group["State"],
            "CreationDate": _text(group["CreationDate"]),
            "LastModificationDate": _text(group["LastModificationDate"])})


def _text(value: Any) -> str:
    """A timestamp of the API's answer as an ISO 8601 attribute."""
    if isinstance(value, int | float):
        value = datetime.fromtimestamp(value, tz=UTC)
    return value.isoformat() if isinstance(value, datetime) else str(value)


__all__ = ["Schedule", "ScheduleGroup"]
