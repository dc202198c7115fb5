"""CloudTrail through boto3: the event history of a create/update/delete sequence across four
services found by LookupEvents, the same calls as "AWS API Call via CloudTrail" events that an
EventBridge rule catches, and a trail delivering gzipped log files to S3 on the clock.

https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html
https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html
"""

from __future__ import annotations

import gzip
import json
import logging
import re
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError
from polling import eventually

from emulator.testing import EmulatorHandle


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"



def _changes(emulator: EmulatorHandle) -> dict[str, str]:
    """Create, update and delete across SQS, SNS, S3 and Step Functions; names used."""
    sqs, sns = emulator.client("sqs"), emulator.client("sns")
    s3, sfn = emulator.client("s3"), emulator.client("stepfunctions")
    names = {"queue": _unique("trail-q"), "topic": _unique("trail-t"),
             "bucket": _unique("trail-b"), "machine": _unique("trail-m")}
    url = sqs.create_queue(QueueName=names["queue"])["QueueUrl"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "60"})
    sqs.delete_queue(QueueUrl=url)
    topic = sns.create_topic(Name=names["topic"])["TopicArn"]
    sns.set_topic_attributes(TopicArn=topic, AttributeName="DisplayName", AttributeValue="x")
    sns.delete_topic(TopicArn=topic)
    s3.create_bucket(Bucket=names["bucket"])
    s3.put_bucket_tagging(Bucket=names["bucket"],
                          Tagging={"TagSet": [{"Key": "team", "Value": "a"}]})
    s3.delete_bucket(Bucket=names["bucket"])
    definition = json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}})
    machine = sfn.create_state_machine(name=names["machine"], definition=definition,
                                       roleArn="arn:aws:iam::000000000000:role/r")[
        "stateMachineArn"]
    sfn.update_state_machine(stateMachineArn=machine, definition=definition)
    sfn.delete_state_machine(stateMachineArn=machine)
    return names


def _lookup(emulator: EmulatorHandle, key: str, value: str) -> list[dict[str, Any]]:
    trail = emulator.client("cloudtrail")
    pages = trail.get_paginator("lookup_events").paginate(
        LookupAttributes=[{"AttributeKey": key, "AttributeValue": value}])
    return [event for page in pages for event in page["Events"]]


def test_lookup_events_finds_changes_across_four_services(emulator: EmulatorHandle) -> None:
    names = _changes(emulator)
    expected = {
        "sqs.amazonaws.com": ["CreateQueue", "SetQueueAttributes", "DeleteQueue"],
        "sns.amazonaws.com": ["CreateTopic", "SetTopicAttributes", "DeleteTopic"],
        "s3.amazonaws.com": ["CreateBucket", "PutBucketTagging", "DeleteBucket"],
        "states.amazonaws.com": ["CreateStateMachine", "UpdateStateMachine",
                                 "DeleteStateMachine"]}
    for source, operations in expected.items():
        found = [event["EventName"] for event in _lookup(emulator, "EventSource", source)]
        # Newest first; reads (GetQueueUrl, ListBuckets...) are not recorded.
        positions = [found.index(name) for name in operations]
        assert positions == sorted(positions, reverse=True), (source, found)
    [created] = [event for event in _lookup(emulator, "EventName", "CreateQueue")
                 if names["queue"] in event["CloudTrailEvent"]]
    assert created["ReadOnly"] == "false" and created["Username"] == "root"
    assert created["EventSource"] == "sqs.amazonaws.com"
    record = json.loads(created["CloudTrailEvent"])
    assert record["eventVersion"] == "1.11" and record["eventType"] == "AwsApiCall"
    assert record["eventName"] == "CreateQueue" and record["awsRegion"] == emulator.region
    assert record["requestParameters"] == {"queueName": names["queue"]}
    assert record["responseElements"]["queueUrl"].endswith(names["queue"])
    assert record["userIdentity"]["accountId"] == "000000000000"
    assert record["eventID"] == created["EventId"] and record["readOnly"] is False
    assert record["managementEvent"] is True and record["eventCategory"] == "Management"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", record["eventTime"])
    by_id = _lookup(emulator, "EventId", created["EventId"])
    assert [event["EventId"] for event in by_id] == [created["EventId"]]
    assert {"ResourceName": names["queue"]} in created["Resources"]


def test_secrets_are_hidden_in_records(emulator: EmulatorHandle) -> None:
    secrets = emulator.client("secretsmanager")
    name = _unique("trail-secret")
    secrets.create_secret(Name=name, SecretString="hunter2")
    [event] = [e for e in _lookup(emulator, "EventName", "CreateSecret")
               if name in e["CloudTrailEvent"]]
    assert "hunter2" not in event["CloudTrailEvent"]
    record = json.loads(event["CloudTrailEvent"])
    assert record["requestParameters"]["secretString"] == "HIDDEN_DUE_TO_SECURITY_REASONS"


def test_failed_calls_are_recorded_with_their_error(emulator: EmulatorHandle) -> None:
    sns = emulator.client("sns")
    missing = f"arn:aws:sns:{emulator.region}:000000000000:{_unique('none')}"
    with pytest.raises(ClientError):
        sns.set_topic_attributes(TopicArn=missing, AttributeName="DisplayName",
                                 AttributeValue="x")
    [event] = [e for e in _lookup(emulator, "EventName", "SetTopicAttributes")
               if missing in e["CloudTrailEvent"]]
    record = json.loads(event["CloudTrailEvent"])
    assert record["errorCode"] in ("NotFound", "NotFoundException")
    assert record["errorMessage"] and record["responseElements"] is None


