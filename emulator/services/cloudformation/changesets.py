"""Change sets: CreateChangeSet for CREATE and UPDATE, DescribeChangeSet with the resource
changes and their replacement flags, ExecuteChangeSet, DeleteChangeSet, ListChangeSets."""

from __future__ import annotations

import re
import uuid
from typing import Any

from emulator.cloudformation.changes import resource_changes
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.cloudformation import runner
from emulator.services.cloudformation.base import (
    CloudFormationBase,
    MacroFailure,
    page,
    validation,
)
from emulator.services.cloudformation.models import ChangeSetRecord, StackRecord

_NAME = re.compile(r"^[a-zA-Z][-a-zA-Z0-9]*$")
NO_CHANGES = ("The submitted information didn't contain changes. Submit different information "
              "to create a change set.")


class ChangeSetsApi(CloudFormationBase):
    def _change_set(self, ctx: RequestContext, name: str,
                    stack_name: str | None) -> ChangeSetRecord:
        table = self.change_sets(ctx.account_id, ctx.region)
        found = table.get(name) if name.startswith("arn:") else None
        if found is None and not name.startswith("arn:"):
            stack = self.find_stack(ctx, stack_name) if stack_name else None
            for record in table.values():
                if record.name == name and (stack is None or record.stack_id == stack.stack_id):
                    found = record
                    break
        if found is None:
            raise ServiceError("ChangeSetNotFound", f"ChangeSet [{name}] does not exist",
                               status=404)
        return found

    async def create_change_set(
        self, ctx: RequestContext, stack_name: str, change_set_name: str,
        template_body: str | None = None, template_url: str | None = None,
        use_previous_template: bool | None = None,
        parameters: list[dict[str, Any]] | None = None,
        capabilities: list[str] | None = None, tags: list[dict[str, str]] | None = None,
        description: str | None = None, change_set_type: str | None = None,
        notification_arns: list[str] | None = None, role_arn: str | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        if not _NAME.match(change_set_name) or len(change_set_name) > 128:
            raise validation(f"1 validation error detected: Value '{change_set_name}' at "
                             "'changeSetName' failed to satisfy constraint: Member must "
                             "satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*")
        kind = change_set_type or "UPDATE"
        existing = self.find_stack(ctx, stack_name)
        if kind == "CREATE":
            if existing is not None and existing.status != "REVIEW_IN_PROGRESS":
                raise validation(f"Stack [{stack_name}] already exists and cannot be created "
                                 f"again with the changeSet [{change_set_name}].")
            stack = existing or StackRecord(
                stack_id=runner.new_stack_id(ctx.account_id, ctx.region, stack_name),
                name=stack_name, created=self.clock.now(), status="REVIEW_IN_PROGRESS",
                status_reason="User Initiated")
        elif kind == "UPDATE":
            if existing is None or existing.status == "REVIEW_IN_PROGRESS":
                raise validation(f"Stack [{stack_name}] does not exist")
            stack = existing
        else:
            raise validation(f"ChangeSetType {kind} is not supported by this emulator")
        if use_previous_template:
            template_body = stack.template_body
        body = await self.template_body(ctx, template_body, template_url)
        change_set_id = (f"arn:aws:cloudformation:{ctx.region}:{ctx.account_id}:changeSet/"
                         f"{change_set_name}/{uuid.uuid4()}")
        try:
            processed, prepared, given, use_previous = await self.prepare_stack(
                ctx, stack, body, parameters, previous=existing)
        except MacroFailure as failure:
            # A macro's failure is the change set's: it is made FAILED with the reason, as
            # the template is processed while the change set is created.
            self._begin_review(ctx, stack, existing)
            self.change_sets(ctx.account_id, ctx.region).put(change_set_id, ChangeSetRecord(
                change_set_id=change_set_id, name=change_set_name, stack_id=stack.stack_id,
                stack_name=stack.name, change_set_type=kind, description=description,
                template_body=body, tags=tags if tags is not None else list(stack.tags),
                capabilities=capabilities or [], notification_arns=notification_arns or [],
                created=self.clock.now(), role_arn=role_arn, status="FAILED",
                status_reason=failure.message, execution_status="UNAVAILABLE"))
            return {"Id": change_set_id, "StackId": stack.stack_id}
        runner.check_capabilities(processed, prepared.template, capabilities or [],
                                  change_set=True)
        self._begin_review(ctx, stack, existing)
        old = None if kind == "CREATE" else runner.restore(
            stack, runner.pseudo(ctx.account_id, ctx.region, stack))
        changes = resource_changes(old, prepared, runner.load_resources(stack))
        record = ChangeSetRecord(
            change_set_id=change_set_id, name=change_set_name, stack_id=stack.stack_id,
            stack_name=stack.name,
            change_set_type=kind, description=description, template_body=body,
            template=processed, given={k: v for k, v in given.items() if v is not None},
            use_previous=sorted(use_previous), parameters=runner.stored_parameters(prepared),
            tags=tags if tags is not None else list(stack.tags),
            capabilities=capabilities or [], notification_arns=notification_arns or [],
            changes=changes, created=self.clock.now(), role_arn=role_arn,
            status="CREATE_COMPLETE", execution_status="AVAILABLE")
        same_parameters = old is not None and runner.stored_parameters(old) == record.parameters
        if kind == "UPDATE" and not changes and same_parameters and (
                tags is None or tags == stack.tags) and processed == stack.template:
            record.status, record.execution_status = "FAILED", "UNAVAILABLE"
            record.status_reason = NO_CHANGES
        self.change_sets(ctx.account_id, ctx.region).put(record.change_set_id, record)
        return {"Id": record.change_set_id, "StackId": stack.stack_id}

    def _begin_review(self, ctx: RequestContext, stack: StackRecord,
                      existing: StackRecord | None) -> None:
        """A stack a CREATE change set makes is stored in REVIEW_IN_PROGRESS."""
        if existing is None:
            self.save(ctx, None, stack)
            deployment = self.deployment(ctx, stack)
            deployment.stack_event("REVIEW_IN_PROGRESS", "User Initiated")
            self.save(ctx, None, stack)

    def describe_change_set(self, ctx: RequestContext, change_set_name: str,
                            stack_name: str | None = None, next_token: str | None = None,
                            **_: Any) -> dict[str, Any]:
        record = self._change_set(ctx, change_set_name, stack_name)
        changes, token = page(record.changes, next_token)
        out: dict[str, Any] = {
            "ChangeSetName": record.name, "ChangeSetId": record.change_set_id,
            "StackId": record.stack_id, "StackName": record.stack_name,
            "Parameters": [{"ParameterKey": entry["key"], "ParameterValue": (
                "****" if entry.get("no_echo") else entry["value"])}
                for entry in record.parameters],
            "CreationTime": record.created, "ExecutionStatus": record.execution_status,
            "Status": record.status, "NotificationARNs": record.notification_arns,
            "Capabilities": record.capabilities, "Tags": record.tags, "Changes": changes,
            "IncludeNestedStacks": False,
        }
        if record.description:
            out["Description"] = record.description
        if record.status_reason:
            out["StatusReason"] = record.status_reason
        if token:
            out["NextToken"] = token
        return out

    def list_change_sets(self, ctx: RequestContext, stack_name: str,
                         next_token: str | None = None) -> dict[str, Any]:
        stack = self.stack(ctx, stack_name)
        records = [record for record in self.change_sets(ctx.account_id, ctx.region).values()
                   if record.stack_id == stack.stack_id]
        items, token = page(records, next_token)
        summaries = []
        for record in items:
            entry: dict[str, Any] = {
                "StackId": record.stack_id, "StackName": record.stack_name,
                "ChangeSetId": record.change_set_id, "ChangeSetName": record.name,
                "ExecutionStatus": record.execution_status, "Status": record.status,
                "CreationTime": record.created, "IncludeNestedStacks": False}
            if record.status_reason:
                entry["StatusReason"] = record.status_reason
            if record.description:
                entry["Description"] = record.description
            summaries.append(entry)
        return {"Summaries": summaries, **({"NextToken": token} if token else {})}

    def delete_change_set(self, ctx: RequestContext, change_set_name: str,
                          stack_name: str | None = None) -> dict[str, Any]:
        # AWS answers a change set that is not there (or no longer: executing one deletes
        # the stack's others) with success; only a stack that does not exist is an error.
        if stack_name:
            self.stack(ctx, stack_name)
        try:
            record = self._change_set(ctx, change_set_name, stack_name)
        except ServiceError:
            return {}
        if record.execution_status == "EXECUTE_IN_PROGRESS":
            raise ServiceError("InvalidChangeSetStatus",
                               f"ChangeSet [{record.change_set_id}] cannot be deleted in its "
                               f"current status of [{record.execution_status}]", status=400)
        self.change_sets(ctx.account_id, ctx.region).delete(record.change_set_id)
        return {}

    async def execute_change_set(self, ctx: RequestContext, change_set_name: str,
                                 stack_name: str | None = None,
                                 disable_rollback: bool | None = None,
                                 **_: Any) -> dict[str, Any]:
        record = self._change_set(ctx, change_set_name, stack_name)
        if record.execution_status != "AVAILABLE":
            raise ServiceError("InvalidChangeSetStatus",
                               f"ChangeSet [{record.change_set_id}] cannot be executed in its "
                               f"current status of [{record.status}]", status=400)
        stack = self.stack(ctx, record.stack_id)
        if record.change_set_type == "UPDATE":
            self.check_updatable(stack)
        parameters: list[dict[str, Any]] = [{"ParameterKey": key, "ParameterValue": value}
                                             for key, value in record.given.items()]
        parameters += [{"ParameterKey": key, "UsePreviousValue": True}
                       for key in record.use_previous]
        prepared = (await self.prepare_stack(ctx, stack, record.template_body, parameters,
                                             previous=stack, processed=record.template))[1]
        # The executed change set stays, describable until the stack is deleted; the
        # stack's others are no longer valid and go.
        for other in self.change_sets(ctx.account_id, ctx.region).values():
            if (other.stack_id == stack.stack_id
                    and other.change_set_id != record.change_set_id):
                self.change_sets(ctx.account_id, ctx.region).delete(other.change_set_id)
        record.execution_status = "EXECUTE_IN_PROGRESS"
        self.change_sets(ctx.account_id, ctx.region).put(record.change_set_id, record)
        stack.change_set_id = record.change_set_id
        stack.capabilities = record.capabilities
        stack.notification_arns = record.notification_arns or stack.notification_arns
        if record.role_arn:
            stack.role_arn = record.role_arn
        if disable_rollback is not None:
            stack.disable_rollback = disable_rollback
        if record.change_set_type == "CREATE":
            stack.template_body = record.template_body
            stack.tags = record.tags
            self.start_create(ctx, stack, prepared,
                              on_failure="DO_NOTHING" if stack.disable_rollback else "ROLLBACK")
        else:
            self.start_update(ctx, stack, record.template_body, prepared,
                              disable_rollback=bool(disable_rollback), tags=record.tags)
        return {}


__all__ = ["NO_CHANGES", "ChangeSetsApi"]
