"""AWS::CloudFront::* : distributions, CloudFront Functions (published with AutoPublish), cache,
origin request and response headers policies, origin access controls and identities, and key
value stores. Templates give CloudFront's lists as plain arrays (``Aliases: [..]``) and a
behaviour's methods as ``AllowedMethods`` and ``CachedMethods`` side by side; the API takes
``{Quantity, Items}`` and nests them, so properties are fitted to the API's shapes here.
Updates and deletes read the resource's ETag first, as If-Match requires; a distribution is
disabled, and its deployment awaited on the emulator clock, before it is deleted.

https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudfront-distribution.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudfront-function.html
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from botocore.model import Shape, StructureShape

from emulator.cloudformation.context import ResourceContext
from emulator.cloudformation.resources import Created, ResourceType, ignore_missing, register
from emulator.cloudformation.types.base import operation

SERVICE = "cloudfront"
DEPLOY_WAIT = 60.0  # seconds on the emulator clock a disabled distribution may take


def _member(members: dict[str, Shape], key: str) -> str | None:
    lowered = key.lower()
    return next((name for name in members if name.lower() == lowered), None)


def api_shape(shape: Shape, value: Any) -> Any:
    """A template's value in the API's shape: lists wrapped as ``{Quantity, Items}`` (with
    ``Enabled`` where the API has it), members matched without regard to case."""
    if shape.type_name == "structure":
        assert isinstance(shape, StructureShape)
        members = shape.members
        if isinstance(value, list) and "Items" in members and "Quantity" in members:
            items = [api_shape(members["Items"].member, item)
                     for item in value]
            wrapped: dict[str, Any] = {"Quantity": len(items)}
            if items:
                wrapped["Items"] = items
            if "Enabled" in members:
                wrapped["Enabled"] = bool(items)
            return wrapped
        if isinstance(value, dict):
            value = _template_forms(members, value)
            out: dict[str, Any] = {}
            for key, item in value.items():
                name = _member(members, str(key))
                if name is not None and item is not None:
                    out[name] = api_shape(members[name], item)
            return out
    if shape.type_name == "list" and isinstance(value, list):
        return [api_shape(shape.member, item) for item in value]
    if shape.type_name in ("integer", "long") and isinstance(value, str) and value.isdigit():
        return int(value)
    if shape.type_name == "boolean" and isinstance(value, str):
        return value.lower() == "true"
    return value


def _template_forms(members: dict[str, Shape], value: dict[str, Any]) -> dict[str, Any]:
    """Where the template's names or nesting differ from the API's."""
    value = dict(value)
    if "Quantity" in members and "Quantity" not in value and isinstance(
            value.get("Items"), list):  # {Items: [...]}: the template counts nothing
        value["Quantity"] = len(value["Items"])
    if "AllowedMethods" in members and isinstance(value.get("AllowedMethods"), list):
        allowed = value["AllowedMethods"]
        cached = value.pop("CachedMethods", None) or ["GET", "HEAD"]
        value["AllowedMethods"] = {"Quantity": len(allowed), "Items": allowed,
                                   "CachedMethods": {"Quantity": len(cached),
                                                     "Items": cached}}
    if "CustomHeaders" in members and "OriginCustomHeaders" in value:
        value["CustomHeaders"] = value.pop("OriginCustomHeaders")
    if "OriginSslProtocols" in members and "OriginSSLProtocols" in value:
        value["OriginSslProtocols"] = value.pop("OriginSSLProtocols")
    if "RestrictionType" in members and "Locations" in value:  # a geo restriction
        locations = value.pop("Locations") or []
        value.update({"Quantity": len(locations), "Items": locations} if locations else
                     {"Quantity": 0})
    return value


def config_of(operation_name: str, member: str, given: dict[str, Any]) -> dict[str, Any]:
    """``given`` as the ``member`` structure of the operation's input."""
    shape = operation(SERVICE, operation_name).input_shape
    assert isinstance(shape, StructureShape)
    fitted: dict[str, Any] = api_shape(shape.members[member], given)
    return fitted


