"""Fulfilment: reads placed orders from its queue in batches and ships them. An order for an
out-of-stock item is reported as a failed batch item, so only it goes back to the queue (and,
after the queue's maxReceiveCount, to its dead-letter queue)."""

from __future__ import annotations

import json
import os
from typing import Any

import boto3

OUT_OF_STOCK = {"unicorn"}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    sqs = boto3.client("sqs")
    failures = []
    for record in event["Records"]:
        order = json.loads(record["body"])["detail"]
        if any(item["sku"] in OUT_OF_STOCK for item in order["items"]):
            failures.append({"itemIdentifier": record["messageId"]})
            continue
        sqs.send_message(QueueUrl=os.environ["SHIPMENTS_URL"],
                         MessageBody=json.dumps({"orderId": order["orderId"], "shipped": True}))
    return {"batchItemFailures": failures}
