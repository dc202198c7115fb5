"""Deploy the event flow: checkout -> EventBridge rule -> fulfilment queue -> fulfil, with a
receipts topic, a failure destination for checkout and a dead-letter queue for fulfilment.

Run against a running emulator with
``AWS_ENDPOINT_URL=http://localhost:4566 python deploy_event_flow.py``.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The examples share deploy_support.py (create or update; invoke URLs) one folder up.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deploy_support import put_event_bus, put_event_source_mapping, put_function

FUNCTIONS = Path(__file__).parent / "functions"
ROLE = "arn:aws:iam::000000000000:role/event-flow"
BUS = "shop"


@dataclass
class Flow:
    checkout: str
    fulfil: str
    receipts_topic: str
    fulfilment_url: str
    fulfilment_dlq_url: str
    shipments_url: str
    email_receipts_url: str
    checkout_failures_url: str


def _zip(module: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(FUNCTIONS / f"{module}.py", f"{module}.py")
    return buffer.getvalue()


def _queue(sqs: Any, name: str, **attributes: str) -> tuple[str, str]:
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return url, arn["Attributes"]["QueueArn"]


def _function(lam: Any, name: str, module: str, variables: dict[str, str]) -> str:
    return put_function(lam, name, code={"ZipFile": _zip(module)}, Runtime="python3.12",
                        Role=ROLE, Handler=f"{module}.handler", Timeout=10,
                        Environment={"Variables": variables})


def deploy(client: Any) -> Flow:
    """``client(service)`` gives a boto3 client for the target endpoint."""
    sqs, sns, events, lam = (client(s) for s in ("sqs", "sns", "events", "lambda"))
    dlq_url, dlq_arn = _queue(sqs, "fulfilment-dlq")
    fulfilment_url, fulfilment_arn = _queue(
        sqs, "fulfilment", VisibilityTimeout="60",
        RedrivePolicy=json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2}))
    shipments_url, _ = _queue(sqs, "shipments")
    email_url, email_arn = _queue(sqs, "email-receipts")
    failures_url, failures_arn = _queue(sqs, "checkout-failures")

    topic = sns.create_topic(Name="receipts")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=email_arn, Attributes={
        "RawMessageDelivery": "true", "FilterPolicy": json.dumps({"channel": ["email"]})})

    put_event_bus(events, BUS)
    events.put_rule(Name="order-placed", EventBusName=BUS, EventPattern=json.dumps(
        {"source": ["shop.checkout"], "detail-type": ["OrderPlaced"]}))
    events.put_targets(Rule="order-placed", EventBusName=BUS,
                       Targets=[{"Id": "fulfilment", "Arn": fulfilment_arn}])

    checkout = _function(lam, "checkout", "checkout",
                         {"BUS_NAME": BUS, "RECEIPTS_TOPIC": topic})
    lam.put_function_event_invoke_config(
        FunctionName="checkout", MaximumRetryAttempts=0,
        DestinationConfig={"OnFailure": {"Destination": failures_arn}})
    fulfil = _function(lam, "fulfil", "fulfil", {"SHIPMENTS_URL": shipments_url})
    put_event_source_mapping(lam, "fulfil", fulfilment_arn, BatchSize=10,
                             FunctionResponseTypes=["ReportBatchItemFailures"])
    return Flow(checkout, fulfil, topic, fulfilment_url, dlq_url, shipments_url, email_url,
                failures_url)


if __name__ == "__main__":
    import boto3

    print(deploy(boto3.client))
