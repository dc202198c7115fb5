"""The approver: a person (or a rule) answering the workflow's approval requests.

Each request on the queue carries a task token; the answer goes back with SendTaskSuccess or
SendTaskFailure, and the waiting execution moves on.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


def review_once(sqs: Any, sfn: Any, queue_url: str,
                decide: Callable[[dict[str, Any], float], bool]) -> list[str]:
    """Answer every waiting request; returns the ids of the orders reviewed."""
    reviewed: list[str] = []
    while True:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10,
                                       WaitTimeSeconds=0).get("Messages", [])
        if not messages:
            return reviewed
        for message in messages:
            request = json.loads(message["Body"])
            order, total = request["order"], request["total"]
            if decide(order, total):
                sfn.send_task_success(taskToken=request["token"],
                                      output=json.dumps({"approvedBy": "reviewer"}))
            else:
                sfn.send_task_failure(taskToken=request["token"], error="Rejected",
                                      cause=f"order {order['id']} was not approved")
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            reviewed.append(order["id"])
