"""S3 state that must survive ``kill -9``: acknowledged objects (bodies and metadata), their
versions, and the parts of an unfinished multipart upload."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
from emulator_process import EmulatorProcess

# Each test kills and restarts a real emulator process (seconds each): the slow profile.
pytestmark = pytest.mark.slow


def _client(url: str) -> Any:
    return boto3.client("s3", endpoint_url=url, region_name="us-east-1",
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
