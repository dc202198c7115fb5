"""Archived storage classes and RestoreObject, driven through boto3 on the emulator's clock.

RestoreObject (202 the first time, 200 once a copy exists, 409 RestoreAlreadyInProgress):
https://docs.aws.amazon.com/AmazonS3/latest/API/API_RestoreObject.html
InvalidObjectState with the StorageClass element, and x-amz-restore on GET and HEAD:
https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
RestoreStatus in listings that ask for it:
https://docs.aws.amazon.com/AmazonS3/latest/API/API_RestoreStatus.html
Retrieval tiers and their typical times (Expedited 1-5 minutes, Standard 3-5 hours, Bulk 5-12
hours; Deep Archive Standard within 12 hours):
https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects-retrieval-options.html
ObjectRestore:Post / Completed / Delete and glacierEventData:
https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html
https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.testing import EmulatorHandle

START = datetime(2030, 5, 6, 10, 0, tzinfo=UTC).timestamp()


@pytest.fixture
def s3(fresh_emulator: EmulatorHandle) -> Any:
    fresh_emulator.clock.set(START)
    fresh_emulator.clock.freeze()
    client = fresh_emulator.client("s3")
    client.create_bucket(Bucket="vault")
    return client


def _refused(s3: Any, key: str) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket="vault", Key=key)
    return caught.value.response


def _wait_restored(s3: Any, key: str) -> str:
    deadline = time.monotonic() + 5
    header = ""
    while time.monotonic() < deadline:
        header = s3.head_object(Bucket="vault", Key=key).get("Restore", "")
        if 'ongoing-request="false"' in header:
            break
        time.sleep(0.02)
    return header


def test_archived_objects_refuse_reads_until_restored(s3: Any,
                                                      fresh_emulator: EmulatorHandle) -> None:
    s3.put_object(Bucket="vault", Key="cold.txt", Body=b"frozen", StorageClass="GLACIER")
    refused = _refused(s3, "cold.txt")
    assert refused["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert refused["Error"]["Code"] == "InvalidObjectState"
    assert refused["Error"]["Message"] == (
        "The operation is not valid for the object's storage class")
    assert refused["StorageClass"] == "GLACIER"
    head = s3.head_object(Bucket="vault", Key="cold.txt")  # HEAD works, no restore yet
    assert head["StorageClass"] == "GLACIER" and "Restore" not in head

    first = s3.restore_object(Bucket="vault", Key="cold.txt", RestoreRequest={
        "Days": 2, "GlacierJobParameters": {"Tier": "Expedited"}})
    assert first["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert s3.head_object(Bucket="vault", Key="cold.txt")["Restore"] == 'ongoing-request="true"'
    assert _refused(s3, "cold.txt")["Error"]["Code"] == "InvalidObjectState"
    with pytest.raises(ClientError) as again:
        s3.restore_object(Bucket="vault", Key="cold.txt", RestoreRequest={"Days": 2})
    assert again.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert again.value.response["Error"]["Code"] == "RestoreAlreadyInProgress"

    fresh_emulator.clock.advance(5 * 60)  # Expedited: within five minutes
    # Completed at 10:05 on 6 May, plus two days, rounded up to midnight UTC.
    assert _wait_restored(s3, "cold.txt") == (
        'ongoing-request="false", expiry-date="Thu, 09 May 2030 00:00:00 GMT"')
    got = s3.get_object(Bucket="vault", Key="cold.txt")
    assert got["Body"].read() == b"frozen"
    assert got["StorageClass"] == "GLACIER"
    assert got["Restore"].startswith('ongoing-request="false"')

    # Asking again while the copy exists: 200, and the expiry counts from now.
    extended = s3.restore_object(Bucket="vault", Key="cold.txt", RestoreRequest={"Days": 5})
    assert extended["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert s3.head_object(Bucket="vault", Key="cold.txt")["Restore"].endswith(
        'expiry-date="Sun, 12 May 2030 00:00:00 GMT"')

    fresh_emulator.clock.set(datetime(2030, 5, 12, tzinfo=UTC).timestamp())
    assert _refused(s3, "cold.txt")["Error"]["Code"] == "InvalidObjectState"
    assert "Restore" not in s3.head_object(Bucket="vault", Key="cold.txt")


def test_tiers_take_their_documented_times(s3: Any, fresh_emulator: EmulatorHandle) -> None:
    s3.put_object(Bucket="vault", Key="standard", Body=b"1", StorageClass="GLACIER")
    s3.put_object(Bucket="vault", Key="bulk", Body=b"2", StorageClass="GLACIER")
    s3.put_object(Bucket="vault", Key="deep", Body=b"3", StorageClass="DEEP_ARCHIVE")
    for key, tier in (("standard", "Standard"), ("bulk", "Bulk"), ("deep", "Standard")):
        s3.restore_object(Bucket="vault", Key=key, RestoreRequest={
            "Days": 1, "GlacierJobParameters": {"Tier": tier}})
    fresh_emulator.clock.advance(5 * 3600 - 1)
    assert s3.head_object(Bucket="vault", Key="standard")["Restore"] == 'ongoing-request="true"'
    fresh_emulator.clock.advance(1)
    assert _wait_restored(s3, "standard").startswith('ongoing-request="false"')
    assert s3.head_object(Bucket="vault", Key="bulk")["Restore"] == 'ongoing-request="true"'
    listed = {item["Key"]: item.get("RestoreStatus") for item in s3.list_objects_v2(
        Bucket="vault", OptionalObjectAttributes=["RestoreStatus"])["Contents"]}
    assert listed["bulk"] == {"IsRestoreInProgress": True}
    assert listed["standard"] == {"IsRestoreInProgress": False, "RestoreExpiryDate": datetime(
        2030, 5, 8, tzinfo=UTC)}  # done at 15:00, plus a day, rounded up to midnight
    assert "RestoreStatus" not in s3.list_objects_v2(Bucket="vault")["Contents"][0]
    fresh_emulator.clock.advance(7 * 3600)  # twelve hours in
    assert _wait_restored(s3, "bulk").startswith('ongoing-request="false"')
    assert _wait_restored(s3, "deep").startswith('ongoing-request="false"')
    assert s3.get_object(Bucket="vault", Key="deep")["Body"].read() == b"3"


def test_readable_classes_and_bad_restores(s3: Any) -> None:
    s3.put_object(Bucket="vault", Key="instant", Body=b"ir", StorageClass="GLACIER_IR")
    assert s3.get_object(Bucket="vault", Key="instant")["Body"].read() == b"ir"
    s3.put_object(Bucket="vault", Key="warm", Body=b"w")
    with pytest.raises(ClientError) as standard:
        s3.restore_object(Bucket="vault", Key="warm", RestoreRequest={"Days": 1})
    assert standard.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert standard.value.response["Error"]["Code"] == "InvalidObjectState"
    with pytest.raises(ClientError) as missing:
        s3.restore_object(Bucket="vault", Key="nothing", RestoreRequest={"Days": 1})
    assert missing.value.response["Error"]["Code"] == "NoSuchKey"
    s3.put_object(Bucket="vault", Key="cold", Body=b"c", StorageClass="GLACIER")
    # A restore without Days is not a valid RestoreRequest document
    # (https://github.com/boto/boto3/issues/2656).
    with pytest.raises(ClientError) as no_days:
        s3.restore_object(Bucket="vault", Key="cold", RestoreRequest={
            "GlacierJobParameters": {"Tier": "Bulk"}})
    assert no_days.value.response["Error"]["Code"] == "MalformedXML"
    assert "Restore" not in s3.head_object(Bucket="vault", Key="cold")
    with pytest.raises(ClientError) as copied:
        s3.copy_object(Bucket="vault", Key="copy", CopySource="vault/cold")
    assert copied.value.response["Error"]["Code"] == "InvalidObjectState"


def test_restore_notifications(s3: Any, fresh_emulator: EmulatorHandle) -> None:
    sqs = fresh_emulator.client("sqs")
    url = sqs.create_queue(QueueName="restores")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"]
    s3.put_bucket_notification_configuration(Bucket="vault", NotificationConfiguration={
        "QueueConfigurations": [{"Id": "restores", "QueueArn": arn,
                                 "Events": ["s3:ObjectRestore:*"]}]})
    sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)  # the test event
    put = s3.put_object(Bucket="vault", Key="cold file", Body=b"abc", StorageClass="GLACIER")
    s3.restore_object(Bucket="vault", Key="cold file", RestoreRequest={
        "Days": 1, "GlacierJobParameters": {"Tier": "Expedited"}})
    fresh_emulator.clock.advance(5 * 60)
    fresh_emulator.clock.advance(2 * 86400)  # past the copy's expiry
    records: list[dict[str, Any]] = []
    deadline = time.monotonic() + 5
    while len(records) < 3 and time.monotonic() < deadline:
        for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                           WaitTimeSeconds=1).get("Messages", []):
            records += json.loads(message["Body"]).get("Records", [])
    names = [record["eventName"] for record in records]
    assert names == ["ObjectRestore:Post", "ObjectRestore:Completed", "ObjectRestore:Delete"]
    post, completed, _ = records
    assert post["s3"]["object"]["key"] == "cold+file"
    assert post["s3"]["object"]["eTag"] == put["ETag"].strip('"')
    assert "glacierEventData" not in post
    assert completed["glacierEventData"] == {"restoreEventData": {
        "lifecycleRestorationExpiryTime": "2030-05-08T00:00:00.000Z",
        "lifecycleRestoreStorageClass": "GLACIER"}}


def test_restore_events_reach_eventbridge(s3: Any, fresh_emulator: EmulatorHandle) -> None:
    """Object Restore Initiated / Completed / Expired:
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventBridge.html
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html"""
    sqs, events = fresh_emulator.client("sqs"), fresh_emulator.client("events")
    url = sqs.create_queue(QueueName="bridge-restores")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"]
    events.put_rule(Name="restores", EventPattern=json.dumps({
        "source": ["aws.s3"], "detail-type": [{"prefix": "Object Restore"}]}))
    events.put_targets(Rule="restores", Targets=[{"Id": "q", "Arn": arn}])
    s3.put_bucket_notification_configuration(Bucket="vault", NotificationConfiguration={
        "EventBridgeConfiguration": {}})
    s3.put_object(Bucket="vault", Key="deep", Body=b"abcd", StorageClass="DEEP_ARCHIVE")
    s3.restore_object(Bucket="vault", Key="deep", RestoreRequest={"Days": 1})
    fresh_emulator.clock.advance(12 * 3600)  # Deep Archive, Standard: within 12 hours
    fresh_emulator.clock.advance(2 * 86400)
    found: list[dict[str, Any]] = []
    deadline = time.monotonic() + 5
    while len(found) < 3 and time.monotonic() < deadline:
        found += [json.loads(message["Body"]) for message in sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])]
    by_type = {event["detail-type"]: event["detail"] for event in found}
    assert set(by_type) == {"Object Restore Initiated", "Object Restore Completed",
                            "Object Restore Expired"}
    initiated = by_type["Object Restore Initiated"]
    assert initiated["object"]["size"] == 4
    assert initiated["source-storage-class"] == "DEEP_ARCHIVE"
    completed = by_type["Object Restore Completed"]
    assert completed["requester"] == "s3.amazonaws.com"
    # Completed at 22:00 on 6 May, plus a day, rounded up to midnight UTC.
    assert completed["restore-expiry-time"] == "2030-05-08T00:00:00Z"
    assert completed["source-storage-class"] == "DEEP_ARCHIVE"
    assert by_type["Object Restore Expired"]["object"] == {"key": "deep"}
