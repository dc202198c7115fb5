"""Deploying a stack: create in dependency order (in parallel where the graph allows), update
in place or by replacement, delete in reverse order, and roll back on failure, with a stack
event for every step as CloudFormation writes them."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from emulator.cloudformation import dynamic, graph, schemas
from emulator.cloudformation.context import ResourceContext
from emulator.cloudformation.errors import ResourceError, TemplateError, template_error
from emulator.cloudformation.intrinsics import NO_VALUE, references
from emulator.cloudformation.ports import ServiceCall, ServiceFailure
from emulator.cloudformation.resources import TYPES, Created, ResourceType
from emulator.cloudformation.state import ResourceState, StackEvent
from emulator.cloudformation.template import PSEUDO, Prepared

log = logging.getLogger("emulator.cloudformation")
STACK_TYPE = "AWS::CloudFormation::Stack"


class Reporter(Protocol):
    """Where a deployment's progress goes: the stack record, its events, the log."""

    def event(self, event: StackEvent) -> None: ...

    def stack_status(self, status: str, reason: str = "") -> None: ...


class Placeholder(ResourceType):
    """A resource of a type the emulator lacks, when placeholders are allowed: every
    attribute AWS's schema gives the type reads as its generated physical id."""

    type_name = ""
    service = ""

    def __init__(self, placed: str = "") -> None:
        self.placed = placed

    @classmethod
    def attributes(cls) -> set[str]:
        return set()

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        physical_id = ctx.physical_name()
        return Created(physical_id, {name: physical_id
                                     for name in schemas.read_only(self.placed)})


def with_id_attributes(kind: ResourceType, created: Created) -> dict[str, Any]:
    """The created resource's attributes; schema attributes named ``Id`` or ``...Id`` that
    the type left out are its physical id, as they are for these types on AWS."""
    attributes = dict(created.attributes)
    for name in kind.attributes():
        if name not in attributes and (name == "Id" or name.endswith("Id")) and "." not in name:
            attributes[name] = created.physical_id
    return attributes


def handler_code(failure: ServiceFailure) -> str:
    code = failure.code
    if "AlreadyExists" in code or "Conflict" in code or code == "EntityAlreadyExists":
        return "AlreadyExists"
    if "NotFound" in code or "NoSuch" in code or "DoesNotExist" in code:
        return "NotFound"
    if "Validation" in code or "Invalid" in code:
        return "InvalidRequest"
    if "Limit" in code:
        return "ServiceLimitExceeded"
    if "AccessDenied" in code:
        return "AccessDenied"
    return "GeneralServiceException"


def failure_reason(failure: ServiceFailure, request_id: str, token: str) -> ResourceError:
    """A service's error as a registry resource's event reason."""
    service = failure.service[:1].upper() + failure.service[1:]
    code = handler_code(failure)
    return ResourceError(
        f'Resource handler returned message: "{failure.message} (Service: {service}, '
        f'Status Code: {failure.status}, Request ID: {request_id})" (RequestToken: {token}, '
        f"HandlerErrorCode: {code})", code)


async def finished(finish: Callable[[], Awaitable[None]] | None) -> str | None:
    """Run an operation's last step (its outputs); what went wrong, or None. An output that
    cannot be resolved fails the operation (rolled back like a failed resource) instead of
    leaving the stack in progress for ever."""
    if finish is None:
        return None
    try:
        await finish()
    except (TemplateError, ResourceError) as problem:
        return problem.message.rstrip(". ") + ". "
    return None


