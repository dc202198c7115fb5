"""Deploy the order workflow: a state machine that validates, reserves, asks a person to
approve large orders (a queue and a task token), charges, and ships, started by an EventBridge
rule or directly.

Run it against a running emulator with
``AWS_ENDPOINT_URL=http://localhost:4566 python deploy_order_workflow.py``.
"""

from __future__ import annotations

import io
import json
import os
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The examples share deploy_support.py (create or update; invoke URLs) one folder up.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deploy_support import put_function, put_state_machine

FUNCTIONS = Path(__file__).parent / "functions"
ROLE = "arn:aws:iam::000000000000:role/order-workflow"
MACHINE = "order-workflow"
APPROVAL_LIMIT = 100
APPROVAL_HEARTBEAT = 3600


@dataclass
class Workflow:
    machine_arn: str
    approvals_url: str
    shipments_url: str
    cancellations_url: str


def _zip(module: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(FUNCTIONS / f"{module}.py", f"{module}.py")
    return buffer.getvalue()


def _function(lam: Any, name: str, module: str) -> str:
    return put_function(lam, name, code={"ZipFile": _zip(module)}, Runtime="python3.12",
                        Role=ROLE, Handler=f"{module}.handler", Timeout=10)


def definition(reserve_arn: str, approvals: str, shipments: str,
               cancellations: str) -> dict[str, Any]:
    return {
        "Comment": "Validate, reserve, approve large orders, charge, ship",
        "StartAt": "Validate",
        "States": {
            "Validate": {
                "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "validate-order", "Payload.$": "$"},
                "ResultSelector": {"total.$": "$.Payload.total"}, "ResultPath": "$.priced",
                "Retry": [{"ErrorEquals": ["Lambda.TooManyRequestsException",
                                           "Lambda.ServiceException"],
                           "IntervalSeconds": 2, "BackoffRate": 2, "MaxAttempts": 3}],
                "Catch": [{"ErrorEquals": ["InvalidOrder"], "ResultPath": "$.error",
                           "Next": "Rejected"}],
                "Next": "Reserve",
            },
            "Reserve": {"Type": "Task", "Resource": reserve_arn, "ResultPath": "$.stock",
                        "Next": "Large order?"},
            "Large order?": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.priced.total",
                             "NumericGreaterThanEquals": APPROVAL_LIMIT, "Next": "Approve"}],
                "Default": "Charge",
            },
            "Approve": {
                "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "HeartbeatSeconds": APPROVAL_HEARTBEAT,
                "Parameters": {"QueueUrl": approvals, "MessageBody": {
                    "order.$": "$.order", "total.$": "$.priced.total",
                    "token.$": "$$.Task.Token"}},
                "ResultPath": "$.approval",
                "Catch": [{"ErrorEquals": ["Rejected", "States.HeartbeatTimeout"],
                           "ResultPath": "$.error", "Next": "Cancel"}],
                "Next": "Charge",
            },
            "Charge": {
                "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "charge-payment",
                               "Payload": {"order.$": "$.order", "total.$": "$.priced.total"}},
                "ResultSelector": {"payment.$": "$.Payload.payment"}, "ResultPath": "$.charge",
                "Catch": [{"ErrorEquals": ["PaymentDeclined"], "ResultPath": "$.error",
                           "Next": "Cancel"}],
                "Next": "Ship",
            },
            "Ship": {
                "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
                "Parameters": {"QueueUrl": shipments, "MessageBody": {
                    "order.$": "$.order.id", "reservation.$": "$.stock.reservation",
                    "payment.$": "$.charge.payment"}},
                "ResultPath": None, "End": True,
            },
            "Cancel": {
                "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
                "Parameters": {"QueueUrl": cancellations, "MessageBody": {
                    "order.$": "$.order.id", "reason.$": "$.error.Error"}},
                "ResultPath": None, "Next": "Cancelled",
            },
            "Cancelled": {"Type": "Succeed"},
            "Rejected": {"Type": "Fail", "Error": "OrderRejected",
                         "Cause": "The order did not validate."},
        },
    }


def deploy(client: Any) -> Workflow:
    """``client(service)`` gives a boto3 client for the target endpoint."""
    sqs, lam, sfn, events = (client(s) for s in ("sqs", "lambda", "stepfunctions", "events"))
    urls = {name: sqs.create_queue(QueueName=name)["QueueUrl"]
            for name in ("order-approvals", "order-shipments", "order-cancellations")}
    _function(lam, "validate-order", "validate_order")
    reserve_arn = _function(lam, "reserve-stock", "reserve_stock")
    _function(lam, "charge-payment", "charge_payment")
    body = definition(reserve_arn, urls["order-approvals"], urls["order-shipments"],
                      urls["order-cancellations"])
    machine_arn = put_state_machine(sfn, MACHINE, definition=json.dumps(body), roleArn=ROLE)
    # Orders submitted on the default bus start the workflow with the event's detail.
    events.put_rule(Name="order-submitted", EventPattern=json.dumps(
        {"source": ["shop.web"], "detail-type": ["OrderSubmitted"]}))
    events.put_targets(Rule="order-submitted", Targets=[{
        "Id": "workflow", "Arn": machine_arn, "RoleArn": ROLE, "InputPath": "$.detail"}])
    return Workflow(machine_arn, urls["order-approvals"], urls["order-shipments"],
                    urls["order-cancellations"])


def main() -> None:
    import boto3

    endpoint = os.environ.get("AWS_ENDPOINT_URL", "http://localhost:4566")
    region = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
    workflow = deploy(lambda service: boto3.client(service, endpoint_url=endpoint,
                                                   region_name=region))
    print(f"state machine: {workflow.machine_arn}")


if __name__ == "__main__":
    main()
