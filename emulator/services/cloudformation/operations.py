"""Starting and finishing stack operations, shared by the stack API and change sets."""

from __future__ import annotations

import logging
from typing import Any

from emulator.cloudformation import loader
from emulator.cloudformation.errors import ParameterError, TemplateError
from emulator.cloudformation.macros import MacroError, uses_macros
from emulator.cloudformation.template import Prepared
from emulator.cloudformation.update import Updater
from emulator.context import RequestContext
from emulator.services.cloudformation import runner
from emulator.services.cloudformation.base import CloudFormationBase, MacroFailure, validation
from emulator.services.cloudformation.models import StackRecord
from emulator.services.cloudformation.nested import ChildStacks

log = logging.getLogger("emulator.cloudformation")
UPDATABLE = ("CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE",
             "IMPORT_COMPLETE", "IMPORT_ROLLBACK_COMPLETE")


def _has_transforms(body: str) -> bool:
    """Whether the template (which parses) names a transform; a body that does not parse is
    refused when the request is made."""
    try:
        return uses_macros(loader.load(body))
    except TemplateError:
        return False


def given_parameters(parameters: list[dict[str, Any]] | None) -> tuple[dict[str, str | None],
                                                                        set[str]]:
    given: dict[str, str | None] = {}
    use_previous: set[str] = set()
    for entry in parameters or []:
        key = entry.get("ParameterKey")
        if not key:
            continue
        if entry.get("UsePreviousValue"):
            use_previous.add(key)
        else:
            given[key] = entry.get("ParameterValue")
    return given, use_previous


