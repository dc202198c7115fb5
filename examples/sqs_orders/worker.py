"""A worker that processes order messages; bad orders fail and end up in the DLQ."""

from __future__ import annotations

import json
from typing import Any


def process(order: dict[str, Any]) -> int:
    """The business logic: an order's total item count. Raises on a bad order."""
    quantity = order["qty"]
    if not isinstance(quantity, int) or quantity <= 0:
        raise ValueError(f"bad quantity {quantity!r}")
    return quantity


def work_once(sqs: Any, queue_url: str, wait_seconds: int = 20) -> list[int]:
    """Receive a batch (long polling), process each message, delete the ones that succeeded."""
    results: list[int] = []
    reply = sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_seconds
    )
    for message in reply.get("Messages", []):
        try:
            results.append(process(json.loads(message["Body"])))
        except (ValueError, KeyError):
            continue  # left in flight: it comes back after the visibility timeout
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return results
