"""What other services send to a Firehose delivery stream: an EventBridge rule's target gets
each matched event as one record (the event JSON, or the target's Input), and a CloudWatch Logs
subscription filter sends each batch of matching log events as one record of gzip-compressed
JSON (messageType DATA_MESSAGE), which reaches S3 as it was sent.

Sources:
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-targets.html (Firehose delivery
streams as targets)
https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html (Firehose
destinations; "the data is compressed with gzip format")
"""

from __future__ import annotations

import gzip
import json
from typing import Any

from lambda_support import unique

from emulator.testing import EmulatorHandle

ROLE = "arn:aws:iam::000000000000:role/firehose"


def _stream(emulator: EmulatorHandle) -> tuple[str, str, str]:
    bucket = unique("fh-src").lower()
    emulator.client("s3").create_bucket(Bucket=bucket)
    name = unique("fh")
    arn = emulator.client("firehose").create_delivery_stream(
        DeliveryStreamName=name, ExtendedS3DestinationConfiguration={
            "RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}",
            "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 0}})["DeliveryStreamARN"]
    return name, arn, bucket


def _bodies(emulator: EmulatorHandle, bucket: str) -> list[bytes]:
    s3 = emulator.client("s3")
    return [s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
            for item in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]


def test_an_eventbridge_rule_sends_matched_events_to_the_stream(
        emulator: EmulatorHandle) -> None:
    events = emulator.client("events")
    _name, arn, bucket = _stream(emulator)
    rule = unique("to-firehose")
    events.put_rule(Name=rule, EventPattern=json.dumps({"source": ["app.orders"]}))
    events.put_targets(Rule=rule, Targets=[{"Id": "hose", "Arn": arn, "RoleArn": ROLE}])
    events.put_events(Entries=[
        {"Source": "app.orders", "DetailType": "Placed", "Detail": '{"id": 7}'},
        {"Source": "app.other", "DetailType": "Placed", "Detail": '{"id": 8}'}])
    emulator.wait_idle()
    [body] = _bodies(emulator, bucket)
    event: dict[str, Any] = json.loads(body)
    assert event["source"] == "app.orders" and event["detail"] == {"id": 7}


def test_a_log_subscription_sends_gzipped_batches_to_the_stream(
        emulator: EmulatorHandle) -> None:
    logs = emulator.client("logs")
    _name, arn, bucket = _stream(emulator)
    group = unique("/app/fh")
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="s1")
    logs.put_subscription_filter(logGroupName=group, filterName="all", filterPattern="ERROR",
                                 destinationArn=arn, roleArn=ROLE)
    stamp = int(emulator.clock.now() * 1000)
    logs.put_log_events(logGroupName=group, logStreamName="s1", logEvents=[
        {"timestamp": stamp, "message": "ERROR one"},
        {"timestamp": stamp, "message": "INFO two"}])
    emulator.wait_idle()
    [body] = _bodies(emulator, bucket)
    document = json.loads(gzip.decompress(body))
    assert document["messageType"] == "DATA_MESSAGE"
    assert document["logGroup"] == group and document["logStream"] == "s1"
    assert document["subscriptionFilters"] == ["all"]
    assert [event["message"] for event in document["logEvents"]] == ["ERROR one"]
