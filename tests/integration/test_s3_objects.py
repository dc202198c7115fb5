"""S3 objects through boto3, in both addressing styles: put, get, head, ranges, conditions,
metadata, copy, tagging, delete, versions, listings.

AWS references: https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html,
https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html,
https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-requests.html
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from s3_support import resolve_localhost_names

from emulator.testing import EmulatorHandle


@pytest.fixture(params=["path", "virtual"])
def s3(request: pytest.FixtureRequest, fresh_emulator: EmulatorHandle,
       monkeypatch: pytest.MonkeyPatch) -> Any:
    style = request.param
    resolve_localhost_names(monkeypatch)
    config = Config(s3={"addressing_style": style})
    client = fresh_emulator.client("s3", config=config)
    sent: list[str] = []
    client.meta.events.register("before-send.s3", lambda request, **_: sent.append(
        request.url))
    client.sent_urls = sent
    client.style = style
    return client


def _error(caught: pytest.ExceptionInfo[ClientError]) -> dict[str, Any]:
    error: dict[str, Any] = caught.value.response["Error"]
    return error


def test_put_get_head_round_trip_in_each_addressing_style(s3: Any) -> None:
    s3.create_bucket(Bucket="photos")
    put = s3.put_object(Bucket="photos", Key="a/b c.txt", Body=b"hello world",
                        ContentType="text/plain", Metadata={"Owner": "Ann"})
    assert put["ETag"] == f'"{hashlib.md5(b"hello world").hexdigest()}"'
    got = s3.get_object(Bucket="photos", Key="a/b c.txt")
    assert got["Body"].read() == b"hello world"
    assert got["ContentType"] == "text/plain"
    assert got["ContentLength"] == 11
    assert got["Metadata"] == {"owner": "Ann"}
    assert got["ETag"] == put["ETag"]
    head = s3.head_object(Bucket="photos", Key="a/b c.txt")
    assert head["ContentLength"] == 11 and head["ETag"] == put["ETag"]
    host = "photos.localhost" if s3.style == "virtual" else "localhost"
    assert all(f"//{host}:" in url for url in s3.sent_urls[1:])


def test_default_content_type_and_missing_key(s3: Any) -> None:
    s3.create_bucket(Bucket="docs")
    s3.put_object(Bucket="docs", Key="k", Body=b"x")
    assert s3.get_object(Bucket="docs", Key="k")["ContentType"] == "binary/octet-stream"
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket="docs", Key="missing")
    assert _error(caught)["Code"] == "NoSuchKey"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(ClientError) as caught:
        s3.head_object(Bucket="docs", Key="missing")
    assert _error(caught)["Code"] == "404"  # HEAD answers carry no body
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket="nope-bucket", Key="k")
    assert _error(caught)["Code"] == "NoSuchBucket"
    assert _error(caught)["BucketName"] == "nope-bucket"


def test_ranges(s3: Any) -> None:
    s3.create_bucket(Bucket="ranges")
    s3.put_object(Bucket="ranges", Key="digits", Body=b"0123456789")
    part = s3.get_object(Bucket="ranges", Key="digits", Range="bytes=2-4")
    assert part["Body"].read() == b"234"
    assert part["ContentRange"] == "bytes 2-4/10"
    assert part["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert s3.get_object(Bucket="ranges", Key="digits", Range="bytes=7-")["Body"].read() == (
        b"789")
    assert s3.get_object(Bucket="ranges", Key="digits", Range="bytes=-3")["Body"].read() == (
        b"789")
    assert s3.get_object(Bucket="ranges", Key="digits", Range="bytes=8-100")["Body"].read() == (
        b"89")
    # A header S3 cannot read is ignored: the whole object comes back.
    whole = s3.get_object(Bucket="ranges", Key="digits", Range="bytes=abc")
    assert whole["Body"].read() == b"0123456789"
    assert whole["ResponseMetadata"]["HTTPStatusCode"] == 200
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket="ranges", Key="digits", Range="bytes=10-20")
    assert _error(caught)["Code"] == "InvalidRange"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 416


def test_conditional_reads_and_writes(s3: Any) -> None:
    s3.create_bucket(Bucket="cond")
    etag = s3.put_object(Bucket="cond", Key="k", Body=b"v1")["ETag"]
    assert s3.get_object(Bucket="cond", Key="k", IfMatch=etag)["Body"].read() == b"v1"
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket="cond", Key="k", IfMatch='"0000"')
    assert _error(caught)["Code"] == "PreconditionFailed"
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket="cond", Key="k", IfNoneMatch=etag)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 304
    later = datetime.now(UTC) + timedelta(hours=1)
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket="cond", Key="k", IfModifiedSince=later)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 304
    earlier = datetime.now(UTC) - timedelta(hours=1)
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket="cond", Key="k", IfUnmodifiedSince=earlier)
    assert _error(caught)["Code"] == "PreconditionFailed"
    # Conditional writes: If-None-Match: * refuses to overwrite.
    with pytest.raises(ClientError) as caught:
        s3.put_object(Bucket="cond", Key="k", Body=b"v2", IfNoneMatch="*")
    assert _error(caught)["Code"] == "PreconditionFailed"
    s3.put_object(Bucket="cond", Key="new", Body=b"n", IfNoneMatch="*")
    assert s3.get_object(Bucket="cond", Key="k")["Body"].read() == b"v1"


def test_copy_with_metadata_directives_and_tagging(s3: Any) -> None:
    s3.create_bucket(Bucket="copies")
    s3.put_object(Bucket="copies", Key="src", Body=b"data", ContentType="text/csv",
                  Metadata={"a": "1"}, Tagging="team=blue")
    s3.copy_object(Bucket="copies", Key="same", CopySource="copies/src")
    same = s3.head_object(Bucket="copies", Key="same")
    assert same["Metadata"] == {"a": "1"} and same["ContentType"] == "text/csv"
    s3.copy_object(Bucket="copies", Key="new", CopySource={"Bucket": "copies", "Key": "src"},
                   MetadataDirective="REPLACE", Metadata={"b": "2"}, ContentType="text/plain")
    new = s3.head_object(Bucket="copies", Key="new")
    assert new["Metadata"] == {"b": "2"} and new["ContentType"] == "text/plain"
    assert s3.get_object_tagging(Bucket="copies", Key="new")["TagSet"] == [
        {"Key": "team", "Value": "blue"}]
    with pytest.raises(ClientError) as caught:
        s3.copy_object(Bucket="copies", Key="src", CopySource="copies/src")
    assert _error(caught)["Code"] == "InvalidRequest"
    s3.put_object_tagging(Bucket="copies", Key="src",
                          Tagging={"TagSet": [{"Key": "x", "Value": "y"}]})
    assert s3.get_object_tagging(Bucket="copies", Key="src")["TagSet"] == [
        {"Key": "x", "Value": "y"}]


def test_delete_and_delete_objects(s3: Any) -> None:
    s3.create_bucket(Bucket="trash")
    for key in ("a", "b", "c"):
        s3.put_object(Bucket="trash", Key=key, Body=key.encode())
    s3.delete_object(Bucket="trash", Key="a")
    s3.delete_object(Bucket="trash", Key="never-was")  # deleting nothing succeeds
    answer = s3.delete_objects(Bucket="trash", Delete={"Objects": [{"Key": "b"}, {"Key": "c"}]})
    assert sorted(item["Key"] for item in answer["Deleted"]) == ["b", "c"]
    assert s3.list_objects_v2(Bucket="trash")["KeyCount"] == 0
    s3.delete_bucket(Bucket="trash")
    with pytest.raises(ClientError) as caught:
        s3.head_bucket(Bucket="trash")
    assert _error(caught)["Code"] == "404"


def test_versions_and_delete_markers(s3: Any) -> None:
    s3.create_bucket(Bucket="history")
    s3.put_bucket_versioning(Bucket="history", VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket="history", Key="k", Body=b"one")["VersionId"]
    second = s3.put_object(Bucket="history", Key="k", Body=b"two")["VersionId"]
    assert first != second
    assert s3.get_object(Bucket="history", Key="k")["Body"].read() == b"two"
    assert s3.get_object(Bucket="history", Key="k", VersionId=first)["Body"].read() == b"one"
    marker = s3.delete_object(Bucket="history", Key="k")
    assert marker["DeleteMarker"] is True
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket="history", Key="k")
    assert _error(caught)["Code"] == "NoSuchKey"
    assert caught.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"] == (
        "true")
    listed = s3.list_object_versions(Bucket="history")
    assert [v["VersionId"] for v in listed["Versions"]] == [second, first]
    assert listed["DeleteMarkers"][0]["IsLatest"] is True
    s3.delete_object(Bucket="history", Key="k", VersionId=marker["VersionId"])
    assert s3.get_object(Bucket="history", Key="k")["Body"].read() == b"two"
    with pytest.raises(ClientError) as caught:
        s3.delete_bucket(Bucket="history")
    assert _error(caught)["Code"] == "BucketNotEmpty"


def test_listing_prefixes_delimiters_and_pages(s3: Any) -> None:
    s3.create_bucket(Bucket="lists")
    keys = ["a.txt", "photos/2024/x.jpg", "photos/2024/y.jpg", "photos/2025/z.jpg", "z b+c.txt"]
    for key in keys:
        s3.put_object(Bucket="lists", Key=key, Body=b"1")
    listed = s3.list_objects_v2(Bucket="lists", Delimiter="/")
    assert [item["Key"] for item in listed["Contents"]] == ["a.txt", "z b+c.txt"]
    assert listed["CommonPrefixes"] == [{"Prefix": "photos/"}]
    nested = s3.list_objects_v2(Bucket="lists", Prefix="photos/", Delimiter="/")
    assert [p["Prefix"] for p in nested["CommonPrefixes"]] == ["photos/2024/", "photos/2025/"]
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket="lists",
                                                         PaginationConfig={"PageSize": 2})
    assert [item["Key"] for page in pages for item in page.get("Contents", [])] == keys
    after = s3.list_objects_v2(Bucket="lists", StartAfter="photos/2024/y.jpg")
    assert [item["Key"] for item in after["Contents"]] == ["photos/2025/z.jpg", "z b+c.txt"]
    v1 = s3.get_paginator("list_objects").paginate(Bucket="lists", PaginationConfig={
        "PageSize": 2})
    assert [item["Key"] for page in v1 for item in page.get("Contents", [])] == keys


def test_aws_virtual_host_names_address_the_bucket(emulator: EmulatorHandle) -> None:
    """The AWS SDK for JavaScript v2 in a Node.js function calls
    ``https://{bucket}.s3.amazonaws.com/{key}`` (serverless-patterns s3-sqs-lambda/src/app.js);
    the request reaches the emulator with that Host, which names the bucket as on AWS
    (https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html)."""
    s3 = emulator.client("s3")
    bucket = f"vhost-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=bucket)
    for host in (f"{bucket}.s3.amazonaws.com", f"{bucket}.s3.us-east-1.amazonaws.com"):
        url = f"https://{host}/in/put.txt"
        request = AWSRequest(method="PUT", url=url, data=host.encode(),
                             headers={"x-amz-content-sha256": "UNSIGNED-PAYLOAD"})
        S3SigV4Auth(Credentials("test", "test"), "s3", "us-east-1").add_auth(request)
        sent = httpx.put(f"{emulator.endpoint_url}/in/put.txt", content=host.encode(),
                         headers={"Host": host, **dict(request.headers.items())})
        assert sent.status_code == 200, sent.text
        assert s3.get_object(Bucket=bucket, Key="in/put.txt")["Body"].read() == host.encode()
