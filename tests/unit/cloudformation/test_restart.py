"""A stack caught in an operation by a restart fails instead of staying in progress, and a
failed rollback can be continued."""

from __future__ import annotations

import asyncio

import pytest

from emulator.clock import Clock
from emulator.config import Settings
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.ports import Ports
from emulator.services.cloudformation.models import StackRecord
from emulator.services.cloudformation.provider import CloudFormationProvider
from emulator.store import MemoryBackend, ServiceStore


def _no_ports(name: str) -> object:
    raise LookupError(name)


@pytest.mark.parametrize(("status", "after"), [
    ("CREATE_IN_PROGRESS", "CREATE_FAILED"),
    ("UPDATE_IN_PROGRESS", "UPDATE_ROLLBACK_FAILED"),
    ("DELETE_IN_PROGRESS", "DELETE_FAILED"),
    ("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "UPDATE_COMPLETE"),
    ("CREATE_COMPLETE", "CREATE_COMPLETE"),
    ("REVIEW_IN_PROGRESS", "REVIEW_IN_PROGRESS"),
])
def test_interrupted_operations_fail_at_start(status: str, after: str) -> None:
    provider = CloudFormationProvider(Settings(), Clock(), ServiceStore(
        "cloudformation", MemoryBackend()), Ports(_no_ports))
    stack = StackRecord(stack_id="arn:aws:cloudformation:us-east-1:000000000000:stack/s/1",
                        name="s", status=status)
    provider.stacks("000000000000", "us-east-1").put(stack.stack_id, stack)
    asyncio.run(provider.start())
    stored = provider.stacks("000000000000", "us-east-1").get(stack.stack_id)
    assert stored is not None and stored.status == after
    ctx = RequestContext("000000000000", "us-east-1", "r", "cloudformation",
                         "ContinueUpdateRollback", "query", "http://localhost:4566")
    if after == "UPDATE_ROLLBACK_FAILED":
        assert stored.status_reason == "The emulator restarted during this operation."
        provider.continue_update_rollback(ctx, stack_name="s")
        assert stored.status == "UPDATE_ROLLBACK_COMPLETE"
    elif after == "CREATE_COMPLETE":
        with pytest.raises(ServiceError) as refused:
            provider.continue_update_rollback(ctx, stack_name="s")
        assert refused.value.message.endswith("can not continue update rollback.")
