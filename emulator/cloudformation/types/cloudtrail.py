"""AWS::CloudTrail::Trail through CloudTrail's own operations (CreateTrail, UpdateTrail,
PutEventSelectors, StartLogging/StopLogging, AddTags/RemoveTags, DeleteTrail), as
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudtrail-trail.html
describes it: Ref is the trail's name, Fn::GetAtt gives Arn and SnsTopicArn."""

from __future__ import annotations

from typing import Any

from emulator.cloudformation.context import ResourceContext
from emulator.cloudformation.resources import Created, ResourceType, register, required, text
from emulator.cloudformation.tags import tag_list
from emulator.cloudformation.types.base import fit, tags_as_map

# The trail's settings UpdateTrail changes in place.
SETTINGS = ("S3BucketName", "S3KeyPrefix", "IncludeGlobalServiceEvents", "IsMultiRegionTrail",
            "EnableLogFileValidation", "SnsTopicName", "CloudWatchLogsLogGroupArn",
            "CloudWatchLogsRoleArn", "KMSKeyId", "IsOrganizationTrail")
BOOLEANS = ("IsLogging", "IncludeGlobalServiceEvents", "IsMultiRegionTrail",
            "EnableLogFileValidation", "IsOrganizationTrail")


def _typed(properties: dict[str, Any]) -> dict[str, Any]:
    """Boolean properties given as strings (parameters, Fn::Sub) as booleans."""
    out = dict(properties)
    for name in BOOLEANS:
        if isinstance(out.get(name), str):
            out[name] = out[name].lower() == "true"
    return out


def _attributes(ctx: ResourceContext, arn: str, properties: dict[str, Any]) -> dict[str, Any]:
    attributes: dict[str, Any] = {"Arn": arn}
    topic = properties.get("SnsTopicName")
    if topic:
        attributes["SnsTopicArn"] = topic if str(topic).startswith("arn:") else ctx.arn(
            "sns", str(topic))
    return attributes


async def _select(ctx: ResourceContext, name: str, properties: dict[str, Any]) -> None:
    if properties.get("AdvancedEventSelectors"):
        await ctx.call("cloudtrail", "PutEventSelectors", fit(
            "cloudtrail", "PutEventSelectors",
            {"AdvancedEventSelectors": properties["AdvancedEventSelectors"]}, TrailName=name))
    elif properties.get("EventSelectors"):
        await ctx.call("cloudtrail", "PutEventSelectors", fit(
            "cloudtrail", "PutEventSelectors",
            {"EventSelectors": properties["EventSelectors"]}, TrailName=name))


@register
class Trail(ResourceType):
    type_name = "AWS::CloudTrail::Trail"
    delete_operation, identity = "DeleteTrail", {"Name": "@id"}
    name_property = "TrailName"

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        properties = _typed(properties)
        required(properties, "S3BucketName", "IsLogging")
        name = properties.get("TrailName") or ctx.physical_name(128)
        answer = await ctx.call("cloudtrail", "CreateTrail", fit(
            "cloudtrail", "CreateTrail", {k: properties[k] for k in SETTINGS if k in properties},
            Name=name, TagsList=tag_list(ctx, properties) or None))
        await _select(ctx, name, properties)
        if properties["IsLogging"]:
            await ctx.call("cloudtrail", "StartLogging", {"Name": name})
        return Created(name, _attributes(ctx, answer["TrailARN"], properties))

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        properties, previous = _typed(properties), _typed(previous)
        changed = {k: properties.get(k) for k in SETTINGS if properties.get(k) != previous.get(k)}
        if changed:
            await ctx.call("cloudtrail", "UpdateTrail", fit(
                "cloudtrail", "UpdateTrail", {k: v for k, v in changed.items() if v is not None},
                Name=physical_id))
        selectors = ("EventSelectors", "AdvancedEventSelectors")
        if any(properties.get(k) != previous.get(k) for k in selectors):
            await _select(ctx, physical_id, properties if any(
                properties.get(k) for k in selectors) else {"EventSelectors": [
                    {"ReadWriteType": "All", "IncludeManagementEvents": True}]})
        await self._retag(ctx, physical_id, properties, previous)
        if bool(properties.get("IsLogging")) != bool(previous.get("IsLogging")):
            await ctx.call("cloudtrail", "StartLogging" if properties.get("IsLogging")
                           else "StopLogging", {"Name": physical_id})
        return _attributes(ctx, attributes["Arn"], properties)

    async def _retag(self, ctx: ResourceContext, name: str, properties: dict[str, Any],
                     previous: dict[str, Any]) -> None:
        new = tags_as_map(tag_list(ctx, properties))
        old = tags_as_map(tag_list(ctx, previous))
        gone = [{"Key": key} for key in old if key not in new]
        if gone:
            await ctx.call("cloudtrail", "RemoveTags", {"ResourceId": name, "TagsList": gone})
        added = [{"Key": key, "Value": text(value)} for key, value in new.items()
                 if old.get(key) != value]
        if added:
            await ctx.call("cloudtrail", "AddTags", {"ResourceId": name, "TagsList": added})


__all__ = ["Trail"]