class Versioned(ResourceType):
    """A CloudFront resource whose config is created, replaced and deleted by id, each
    change naming the current ETag."""

    config_property: ClassVar[str]  # the template's config property (and the API's member)
    create_operation: ClassVar[str]
    get_operation: ClassVar[str]
    update_operation: ClassVar[str]
    delete_operation_name: ClassVar[str]
    answer_member: ClassVar[str]  # the created resource in the answer (CachePolicy...)
    outputs: ClassVar[dict[str, str]] = {"Id": "Id"}

    def config(self, properties: dict[str, Any], previous: dict[str, Any] | None
               ) -> dict[str, Any]:
        return config_of(self.create_operation, self.config_property,
                         properties.get(self.config_property) or {})

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        answer = await ctx.call(SERVICE, self.create_operation, {
            self.config_property: self.config(properties, None)})
        made = answer[self.answer_member]
        return Created(made["Id"], {name: made.get(member) for name, member in
                                    self.outputs.items() if made.get(member) is not None})

    async def _etag(self, ctx: ResourceContext, physical_id: str) -> tuple[str, dict[str, Any]]:
        answer = await ctx.call(SERVICE, self.get_operation, {"Id": physical_id})
        return str(answer["ETag"]), answer

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        etag, current = await self._etag(ctx, physical_id)
        await ctx.call(SERVICE, self.update_operation, {
            "Id": physical_id, "IfMatch": etag,
            self.config_property: self.config(properties, current)})
        return attributes

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        async def gone() -> None:
            etag, _ = await self._etag(ctx, physical_id)
            await ctx.call(SERVICE, self.delete_operation_name,
                           {"Id": physical_id, "IfMatch": etag})
        await ignore_missing(gone)


def _policy(kind: str) -> type[Versioned]:
    class Policy(Versioned):
        type_name = f"AWS::CloudFront::{kind}"
        config_property = f"{kind}Config"
        create_operation, get_operation = f"Create{kind}", f"Get{kind}"
        update_operation, delete_operation_name = f"Update{kind}", f"Delete{kind}"
        answer_member = kind
        outputs = {"Id": "Id", "LastModifiedTime": "LastModifiedTime"}

    Policy.__name__ = Policy.__qualname__ = kind
    register(Policy)
    return Policy


CachePolicy = _policy("CachePolicy")
OriginRequestPolicy = _policy("OriginRequestPolicy")
ResponseHeadersPolicy = _policy("ResponseHeadersPolicy")


@register
class OriginAccessControl(Versioned):
    type_name = "AWS::CloudFront::OriginAccessControl"
    config_property = "OriginAccessControlConfig"
    create_operation, get_operation = "CreateOriginAccessControl", "GetOriginAccessControl"
    update_operation = "UpdateOriginAccessControl"
    delete_operation_name = "DeleteOriginAccessControl"
    answer_member = "OriginAccessControl"


@register
class CloudFrontOriginAccessIdentity(Versioned):
    type_name = "AWS::CloudFront::CloudFrontOriginAccessIdentity"
    config_property = "CloudFrontOriginAccessIdentityConfig"
    create_operation = "CreateCloudFrontOriginAccessIdentity"
    get_operation = "GetCloudFrontOriginAccessIdentity"
    update_operation = "UpdateCloudFrontOriginAccessIdentity"
    delete_operation_name = "DeleteCloudFrontOriginAccessIdentity"
    answer_member = "CloudFrontOriginAccessIdentity"
    outputs = {"Id": "Id", "S3CanonicalUserId": "S3CanonicalUserId"}

    def config(self, properties: dict[str, Any], previous: dict[str, Any] | None
               ) -> dict[str, Any]:
        reference = str(uuid.uuid4()) if previous is None else previous[
            "CloudFrontOriginAccessIdentity"]["CloudFrontOriginAccessIdentityConfig"][
            "CallerReference"]
        given = properties.get(self.config_property) or {}
        return {"CallerReference": reference, "Comment": str(given.get("Comment", ""))}


@register
class Distribution(ResourceType):
    type_name = "AWS::CloudFront::Distribution"

    @staticmethod
    def _config(properties: dict[str, Any], caller_reference: str) -> dict[str, Any]:
        config = config_of("CreateDistribution", "DistributionConfig",
                           properties.get("DistributionConfig") or {})
        config["CallerReference"] = caller_reference
        config.setdefault("Comment", "")
        config.setdefault("Enabled", True)
        return config

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        answer = await ctx.call(SERVICE, "CreateDistribution", {
            "DistributionConfig": self._config(properties, str(uuid.uuid4()))})
        made = answer["Distribution"]
        return Created(made["Id"], {"Id": made["Id"], "DomainName": made["DomainName"]})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        current = await ctx.call(SERVICE, "GetDistributionConfig", {"Id": physical_id})
        reference = current["DistributionConfig"]["CallerReference"]
        await ctx.call(SERVICE, "UpdateDistribution", {
            "Id": physical_id, "IfMatch": current["ETag"],
            "DistributionConfig": self._config(properties, reference)})
        return attributes

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        async def gone() -> None:
            current = await ctx.call(SERVICE, "GetDistributionConfig", {"Id": physical_id})
            etag, config = current["ETag"], current["DistributionConfig"]
            if config.get("Enabled"):
                answer = await ctx.call(SERVICE, "UpdateDistribution", {
                    "Id": physical_id, "IfMatch": etag,
                    "DistributionConfig": {**config, "Enabled": False}})
                etag = answer["ETag"]
            await self._deployed(ctx, physical_id)
            await ctx.call(SERVICE, "DeleteDistribution", {"Id": physical_id, "IfMatch": etag})
        await ignore_missing(gone)

    @staticmethod
    async def _deployed(ctx: ResourceContext, physical_id: str) -> None:
        """Wait, on the emulator clock, for the distribution's change to deploy."""
        clock = ctx.extras.get("clock")
        deadline = clock.now() + DEPLOY_WAIT if clock is not None else 0.0
        while True:
            answer = await ctx.call(SERVICE, "GetDistribution", {"Id": physical_id})
            if answer["Distribution"]["Status"] == "Deployed" or clock is None or \
                    clock.now() >= deadline:
                return
            await clock.sleep_until(min(deadline, clock.now() + 0.5), at_most=0.5)


