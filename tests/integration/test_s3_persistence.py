"""S3 state that must survive ``kill -9``: acknowledged objects (bodies and metadata), their
versions, and the parts of an unfinished multipart upload."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from emulator_process import EmulatorProcess

# Each test kills and restarts a real emulator process (seconds each): the slow profile.
pytestmark = pytest.mark.slow


def _client(url: str) -> Any:
    return boto3.client("s3", endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def _sqs(url: str) -> Any:
    return boto3.client("sqs", endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def test_objects_and_parts_survive_kill_9(tmp_path: Path) -> None:
    state = tmp_path / "state"
    part = b"p" * (5 * 1024 * 1024)
    with EmulatorProcess("--state-dir", str(state)) as first:
        first.wait_healthy()
        s3 = _client(first.url)
        s3.create_bucket(Bucket="durable")
        s3.put_bucket_versioning(Bucket="durable",
                                 VersioningConfiguration={"Status": "Enabled"})
        v1 = s3.put_object(Bucket="durable", Key="doc", Body=b"one",
                           Metadata={"who": "me"})["VersionId"]
        s3.put_object(Bucket="durable", Key="doc", Body=b"two")
        uid = s3.create_multipart_upload(
            Bucket="durable", Key="big")["UploadId"]
        etag = s3.upload_part(Bucket="durable", Key="big", UploadId=uid,
                              PartNumber=1, Body=part)["ETag"]
        first.kill()
    with EmulatorProcess("--state-dir", str(state)) as second:
        second.wait_healthy()
        s3 = _client(second.url)
        assert s3.get_object(Bucket="durable", Key="doc")["Body"].read() == b"two"
        old = s3.get_object(Bucket="durable", Key="doc", VersionId=v1)
        assert old["Body"].read() == b"one" and old["Metadata"] == {"who": "me"}
        parts = s3.list_parts(Bucket="durable", Key="big", UploadId=uid)["Parts"]
        assert [(p["PartNumber"], p["ETag"], p["Size"]) for p in parts] == [
            (1, etag, len(part))]
        s3.complete_multipart_upload(
            Bucket="durable", Key="big", UploadId=uid,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
        assert s3.get_object(Bucket="durable", Key="big")["Body"].read() == part
        second.terminate()
    blobs = list((state / "s3" / "blobs").iterdir())
    assert len(blobs) == 3  # doc's two versions and big; the part's file is gone


def test_a_restore_under_way_completes_after_a_restart(tmp_path: Path) -> None:
    """A restore asked for before a restart still completes, with its ObjectRestore:Completed
    notification (https://docs.aws.amazon.com/AmazonS3/latest/API/API_RestoreObject.html)."""
    state = tmp_path / "state"
    with EmulatorProcess("--state-dir", str(state)) as first:
        first.wait_healthy()
        s3, sqs = _client(first.url), _sqs(first.url)
        url = sqs.create_queue(QueueName="restored")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        s3.create_bucket(Bucket="archive")
        s3.put_bucket_notification_configuration(Bucket="archive", NotificationConfiguration={
            "QueueConfigurations": [{"QueueArn": arn,
                                     "Events": ["s3:ObjectRestore:Completed"]}]})
        sqs.purge_queue(QueueUrl=url)  # the test event
        s3.put_object(Bucket="archive", Key="cold", Body=b"kept", StorageClass="GLACIER")
        s3.restore_object(Bucket="archive", Key="cold", RestoreRequest={
            "Days": 1, "GlacierJobParameters": {"Tier": "Expedited"}})
        first.kill()
    with EmulatorProcess("--state-dir", str(state)) as second:
        second.wait_healthy()
        s3, sqs = _client(second.url), _sqs(second.url)
        assert s3.head_object(Bucket="archive", Key="cold")["Restore"] == (
            'ongoing-request="true"')
        httpx.post(f"{second.url}/_emulator/clock", json={"advance": 300}).raise_for_status()
        messages = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5).get("Messages", [])
        assert [json.loads(m["Body"])["Records"][0]["eventName"] for m in messages] == [
            "ObjectRestore:Completed"]
        assert s3.get_object(Bucket="archive", Key="cold")["Body"].read() == b"kept"
        second.terminate()
