"""Change sets: what an update would do to each resource, as DescribeChangeSet reports it,
worked out from the templates and parameters before anything is touched."""

from __future__ import annotations

from typing import Any

from emulator.cloudformation.intrinsics import references
from emulator.cloudformation.resources import TYPES, ResourceType
from emulator.cloudformation.state import ResourceState
from emulator.cloudformation.template import Prepared

_UNKNOWN = "{{unknown}}"


def _kind(type_name: str) -> type[ResourceType] | None:
    return TYPES.get(type_name)


def _evaluated(prepared: Prepared, value: Any) -> Any:
    """A value with parameters, mappings and conditions applied; what resources hold stays
    marked unknown (it is only known when the change runs)."""
    evaluator = prepared.evaluator(resource_ref=lambda name: f"{_UNKNOWN}{name}",
                                   resource_attribute=lambda name, attribute:
                                   f"{_UNKNOWN}{name}.{attribute}")
    try:
        return evaluator.resolve(value)
    except Exception:
        return value


def _recreation(type_name: str, name: str) -> str:
    kind = _kind(type_name)
    if kind is None:
        return "Never"
    return "Always" if kind.requires_replacement({name}) else "Never"


def resource_changes(old: Prepared | None, new: Prepared,
                     resources: dict[str, ResourceState]) -> list[dict[str, Any]]:
    changes: list[dict[str, Any]] = []
    old_resources = old.resources if old is not None else {}
    replaced: set[str] = set()
    for name, definition in new.resources.items():
        type_name = definition["Type"]
        if name not in old_resources:
            changes.append({"Type": "Resource", "ResourceChange": {
                "Action": "Add", "LogicalResourceId": name, "ResourceType": type_name,
                "Scope": [], "Details": []}})
            continue
        assert old is not None
        before, after = old_resources[name], definition
        details: list[dict[str, Any]] = []
        old_props = _evaluated(old, before.get("Properties") or {})
        new_props = _evaluated(new, after.get("Properties") or {})
        raw_old, raw_new = before.get("Properties") or {}, after.get("Properties") or {}
        for key in sorted(set(old_props) | set(new_props)):
            if old_props.get(key) != new_props.get(key):
                source = ("DirectModification" if raw_old.get(key) != raw_new.get(key)
                          else "ParameterReference")
                details.append({"Target": {"Attribute": "Properties", "Name": key,
                                           "RequiresRecreation": _recreation(type_name, key)},
                                "Evaluation": "Static", "ChangeSource": source})
            elif references(new_props.get(key)) & replaced or (_UNKNOWN in str(
                    new_props.get(key)) and any(
                    f"{_UNKNOWN}{other}" in str(new_props.get(key)) for other in replaced)):
                details.append({"Target": {"Attribute": "Properties", "Name": key,
                                           "RequiresRecreation": _recreation(type_name, key)},
                                "Evaluation": "Dynamic", "ChangeSource": "ResourceReference",
                                "CausingEntity": next(iter(
                                    other for other in replaced
                                    if other in str(new_props.get(key))), "")})
        scope = ["Properties"] if details else []
        for attribute in ("Metadata", "DeletionPolicy", "UpdateReplacePolicy", "DependsOn"):
            if before.get(attribute) != after.get(attribute) and attribute == "Metadata":
                scope.append("Metadata")
        if before["Type"] != type_name:
            replacement = "True"
        elif not details:
            if scope:
                changes.append(_modify(name, type_name, resources, "False", scope, []))
            continue
        else:
            levels = {detail["Target"]["RequiresRecreation"] for detail in details
                      if detail["Evaluation"] == "Static"}
            dynamic = any(detail["Evaluation"] == "Dynamic" and detail["Target"][
                "RequiresRecreation"] == "Always" for detail in details)
            replacement = "True" if "Always" in levels else (
                "Conditional" if dynamic else "False")
        if replacement == "True":
            replaced.add(name)
        changes.append(_modify(name, type_name, resources, replacement, scope, details))
    for name, definition in old_resources.items():
        if name not in new.resources:
            change: dict[str, Any] = {
                "Action": "Remove", "LogicalResourceId": name,
                "ResourceType": definition["Type"], "Scope": [], "Details": []}
            if name in resources and resources[name].physical_id:
                change["PhysicalResourceId"] = resources[name].physical_id
            changes.append({"Type": "Resource", "ResourceChange": change})
    return changes


def _modify(name: str, type_name: str, resources: dict[str, ResourceState], replacement: str,
            scope: list[str], details: list[dict[str, Any]]) -> dict[str, Any]:
    change: dict[str, Any] = {"Action": "Modify", "LogicalResourceId": name,
                              "ResourceType": type_name, "Replacement": replacement,
                              "Scope": scope, "Details": details}
    if name in resources and resources[name].physical_id:
        change["PhysicalResourceId"] = resources[name].physical_id
    return {"Type": "Resource", "ResourceChange": change}


__all__ = ["resource_changes"]
