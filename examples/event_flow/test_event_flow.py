"""The event flow end to end: an async invoke fans out through EventBridge and SNS to queues
and a second function, and failures land where AWS would put them. Time moves on the
emulator's clock, and ``wait_idle`` replaces sleeping."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from deploy_event_flow import Flow, deploy

from emulator.testing import EmulatorHandle


def _bodies(emulator: EmulatorHandle, url: str) -> list[Any]:
    sqs = emulator.client("sqs")
    found = []
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return found
        for message in messages:
            found.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def _order(emulator: EmulatorHandle, order: dict[str, Any]) -> None:
    reply = emulator.client("lambda").invoke(FunctionName="checkout", InvocationType="Event",
                                             Payload=json.dumps(order).encode())
    assert reply["StatusCode"] == 202


def _flow(emulator: EmulatorHandle) -> Flow:
    return deploy(emulator.client)


def test_an_order_is_shipped_and_receipted(fresh_emulator: EmulatorHandle) -> None:
    flow = _flow(fresh_emulator)
    _order(fresh_emulator, {"orderId": "o-1", "items": [{"sku": "book", "price": 12.5,
                                                        "quantity": 2}]})
    fresh_emulator.wait_idle()
    assert _bodies(fresh_emulator, flow.shipments_url) == [{"orderId": "o-1", "shipped": True}]
    assert _bodies(fresh_emulator, flow.email_receipts_url) == [{"orderId": "o-1",
                                                                 "total": 25.0}]


def test_receipts_follow_the_channel_filter(fresh_emulator: EmulatorHandle) -> None:
    flow = _flow(fresh_emulator)
    _order(fresh_emulator, {"orderId": "o-2", "channel": "sms",
                            "items": [{"sku": "pen", "price": 1}]})
    fresh_emulator.wait_idle()
    assert _bodies(fresh_emulator, flow.shipments_url) == [{"orderId": "o-2", "shipped": True}]
    assert _bodies(fresh_emulator, flow.email_receipts_url) == []


def test_a_bad_order_reaches_the_failure_destination(fresh_emulator: EmulatorHandle) -> None:
    flow = _flow(fresh_emulator)
    _order(fresh_emulator, {"orderId": "o-3", "items": []})
    fresh_emulator.wait_idle()
    [record] = _bodies(fresh_emulator, flow.checkout_failures_url)
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestPayload"]["orderId"] == "o-3"
    assert record["responsePayload"]["errorMessage"] == "order o-3 has no items"
    assert _bodies(fresh_emulator, flow.shipments_url) == []


def test_an_unshippable_order_ends_in_the_dead_letter_queue(
    fresh_emulator: EmulatorHandle,
) -> None:
    flow = _flow(fresh_emulator)
    _order(fresh_emulator, {"orderId": "o-4", "items": [{"sku": "unicorn", "price": 1000}]})
    _order(fresh_emulator, {"orderId": "o-5", "items": [{"sku": "mug", "price": 8}]})
    fresh_emulator.wait_idle()
    assert _bodies(fresh_emulator, flow.shipments_url) == [{"orderId": "o-5", "shipped": True}]
    for _ in range(2):  # back after each visibility timeout, then past maxReceiveCount
        fresh_emulator.clock.advance(60)
        fresh_emulator.wait_idle()
    [dead] = _bodies(fresh_emulator, flow.fulfilment_dlq_url)
    assert dead["detail"]["orderId"] == "o-4"
    assert dead["detail-type"] == "OrderPlaced"
