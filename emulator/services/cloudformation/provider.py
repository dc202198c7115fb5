"""AWS CloudFormation: stacks created, updated and deleted by the engine in
``emulator.cloudformation``, their resources, events, templates, outputs, exports, stack
policies and termination protection. Change sets are in changesets.py."""

from __future__ import annotations

import json
import re
from typing import Any

from emulator import inbound
from emulator.cloudformation import loader, template
from emulator.cloudformation.errors import TemplateError
from emulator.cloudformation.macros import uses_macros
from emulator.cloudformation.parameters import check_declarations as parameters_check
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.cloudformation import describe, runner
from emulator.services.cloudformation.base import page, validation
from emulator.services.cloudformation.changesets import ChangeSetsApi
from emulator.services.cloudformation.models import StackRecord
from emulator.services.cloudformation.operations import StacksApi

_STACK_NAME = re.compile(r"^[a-zA-Z][-a-zA-Z0-9]*$")


def _check_name(name: str) -> None:
    if not _STACK_NAME.match(name) or len(name) > 128:
        raise validation(f"1 validation error detected: Value '{name}' at 'stackName' failed "
                         "to satisfy constraint: Member must satisfy regular expression "
                         "pattern: [a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*")


def _loaded(body: str) -> dict[str, Any]:
    try:
        return loader.load(body)
    except TemplateError as problem:
        raise validation(problem.message) from None


