"""AWS::WAFv2::WebACL, IPSet, RegexPatternSet, RuleGroup, WebACLAssociation and
LoggingConfiguration.

The template's properties are the API's shapes (a ByteMatchStatement's ``SearchStringBase64``
becomes its ``SearchString``). Ref answers ``name|id|scope``, as AWS's does; Fn::GetAtt gives
Arn and Id (and Capacity and LabelNamespace where the schema lists them). Updates and deletes
read the lock token first.

https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-wafv2-webacl.html
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable
from typing import Any, ClassVar

from emulator.cloudformation.context import ResourceContext
from emulator.cloudformation.ports import ServiceFailure
from emulator.cloudformation.resources import Created, ResourceType, register
from emulator.cloudformation.tags import Tagging, tag_list
from emulator.cloudformation.types.base import fit

TAGGING = Tagging("wafv2", "TagResource", "UntagResource", "ResourceARN")
MISSING = "WAFNonexistentItemException"


def _search_strings(value: Any) -> Any:
    """The template's statements with ``SearchStringBase64`` decoded into ``SearchString``."""
    if isinstance(value, list):
        return [_search_strings(item) for item in value]
    if not isinstance(value, dict):
        return value
    found = {key: _search_strings(item) for key, item in value.items()}
    encoded = found.pop("SearchStringBase64", None)
    if encoded is not None and "SearchString" not in found:
        found["SearchString"] = base64.b64decode(str(encoded)).decode("utf-8", "replace")
    return found


async def _unless_gone(call: Awaitable[Any], *also: str) -> None:
    """Run a delete; a resource already gone counts as deleted, as CloudFormation treats it."""
    try:
        await call
    except ServiceFailure as failure:
        if failure.code != MISSING and failure.code not in also:
            raise


class _Entity(ResourceType):
    """A web ACL, IP set, regex pattern set or rule group: named, scoped, locked."""

    tagging = TAGGING
    tag_by = "Arn"
    name_property = "Name"
    # The operations' noun, and the Get answer's member: WebACL, IPSet, RegexPatternSet...
    kind: ClassVar[str]
    name_length: ClassVar[int] = 128

    @staticmethod
    def _parts(physical_id: str) -> dict[str, str]:
        name, entity_id, scope = [*physical_id.split("|"), "", "", ""][:3]
        return {"Name": name, "Id": entity_id, "Scope": scope}

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        name = properties.get("Name") or ctx.physical_name(self.name_length)
        scope = str(properties.get("Scope") or "REGIONAL")
        params = fit("wafv2", f"Create{self.kind}", _search_strings(properties),
                     Name=name, Scope=scope)
        tags = tag_list(ctx, properties)
        if tags:
            params["Tags"] = tags
        summary = (await ctx.call("wafv2", f"Create{self.kind}", params))["Summary"]
        physical_id = f"{name}|{summary['Id']}|{scope}"
        return Created(physical_id, await self._attributes(ctx, physical_id))

    async def _read(self, ctx: ResourceContext, physical_id: str) -> dict[str, Any]:
        answer: dict[str, Any] = await ctx.call("wafv2", f"Get{self.kind}",
                                                self._parts(physical_id))
        return answer

    async def _attributes(self, ctx: ResourceContext, physical_id: str) -> dict[str, Any]:
        found = (await self._read(ctx, physical_id))[self.kind]
        return {name: found[name if name != "Arn" else "ARN"]
                for name in self.attributes() if (name if name != "Arn" else "ARN") in found}

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        token = (await self._read(ctx, physical_id))["LockToken"]
        params = {**fit("wafv2", f"Update{self.kind}", _search_strings(properties)),
                  **self._parts(physical_id), "LockToken": token}
        await ctx.call("wafv2", f"Update{self.kind}", params)
        return await self._attributes(ctx, physical_id)

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        async def delete() -> None:
            token = (await self._read(ctx, physical_id))["LockToken"]
            await ctx.call("wafv2", f"Delete{self.kind}",
                           {**self._parts(physical_id), "LockToken": token})
        await _unless_gone(delete())


@register
class WebACL(_Entity):
    type_name = "AWS::WAFv2::WebACL"
    kind = "WebACL"


@register
class IPSet(_Entity):
    type_name = "AWS::WAFv2::IPSet"
    kind = "IPSet"


@register
class RegexPatternSet(_Entity):
    type_name = "AWS::WAFv2::RegexPatternSet"
    kind = "RegexPatternSet"


@register
class RuleGroup(_Entity):
    type_name = "AWS::WAFv2::RuleGroup"
    kind = "RuleGroup"


@register
class WebACLAssociation(ResourceType):
    type_name = "AWS::WAFv2::WebACLAssociation"
    updatable = False

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        resource, web_acl = str(properties.get("ResourceArn")), str(properties.get("WebACLArn"))
        await ctx.call("wafv2", "AssociateWebACL", {"WebACLArn": web_acl,
                                                    "ResourceArn": resource})
        return Created(f"{resource}|{web_acl}")

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        await _unless_gone(ctx.call("wafv2", "DisassociateWebACL", {
            "ResourceArn": physical_id.split("|", 1)[0]}), "WAFInvalidParameterException")


@register
class LoggingConfiguration(ResourceType):
    type_name = "AWS::WAFv2::LoggingConfiguration"

    async def _put(self, ctx: ResourceContext, properties: dict[str, Any]) -> None:
        config = fit("wafv2", "PutLoggingConfiguration",
                     {"LoggingConfiguration": properties})["LoggingConfiguration"]
        await ctx.call("wafv2", "PutLoggingConfiguration", {"LoggingConfiguration": config})

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        await self._put(ctx, properties)
        return Created(str(properties.get("ResourceArn")),
                       {"ManagedByFirewallManager": False})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        await self._put(ctx, properties)
        return attributes

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        await _unless_gone(ctx.call("wafv2", "DeleteLoggingConfiguration",
                                    {"ResourceArn": physical_id}))


__all__ = ["IPSet", "LoggingConfiguration", "RegexPatternSet", "RuleGroup", "WebACL",
           "WebACLAssociation"]
