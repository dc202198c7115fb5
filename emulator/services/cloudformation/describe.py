"""Stacks, resources and events in the shapes the API answers with."""

from __future__ import annotations

import json
from typing import Any

from emulator.cloudformation import parameters as template_parameters
from emulator.cloudformation.parameters import ParameterValue
from emulator.services.cloudformation.models import StackRecord


def stack_parameters(stack: StackRecord) -> list[dict[str, Any]]:
    return [ParameterValue(**entry).described() for entry in stack.parameters]


def stack(record: StackRecord) -> dict[str, Any]:
    out: dict[str, Any] = {
        "StackId": record.stack_id, "StackName": record.name,
        "Parameters": stack_parameters(record), "CreationTime": record.created,
        "StackStatus": record.status, "DisableRollback": record.disable_rollback,
        "NotificationARNs": record.notification_arns, "Capabilities": record.capabilities,
        "Outputs": record.outputs, "Tags": record.tags,
        "EnableTerminationProtection": record.termination_protection,
        "DriftInformation": {"StackDriftStatus": "NOT_CHECKED"},
    }
    optional = {
        "ChangeSetId": record.change_set_id, "Description": record.description,
        "DeletionTime": record.deleted, "LastUpdatedTime": record.updated,
        "StackStatusReason": record.status_reason or None, "TimeoutInMinutes": record.timeout,
        "RoleARN": record.role_arn, "ParentId": record.parent_id, "RootId": record.root_id,
    }
    out.update({key: value for key, value in optional.items() if value is not None})
    if not record.outputs:
        del out["Outputs"]
    return out


def summary(record: StackRecord) -> dict[str, Any]:
    out: dict[str, Any] = {
        "StackId": record.stack_id, "StackName": record.name, "CreationTime": record.created,
        "StackStatus": record.status,
        "DriftInformation": {"StackDriftStatus": "NOT_CHECKED"},
    }
    optional = {"TemplateDescription": record.description, "LastUpdatedTime": record.updated,
                "DeletionTime": record.deleted, "StackStatusReason": record.status_reason or None,
                "ParentId": record.parent_id, "RootId": record.root_id}
    out.update({key: value for key, value in optional.items() if value is not None})
    return out


def resource(record: StackRecord, fields: dict[str, Any], *, detail: bool = False,
             summary_only: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "LogicalResourceId": fields["logical_id"], "ResourceType": fields["type_name"],
        "ResourceStatus": fields["status"],
        "DriftInformation": {"StackResourceDriftStatus": "NOT_CHECKED"},
    }
    if fields.get("physical_id"):
        out["PhysicalResourceId"] = fields["physical_id"]
    if fields.get("status_reason"):
        out["ResourceStatusReason"] = fields["status_reason"]
    if summary_only:
        out["LastUpdatedTimestamp"] = fields.get("updated") or record.created
        return out
    out["StackName"], out["StackId"] = record.name, record.stack_id
    if detail:
        out["LastUpdatedTimestamp"] = fields.get("updated") or record.created
        metadata = fields.get("definition", {}).get("Metadata")
        if metadata is not None:
            out["Metadata"] = json.dumps(metadata)
    else:
        out["Timestamp"] = fields.get("updated") or record.created
    return out


def declared_parameters(template: dict[str, Any], *, summary_form: bool) -> list[dict[str, Any]]:
    out = template_parameters.declared(template.get("Parameters"))
    if not summary_form:
        return out
    for entry in out:
        declaration = template["Parameters"][entry["ParameterKey"]]
        entry["ParameterType"] = declaration["Type"]
        allowed = declaration.get("AllowedValues")
        if isinstance(allowed, list):
            entry["ParameterConstraints"] = {"AllowedValues": [str(v) for v in allowed]}
    return out


__all__ = ["declared_parameters", "resource", "stack", "stack_parameters", "summary"]
