"""A failing resource rolls back everything the stack made in every service: after a failed
create (ROLLBACK_COMPLETE) and a failed update that added resources (UPDATE_ROLLBACK_COMPLETE)
the emulator's listing of every service's resources is what it was before."""

from __future__ import annotations

import re
from typing import Any

import httpx
from cloudformation_support import EVERY_SERVICE, create, delete, events, stack_name, wait_failed

from emulator.testing import EmulatorHandle

NAMES = re.findall(r"^  (\w+):", EVERY_SERVICE.split("Outputs:")[0], re.M)
# The failing queue comes last: every other resource is made before it fails.
FAILING = EVERY_SERVICE.split("Outputs:")[0] + (
    f"  Bad:\n    Type: AWS::SQS::Queue\n    DependsOn: [{', '.join(NAMES)}]\n"
    "    Properties: {QueueName: not a queue name}\n")


def _everything(emulator: EmulatorHandle) -> dict[str, Any]:
    """Every service's resources but CloudFormation's own stacks."""
    listing = httpx.get(f"{emulator.endpoint_url}/_emulator/resources", timeout=60).json()
    listing.pop("cloudformation", None)
    # As on AWS, a deleted AWS::KMS::Key is scheduled for deletion, not gone at once.
    kms = listing.get("kms") or {}
    kms["keys"] = [key for key in kms.get("keys", []) if key.get("state") != "PendingDeletion"]
    # A service that never held anything lists nothing; one emptied lists empty kinds.
    return {service: {kind: items for kind, items in kinds.items() if items}
            for service, kinds in listing.items() if isinstance(kinds, dict)}


def _failure(cfn: Any, name: str) -> list[tuple[str, str]]:
    return [(logical, reason) for logical, status, reason in events(cfn, name)
            if status.endswith("_FAILED")]


def test_a_failed_create_leaves_nothing_in_any_service(emulator: EmulatorHandle) -> None:
    cfn = emulator.client("cloudformation")
    emulator.wait_idle()
    before = _everything(emulator)
    name = stack_name("rollback")
    cfn.create_stack(StackName=name, TemplateBody=FAILING, Capabilities=["CAPABILITY_IAM"])
    assert wait_failed(cfn, name)["StackStatus"] == "ROLLBACK_COMPLETE"
    failed = _failure(cfn, name)
    assert [logical for logical, _ in failed] == ["Bad"]
    assert "Can only include alphanumeric characters, hyphens, or underscores" in failed[0][1]
    assert {logical for logical, status, _ in events(cfn, name)
            if status == "DELETE_COMPLETE"} == {*NAMES, "Bad"}
    emulator.wait_idle()
    assert _everything(emulator) == before
    delete(cfn, name)


def test_a_failed_update_removes_what_it_added(emulator: EmulatorHandle) -> None:
    cfn = emulator.client("cloudformation")
    name = stack_name("rollback")
    create(cfn, name, "Resources:\n  Kept: {Type: AWS::SQS::Queue}\n")
    emulator.wait_idle()
    before = _everything(emulator)
    cfn.update_stack(StackName=name, TemplateBody=FAILING.replace(
        "Resources:\n", "Resources:\n  Kept: {Type: AWS::SQS::Queue}\n"),
        Capabilities=["CAPABILITY_IAM"])
    assert wait_failed(cfn, name, "stack_update_complete")["StackStatus"] == (
        "UPDATE_ROLLBACK_COMPLETE")
    assert [logical for logical, _ in _failure(cfn, name)] == ["Bad"]
    emulator.wait_idle()
    assert _everything(emulator) == before
    delete(cfn, name)


def test_an_output_that_cannot_be_resolved_rolls_the_create_back(
        emulator: EmulatorHandle) -> None:
    """An output resolved once the resources exist (here Fn::Select past the end of a queue
    URL split on commas) fails the create, which rolls back, instead of leaving the stack
    CREATE_IN_PROGRESS for ever."""
    cfn, sqs = emulator.client("cloudformation"), emulator.client("sqs")
    name = stack_name("outputs")
    body = ("Resources:\n  Queue: {Type: AWS::SQS::Queue}\nOutputs:\n"
            "  Third: {Value: !Select [3, !Split [',', !Ref Queue]]}\n")
    cfn.create_stack(StackName=name, TemplateBody=body)
    assert wait_failed(cfn, name)["StackStatus"] == "ROLLBACK_COMPLETE"
    reasons = [reason for logical, status, reason in events(cfn, name)
               if logical == name and status == "ROLLBACK_IN_PROGRESS"]
    assert reasons == ["Template error: Fn::Select cannot select nonexistent value at index 3. "
                       "Rollback requested by user."]
    assert not [url for url in sqs.list_queues().get("QueueUrls", []) if name in url]
    delete(cfn, name)
