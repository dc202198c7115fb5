"""A change set whose execution a restart cut short: its stack fails (base.INTERRUPTED) and
the change set with it, EXECUTE_FAILED rather than EXECUTE_IN_PROGRESS forever.

ExecutionStatus values: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html
"""

from __future__ import annotations

import asyncio

from emulator.clock import Clock
from emulator.config import Settings
from emulator.ports import Ports
from emulator.services.cloudformation.models import ChangeSetRecord, StackRecord
from emulator.services.cloudformation.provider import CloudFormationProvider
from emulator.store import MemoryBackend, ServiceStore

ACCOUNT, REGION = "111111111111", "eu-west-1"


def _provider() -> CloudFormationProvider:
    def no_ports(name: str) -> object:
        raise LookupError(name)

    return CloudFormationProvider(Settings(), Clock(), ServiceStore(
        "cloudformation", MemoryBackend()), Ports(no_ports))


def test_a_restart_fails_the_change_set_it_interrupted() -> None:
    provider = _provider()
    stack_id = f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/app/1"
    change_set_id = f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:changeSet/app-cs/1"
    provider.stacks(ACCOUNT, REGION).put(stack_id, StackRecord(
        stack_id=stack_id, name="app", status="UPDATE_IN_PROGRESS",
        change_set_id=change_set_id))
    provider.change_sets(ACCOUNT, REGION).put(change_set_id, ChangeSetRecord(
        change_set_id=change_set_id, name="app-cs", stack_id=stack_id, stack_name="app",
        change_set_type="UPDATE", status="CREATE_COMPLETE",
        execution_status="EXECUTE_IN_PROGRESS"))
    asyncio.run(provider.start())
    assert provider.stacks(ACCOUNT, REGION).get(stack_id).status == "UPDATE_ROLLBACK_FAILED"
    record = provider.change_sets(ACCOUNT, REGION).get(change_set_id)
    assert record is not None and record.execution_status == "EXECUTE_FAILED"
