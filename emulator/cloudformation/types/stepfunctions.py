"""AWS::StepFunctions::StateMachine and Activity."""

from __future__ import annotations

import json
from typing import Any

import yaml  # type: ignore[import-untyped]

from emulator.cloudformation.context import ResourceContext
from emulator.cloudformation.errors import ResourceError
from emulator.cloudformation.ports import ServiceFailure
from emulator.cloudformation.resources import Created, ResourceType, register
from emulator.cloudformation.tags import Tagging, tag_list
from emulator.cloudformation.types.base import fit


async def definition(ctx: ResourceContext, properties: dict[str, Any]) -> str:
    """The definition text (inline, or a JSON or YAML file in S3, where `sam deploy` and
    `aws cloudformation package` put a DefinitionUri) with DefinitionSubstitutions applied."""
    if properties.get("Definition") is not None:
        text = json.dumps(properties["Definition"])
    elif properties.get("DefinitionString") is not None:
        text = str(properties["DefinitionString"])
    elif isinstance(location := properties.get("DefinitionS3Location"), dict):
        text = await _stored_definition(ctx, location)
    else:
        raise ResourceError("Properties validation failed for resource with message: "
                            "#: required key [DefinitionString] not found (or Definition, "
                            "DefinitionS3Location)", "InvalidRequest")
    for key, value in (properties.get("DefinitionSubstitutions") or {}).items():
        replacement = value if isinstance(value, str) else json.dumps(value)
        text = text.replace("${" + key + "}", replacement)
    return text


async def _stored_definition(ctx: ResourceContext, location: dict[str, Any]) -> str:
    params = {"Bucket": str(location.get("Bucket", "")), "Key": str(location.get("Key", ""))}
    if location.get("Version"):
        params["VersionId"] = str(location["Version"])
    try:
        answer = await ctx.call("s3", "GetObject", params)
    except ServiceFailure as failure:
        raise ResourceError(f"Failed to read definition from S3 location "
                            f"s3://{params['Bucket']}/{params['Key']}: {failure.message}",
                            "InvalidRequest") from None
    raw = answer.get("Body", b"")
    data = raw.read() if hasattr(raw, "read") else raw
    text = data.decode() if isinstance(data, (bytes, bytearray)) else str(data)
    try:
        json.loads(text)
        return text
    except ValueError:
        pass
    try:
        return json.dumps(yaml.safe_load(text))
    except yaml.YAMLError:
        return text  # CreateStateMachine answers InvalidDefinition


def _lower_tags(ctx: ResourceContext, properties: dict[str, Any]) -> list[dict[str, str]]:
    return [{"key": tag["Key"], "value": str(tag["Value"])}
            for tag in tag_list(ctx, properties)]


@register
class StateMachine(ResourceType):
    type_name = "AWS::StepFunctions::StateMachine"
    tagging = Tagging("stepfunctions", "TagResource", "UntagResource", "resourceArn",
                      tags="tags", keys="tagKeys", style="lower")
    delete_operation, identity = "DeleteStateMachine", {"stateMachineArn": "@id"}
    name_property = "StateMachineName"
    extra_attributes = ("Name", "StateMachineRevisionId")

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        # Generated names leave the stack out: StockTradingStateMachine-O2WHhrwtOckF.
        name = properties.get("StateMachineName") or ctx.physical_name(
            80, stack_prefix=False, mixed_case=True)
        answer = await ctx.call("stepfunctions", "CreateStateMachine", fit(
            "stepfunctions", "CreateStateMachine", properties, skip=("Tags",), name=name,
            definition=await definition(ctx, properties), type=properties.get("StateMachineType"),
            tags=_lower_tags(ctx, properties)))
        arn = answer["stateMachineArn"]
        return Created(arn, {"Arn": arn, "Name": name, "StateMachineRevisionId":
                             answer.get("stateMachineVersionArn", arn)})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        await ctx.call("stepfunctions", "UpdateStateMachine", fit(
            "stepfunctions", "UpdateStateMachine", properties, stateMachineArn=physical_id,
            definition=await definition(ctx, properties)))
        return attributes


@register
class Activity(ResourceType):
    type_name = "AWS::StepFunctions::Activity"
    delete_operation, identity = "DeleteActivity", {"activityArn": "@id"}
    name_property = "Name"
    extra_attributes = ("Name",)

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        answer = await ctx.call("stepfunctions", "CreateActivity", {
            "name": properties["Name"], "tags": _lower_tags(ctx, properties)})
        return Created(answer["activityArn"], {"Arn": answer["activityArn"],
                                               "Name": properties["Name"]})


__all__ = ["Activity", "StateMachine", "definition"]
