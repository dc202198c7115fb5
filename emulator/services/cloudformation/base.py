"""What every part of the CloudFormation provider shares: tables, lookups, errors, the
background deployments and the engine's bindings."""

from __future__ import annotations

import base64
import uuid
from abc import ABC, abstractmethod
from typing import Any

import emulator.cloudformation.types  # noqa: F401 - registers the supported resource types
from emulator.cloudformation import loader
from emulator.cloudformation.deploy import Deployment
from emulator.cloudformation.errors import TemplateError
from emulator.cloudformation.include import s3_location
from emulator.cloudformation.ports import ServiceFailure
from emulator.cloudformation.template import Prepared
from emulator.cloudformation.types.base import use_models
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.runtime.background import Background
from emulator.services.base import Provider, TableOf
from emulator.services.cloudformation import runner
from emulator.services.cloudformation.calls import ProviderCall
from emulator.services.cloudformation.models import (
    CHANGE_SETS,
    MACROS,
    STACKS,
    ChangeSetRecord,
    MacroRecord,
    StackRecord,
)
from emulator.services.cloudformation.responses import S3Responses
from emulator.store import Table
from emulator.wire import specs

PAGE = 100
# What a stack caught in an operation by a restart becomes.
INTERRUPTED = {
    "CREATE_IN_PROGRESS": "CREATE_FAILED", "ROLLBACK_IN_PROGRESS": "ROLLBACK_FAILED",
    "UPDATE_IN_PROGRESS": "UPDATE_ROLLBACK_FAILED",
    "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS": "UPDATE_COMPLETE",
    "UPDATE_ROLLBACK_IN_PROGRESS": "UPDATE_ROLLBACK_FAILED",
    "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS": "UPDATE_ROLLBACK_COMPLETE",
    "DELETE_IN_PROGRESS": "DELETE_FAILED",
}
use_models(specs.operation_model)
TERMINAL_FAILED = ("ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "CREATE_FAILED", "DELETE_FAILED")


def validation(message: str) -> ServiceError:
    return ServiceError("ValidationError", message, status=400)


class MacroFailure(ServiceError):
    """Processing a template with transforms failed (a macro, or the processed template is
    wrong): a change set records it as its FAILED status's reason, a stack operation answers
    it as a ValidationError."""

    def __init__(self, message: str) -> None:
        super().__init__("ValidationError", message, status=400)


def page(items: list[Any], token: str | None) -> tuple[list[Any], str | None]:
    start = 0
    if token:
        try:
            start = int(base64.b64decode(token).decode())
        except ValueError:
            raise validation("Invalid NextToken") from None
    more = start + PAGE < len(items)
    return items[start:start + PAGE], (
        base64.b64encode(str(start + PAGE).encode()).decode() if more else None)


class MacroTable:
    """The MacroRegistry of one account and region, over its stored MacroRecords."""

    def __init__(self, table: Table[MacroRecord]) -> None:
        self.table = table

    def function(self, name: str) -> str | None:
        record = self.table.get(name)
        return record.function_name if record is not None else None

    def register(self, name: str, definition: dict[str, Any], owner: str) -> bool:
        existing = self.table.get(name)
        if existing is not None and existing.owner != owner:
            return False
        self.table.put(name, MacroRecord(
            name=name, function_name=definition["FunctionName"],
            description=definition.get("Description"),
            log_group_name=definition.get("LogGroupName"),
            log_role_arn=definition.get("LogRoleARN"), owner=owner))
        return True

    def unregister(self, name: str, owner: str) -> None:
        existing = self.table.get(name)
        if existing is not None and existing.owner == owner:
            self.table.delete(name)


class CloudFormationBase(Provider, ABC):
    """State and lookups shared by the provider's parts, and the stack operations that both
    the stack API and change sets start (implemented by StacksApi)."""

    @abstractmethod
    async def prepare_stack(
        self, ctx: RequestContext, stack: StackRecord, body: str,
        parameters: list[dict[str, Any]] | None, *, previous: StackRecord | None = None,
        processed: dict[str, Any] | None = None,
    ) -> tuple[dict[str, Any], Prepared, dict[str, str | None], set[str]]:
        """The template processed with its parameters: checked, transformed (unless
        ``processed`` is the result already, as a change set holds it), resolved."""

    @abstractmethod
    def start_create(self, ctx: RequestContext, stack: StackRecord, prepared: Prepared,
                     *, on_failure: str = "ROLLBACK") -> None:
        """Begin creating the stack's resources in the background."""

    @abstractmethod
    def start_update(self, ctx: RequestContext, stack: StackRecord, body: str,
                     prepared: Prepared, *, disable_rollback: bool = False,
                     tags: list[dict[str, str]] | None = None) -> None:
        """Begin updating the stack to ``prepared`` in the background."""

    @abstractmethod
    def check_updatable(self, stack: StackRecord) -> None:
        """Refuse a stack whose status forbids an update."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.jobs = Background(self.clock, "cloudformation")
        self.waiting = [0]  # operations waiting for a custom resource's answer

    async def start(self) -> None:
        """An operation cut short by a restart cannot resume: its stack fails, as AWS's
        would on a timeout, so it can be rolled back, updated again or deleted."""
        for account, region in self.store.scopes(STACKS):
            table = self.stacks(account, region)
            for stack in table.values():
                failed = INTERRUPTED.get(stack.status)
                if failed is not None:
                    stack.status = failed
                    stack.status_reason = "The emulator restarted during this operation."
                    table.put(stack.stack_id, stack)
                    self.settle_change_set(account, region, stack)

    async def stop(self) -> None:
        self.jobs.cancel_all()

    def reset(self) -> None:
        self.jobs.cancel_all()
        super().reset()

    def busy(self) -> list[str]:
        # An operation waiting for a custom resource's answer waits on the clock.
        running = self.jobs.pending() - self.waiting[0]
        return [f"{running} stack operation(s) running"] if running > 0 else []

    stacks = TableOf(STACKS, StackRecord)
    change_sets = TableOf(CHANGE_SETS, ChangeSetRecord)
    macros = TableOf(MACROS, MacroRecord)

    def macro_registry(self, ctx: RequestContext) -> MacroTable:
        return MacroTable(self.macros(ctx.account_id, ctx.region))

    def find_stack(self, ctx: RequestContext, name: str | None, *,
                   deleted: bool = False) -> StackRecord | None:
        """A stack by name (the live one) or by id (deleted ones too, when asked)."""
        if not name:
            return None
        table = self.stacks(ctx.account_id, ctx.region)
        if name.startswith("arn:"):
            found = table.get(name)
            return found if found is not None and (deleted or found.live) else None
        for stack in table.values():
            if stack.name == name and stack.live:
                return stack
        return None

    def stack(self, ctx: RequestContext, name: str | None, *,
              deleted: bool = False) -> StackRecord:
        found = self.find_stack(ctx, name, deleted=deleted)
        if found is None:
            raise validation(f"Stack with id {name} does not exist")
        return found

    def save(self, ctx_or_account: RequestContext | str, region: str | None,
             stack: StackRecord) -> None:
        account = ctx_or_account if isinstance(ctx_or_account, str) else (
            ctx_or_account.account_id)
        where = region if region is not None else (
            ctx_or_account.region if isinstance(ctx_or_account, RequestContext) else "")
        self.stacks(account, where).put(stack.stack_id, stack)

    def settle_change_set(self, account: str, region: str, stack: StackRecord) -> None:
        """The change set a finished operation executed becomes EXECUTE_COMPLETE when the
        stack reached CREATE_COMPLETE or UPDATE_COMPLETE, EXECUTE_FAILED otherwise."""
        table = self.change_sets(account, region)
        record = table.get(stack.change_set_id) if stack.change_set_id else None
        if record is None or record.execution_status != "EXECUTE_IN_PROGRESS":
            return
        record.execution_status = ("EXECUTE_COMPLETE" if stack.status in (
            "CREATE_COMPLETE", "UPDATE_COMPLETE") else "EXECUTE_FAILED")
        table.put(record.change_set_id, record)

    def caller(self, ctx: RequestContext) -> ProviderCall:
        return ProviderCall(self.ports, ctx.account_id, ctx.region, ctx.endpoint_url)

    async def template_body(self, ctx: RequestContext, body: str | None,
                            url: str | None) -> str:
        """The template text from TemplateBody or from the emulator's S3 by TemplateURL."""
        if body is not None and url is not None:
            raise validation("Specify exactly one of TemplateBody or TemplateUrl.")
        if body is not None:
            if len(body.encode()) > loader.MAX_BODY_BYTES:
                raise validation(f"1 validation error detected: Value '{body[:20]}...' at "
                                 "'templateBody' failed to satisfy constraint: Member must "
                                 f"have length less than or equal to {loader.MAX_BODY_BYTES}")
            return body
        if url is None:
            raise validation("Either Template URL or Template Body must be specified.")
        bucket, key = s3_location(url)
        if bucket is None:
            raise validation("TemplateURL must be a supported URL.")
        try:
            answer = await self.caller(ctx)("s3", "GetObject", {"Bucket": bucket, "Key": key})
        except ServiceFailure as failure:
            raise validation(f"Error occurred while GetObject. S3 Error Code: {failure.code}. "
                             f"S3 Error Message: {failure.message}") from None
        raw = answer.get("Body", b"")
        data = raw.read() if hasattr(raw, "read") else raw
        return data.decode() if isinstance(data, (bytes, bytearray)) else str(data)

    def deployment(self, ctx: RequestContext, stack: StackRecord) -> Deployment:
        reporter = runner.StackReporter(stack, lambda: self.save(ctx, None, stack),
                                        self.clock.now)
        deployment = Deployment(
            stack.name, stack.stack_id, ctx.account_id, ctx.region, self.caller(ctx), reporter,
            now=self.clock.now, resources=runner.load_resources(stack),
            tags=list(stack.tags), endpoint_url=ctx.endpoint_url,
            placeholders=self.settings.cloudformation_placeholders,
            new_id=lambda: str(uuid.uuid4()))
        deployment.extras["import_value"] = lambda name: self.export_value(ctx, name)
        deployment.extras["stack_policy"] = runner.policy_check(stack.stack_policy)
        deployment.extras["responses"] = S3Responses(self.ports, self.clock, ctx.region,
                                                     ctx.endpoint_url, self.waiting)
        deployment.extras["nested"] = self.children(ctx, stack)
        deployment.extras["clock"] = self.clock  # for types that wait on a deployment
        deployment.extras["macros"] = self.macro_registry(ctx)
        return deployment

    def children(self, ctx: RequestContext, stack: StackRecord) -> object:
        """The NestedStacks of ``stack``'s operations (StacksApi provides them)."""
        return None

    def exports(self, ctx: RequestContext) -> dict[str, tuple[str, str]]:
        """Export name -> (value, exporting stack id) in this account and region."""
        found = {}
        for stack in self.stacks(ctx.account_id, ctx.region).values():
            if not stack.live:
                continue
            for output in stack.outputs:
                if "ExportName" in output:
                    found[output["ExportName"]] = (output["OutputValue"], stack.stack_id)
        return found

    def export_value(self, ctx: RequestContext, name: str) -> str:
        found = self.exports(ctx).get(name)
        if found is None:
            raise TemplateError(f"No export named {name} found.")
        return found[0]

    def importers(self, ctx: RequestContext, name: str) -> list[StackRecord]:
        return [stack for stack in self.stacks(ctx.account_id, ctx.region).values()
                if stack.live and name in stack.imports]


__all__ = ["PAGE", "CloudFormationBase", "MacroFailure", "MacroTable", "page", "validation"]