class CloudFormationProvider(ChangeSetsApi, StacksApi):
    service_name = "cloudformation"

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        listed = []
        for account, region in self.store.scopes("stacks"):
            for stack in self.stacks(account, region).values():
                listed.append({"name": stack.name, "id": stack.stack_id,
                               "status": stack.status, "resources": len(stack.resources)})
        return {"stacks": listed}

    # -- stacks

    async def create_stack(
        self, ctx: RequestContext, stack_name: str, template_body: str | None = None,
        template_url: str | None = None, parameters: list[dict[str, Any]] | None = None,
        disable_rollback: bool | None = None, timeout_in_minutes: int | None = None,
        notification_arns: list[str] | None = None, capabilities: list[str] | None = None,
        role_arn: str | None = None, on_failure: str | None = None,
        stack_policy_body: str | None = None, stack_policy_url: str | None = None,
        tags: list[dict[str, str]] | None = None,
        enable_termination_protection: bool | None = None, **_: Any,
    ) -> dict[str, Any]:
        _check_name(stack_name)
        if disable_rollback and on_failure:
            raise validation("You cannot specify both DisableRollback and OnFailure.")
        existing = self.find_stack(ctx, stack_name)
        if existing is not None and existing.status != "REVIEW_IN_PROGRESS":
            raise ServiceError("AlreadyExistsException", f"Stack [{stack_name}] already exists",
                               status=400)
        body = await self.template_body(ctx, template_body, template_url)
        policy = await self._policy(ctx, stack_policy_body, stack_policy_url)
        stack = existing or StackRecord(
            stack_id=runner.new_stack_id(ctx.account_id, ctx.region, stack_name),
            name=stack_name, created=self.clock.now())
        prepared_stack = await self.prepare_stack(ctx, stack, body, parameters)
        processed, prepared = prepared_stack[0], prepared_stack[1]
        runner.check_capabilities(_loaded(body), processed, capabilities or [],
                                  change_set=False)
        stack.template_body = body
        stack.tags = tags or []
        stack.capabilities = capabilities or []
        stack.notification_arns = notification_arns or []
        stack.disable_rollback = bool(disable_rollback) or on_failure == "DO_NOTHING"
        stack.timeout = timeout_in_minutes
        stack.role_arn = role_arn
        stack.stack_policy = policy
        stack.termination_protection = bool(enable_termination_protection)
        self.start_create(ctx, stack, prepared, on_failure=on_failure or (
            "DO_NOTHING" if stack.disable_rollback else "ROLLBACK"))
        return {"StackId": stack.stack_id}

    async def update_stack(
        self, ctx: RequestContext, stack_name: str, template_body: str | None = None,
        template_url: str | None = None, use_previous_template: bool | None = None,
        parameters: list[dict[str, Any]] | None = None, capabilities: list[str] | None = None,
        tags: list[dict[str, str]] | None = None, disable_rollback: bool | None = None,
        stack_policy_body: str | None = None, stack_policy_url: str | None = None,
        stack_policy_during_update_body: str | None = None,
        stack_policy_during_update_url: str | None = None,
        notification_arns: list[str] | None = None, **_: Any,
    ) -> dict[str, Any]:
        stack = self.stack(ctx, stack_name)
        self.check_updatable(stack)
        policy = await self._policy(ctx, stack_policy_body, stack_policy_url)
        during_update = await self._policy(ctx, stack_policy_during_update_body,
                                           stack_policy_during_update_url)
        if use_previous_template:
            if template_body is not None or template_url is not None:
                raise validation("You cannot specify both usePreviousTemplate and Template "
                                 "Body/Template URL")
            body = stack.template_body
        else:
            body = await self.template_body(ctx, template_body, template_url)
        prepared_stack = await self.prepare_stack(ctx, stack, body, parameters,
                                                  previous=stack)
        processed, prepared = prepared_stack[0], prepared_stack[1]
        runner.check_capabilities(_loaded(body), processed, capabilities or [],
                                  change_set=False)
        same_parameters = runner.stored_parameters(prepared) == stack.parameters
        if (processed == stack.template and same_parameters
                and (tags is None or tags == stack.tags)):
            raise validation("No updates are to be performed.")
        if policy is not None:
            stack.stack_policy = policy
        if notification_arns is not None:
            stack.notification_arns = notification_arns
        stack.capabilities = capabilities or []
        self.start_update(ctx, stack, body, prepared, disable_rollback=bool(disable_rollback),
                          tags=tags, policy_during_update=during_update)
        return {"StackId": stack.stack_id}

    def delete_stack(self, ctx: RequestContext, stack_name: str,
                     retain_resources: list[str] | None = None, **_: Any) -> dict[str, Any]:
        stack = self.find_stack(ctx, stack_name)
        if stack is None:
            return {}  # deleting a stack that is not there succeeds, as on AWS
        if stack.termination_protection:
            raise validation(f"Stack [{stack.name}] cannot be deleted while "
                             "TerminationProtection is enabled")
        if stack.status.endswith("_IN_PROGRESS") and stack.status != "REVIEW_IN_PROGRESS":
            if stack.status == "DELETE_IN_PROGRESS":
                return {}
            raise validation(f"Stack [{stack.name}] cannot be deleted while in status "
                             f"{stack.status}")
        if retain_resources and stack.status != "DELETE_FAILED":
            raise validation("Invalid operation on stack; RetainResources can only be "
                             "specified for stacks in DELETE_FAILED state")
        for record in self.change_sets(ctx.account_id, ctx.region).values():
            if record.stack_id == stack.stack_id:
                self.change_sets(ctx.account_id, ctx.region).delete(record.change_set_id)
        self.start_delete(ctx, stack, set(retain_resources or ()))
        return {}

    def describe_stacks(self, ctx: RequestContext, stack_name: str | None = None,
                        next_token: str | None = None) -> dict[str, Any]:
        if stack_name:
            records = [self.stack(ctx, stack_name, deleted=True)]
        else:
            records = [stack for stack in self.stacks(ctx.account_id, ctx.region).values()
                       if stack.live]
        items, token = page(records, next_token)
        return {"Stacks": [describe.stack(stack) for stack in items],
                **({"NextToken": token} if token else {})}

    def list_stacks(self, ctx: RequestContext, next_token: str | None = None,
                    stack_status_filter: list[str] | None = None) -> dict[str, Any]:
        records = [stack for stack in self.stacks(ctx.account_id, ctx.region).values()
                   if not stack_status_filter or stack.status in stack_status_filter]
        items, token = page(list(reversed(records)), next_token)
        return {"StackSummaries": [describe.summary(stack) for stack in items],
                **({"NextToken": token} if token else {})}

    def describe_stack_events(self, ctx: RequestContext, stack_name: str,
                              next_token: str | None = None) -> dict[str, Any]:
        stack = self.stack(ctx, stack_name, deleted=True)
        items, token = page(list(reversed(stack.events)), next_token)
        return {"StackEvents": items, **({"NextToken": token} if token else {})}

    def _resource(self, stack: StackRecord, logical_id: str) -> dict[str, Any]:
        fields = stack.resources.get(logical_id)
        if fields is None:
            raise validation(f"Resource {logical_id} does not exist for stack {stack.name}")
        return fields

    def describe_stack_resource(self, ctx: RequestContext, stack_name: str,
                                logical_resource_id: str) -> dict[str, Any]:
        stack = self.stack(ctx, stack_name, deleted=True)
        fields = self._resource(stack, logical_resource_id)
        return {"StackResourceDetail": describe.resource(stack, fields, detail=True)}

    def describe_stack_resources(self, ctx: RequestContext, stack_name: str | None = None,
                                 logical_resource_id: str | None = None,
                                 physical_resource_id: str | None = None) -> dict[str, Any]:
        if stack_name:
            stack = self.stack(ctx, stack_name, deleted=True)
        elif physical_resource_id:
            found = [record for record in self.stacks(ctx.account_id, ctx.region).values()
                     if record.live and any(fields.get("physical_id") == physical_resource_id
                                            for fields in record.resources.values())]
            if not found:
                raise validation(f"Stack for {physical_resource_id} does not exist")
            stack = found[0]
        else:
            raise validation("At least one of StackName or PhysicalResourceId must be "
                             "specified")
        chosen = [fields for fields in stack.resources.values()
                  if logical_resource_id in (None, fields["logical_id"])]
        return {"StackResources": [describe.resource(stack, fields) for fields in chosen]}

    def list_stack_resources(self, ctx: RequestContext, stack_name: str,
                             next_token: str | None = None) -> dict[str, Any]:
        stack = self.stack(ctx, stack_name, deleted=True)
        items, token = page(list(stack.resources.values()), next_token)
        return {"StackResourceSummaries": [describe.resource(stack, fields, summary_only=True)
                                           for fields in items],
                **({"NextToken": token} if token else {})}

    def continue_update_rollback(self, ctx: RequestContext, stack_name: str,
                                 **_: Any) -> dict[str, Any]:
        """Finish a rollback that failed: the stack is as the rollback left it."""
        stack = self.stack(ctx, stack_name)
        if stack.status != "UPDATE_ROLLBACK_FAILED":
            raise validation(f"Stack:{stack.stack_id} is in {stack.status} state and can not "
                             "continue update rollback.")
        deployment = self.deployment(ctx, stack)
        deployment.stack_event("UPDATE_ROLLBACK_IN_PROGRESS", "Continue rollback requested "
                               "by user.")
        deployment.stack_event("UPDATE_ROLLBACK_COMPLETE")
        self.save(ctx, None, stack)
        return {}

    def cancel_update_stack(self, ctx: RequestContext, stack_name: str,
                            **_: Any) -> dict[str, Any]:
        stack = self.stack(ctx, stack_name)
        if stack.status != "UPDATE_IN_PROGRESS":
            raise validation("CancelUpdateStack cannot be called from current stack status")
        return {}  # updates here finish before a cancel could reach them

    # -- templates

    def get_template(self, ctx: RequestContext, stack_name: str | None = None,
                     change_set_name: str | None = None,
                     template_stage: str | None = None) -> dict[str, Any]:
        if change_set_name:
            record = self._change_set(ctx, change_set_name, stack_name)
            original, processed = record.template_body, record.template
        else:
            stack = self.stack(ctx, stack_name, deleted=True)
            original, processed = stack.template_body, stack.template
        body = (json.dumps(processed) if template_stage == "Processed" and transforms_used(
            original) else original)
        return {"TemplateBody": body, "StagesAvailable": ["Original", "Processed"]}

    async def validate_template(self, ctx: RequestContext, template_body: str | None = None,
                                template_url: str | None = None) -> dict[str, Any]:
        body = await self.template_body(ctx, template_body, template_url)
        loaded = _loaded(body)
        try:
            if template.transforms(loaded):
                parameters_check(loaded.get("Parameters"))
            else:
                template.check(loaded)
        except TemplateError as problem:
            raise validation(problem.message) from None
        capabilities, reason = runner.required_capabilities(loaded)
        out: dict[str, Any] = {
            "Parameters": describe.declared_parameters(loaded, summary_form=False),
            "Capabilities": capabilities,
            "DeclaredTransforms": template.transforms(loaded)}
        if "Description" in loaded:
            out["Description"] = loaded["Description"]
        if reason:
            out["CapabilitiesReason"] = reason
        return out

    async def get_template_summary(self, ctx: RequestContext, template_body: str | None = None,
                                   template_url: str | None = None,
                                   stack_name: str | None = None, **_: Any) -> dict[str, Any]:
        if stack_name:
            body = self.stack(ctx, stack_name, deleted=True).template_body
        else:
            body = await self.template_body(ctx, template_body, template_url)
        loaded = _loaded(body)
        declared = template.transforms(loaded)
        capabilities, reason = runner.required_capabilities(loaded)
        if declared:
            capabilities = [*capabilities, "CAPABILITY_AUTO_EXPAND"]
        resources = loaded.get("Resources") or {}
        types = sorted({str(d.get("Type")) for d in resources.values() if isinstance(d, dict)})
        out: dict[str, Any] = {
            "Parameters": describe.declared_parameters(loaded, summary_form=True),
            "Capabilities": capabilities, "ResourceTypes": types,
            "Version": str(loaded.get("AWSTemplateFormatVersion", "2010-09-09")),
            "DeclaredTransforms": declared}
        if "Description" in loaded:
            out["Description"] = loaded["Description"]
        if reason:
            out["CapabilitiesReason"] = reason
        if "Metadata" in loaded:
            out["Metadata"] = json.dumps(loaded["Metadata"])
        return out

    # -- policies, protection, exports

    async def _policy(self, ctx: RequestContext, body: str | None,
                      url: str | None) -> str | None:
        """A stack policy given by its body or by an S3 URL of the emulator, checked."""
        if body is None and url is None:
            return None
        if body is not None and url is not None:
            raise validation("You cannot specify both StackPolicyURL and StackPolicyBody")
        text = body if body is not None else await self.template_body(ctx, None, url)
        try:
            inbound.loads(text)
        except ValueError:
            raise validation("Policy document is not valid JSON") from None
        return text

    async def set_stack_policy(self, ctx: RequestContext, stack_name: str,
                               stack_policy_body: str | None = None,
                               stack_policy_url: str | None = None) -> dict[str, Any]:
        stack = self.stack(ctx, stack_name)
        policy = await self._policy(ctx, stack_policy_body, stack_policy_url)
        if policy is None:
            raise validation("Either StackPolicyBody or StackPolicyURL must be specified.")
        stack.stack_policy = policy
        self.save(ctx, None, stack)
        return {}

    def get_stack_policy(self, ctx: RequestContext, stack_name: str) -> dict[str, Any]:
        stack = self.stack(ctx, stack_name)
        return {"StackPolicyBody": stack.stack_policy} if stack.stack_policy else {}

    def update_termination_protection(self, ctx: RequestContext,
                                      enable_termination_protection: bool,
                                      stack_name: str) -> dict[str, Any]:
        stack = self.stack(ctx, stack_name)
        stack.termination_protection = enable_termination_protection
        self.save(ctx, None, stack)
        return {"StackId": stack.stack_id}

    def list_exports(self, ctx: RequestContext, next_token: str | None = None) -> dict[str, Any]:
        exports = [{"ExportingStackId": stack_id, "Name": name, "Value": value}
                   for name, (value, stack_id) in self.exports(ctx).items()]
        items, token = page(exports, next_token)
        return {"Exports": items, **({"NextToken": token} if token else {})}

    def list_imports(self, ctx: RequestContext, export_name: str,
                     next_token: str | None = None) -> dict[str, Any]:
        users = [stack.name for stack in self.importers(ctx, export_name)]
        if not users:
            raise validation(f"Export '{export_name}' is not imported by any stack.")
        items, token = page(users, next_token)
        return {"Imports": items, **({"NextToken": token} if token else {})}


def transforms_used(body: str) -> bool:
    """Whether the template names a transform or macro, so its Processed stage differs."""
    try:
        return uses_macros(loader.load(body))
    except TemplateError:
        return False


__all__ = ["CloudFormationProvider"]
