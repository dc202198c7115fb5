"""AWS::CloudFormation::WaitConditionHandle and WaitCondition, and AWS::CDK::Metadata:
bookkeeping resources that templates (the SAM translator, the CDK) add; they make nothing in
any service."""

from __future__ import annotations

from typing import Any

from emulator import ids
from emulator.cloudformation.context import ResourceContext
from emulator.cloudformation.resources import Created, ResourceType, register


@register
class WaitConditionHandle(ResourceType):
    type_name = "AWS::CloudFormation::WaitConditionHandle"

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        return Created(f"{ctx.endpoint_url}/_emulator/cloudformation/wait/{ctx.physical_name()}")


@register
class CdkMetadata(ResourceType):
    """The CDK's record of the construct libraries a stack was built with (its Analytics
    property), which CloudFormation accepts in every stack the CDK synthesizes."""

    type_name = "AWS::CDK::Metadata"
    service = "cloudformation"  # CloudFormation keeps it; no service is called

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        return Created(ids.uuid4())


@register
class WaitCondition(ResourceType):
    """Signals are not awaited: the condition completes at once, with no data."""

    type_name = "AWS::CloudFormation::WaitCondition"
    extra_attributes = ("Data",)

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        return Created(ctx.physical_name(), {"Data": "{}"})


__all__ = ["CdkMetadata", "WaitCondition", "WaitConditionHandle"]
