"""Deploy the orders example: a work queue with a dead-letter queue.

Run it against any endpoint: ``AWS_ENDPOINT_URL=http://localhost:4566 python deploy.py``, or let
the emulator run it at start-up with ``localcloud serve --deploy examples/sqs_orders/deploy.py``.
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3

MAX_RECEIVES = 3


def deploy(sqs: Any) -> dict[str, str]:
    """Create the queues (idempotently) and return their URLs."""
    dlq_url = sqs.create_queue(QueueName="orders-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(MAX_RECEIVES)}
    orders_url = sqs.create_queue(
        QueueName="orders",
        Attributes={"VisibilityTimeout": "30", "RedrivePolicy": json.dumps(redrive)},
    )["QueueUrl"]
    return {"orders": orders_url, "dlq": dlq_url}


def main() -> None:
    sqs = boto3.client(
        "sqs",
        endpoint_url=os.environ.get("AWS_ENDPOINT_URL", "http://localhost:4566"),
        region_name=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
    )
    urls = deploy(sqs)
    sqs.send_message(QueueUrl=urls["orders"], MessageBody=json.dumps({"order": 1, "qty": 2}))
    print(f"orders queue: {urls['orders']}")


if __name__ == "__main__":
    main()
