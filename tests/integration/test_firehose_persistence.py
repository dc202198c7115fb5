"""With a state dir, delivery streams (with their tags) and the records they buffered survive a
restart, and the buffer is still delivered to S3 when its interval passes after it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from emulator_process import EmulatorProcess

# Each test kills and restarts a real emulator process (seconds each): the slow profile.
pytestmark = pytest.mark.slow


def _client(service: str, url: str) -> Any:
    return boto3.client(service, endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def test_streams_and_buffered_records_survive_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with EmulatorProcess("--state-dir", str(state)) as first:
        first.wait_healthy()
        firehose, s3 = _client("firehose", first.url), _client("s3", first.url)
        s3.create_bucket(Bucket="landing")
        firehose.create_delivery_stream(
            DeliveryStreamName="clicks", Tags=[{"Key": "team", "Value": "web"}],
            ExtendedS3DestinationConfiguration={
                "RoleARN": "arn:aws:iam::000000000000:role/f", "BucketARN": "arn:aws:s3:::landing",
                "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 900}})
        firehose.put_record_batch(DeliveryStreamName="clicks",
                                  Records=[{"Data": b"a\n"}, {"Data": b"b\n"}])
        first.kill()

    with EmulatorProcess("--state-dir", str(state)) as second:
        second.wait_healthy()
        firehose, s3 = _client("firehose", second.url), _client("s3", second.url)
        assert firehose.list_tags_for_delivery_stream(DeliveryStreamName="clicks")["Tags"] == [
            {"Key": "team", "Value": "web"}]
        assert "Contents" not in s3.list_objects_v2(Bucket="landing")
        httpx.post(f"{second.url}/_emulator/clock", json={"freeze": True}).raise_for_status()
        httpx.post(f"{second.url}/_emulator/clock", json={"advance": 900}).raise_for_status()
        httpx.post(f"{second.url}/_emulator/idle", json={"timeout": 10}).raise_for_status()
        [item] = s3.list_objects_v2(Bucket="landing")["Contents"]
        assert "/clicks-1-" in item["Key"]
        assert s3.get_object(Bucket="landing", Key=item["Key"])["Body"].read() == b"a\nb\n"
        assert second.terminate() in (0, -15)
