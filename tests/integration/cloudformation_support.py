"""Helpers for the CloudFormation tests: deploy a template and wait as boto3's waiters do."""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

from botocore.exceptions import WaiterError

FAST = {"Delay": 0.1, "MaxAttempts": 600}


def stack_name(prefix: str = "stack") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def create(cfn: Any, name: str, body: str, *, wait: bool = True, **options: Any) -> str:
    stack_id = str(cfn.create_stack(StackName=name, TemplateBody=body, **options)["StackId"])
    if wait:
        cfn.get_waiter("stack_create_complete").wait(StackName=name, WaiterConfig=FAST)
    return stack_id


def update(cfn: Any, name: str, body: str, **options: Any) -> None:
    cfn.update_stack(StackName=name, TemplateBody=body, **options)
    cfn.get_waiter("stack_update_complete").wait(StackName=name, WaiterConfig=FAST)


def delete(cfn: Any, name: str) -> None:
    cfn.delete_stack(StackName=name)
    cfn.get_waiter("stack_delete_complete").wait(StackName=name, WaiterConfig=FAST)


def wait_failed(cfn: Any, name: str, waiter: str = "stack_create_complete") -> dict[str, Any]:
    """Wait for a waiter to give up on a failed stack; returns the stack."""
    with contextlib.suppress(WaiterError):
        cfn.get_waiter(waiter).wait(StackName=name, WaiterConfig=FAST)
    return dict(cfn.describe_stacks(StackName=name)["Stacks"][0])


def outputs(cfn: Any, name: str) -> dict[str, str]:
    stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def physical_ids(cfn: Any, name: str) -> dict[str, str]:
    return {r["LogicalResourceId"]: r.get("PhysicalResourceId", "")
            for r in cfn.list_stack_resources(StackName=name)["StackResourceSummaries"]}


def events(cfn: Any, name: str) -> list[tuple[str, str, str]]:
    """(logical id, status, reason), oldest first."""
    listed = cfn.describe_stack_events(StackName=name)["StackEvents"]
    return [(e["LogicalResourceId"], e["ResourceStatus"], e.get("ResourceStatusReason", ""))
            for e in reversed(listed)]