@register
class Function(ResourceType):
    type_name = "AWS::CloudFront::Function"
    name_property = "Name"

    @staticmethod
    def _config(properties: dict[str, Any]) -> dict[str, Any]:
        return config_of("CreateFunction", "FunctionConfig",
                         properties.get("FunctionConfig") or {})

    async def _publish(self, ctx: ResourceContext, properties: dict[str, Any], name: str,
                       etag: str) -> str:
        described = await ctx.call(SERVICE, "DescribeFunction", {"Name": name})
        if str(properties.get("AutoPublish", "false")).lower() == "true":
            await ctx.call(SERVICE, "PublishFunction", {"Name": name, "IfMatch": etag})
            return "LIVE"
        return str(described["FunctionSummary"]["FunctionMetadata"]["Stage"])

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        name = str(properties["Name"])
        answer = await ctx.call(SERVICE, "CreateFunction", {
            "Name": name, "FunctionConfig": self._config(properties),
            "FunctionCode": str(properties.get("FunctionCode", "")).encode()})
        arn = answer["FunctionSummary"]["FunctionMetadata"]["FunctionARN"]
        stage = await self._publish(ctx, properties, name, answer["ETag"])
        return Created(arn, {"FunctionARN": arn, "FunctionMetadata.FunctionARN": arn,
                             "Stage": stage})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        name = str(properties["Name"])
        etag = (await ctx.call(SERVICE, "DescribeFunction", {"Name": name}))["ETag"]
        answer = await ctx.call(SERVICE, "UpdateFunction", {
            "Name": name, "IfMatch": etag, "FunctionConfig": self._config(properties),
            "FunctionCode": str(properties.get("FunctionCode", "")).encode()})
        return {**attributes, "Stage": await self._publish(ctx, properties, name,
                                                           answer["ETag"])}

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        name = str(properties.get("Name") or physical_id.rsplit("/", 1)[-1])

        async def gone() -> None:
            etag = (await ctx.call(SERVICE, "DescribeFunction", {"Name": name}))["ETag"]
            await ctx.call(SERVICE, "DeleteFunction", {"Name": name, "IfMatch": etag})
        await ignore_missing(gone)


@register
class KeyValueStore(ResourceType):
    type_name = "AWS::CloudFront::KeyValueStore"
    name_property = "Name"

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        params: dict[str, Any] = {"Name": str(properties["Name"])}
        if properties.get("Comment") is not None:
            params["Comment"] = str(properties["Comment"])
        if properties.get("ImportSource"):
            params["ImportSource"] = properties["ImportSource"]
        made = (await ctx.call(SERVICE, "CreateKeyValueStore", params))["KeyValueStore"]
        return Created(made["Name"], {"Arn": made["ARN"], "Id": made["Id"],
                                      "Status": made["Status"]})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        etag = (await ctx.call(SERVICE, "DescribeKeyValueStore", {"Name": physical_id}))[
            "ETag"]
        await ctx.call(SERVICE, "UpdateKeyValueStore", {
            "Name": physical_id, "IfMatch": etag,
            "Comment": str(properties.get("Comment") or "")})
        return attributes

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        async def gone() -> None:
            etag = (await ctx.call(SERVICE, "DescribeKeyValueStore", {"Name": physical_id}))[
                "ETag"]
            await ctx.call(SERVICE, "DeleteKeyValueStore", {"Name": physical_id,
                                                            "IfMatch": etag})
        await ignore_missing(gone)


__all__ = ["CachePolicy", "CloudFrontOriginAccessIdentity", "Distribution", "Function",
           "KeyValueStore", "OriginAccessControl", "OriginRequestPolicy",
           "ResponseHeadersPolicy", "Versioned", "api_shape", "config_of"]
