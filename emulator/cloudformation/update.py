"""Updating a stack: each resource whose applied properties change is updated in place or,
when a create-only property changes, replaced (new one first, old one deleted in cleanup);
a failure rolls every touched resource back to what it was."""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from emulator.cloudformation.deploy import Deployment, Placeholder, finished, with_id_attributes
from emulator.cloudformation.errors import ResourceError
from emulator.cloudformation.resources import NEW_PHYSICAL_ID, ResourceType
from emulator.cloudformation.state import ResourceState
from emulator.cloudformation.tags import tag_map
from emulator.cloudformation.template import Prepared

REPLACING = "Requested update requires the creation of a new physical resource; hence creating one."


def changed_properties(old: dict[str, Any], new: dict[str, Any]) -> set[str]:
    return {key for key in set(old) | set(new) if old.get(key) != new.get(key)}


@dataclass
class Updater:
    deployment: Deployment
    old: Prepared
    new: Prepared
    previous: dict[str, ResourceState] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    replaced: dict[str, ResourceState] = field(default_factory=dict)  # the old physical ones

    async def _apply(self, name: str) -> None:
        d = self.deployment
        definition = self.new.resources[name]
        existing = d.resources.get(name)
        if existing is None or existing.status.startswith("DELETE"):
            self.created.append(name)
            await d.create_one(self.new, name)
            return
        self.previous[name] = copy.deepcopy(existing)
        try:
            kind = d.resource_type(definition["Type"])
            properties = await d.guard(
                lambda: d.resolve(self.new, definition.get("Properties") or {}))
        except ResourceError as problem:
            d.event(existing, "UPDATE_FAILED", problem.message)
            raise
        changed = changed_properties(existing.properties, properties)
        type_changed = definition["Type"] != existing.type_name
        if not changed and not type_changed:
            existing.definition = definition
            if self._tags(name, kind, properties, properties) is not None:
                await self._retag_only(name, kind, existing, properties)
            return
        replace = type_changed or kind.requires_replacement(changed)
        self._check_policy(existing, "Update:Replace" if replace else "Update:Modify")
        if replace:
            await self._replace(name, kind, definition, properties)
            return
        self.updated.append(name)
        existing.definition = definition
        d.event(existing, "UPDATE_IN_PROGRESS")
        try:
            attributes = await d.guard(lambda: kind.update(
                d.context(name), existing.physical_id, properties,
                self.previous[name].properties, existing.attributes))
        except ResourceError as problem:
            d.event(existing, "UPDATE_FAILED", problem.message)
            raise
        new_id = attributes.pop(NEW_PHYSICAL_ID, None)
        if new_id is not None:  # the provider made a new one: the old goes in the cleanup
            self.replaced[name] = copy.deepcopy(self.previous[name])
            existing.physical_id = str(new_id)
        existing.properties = properties
        existing.attributes = attributes
        tags = self._tags(name, kind, properties, self.previous[name].properties)
        if tags is not None:
            try:
                await d.guard(lambda: kind.retag(d.context(name), existing.physical_id,
                                                 attributes, *tags))
            except ResourceError as problem:
                d.event(existing, "UPDATE_FAILED", problem.message)
                raise
        d.event(existing, "UPDATE_COMPLETE")

    def _tags(self, name: str, kind: ResourceType, properties: dict[str, Any],
              previous: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]] | None:
        """(new tags, previous tags) of a resource whose own or stack tags change, else None."""
        if not kind.takes_tags():
            return None
        d = self.deployment
        new = tag_map(d.context(name), properties, kind.tags_property())
        old = tag_map(d.context(name, previous=True), previous, kind.tags_property())
        return (new, old) if new != old else None

    async def _retag_only(self, name: str, kind: ResourceType, existing: ResourceState,
                          properties: dict[str, Any]) -> None:
        """Only the stack's tags changed: the resource is updated to carry the new ones."""
        d = self.deployment
        tags = self._tags(name, kind, properties, properties)
        assert tags is not None
        self._check_policy(existing, "Update:Modify")
        self.updated.append(name)
        d.event(existing, "UPDATE_IN_PROGRESS")
        try:
            await d.guard(lambda: kind.retag(d.context(name), existing.physical_id,
                                             existing.attributes, *tags))
        except ResourceError as problem:
            d.event(existing, "UPDATE_FAILED", problem.message)
            raise
        d.event(existing, "UPDATE_COMPLETE")

    def _check_policy(self, resource: ResourceState, action: str) -> None:
        check = self.deployment.extras.get("stack_policy")
        reason = check(resource.logical_id, resource.type_name, action) if check else None
        if reason:
            self.deployment.event(resource, "UPDATE_FAILED", reason)
            raise ResourceError(reason)

    async def _replace(self, name: str, kind: Any, definition: dict[str, Any],
                       properties: dict[str, Any]) -> None:
        d = self.deployment
        old = d.resources[name]
        name_property = getattr(kind, "name_property", None)
        if name_property and properties.get(name_property) is not None and (
                properties.get(name_property) == old.properties.get(name_property)):
            d.event(old, "UPDATE_FAILED",
                    "CloudFormation cannot update a stack when a custom-named resource "
                    f"requires replacing. Rename {properties[name_property]} and update the "
                    "stack again.")
            raise ResourceError("custom-named resource requires replacing")
        fresh = ResourceState(name, definition["Type"], "UPDATE_IN_PROGRESS",
                              physical_id=old.physical_id, definition=definition)
        d.resources[name] = fresh
        self.replaced[name] = old
        d.event(fresh, "UPDATE_IN_PROGRESS", REPLACING)
        try:
            created = await d.guard(lambda: kind.create(d.context(name), properties))
        except ResourceError as problem:
            fresh.physical_id = ""
            d.event(fresh, "UPDATE_FAILED", problem.message)
            raise
        fresh.physical_id = created.physical_id
        fresh.attributes = with_id_attributes(kind, created)
        fresh.properties = properties
        fresh.emulated = not isinstance(kind, Placeholder)
        d.event(fresh, "UPDATE_IN_PROGRESS", "Resource creation Initiated")
        d.event(fresh, "UPDATE_COMPLETE")

    async def run(self, *, disable_rollback: bool = False,
                  finish: Callable[[], Awaitable[None]] | None = None) -> bool:
        """Apply the update; ``finish`` runs before the stack is reported complete."""
        d = self.deployment
        d.stack_event("UPDATE_IN_PROGRESS", "User Initiated")
        removed = [name for name in list(d.resources) if name not in self.new.resources]
        failed = await d.walk(list(self.new.resources), self.new.graph, self._apply)
        for name in removed if not failed else ():
            try:
                self._check_policy(d.resources[name], "Update:Delete")
            except ResourceError:
                failed.append(name)
        problem = None if failed else await finished(finish)
        if not failed and problem is None:
            d.stack_event("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
            await self._cleanup(removed, list(self.replaced.values()), rollback=False)
            d.stack_event("UPDATE_COMPLETE")
            return True
        verb = "create" if all(name in self.created for name in failed) else "update"
        reason = problem or f"The following resource(s) failed to {verb}: [{', '.join(failed)}]. "
        if disable_rollback:
            d.stack_event("UPDATE_FAILED", reason)
            return False
        d.stack_event("UPDATE_ROLLBACK_IN_PROGRESS", reason)
        ok = await self._roll_back()
        d.stack_event("UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")
        # What the update made is removed: new resources and the replacements' new copies.
        new_copies = [d.resources.pop(name) for name in list(self.replaced)
                      if name in d.resources]
        for name, old in self.replaced.items():
            d.resources[name] = old
        ok = await self._cleanup(self.created, new_copies, rollback=True) and ok
        d.stack_event("UPDATE_ROLLBACK_COMPLETE" if ok else "UPDATE_ROLLBACK_FAILED")
        return False

    async def _roll_back(self) -> bool:
        d = self.deployment
        ok = True
        for name in reversed(self.updated):
            current, before = d.resources[name], self.previous[name]
            d.event(current, "UPDATE_IN_PROGRESS")
            try:
                attributes = await d.guard(self._reverter(current, before))
            except ResourceError as problem:
                d.event(current, "UPDATE_FAILED", problem.message)
                ok = False
                continue
            current.properties = before.properties
            current.definition = before.definition
            current.attributes = attributes
            d.event(current, "UPDATE_COMPLETE")
        return ok

    def _reverter(self, current: ResourceState,
                  before: ResourceState) -> Callable[[], Awaitable[dict[str, Any]]]:
        d = self.deployment
        kind = d.resource_type(before.type_name)
        name = current.logical_id

        async def revert() -> dict[str, Any]:
            attributes = current.attributes
            if current.properties != before.properties:
                attributes = await kind.update(d.context(name), current.physical_id,
                                               before.properties, current.properties,
                                               current.attributes)
            if kind.takes_tags():  # back to the tags it had, the stack's previous ones
                now = tag_map(d.context(name), current.properties, kind.tags_property())
                then = tag_map(d.context(name, previous=True), before.properties,
                               kind.tags_property())
                if now != then:
                    await kind.retag(d.context(name), current.physical_id, attributes,
                                     then, now)
            return attributes
        return revert

    async def _cleanup(self, names: list[str], old_copies: list[ResourceState], *,
                       rollback: bool) -> bool:
        d = self.deployment
        ok = True
        # Removed resources may still use the old copies of replaced ones: they go first.
        present = [name for name in names if name in d.resources]
        if present:
            ok = await d.delete_all(set(), rollback=rollback, names=present)
        for state in old_copies:
            try:
                await d.delete_state(state, set(), rollback=rollback, replaced=not rollback)
            except ResourceError:
                ok = False
        return ok


__all__ = ["REPLACING", "Updater", "changed_properties"]