@dataclass
class Deployment:
    """One stack's resources and the means to change them."""

    stack_name: str
    stack_id: str
    account: str
    region: str
    call: ServiceCall
    reporter: Reporter
    now: Callable[[], float]
    resources: dict[str, ResourceState] = field(default_factory=dict)
    tags: list[dict[str, str]] = field(default_factory=list)
    # The stack's tags before this update (None: unchanged), to retag resources that carry them.
    previous_tags: list[dict[str, str]] | None = None
    endpoint_url: str = "http://localhost:4566"
    placeholders: bool = False
    new_id: Callable[[], str] = field(default=lambda: "00000000-0000-0000-0000-000000000000")
    extras: dict[str, Any] = field(default_factory=dict)

    # -- events and helpers

    def event(self, resource: ResourceState, status: str, reason: str = "") -> None:
        resource.status = status
        resource.status_reason = reason
        resource.updated = self.now()
        properties = resource.definition.get("Properties")
        self.reporter.event(StackEvent(
            resource.logical_id, resource.physical_id, resource.type_name, status,
            resource.updated, reason,
            json.dumps(properties, default=str) if properties is not None else None))

    def stack_event(self, status: str, reason: str = "") -> None:
        self.reporter.stack_status(status, reason)
        self.reporter.event(StackEvent(self.stack_name, self.stack_id, STACK_TYPE, status,
                                       self.now(), reason))

    def context(self, logical_id: str, *, previous: bool = False) -> ResourceContext:
        """The resource's context; ``previous``: with the stack's tags before this update."""
        given = self.previous_tags if previous and self.previous_tags is not None else self.tags
        tags = [*given, {"Key": "aws:cloudformation:stack-name", "Value": self.stack_name},
                {"Key": "aws:cloudformation:logical-id", "Value": logical_id},
                {"Key": "aws:cloudformation:stack-id", "Value": self.stack_id}]
        resource = self.resources.get(logical_id)
        extras = {**self.extras, "type_name": resource.type_name if resource else ""}
        return ResourceContext(self.call, logical_id, self.stack_name, self.stack_id,
                               self.account, self.region, tags, self.endpoint_url, extras)

    def resource_type(self, type_name: str) -> ResourceType:
        found = TYPES.get(type_name)
        if found is None and type_name.startswith("Custom::"):
            found = TYPES.get("AWS::CloudFormation::CustomResource")
        if found is not None:
            return found()
        if self.placeholders:
            return Placeholder(type_name)
        raise ResourceError(
            f"Resource type {type_name} is not supported by this emulator; set "
            "EMULATOR_CLOUDFORMATION_PLACEHOLDERS=1 to create such resources as placeholders",
            "InvalidRequest")

    def _ref(self, name: str) -> Any:
        resource = self.resources.get(name)
        if resource is None or not resource.physical_id:
            raise template_error(f"resource {name} is not yet created")
        return resource.physical_id

    def _attribute(self, name: str, attribute: str) -> Any:
        resource = self.resources.get(name)
        if resource is None:
            raise template_error(f"instance of Fn::GetAtt references undefined resource {name}")
        if attribute not in resource.attributes:
            raise template_error(f"resource {name} does not support attribute type "
                                 f"{attribute} in Fn::GetAtt")
        return resource.attributes[attribute]

    async def resolve(self, prepared: Prepared, value: Any) -> Any:
        evaluator = prepared.evaluator(resource_ref=self._ref,
                                       resource_attribute=self._attribute,
                                       import_value=self.extras.get("import_value"))
        resolved = evaluator.resolve(value)
        if resolved is NO_VALUE:
            return None
        return await dynamic.resolve(resolved, self.call)

    async def guard(self, action: Callable[[], Awaitable[Any]]) -> Any:
        """Run one resource operation; a service error becomes the event's reason."""
        try:
            return await action()
        except ServiceFailure as failure:
            raise failure_reason(failure, self.new_id(), self.new_id()) from None
        except TemplateError as problem:
            raise ResourceError(problem.message, "InvalidRequest") from None
        except ResourceError:
            raise
        except Exception as problem:  # a type's own bug must not take the stack down
            log.exception("resource operation failed unexpectedly")
            raise ResourceError(f"Internal failure: {problem}", "InternalFailure") from None

    # -- graph walking

    async def walk(self, names: list[str], needs: dict[str, set[str]],
                    action: Callable[[str], Awaitable[None]]) -> list[str]:
        """Run ``action`` for every name once all its ``needs`` are done, in parallel;
        after the first failure nothing new starts. Returns the names that failed."""
        done: dict[str, asyncio.Event] = {name: asyncio.Event() for name in names}
        failed: list[str] = []
        stopped = False

        async def run(name: str) -> None:
            nonlocal stopped
            try:
                for need in needs.get(name, ()):
                    if need in done:
                        await done[need].wait()
                if stopped:
                    return
                try:
                    await action(name)
                except ResourceError:
                    failed.append(name)
                    stopped = True
            finally:
                done[name].set()

        await asyncio.gather(*(run(name) for name in names))
        return failed

    # -- create

    async def create_one(self, prepared: Prepared, name: str) -> None:
        definition = prepared.resources[name]
        resource = self.resources.get(name) or ResourceState(
            name, definition["Type"], "CREATE_IN_PROGRESS", definition=definition)
        resource.definition = definition
        resource.type_name = definition["Type"]
        self.resources[name] = resource
        self.event(resource, "CREATE_IN_PROGRESS")
        try:
            kind = self.resource_type(resource.type_name)
            properties = await self.guard(
                lambda: self.resolve(prepared, definition.get("Properties") or {}))
            resource.properties = properties
            created: Created = await self.guard(
                lambda: kind.create(self.context(name), properties))
        except ResourceError as problem:
            self.event(resource, "CREATE_FAILED", problem.message)
            raise
        resource.physical_id = created.physical_id
        resource.attributes = with_id_attributes(kind, created)
        resource.emulated = not isinstance(kind, Placeholder)
        self.event(resource, "CREATE_IN_PROGRESS", "Resource creation Initiated")
        reason = "" if resource.emulated else (
            f"Not emulated: {resource.type_name} created as a placeholder")
        self.event(resource, "CREATE_COMPLETE", reason)

    async def create(self, prepared: Prepared, *, disable_rollback: bool = False,
                     finish: Callable[[], Awaitable[None]] | None = None) -> bool:
        """Create every resource; ``finish`` runs before the stack is reported complete."""
        self.stack_event("CREATE_IN_PROGRESS", "User Initiated")
        order = list(prepared.resources)
        failed = await self.walk(order, prepared.graph,
                                 lambda name: self.create_one(prepared, name))
        reason = f"The following resource(s) failed to create: [{', '.join(failed)}]. "
        if not failed:
            problem = await finished(finish)
            if problem is None:
                self.stack_event("CREATE_COMPLETE")
                return True
            reason = problem
        if disable_rollback:
            self.stack_event("CREATE_FAILED", reason)
            return False
        self.stack_event("ROLLBACK_IN_PROGRESS", reason + "Rollback requested by user.")
        ok = await self.delete_all(set(), rollback=True)
        self.stack_event("ROLLBACK_COMPLETE" if ok else "ROLLBACK_FAILED")
        return False

    # -- delete

    async def _delete_one(self, name: str, retain: set[str], *, rollback: bool) -> None:
        await self.delete_state(self.resources[name], retain, rollback=rollback)

    async def delete_state(self, resource: ResourceState, retain: set[str], *,
                           rollback: bool, replaced: bool = False) -> None:
        name = resource.logical_id
        if resource.status in ("DELETE_COMPLETE", "DELETE_SKIPPED"):
            return
        policy = resource.definition.get(
            "UpdateReplacePolicy" if replaced else "DeletionPolicy", "Delete")
        kept = name in retain or policy in ("Retain", "Snapshot") or (
            policy == "RetainExceptOnCreate" and not rollback)
        if kept and resource.physical_id:
            self.event(resource, "DELETE_SKIPPED")
            return
        if not resource.physical_id:  # never created: nothing to remove
            self.event(resource, "DELETE_COMPLETE")
            return
        self.event(resource, "DELETE_IN_PROGRESS")
        try:
            kind = self.resource_type(resource.type_name)
            await self.guard(lambda: kind.delete(self.context(name), resource.physical_id,
                                                  resource.properties, resource.attributes))
        except ResourceError as problem:
            self.event(resource, "DELETE_FAILED", problem.message)
            raise
        self.event(resource, "DELETE_COMPLETE")

    def _stored_graph(self, names: list[str]) -> dict[str, set[str]]:
        known = {name: self.resources[name].definition for name in names}
        try:
            return graph.dependencies(known, _all_names(known))
        except TemplateError:
            return {name: set() for name in names}

    async def delete_all(self, retain: set[str], *, rollback: bool = False,
                          names: list[str] | None = None) -> bool:
        names = list(self.resources) if names is None else names
        forward = self._stored_graph(names)
        reverse = graph.dependents(forward)
        waiting = {name: {other for other in reverse.get(name, ()) if other in forward}
                   for name in names}
        failed = await self.walk(
            list(reversed(names)), waiting,
            lambda name: self._delete_one(name, retain, rollback=rollback))
        for name in names:
            if self.resources[name].status in ("DELETE_COMPLETE", "DELETE_SKIPPED"):
                del self.resources[name]
        return not failed

    async def delete(self, retain: set[str] | None = None) -> bool:
        self.stack_event("DELETE_IN_PROGRESS", "User Initiated")
        ok = await self.delete_all(retain or set())
        if ok:
            self.stack_event("DELETE_COMPLETE")
            return True
        failed = [name for name, resource in self.resources.items()
                  if resource.status == "DELETE_FAILED"]
        self.stack_event("DELETE_FAILED",
                         f"The following resource(s) failed to delete: [{', '.join(failed)}]. ")
        return False


def _all_names(resources: dict[str, Any]) -> set[str]:
    names: set[str] = set(PSEUDO)
    for definition in resources.values():
        names |= references(definition.get("Properties", {}))
        names |= set(graph.depends_on(definition))
    return names


__all__ = ["Deployment", "Reporter", "failure_reason", "handler_code"]
