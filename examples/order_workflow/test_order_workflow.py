"""The order workflow end to end: orders arrive by API call or by event, large ones wait for a
person, a missed heartbeat cancels, and a mock configuration injects the failures real services
would have."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from deploy_order_workflow import APPROVAL_HEARTBEAT, Workflow, deploy
from order_approver import review_once

from emulator.config import Settings
from emulator.server import BackgroundServer
from emulator.testing import EmulatorHandle

MOCK_CONFIG = Path(__file__).parent / "mock_config.json"


def _order(order_id: str, qty: int, price: float) -> dict[str, Any]:
    return {"order": {"id": order_id, "items": [{"sku": "lamp", "qty": qty, "price": price}]}}


def _start(emulator: EmulatorHandle, arn: str, order: dict[str, Any]) -> str:
    sfn = emulator.client("stepfunctions")
    return str(sfn.start_execution(stateMachineArn=arn, input=json.dumps(order))["executionArn"])


def _finished(emulator: EmulatorHandle, execution: str) -> dict[str, Any]:
    sfn = emulator.client("stepfunctions")
    for _ in range(1000):
        reply: dict[str, Any] = sfn.describe_execution(executionArn=execution)
        if reply["status"] != "RUNNING":
            return reply
        time.sleep(0.01)
    raise AssertionError(f"{execution} is still running")


def _messages(emulator: EmulatorHandle, url: str, count: int = 1) -> list[dict[str, Any]]:
    sqs = emulator.client("sqs")
    found: list[dict[str, Any]] = []
    for _ in range(500):
        for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get(
                "Messages", []):
            found.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        if len(found) >= count:
            return found
        time.sleep(0.01)
    raise AssertionError(f"expected {count} messages on {url}, got {found}")


def _states(emulator: EmulatorHandle, execution: str) -> list[str]:
    history = emulator.client("stepfunctions").get_execution_history(
        executionArn=execution, maxResults=1000)["events"]
    return [e["stateEnteredEventDetails"]["name"] for e in history
            if "stateEnteredEventDetails" in e]


def _wait_for_approval_request(emulator: EmulatorHandle, execution: str) -> None:
    sfn = emulator.client("stepfunctions")
    for _ in range(1000):
        history = sfn.get_execution_history(executionArn=execution, maxResults=1000)["events"]
        if any(e["type"] == "TaskSubmitted" for e in history):
            return
        time.sleep(0.01)
    raise AssertionError("the approval request was not sent")


@pytest.fixture
def workflow(fresh_emulator: EmulatorHandle) -> Workflow:
    return deploy(fresh_emulator.client)


def test_a_small_order_ships_without_approval(
    fresh_emulator: EmulatorHandle, workflow: Workflow
) -> None:
    execution = _start(fresh_emulator, workflow.machine_arn, _order("o-1", 2, 15.0))
    assert _finished(fresh_emulator, execution)["status"] == "SUCCEEDED"
    assert _messages(fresh_emulator, workflow.shipments_url) == [
        {"order": "o-1", "reservation": "r-o-1", "payment": "p-o-1"}]
    assert "Approve" not in _states(fresh_emulator, execution)


def test_a_large_order_waits_for_a_person(
    fresh_emulator: EmulatorHandle, workflow: Workflow
) -> None:
    execution = _start(fresh_emulator, workflow.machine_arn, _order("o-2", 5, 40.0))
    _wait_for_approval_request(fresh_emulator, execution)
    sqs, sfn = fresh_emulator.client("sqs"), fresh_emulator.client("stepfunctions")
    assert sfn.describe_execution(executionArn=execution)["status"] == "RUNNING"
    assert review_once(sqs, sfn, workflow.approvals_url, lambda order, total: True) == ["o-2"]
    done = _finished(fresh_emulator, execution)
    assert done["status"] == "SUCCEEDED", done
    assert _messages(fresh_emulator, workflow.shipments_url)[0]["order"] == "o-2"


def test_a_rejected_order_is_cancelled(
    fresh_emulator: EmulatorHandle, workflow: Workflow
) -> None:
    execution = _start(fresh_emulator, workflow.machine_arn, _order("o-3", 10, 20.0))
    _wait_for_approval_request(fresh_emulator, execution)
    sqs, sfn = fresh_emulator.client("sqs"), fresh_emulator.client("stepfunctions")
    review_once(sqs, sfn, workflow.approvals_url, lambda order, total: total < 150)
    assert _finished(fresh_emulator, execution)["status"] == "SUCCEEDED"
    assert _messages(fresh_emulator, workflow.cancellations_url) == [
        {"order": "o-3", "reason": "Rejected"}]


def test_a_missed_heartbeat_cancels_the_order(
    fresh_emulator: EmulatorHandle, workflow: Workflow
) -> None:
    execution = _start(fresh_emulator, workflow.machine_arn, _order("o-4", 4, 50.0))
    _wait_for_approval_request(fresh_emulator, execution)
    fresh_emulator.clock.advance(APPROVAL_HEARTBEAT + 1)  # nobody answered for an hour
    assert _finished(fresh_emulator, execution)["status"] == "SUCCEEDED"
    assert _messages(fresh_emulator, workflow.cancellations_url) == [
        {"order": "o-4", "reason": "States.HeartbeatTimeout"}]


def test_an_invalid_order_is_rejected(
    fresh_emulator: EmulatorHandle, workflow: Workflow
) -> None:
    execution = _start(fresh_emulator, workflow.machine_arn, _order("o-5", 0, 10.0))
    done = _finished(fresh_emulator, execution)
    assert (done["status"], done["error"]) == ("FAILED", "OrderRejected")


def test_an_order_event_starts_the_workflow(
    fresh_emulator: EmulatorHandle, workflow: Workflow
) -> None:
    events = fresh_emulator.client("events")
    reply = events.put_events(Entries=[{
        "Source": "shop.web", "DetailType": "OrderSubmitted",
        "Detail": json.dumps(_order("o-6", 1, 9.5))}])
    assert reply["FailedEntryCount"] == 0
    assert _messages(fresh_emulator, workflow.shipments_url)[0]["order"] == "o-6"


@pytest.fixture(scope="module")
def mocked() -> Iterator[EmulatorHandle]:
    """An emulator given the mock configuration, as Step Functions Local users give theirs."""
    server = BackgroundServer(Settings(host="127.0.0.1", port=0, log_level="warning",
                                       request_log=False, sfn_mock_config=MOCK_CONFIG)).start()
    try:
        yield EmulatorHandle(server)
    finally:
        server.stop()


def test_mocked_declined_card_cancels_the_order(mocked: EmulatorHandle) -> None:
    flow = deploy(mocked.client)
    execution = _start(mocked, f"{flow.machine_arn}#DeclinedCard", _order("o-7", 1, 20.0))
    assert _finished(mocked, execution)["status"] == "SUCCEEDED"
    assert _messages(mocked, flow.cancellations_url) == [
        {"order": "o-7", "reason": "PaymentDeclined"}]


def test_mocked_throttling_is_retried_on_the_clock(mocked: EmulatorHandle) -> None:
    flow = deploy(mocked.client)
    execution = _start(mocked, f"{flow.machine_arn}#ThrottledValidation", _order("o-8", 1, 40.0))
    sfn = mocked.client("stepfunctions")
    for failures, delay in ((1, 2), (2, 4)):  # IntervalSeconds 2, BackoffRate 2
        for _ in range(1000):
            history = sfn.get_execution_history(executionArn=execution)["events"]
            if sum(e["type"] == "TaskFailed" for e in history) >= failures:
                break
            time.sleep(0.01)
        mocked.clock.advance(delay)
    assert _finished(mocked, execution)["status"] == "SUCCEEDED"
    assert _messages(mocked, flow.shipments_url)[0]["order"] == "o-8"
