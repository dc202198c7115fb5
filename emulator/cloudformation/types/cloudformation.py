"""AWS::CloudFormation::WaitConditionHandle and WaitCondition, and AWS::CDK::Metadata:
bookkeeping resources that templates (the SAM translator, the CDK) add; they make nothing in
any service. AWS::CloudFormation::Macro registers a template macro in the account and region
(https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-macro.html)."""

from __future__ import annotations

from typing import Any

from emulator import ids
from emulator.cloudformation.context import ResourceContext
from emulator.cloudformation.errors import ResourceError
from emulator.cloudformation.ports import MacroRegistry
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


_MACRO_FIELDS = ("Name", "FunctionName", "Description", "LogGroupName", "LogRoleARN")


@register
class Macro(ResourceType):
    """A macro's name is its physical id (what Ref returns); templates processed after it
    exists in the account and region may name it in Transform or Fn::Transform."""

    type_name = "AWS::CloudFormation::Macro"
    name_property = "Name"

    @staticmethod
    def _registry(ctx: ResourceContext) -> MacroRegistry:
        registry: MacroRegistry = ctx.extras["macros"]
        return registry

    @staticmethod
    def _definition(properties: dict[str, Any]) -> dict[str, Any]:
        for required in ("Name", "FunctionName"):
            if not isinstance(properties.get(required), str) or not properties[required]:
                raise ResourceError(f"Properties validation failed for resource with "
                                    f"message: #: required key [{required}] not found",
                                    "InvalidRequest")
        return {key: str(properties[key]) for key in _MACRO_FIELDS if key in properties}

    def _owner(self, ctx: ResourceContext) -> str:
        return f"{ctx.stack_id}|{ctx.logical_id}"

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        definition = self._definition(properties)
        name = definition["Name"]
        if not self._registry(ctx).register(name, definition, self._owner(ctx)):
            raise ResourceError(f"Resource of type '{self.type_name}' with identifier "
                                f"'{name}' already exists.", "AlreadyExists")
        return Created(name, {"Id": name})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        self._registry(ctx).register(physical_id, self._definition(properties),
                                     self._owner(ctx))
        return {"Id": physical_id}

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        self._registry(ctx).unregister(physical_id, self._owner(ctx))


__all__ = ["CdkMetadata", "Macro", "WaitCondition", "WaitConditionHandle"]