class StacksApi(CloudFormationBase):
    """Creating, updating and deleting stacks' resources in the background."""

    def children(self, ctx: RequestContext, stack: StackRecord) -> object:
        return ChildStacks(self, ctx, stack)

    async def prepare_stack(
        self, ctx: RequestContext, stack: StackRecord, body: str,
        parameters: list[dict[str, Any]] | None, *, previous: StackRecord | None = None,
        processed: dict[str, Any] | None = None,
    ) -> tuple[dict[str, Any], Prepared, dict[str, str | None], set[str]]:
        given, use_previous = given_parameters(parameters)
        previous_values = {entry["key"]: entry["value"]
                           for entry in (previous.parameters if previous else [])}
        try:
            processed, prepared = await runner.process(
                self.caller(ctx), body, given, runner.pseudo(ctx.account_id, ctx.region, stack),
                previous=previous_values, use_previous=use_previous,
                macros=self.macro_registry(ctx), processed=processed)
        except MacroError as problem:
            raise MacroFailure(problem.message) from None
        except ParameterError as problem:
            raise validation(problem.message) from None
        except TemplateError as problem:
            if processed is None and _has_transforms(body):
                # Processed while the change set is created: what the transforms or the
                # processed template get wrong is the change set's FAILED reason.
                raise MacroFailure(problem.message) from None
            raise validation(problem.message) from None
        return processed, prepared, given, use_previous

    def start_create(self, ctx: RequestContext, stack: StackRecord, prepared: Prepared,
                     *, on_failure: str = "ROLLBACK") -> None:
        self.start_bookkeeping(ctx, stack, prepared)
        self.jobs.soon(lambda: self.run_create(ctx, stack, prepared, on_failure))

    def start_bookkeeping(self, ctx: RequestContext, stack: StackRecord,
                          prepared: Prepared) -> None:
        """Record a stack about to be created: its template, parameters and imports."""
        stack.template = prepared.template
        stack.parameters = runner.stored_parameters(prepared)
        stack.description = prepared.template.get("Description")
        stack.imports = runner.imported_names(prepared.template, prepared)
        stack.status = "CREATE_IN_PROGRESS"
        self.save(ctx, None, stack)

    async def run_create(self, ctx: RequestContext, stack: StackRecord, prepared: Prepared,
                      on_failure: str) -> None:
        deployment = self.deployment(ctx, stack)

        async def finish() -> None:
            runner.save_resources(stack, deployment.resources)
            stack.outputs = await runner.outputs(deployment, prepared)

        try:
            ok = await deployment.create(prepared, disable_rollback=on_failure == "DO_NOTHING",
                                         finish=finish)
        finally:
            runner.save_resources(stack, deployment.resources)
            self.save(ctx, None, stack)
            self.settle_change_set(ctx.account_id, ctx.region, stack)
        if not ok and on_failure == "DELETE":
            await self.run_delete(ctx, stack, set())

    def check_updatable(self, stack: StackRecord) -> None:
        if stack.status not in UPDATABLE:
            raise validation(f"Stack:{stack.stack_id} is in {stack.status} state and can not "
                             "be updated.")

    def check_exports_kept(self, ctx: RequestContext, stack: StackRecord,
                           prepared: Prepared) -> None:
        """An export another stack imports cannot be removed by an update."""
        kept = set()
        for output in prepared.outputs.values():
            export = output.get("Export")
            if isinstance(export, dict):
                try:
                    kept.add(str(prepared.evaluator(
                        resource_ref=lambda name: name,
                        resource_attribute=lambda name, attribute: name).resolve(
                        export.get("Name"))))
                except TemplateError:
                    continue
        for output in stack.outputs:
            name = output.get("ExportName")
            if name and name not in kept:
                users = self.importers(ctx, name)
                if users:
                    raise validation(f"Export {name} cannot be deleted as it is in use by "
                                     f"{users[0].name}")

    def start_update(self, ctx: RequestContext, stack: StackRecord, body: str,
                     prepared: Prepared, *, disable_rollback: bool = False,
                     tags: list[dict[str, str]] | None = None,
                     policy_during_update: str | None = None) -> None:
        old = self.begin_update(ctx, stack, prepared)
        self.jobs.soon(lambda: self.run_update(ctx, stack, body, old, prepared,
                                               disable_rollback, tags, policy_during_update))

    def begin_update(self, ctx: RequestContext, stack: StackRecord,
                     prepared: Prepared) -> Prepared:
        """Check and mark the stack for an update; returns its current template evaluated."""
        old = runner.restore(stack, runner.pseudo(ctx.account_id, ctx.region, stack))
        self.check_exports_kept(ctx, stack, prepared)
        stack.status = "UPDATE_IN_PROGRESS"
        self.save(ctx, None, stack)
        return old

    async def run_update(self, ctx: RequestContext, stack: StackRecord, body: str,
                         old: Prepared, new: Prepared, disable_rollback: bool,
                         tags: list[dict[str, str]] | None,
                         policy_during_update: str | None = None) -> None:
        previous_tags = list(stack.tags)
        if tags is not None:
            stack.tags = tags
        deployment = self.deployment(ctx, stack)
        deployment.previous_tags = previous_tags
        if policy_during_update is not None:  # overrides the stack policy for this update
            deployment.extras["stack_policy"] = runner.policy_check(policy_during_update)

        async def finish() -> None:
            stack.template_body = body
            stack.template = new.template
            stack.parameters = runner.stored_parameters(new)
            stack.description = new.template.get("Description")
            stack.imports = runner.imported_names(new.template, new)
            runner.save_resources(stack, deployment.resources)
            stack.outputs = await runner.outputs(deployment, new)

        try:
            ok = await Updater(deployment, old, new).run(disable_rollback=disable_rollback,
                                                         finish=finish)
            if not ok:
                stack.tags = previous_tags
        finally:
            runner.save_resources(stack, deployment.resources)
            self.save(ctx, None, stack)
            self.settle_change_set(ctx.account_id, ctx.region, stack)

    def start_delete(self, ctx: RequestContext, stack: StackRecord, retain: set[str]) -> None:
        stack.status = "DELETE_IN_PROGRESS"
        self.save(ctx, None, stack)
        self.jobs.soon(lambda: self.run_delete(ctx, stack, retain))

    async def run_delete(self, ctx: RequestContext, stack: StackRecord, retain: set[str]) -> None:
        deployment = self.deployment(ctx, stack)
        for output in stack.outputs:
            users = [user for user in self.importers(ctx, output.get("ExportName", ""))
                     if user.stack_id != stack.stack_id]
            if output.get("ExportName") and users:
                deployment.stack_event("DELETE_IN_PROGRESS", "User Initiated")
                deployment.stack_event("DELETE_FAILED", f"Export {output['ExportName']} "
                                       f"cannot be deleted as it is in use by {users[0].name}")
                self.save(ctx, None, stack)
                return
        try:
            ok = await deployment.delete(retain)
        finally:
            runner.save_resources(stack, deployment.resources)
        if ok:
            stack.deleted = self.clock.now()
            stack.outputs = []
            stack.imports = []
        self.save(ctx, None, stack)


__all__ = ["UPDATABLE", "StacksApi", "given_parameters"]
