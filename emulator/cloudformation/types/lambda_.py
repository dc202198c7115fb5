"""AWS::Lambda::Function, Version, Alias, Permission, EventSourceMapping, Url,
EventInvokeConfig and LayerVersion."""

from __future__ import annotations

import io
import zipfile
from importlib import resources as package_files
from typing import Any

from emulator.cloudformation.context import ResourceContext
from emulator.cloudformation.resources import Created, ResourceType, ignore_missing, register
from emulator.cloudformation.tags import Tagging, tag_map
from emulator.cloudformation.types.base import Put, Simple, fit


def inline_zip(source: str, runtime: str) -> bytes:
    """ZipFile source as CloudFormation packages it: index.py / index.js, with the
    cfn-response helper beside it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if runtime.startswith("nodejs"):
            archive.writestr("index.js", source)
            helper = package_files.files("emulator.cloudformation.data").joinpath(
                "cfn-response.js").read_text()
            archive.writestr("cfn-response/index.js", helper)
        else:
            archive.writestr("index.py", source)
            helper = package_files.files("emulator.cloudformation.data").joinpath(
                "cfnresponse.py").read_text()
            archive.writestr("cfnresponse.py", helper)
    return buffer.getvalue()


def _code(properties: dict[str, Any]) -> dict[str, Any]:
    code = dict(properties.get("Code") or {})
    if isinstance(code.get("ZipFile"), str):
        code["ZipFile"] = inline_zip(code["ZipFile"], str(properties.get("Runtime", "")))
    return code


@register
class Function(ResourceType):
    type_name = "AWS::Lambda::Function"
    tagging = Tagging("lambda", "TagResource", "UntagResource", "Resource", style="map")
    tag_by = "Arn"
    delete_operation, identity = "DeleteFunction", {"FunctionName": "@id"}
    name_property = "FunctionName"

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        name = properties.get("FunctionName") or ctx.physical_name(64)
        params = fit("lambda", "CreateFunction", properties, skip=("Code", "Tags"),
                     FunctionName=name, Code=_code(properties), Tags=tag_map(ctx, properties))
        answer = await ctx.call("lambda", "CreateFunction", params)
        if properties.get("ReservedConcurrentExecutions") is not None:
            await ctx.call("lambda", "PutFunctionConcurrency", {
                "FunctionName": name,
                "ReservedConcurrentExecutions": properties["ReservedConcurrentExecutions"]})
        return Created(name, {"Arn": answer["FunctionArn"]})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        if properties.get("Code") != previous.get("Code"):
            await ctx.call("lambda", "UpdateFunctionCode",
                           {"FunctionName": physical_id, **_code(properties)})
        params = fit("lambda", "UpdateFunctionConfiguration", properties, skip=("Code",),
                     FunctionName=physical_id)
        for name in ("Environment", "Layers", "Description", "DeadLetterConfig"):
            if name in previous and name not in properties:
                params[name] = {"Variables": {}} if name == "Environment" else (
                    [] if name == "Layers" else ({} if name == "DeadLetterConfig" else ""))
        await ctx.call("lambda", "UpdateFunctionConfiguration", params)
        reserved = properties.get("ReservedConcurrentExecutions")
        if reserved != previous.get("ReservedConcurrentExecutions"):
            if reserved is None:
                await ctx.call("lambda", "DeleteFunctionConcurrency",
                               {"FunctionName": physical_id})
            else:
                await ctx.call("lambda", "PutFunctionConcurrency", {
                    "FunctionName": physical_id, "ReservedConcurrentExecutions": reserved})
        return attributes



@register
class Permission(ResourceType):
    type_name = "AWS::Lambda::Permission"
    delete_operation, identity = (
        "RemovePermission", {"FunctionName": "FunctionName", "StatementId": "@id"})
    updatable = False
    extra_attributes = ("Id",)

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        statement = ctx.physical_name(100)
        await ctx.call("lambda", "AddPermission", fit(
            "lambda", "AddPermission", properties, StatementId=statement))
        return Created(statement, {"Id": statement})


@register
class Version(ResourceType):
    type_name = "AWS::Lambda::Version"
    updatable = False
    extra_attributes = ("Version", "FunctionArn")

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        answer = await ctx.call("lambda", "PublishVersion",
                                fit("lambda", "PublishVersion", properties))
        arn = answer["FunctionArn"]
        return Created(arn, {"Version": answer["Version"], "FunctionArn": arn.rsplit(":", 1)[0]})

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        function, _, version = physical_id.rpartition(":")
        await ignore_missing(lambda: ctx.call("lambda", "DeleteFunction", {
            "FunctionName": function, "Qualifier": version}))


@register
class Alias(Simple):
    type_name = "AWS::Lambda::Alias"
    noun = "Alias"
    physical = "AliasArn"
    identity = {"FunctionName": "FunctionName", "Name": "Name"}
    extra_attributes = ("AliasArn",)
    outputs = {"AliasArn": "AliasArn"}


@register
class EventSourceMapping(Simple):
    type_name = "AWS::Lambda::EventSourceMapping"
    noun = "EventSourceMapping"
    physical = "UUID"
    identity = {"UUID": "@id"}
    outputs = {"Id": "UUID", "EventSourceMappingArn": "EventSourceMappingArn"}

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        params = fit("lambda", "UpdateEventSourceMapping", properties, UUID=physical_id)
        await ctx.call("lambda", "UpdateEventSourceMapping", params)
        return attributes


@register
class Url(ResourceType):
    type_name = "AWS::Lambda::Url"

    def _target(self, properties: dict[str, Any]) -> dict[str, Any]:
        out = {"FunctionName": properties.get("TargetFunctionArn")}
        if properties.get("Qualifier"):
            out["Qualifier"] = properties["Qualifier"]
        return out

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        answer = await ctx.call("lambda", "CreateFunctionUrlConfig", fit(
            "lambda", "CreateFunctionUrlConfig", properties, **self._target(properties)))
        return Created(answer["FunctionArn"], {"FunctionArn": answer["FunctionArn"],
                                               "FunctionUrl": answer["FunctionUrl"]})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        await ctx.call("lambda", "UpdateFunctionUrlConfig", fit(
            "lambda", "UpdateFunctionUrlConfig", properties, **self._target(properties)))
        return attributes

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        await ignore_missing(lambda: ctx.call("lambda", "DeleteFunctionUrlConfig",
                                              self._target(properties)))


@register
class EventInvokeConfig(Put):
    type_name = "AWS::Lambda::EventInvokeConfig"
    delete_operation, identity = ("DeleteFunctionEventInvokeConfig", {
        "FunctionName": "FunctionName", "Qualifier": "Qualifier"})

    async def put(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any],
                  previous: dict[str, Any] | None) -> None:
        await ctx.call("lambda", "PutFunctionEventInvokeConfig",
                       fit("lambda", "PutFunctionEventInvokeConfig", properties))


@register
class LayerVersion(ResourceType):
    type_name = "AWS::Lambda::LayerVersion"
    updatable = False

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        name = properties.get("LayerName") or ctx.physical_name(64)
        answer = await ctx.call("lambda", "PublishLayerVersion", fit(
            "lambda", "PublishLayerVersion", properties, LayerName=name))
        return Created(answer["LayerVersionArn"], {"LayerVersionArn": answer["LayerVersionArn"]})

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        parts = physical_id.split(":")
        await ignore_missing(lambda: ctx.call("lambda", "DeleteLayerVersion", {
            "LayerName": parts[6], "VersionNumber": int(parts[7])}))


__all__ = ["Alias", "EventInvokeConfig", "EventSourceMapping", "Function", "LayerVersion",
           "Permission", "Url", "Version", "inline_zip"]
