"""Nested stacks: the child stacks of AWS::CloudFormation::Stack resources, made from their
TemplateURL with the resource's parameters, deployed to completion inside the parent's
operation, and deleted with it."""

from __future__ import annotations

import secrets
import string
from typing import TYPE_CHECKING, Any

from emulator.cloudformation.errors import ResourceError
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.cloudformation import runner
from emulator.services.cloudformation.models import StackRecord

if TYPE_CHECKING:
    from emulator.services.cloudformation.operations import StacksApi

_SUFFIX = string.ascii_uppercase + string.digits


def _parameters(properties: dict[str, Any]) -> list[dict[str, Any]]:
    given = properties.get("Parameters") or {}
    return [{"ParameterKey": key, "ParameterValue": ",".join(map(str, value))
             if isinstance(value, list) else str(value)} for key, value in given.items()]


def _failure(stack: StackRecord, status: str) -> str:
    """The reason the child gave when it entered ``status`` (its rollback): what failed in
    it, which AWS repeats in the parent's event, not the rollback's final empty reason."""
    for event in reversed(stack.events):
        if event["LogicalResourceId"] == stack.name and event["ResourceStatus"] == status:
            reason: str = event.get("ResourceStatusReason", "")
            return reason.removesuffix("Rollback requested by user.").strip()
    return stack.status_reason


def _outputs(stack: StackRecord) -> dict[str, str]:
    return {output["OutputKey"]: output["OutputValue"] for output in stack.outputs}


class ChildStacks:
    """The NestedStacks of one parent stack's operation."""

    def __init__(self, operations: StacksApi, ctx: RequestContext,
                 parent: StackRecord) -> None:
        self.operations = operations
        self.ctx = ctx
        self.parent = parent

    async def _body(self, properties: dict[str, Any]) -> str:
        url = properties.get("TemplateURL")
        if not isinstance(url, str):
            raise ResourceError("Properties validation failed for resource with message: #: "
                                "required key [TemplateURL] not found", "InvalidRequest")
        try:
            return await self.operations.template_body(self.ctx, None, url)
        except ServiceError as error:
            raise ResourceError(error.message, "InvalidRequest") from None

    def _tags(self, tags: list[dict[str, str]]) -> list[dict[str, str]]:
        return [tag for tag in tags if not tag["Key"].startswith("aws:")]

    async def create(self, parent_id: str, logical_id: str, properties: dict[str, Any],
                     tags: list[dict[str, str]]) -> tuple[str, dict[str, str]]:
        body = await self._body(properties)
        suffix = "".join(secrets.choice(_SUFFIX) for _ in range(12))
        name = f"{self.parent.name}-{logical_id}"[:128 - 13] + "-" + suffix
        stack = StackRecord(
            stack_id=runner.new_stack_id(self.ctx.account_id, self.ctx.region, name),
            name=name, created=self.operations.clock.now(), parent_id=parent_id,
            root_id=self.parent.root_id or parent_id, template_body=body,
            tags=self._tags(tags), capabilities=list(self.parent.capabilities),
            notification_arns=list(properties.get("NotificationARNs") or []),
            timeout=properties.get("TimeoutInMinutes"))
        try:
            prepared = (await self.operations.prepare_stack(
                self.ctx, stack, body, _parameters(properties)))[1]
        except ServiceError as error:
            raise ResourceError(error.message, "InvalidRequest") from None
        self.operations.start_bookkeeping(self.ctx, stack, prepared)
        await self.operations.run_create(self.ctx, stack, prepared, "ROLLBACK")
        if stack.status != "CREATE_COMPLETE":
            reason = _failure(stack, "ROLLBACK_IN_PROGRESS")
            await self.operations.run_delete(self.ctx, stack, set())
            raise ResourceError(f"Embedded stack {stack.stack_id} was not successfully "
                                f"created: {reason}", "NotStabilized")
        return stack.stack_id, _outputs(stack)

    async def update(self, stack_id: str, properties: dict[str, Any],
                     tags: list[dict[str, str]]) -> dict[str, str]:
        stack = self.operations.stack(self.ctx, stack_id)
        body = await self._body(properties)
        try:
            prepared = (await self.operations.prepare_stack(
                self.ctx, stack, body, _parameters(properties), previous=stack))[1]
        except ServiceError as error:
            raise ResourceError(error.message, "InvalidRequest") from None
        old = self.operations.begin_update(self.ctx, stack, prepared)
        await self.operations.run_update(self.ctx, stack, body, old, prepared, False,
                                         self._tags(tags))
        if stack.status != "UPDATE_COMPLETE":
            status = "UPDATE_ROLLBACK_IN_PROGRESS"
            raise ResourceError(f"Embedded stack {stack.stack_id} was not successfully "
                                f"updated. Currently in {status} with reason: "
                                f"{_failure(stack, status)}", "NotStabilized")
        return _outputs(stack)

    async def delete(self, stack_id: str) -> None:
        stack = self.operations.find_stack(self.ctx, stack_id)
        if stack is None:
            return
        stack.status = "DELETE_IN_PROGRESS"
        await self.operations.run_delete(self.ctx, stack, set())
        if stack.status != "DELETE_COMPLETE":
            raise ResourceError(f"Embedded stack {stack.stack_id} was not successfully "
                                f"deleted: {stack.status_reason}", "NotStabilized")


__all__ = ["ChildStacks"]
