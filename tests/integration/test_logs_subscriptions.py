"""CloudWatch Logs subscription filters: stored and listed as AWS lists them, and matching
events delivered to a Lambda function gzipped and base64-encoded under ``awslogs.data``."""

from __future__ import annotations

import json
import time

import pytest
from botocore.exceptions import ClientError
from lambda_support import create_function, unique

from emulator.testing import EmulatorHandle

RECORDER = {"app.py": """
import base64, gzip, json, os, boto3
def handler(event, context):
    document = json.loads(gzip.decompress(base64.b64decode(event["awslogs"]["data"])))
    boto3.client("sqs").send_message(QueueUrl=os.environ["OUT"], MessageBody=json.dumps(document))
"""}


def test_subscription_filters_deliver_matching_events(emulator: EmulatorHandle) -> None:
    logs, lam, sqs = (emulator.client(n) for n in ("logs", "lambda", "sqs"))
    out = sqs.create_queue(QueueName=unique("seen"))["QueueUrl"]
    function = create_function(lam, RECORDER, Environment={"Variables": {"OUT": out}})
    arn = lam.get_function(FunctionName=function)["Configuration"]["FunctionArn"]
    group = f"/app/{unique('svc')}"
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="s1")
    logs.put_subscription_filter(logGroupName=group, filterName="errors",
                                 filterPattern="ERROR", destinationArn=arn)
    listed = logs.describe_subscription_filters(logGroupName=group)["subscriptionFilters"]
    assert [(f["filterName"], f["filterPattern"], f["destinationArn"]) for f in listed] == [
        ("errors", "ERROR", arn)]
    now = int(time.time() * 1000)
    logs.put_log_events(logGroupName=group, logStreamName="s1", logEvents=[
        {"timestamp": now, "message": "INFO all good"},
        {"timestamp": now + 1, "message": "ERROR disk full"}])
    emulator.wait_idle()
    received = sqs.receive_message(QueueUrl=out, WaitTimeSeconds=5).get("Messages", [])
    document = json.loads(received[0]["Body"])
    assert document["messageType"] == "DATA_MESSAGE"
    assert (document["logGroup"], document["logStream"]) == (group, "s1")
    assert document["subscriptionFilters"] == ["errors"]
    assert [e["message"] for e in document["logEvents"]] == ["ERROR disk full"]
    logs.delete_subscription_filter(logGroupName=group, filterName="errors")
    assert logs.describe_subscription_filters(logGroupName=group)["subscriptionFilters"] == []
    with pytest.raises(ClientError) as missing:
        logs.delete_subscription_filter(logGroupName=group, filterName="errors")
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"