def test_an_eventbridge_rule_on_cloudtrail_events_fires(emulator: EmulatorHandle) -> None:
    events, sqs = emulator.client("events"), emulator.client("sqs")
    queue = sqs.create_queue(QueueName=_unique("trail-events"))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    rule = _unique("on-create-topic")
    events.put_rule(Name=rule, EventPattern=json.dumps({
        "source": ["aws.sns"], "detail-type": ["AWS API Call via CloudTrail"],
        "detail": {"eventSource": ["sns.amazonaws.com"], "eventName": ["CreateTopic"]}}))
    events.put_targets(Rule=rule, Targets=[{"Id": "q", "Arn": arn}])
    topic = _unique("watched")
    emulator.client("sns").create_topic(Name=topic)
    messages = eventually(lambda: sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1).get(
        "Messages"))
    assert messages, "the rule did not fire"
    delivered = json.loads(messages[0]["Body"])
    assert delivered["detail-type"] == "AWS API Call via CloudTrail"
    assert delivered["source"] == "aws.sns"
    assert delivered["detail"]["eventName"] == "CreateTopic"
    assert delivered["detail"]["requestParameters"] == {"name": topic}


def test_a_trail_delivers_gzipped_log_files_to_s3(emulator: EmulatorHandle) -> None:
    trail, s3 = emulator.client("cloudtrail"), emulator.client("s3")
    bucket, name = _unique("trail-logs"), _unique("audit")
    s3.create_bucket(Bucket=bucket)
    created = trail.create_trail(Name=name, S3BucketName=bucket, S3KeyPrefix="audit")
    assert created["TrailARN"] == f"arn:aws:cloudtrail:{emulator.region}:000000000000:trail/{name}"
    assert trail.get_trail_status(Name=name)["IsLogging"] is False
    trail.start_logging(Name=name)
    assert trail.get_trail_status(Name=name)["IsLogging"] is True
    queue = _unique("logged")
    emulator.client("sqs").create_queue(QueueName=queue)
    emulator.clock.advance(300)  # the next delivery falls due
    listed = eventually(lambda: s3.list_objects_v2(Bucket=bucket, Prefix="audit/").get(
        "Contents"))
    assert listed, "no log file was delivered"
    key = listed[0]["Key"]
    assert re.fullmatch(
        rf"audit/AWSLogs/000000000000/CloudTrail/{emulator.region}/\d{{4}}/\d\d/\d\d/"
        rf"000000000000_CloudTrail_{emulator.region}_\d{{8}}T\d{{4}}Z_\w+\.json\.gz", key), key
    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    logged = json.loads(gzip.decompress(body))["Records"]
    assert any(r["eventName"] == "CreateQueue"
               and r["requestParameters"] == {"queueName": queue} for r in logged)
    status = trail.get_trail_status(Name=name)
    assert "LatestDeliveryTime" in status
    trail.stop_logging(Name=name)
    assert trail.get_trail_status(Name=name)["IsLogging"] is False


def test_bad_input_gets_cloudtrail_errors(emulator: EmulatorHandle) -> None:
    trail = emulator.client("cloudtrail")
    with pytest.raises(ClientError) as missing:
        trail.get_trail_status(Name="nothing-here")
    assert missing.value.response["Error"]["Code"] == "TrailNotFoundException"
    with pytest.raises(ClientError) as bucket:
        trail.create_trail(Name=_unique("t"), S3BucketName=_unique("no-bucket"))
    assert bucket.value.response["Error"]["Code"] == "S3BucketDoesNotExistException"
    with pytest.raises(ClientError) as bad_name:
        trail.create_trail(Name="-bad-", S3BucketName="x")
    assert bad_name.value.response["Error"]["Code"] == "InvalidTrailNameException"
    with pytest.raises(ClientError) as two:
        trail.lookup_events(LookupAttributes=[
            {"AttributeKey": "EventName", "AttributeValue": "CreateQueue"},
            {"AttributeKey": "ReadOnly", "AttributeValue": "false"}])
    assert two.value.response["Error"]["Code"] == "InvalidLookupAttributesException"
    with pytest.raises(ClientError) as order:
        trail.lookup_events(StartTime=datetime(2030, 1, 2, tzinfo=UTC),
                            EndTime=datetime(2030, 1, 1, tzinfo=UTC))
    assert order.value.response["Error"]["Code"] == "InvalidTimeRangeException"


def test_a_call_too_large_for_an_event_is_recorded_but_not_sent_to_eventbridge(
        emulator: EmulatorHandle, caplog: pytest.LogCaptureFixture) -> None:
    """An API call event over 256 KB is not delivered to EventBridge
    (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event.html); it once
    failed inside the forwarding and logged a traceback for every such call."""
    events, sqs = emulator.client("events"), emulator.client("sqs")
    queue = sqs.create_queue(QueueName=_unique("trail-large"))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    rule = _unique("on-set-attributes")
    events.put_rule(Name=rule, EventPattern=json.dumps({
        "source": ["aws.sns"], "detail": {"eventName": ["SetTopicAttributes"]}}))
    events.put_targets(Rule=rule, Targets=[{"Id": "q", "Arn": arn}])
    missing = f"arn:aws:sns:{emulator.region}:000000000000:{_unique('large')}"
    with caplog.at_level(logging.ERROR, logger="emulator"), \
            pytest.raises(ClientError) as raised:
        emulator.client("sns").set_topic_attributes(
            TopicArn=missing, AttributeName="DisplayName", AttributeValue="x" * 300_000)
    assert raised.value.response["Error"]["Code"] == "NotFound"
    assert eventually(lambda: [e for e in _lookup(emulator, "EventName", "SetTopicAttributes")
                                if missing in e["CloudTrailEvent"]])
    assert not sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1).get("Messages")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
