"""AWS::CloudFormation::WaitConditionHandle and WaitCondition: bookkeeping resources that
templates (and the SAM translator) add; they make nothing in any service."""

from __future__ import annotations

from typing import Any

from emulator.cloudformation.context import ResourceContext
from emulator.cloudformation.resources import Created, ResourceType, register


@register
class WaitConditionHandle(ResourceType):
    type_name = "AWS::CloudFormation::WaitConditionHandle"

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        return Created(f"{ctx.endpoint_url}/_emulator/cloudformation/wait/{ctx.physical_name()}")


@register
class WaitCondition(ResourceType):
    """Signals are not awaited: the condition completes at once, with no data."""

    type_name = "AWS::CloudFormation::WaitCondition"
    extra_attributes = ("Data",)

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        return Created(ctx.physical_name(), {"Data": "{}"})


__all__ = ["WaitCondition", "WaitConditionHandle"]
