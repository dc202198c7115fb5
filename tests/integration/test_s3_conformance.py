"""S3 edge cases a conformance run turned up, each checked against AWS's documented or
observed answer: listing page sizes, request values that are not of their type, ranges a copy
cannot satisfy, and who may list buckets.
"""

from __future__ import annotations

import base64
import hashlib
import json
import xml.etree.ElementTree as ElementTree
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from emulator.testing import EmulatorHandle


@pytest.fixture
def s3(fresh_emulator: EmulatorHandle) -> Any:
    client = fresh_emulator.client("s3")
    client.create_bucket(Bucket="conf")
    return client


def _error(response: httpx.Response) -> dict[str, str]:
    root = ElementTree.fromstring(response.content)
    return {child.tag: child.text or "" for child in root}


def test_max_keys_zero_is_an_empty_page_that_is_not_truncated(s3: Any) -> None:
    """max-keys=0 returns no keys and IsTruncated false (and so no NextContinuationToken).
    https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html (max-keys)"""
    for key in ("a", "b/c"):
        s3.put_object(Bucket="conf", Key=key, Body=b"x")
    v1 = s3.list_objects(Bucket="conf", MaxKeys=0, Delimiter="/")
    assert v1["IsTruncated"] is False and "Contents" not in v1 and "NextMarker" not in v1
    v2 = s3.list_objects_v2(Bucket="conf", MaxKeys=0)
    assert v2["IsTruncated"] is False and v2["KeyCount"] == 0
    assert "NextContinuationToken" not in v2
    versions = s3.list_object_versions(Bucket="conf", MaxKeys=0)
    assert versions["IsTruncated"] is False and "NextKeyMarker" not in versions


def test_max_keys_that_is_not_a_number_is_an_invalid_argument(
        s3: Any, fresh_emulator: EmulatorHandle) -> None:
    """A query parameter that is not an integer answers InvalidArgument naming the argument,
    not a malformed-XML error (there is no XML in a GET).
    https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html (InvalidArgument)"""
    answer = httpx.get(f"{fresh_emulator.endpoint_url}/conf?max-keys=blah",
                       headers={"Authorization": "AWS4-HMAC-SHA256 Credential=test/x"})
    assert answer.status_code == 400
    error = _error(answer)
    assert error["Code"] == "InvalidArgument"
    assert error["ArgumentName"] == "maxKeys" and error["ArgumentValue"] == "blah"
    uploads = httpx.get(f"{fresh_emulator.endpoint_url}/conf?uploads&max-uploads=many",
                        headers={"Authorization": "AWS4-HMAC-SHA256 Credential=test/x"})
    assert uploads.status_code == 400
    assert _error(uploads)["Code"] == "InvalidArgument"
    assert _error(uploads)["ArgumentName"] == "max-uploads"


def test_upload_part_copy_range_must_lie_within_the_source(s3: Any) -> None:
    """A copy range is not cut at the source's end as a GET range is: past it, AWS answers
    InvalidArgument "Range specified is not valid for source object of size: N"; a range not
    of the form bytes=first-last is refused too.
    https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPartCopy.html
    (x-amz-copy-source-range)"""
    s3.put_object(Bucket="conf", Key="five", Body=b"12345")
    upload = s3.create_multipart_upload(Bucket="conf", Key="dest")["UploadId"]
    copy = {"Bucket": "conf", "Key": "dest", "UploadId": upload, "PartNumber": 1,
            "CopySource": {"Bucket": "conf", "Key": "five"}}
    for wanted, message in (("bytes=0-21", "Range specified is not valid for source object "
                                           "of size: 5"),
                            ("bytes=5-5", "Range specified is not valid for source object "
                                          "of size: 5"),
                            ("bytes=-3", "The x-amz-copy-source-range value must be of the "
                                         "form bytes=first-last")):
        with pytest.raises(ClientError) as caught:
            s3.upload_part_copy(**copy, CopySourceRange=wanted)
        error = caught.value.response["Error"]
        assert error["Code"] == "InvalidArgument" and error["Message"].startswith(message)
    part = s3.upload_part_copy(**copy, CopySourceRange="bytes=1-4")
    s3.complete_multipart_upload(Bucket="conf", Key="dest", UploadId=upload, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": part["CopyPartResult"]["ETag"]}]})
    assert s3.get_object(Bucket="conf", Key="dest")["Body"].read() == b"2345"


def test_anonymous_requests_cannot_list_or_create_buckets(
        s3: Any, fresh_emulator: EmulatorHandle) -> None:
    """Listing buckets takes s3:ListAllMyBuckets, which no bucket policy or ACL grants to
    everyone, and creating one takes an account: anonymous requests get AccessDenied (they
    listed every account's buckets).
    https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListBuckets.html"""
    listing = httpx.get(f"{fresh_emulator.endpoint_url}/")
    assert listing.status_code == 403 and _error(listing)["Code"] == "AccessDenied"
    created = httpx.put(f"{fresh_emulator.endpoint_url}/anonymous-bucket")
    assert created.status_code == 403 and _error(created)["Code"] == "AccessDenied"
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["conf"]


def test_anonymous_read_of_a_missing_object_is_404_only_with_list_permission(
        s3: Any, fresh_emulator: EmulatorHandle) -> None:
    """"If the object you request doesn't exist, the error that Amazon S3 returns depends on
    whether you also have the s3:ListBucket permission": 404 NoSuchKey with it, 403
    AccessDenied without. https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html"""
    url = f"{fresh_emulator.endpoint_url}/conf/missing.txt"
    s3.delete_public_access_block(Bucket="conf")
    statement = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                 "Resource": "arn:aws:s3:::conf/*"}
    s3.put_bucket_policy(Bucket="conf", Policy=json.dumps(
        {"Version": "2012-10-17", "Statement": [statement]}))
    s3.put_object(Bucket="conf", Key="there.txt", Body=b"here")
    assert httpx.get(f"{fresh_emulator.endpoint_url}/conf/there.txt").content == b"here"
    hidden = httpx.get(url)
    assert hidden.status_code == 403 and _error(hidden)["Code"] == "AccessDenied"
    listing = {"Effect": "Allow", "Principal": "*", "Action": "s3:ListBucket",
               "Resource": "arn:aws:s3:::conf"}
    s3.put_bucket_policy(Bucket="conf", Policy=json.dumps(
        {"Version": "2012-10-17", "Statement": [statement, listing]}))
    missing = httpx.get(url)
    assert missing.status_code == 404 and _error(missing)["Code"] == "NoSuchKey"


def test_head_object_reports_the_tag_count_as_get_does(s3: Any) -> None:
    """x-amz-tagging-count is part of HeadObject's answer (TagCount) as of GetObject's.
    https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html"""
    s3.put_object(Bucket="conf", Key="tagged", Body=b"x", Tagging="a=1&b=2")
    assert s3.head_object(Bucket="conf", Key="tagged")["TagCount"] == 2
    assert s3.get_object(Bucket="conf", Key="tagged")["TagCount"] == 2
    s3.put_object(Bucket="conf", Key="plain", Body=b"x")
    assert "TagCount" not in s3.head_object(Bucket="conf", Key="plain")


def test_an_empty_content_md5_is_an_invalid_digest(s3: Any) -> None:
    """A Content-MD5 header that is present but empty is not a valid digest (InvalidDigest),
    like any other value that is not the base64 of 16 bytes; nothing is stored.
    https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html (InvalidDigest)"""
    s3.meta.events.register("before-call.s3.PutObject", lambda params, **_: params[
        "headers"].update({"Content-MD5": ""}))
    with pytest.raises(ClientError) as caught:
        s3.put_object(Bucket="conf", Key="empty-md5", Body=b"bar")
    assert caught.value.response["Error"]["Code"] == "InvalidDigest"
    assert "Contents" not in s3.list_objects_v2(Bucket="conf")


def test_cors_headers_go_out_with_error_answers_too(
        s3: Any, fresh_emulator: EmulatorHandle) -> None:
    """A request whose Origin a CORS rule allows gets the rule's headers on an error answer
    as on a success, so a browser sees the 404 instead of a CORS failure.
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html"""
    s3.put_bucket_cors(Bucket="conf", CORSConfiguration={"CORSRules": [{
        "AllowedOrigins": ["*.example.com"], "AllowedMethods": ["GET"]}]})
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "conf", "Key": "nope"})
    missing = httpx.get(url, headers={"Origin": "https://app.example.com"})
    assert missing.status_code == 404 and _error(missing)["Code"] == "NoSuchKey"
    assert missing.headers["access-control-allow-origin"] == "https://app.example.com"
    assert missing.headers["access-control-allow-methods"] == "GET"
    other = httpx.get(url, headers={"Origin": "https://elsewhere.test"})
    assert other.status_code == 404 and "access-control-allow-origin" not in other.headers
    anonymous = httpx.get(f"{fresh_emulator.endpoint_url}/conf/nope",
                          headers={"Origin": "https://app.example.com"})
    assert anonymous.status_code == 403 and _error(anonymous)["Code"] == "AccessDenied"
    assert anonymous.headers["access-control-allow-origin"] == "https://app.example.com"


def test_a_lifecycle_rule_id_is_at_most_255_characters(s3: Any) -> None:
    """A rule's ID "cannot be longer than 255 characters": a longer one is InvalidArgument
    and nothing is stored. https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleRule.html"""
    rule = {"Expiration": {"Days": 2}, "Filter": {"Prefix": "logs/"}, "Status": "Enabled"}
    with pytest.raises(ClientError) as caught:
        s3.put_bucket_lifecycle_configuration(Bucket="conf", LifecycleConfiguration={
            "Rules": [{**rule, "ID": "a" * 256}]})
    error = caught.value.response["Error"]
    assert error["Code"] == "InvalidArgument"
    assert error["Message"] == "ID length should not exceed allowed limit of 255"
    with pytest.raises(ClientError):
        s3.get_bucket_lifecycle_configuration(Bucket="conf")
    s3.put_bucket_lifecycle_configuration(Bucket="conf", LifecycleConfiguration={
        "Rules": [{**rule, "ID": "a" * 255}]})
    assert s3.get_bucket_lifecycle_configuration(Bucket="conf")["Rules"][0]["ID"] == "a" * 255


def test_bucket_logging_is_kept_and_its_target_checked(s3: Any) -> None:
    """PutBucketLogging keeps the LoggingEnabled it is given (GetBucketLogging answers it, an
    empty status turns it off); a target bucket that does not exist is
    InvalidTargetBucketForLogging. It answered NotImplemented.
    https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLogging.html"""
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket="conf")
    s3.create_bucket(Bucket="conf-logs")
    enabled = {"TargetBucket": "conf-logs", "TargetPrefix": "conf/"}
    s3.put_bucket_logging(Bucket="conf", BucketLoggingStatus={"LoggingEnabled": enabled})
    assert s3.get_bucket_logging(Bucket="conf")["LoggingEnabled"] == enabled
    with pytest.raises(ClientError) as caught:
        s3.put_bucket_logging(Bucket="conf", BucketLoggingStatus={"LoggingEnabled": {
            "TargetBucket": "no-such-logs", "TargetPrefix": "x/"}})
    assert caught.value.response["Error"]["Code"] == "InvalidTargetBucketForLogging"
    assert s3.get_bucket_logging(Bucket="conf")["LoggingEnabled"] == enabled
    s3.put_bucket_logging(Bucket="conf", BucketLoggingStatus={})
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket="conf")


def test_reads_refuse_sse_s3_and_kms_headers(s3: Any) -> None:
    """GET and HEAD take only SSE-C's headers: x-amz-server-side-encryption (and the KMS key
    id) is a 400, InvalidArgument "... header is not supported for this operation" ("If you
    include the header in your GET request ... you'll get an HTTP 400 Bad Request error").
    https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html"""
    s3.put_object(Bucket="conf", Key="kms", Body=b"x", ServerSideEncryption="aws:kms")
    s3.meta.events.register("before-call.s3.GetObject", lambda params, **_: params[
        "headers"].update({"x-amz-server-side-encryption": "aws:kms"}))
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket="conf", Key="kms")
    error = caught.value.response["Error"]
    assert error["Code"] == "InvalidArgument"
    assert error["Message"] == ("x-amz-server-side-encryption header is not supported for "
                                "this operation.")
    assert s3.head_object(Bucket="conf", Key="kms")["ServerSideEncryption"] == "aws:kms"


def test_sse_c_needs_the_keys_md5_and_post_forms_take_its_fields(s3: Any) -> None:
    """SSE-C requests send the algorithm, the key and the key's MD5: without the MD5 the
    upload is InvalidArgument. A POST form's x-amz-server-side-encryption-customer-* fields
    store the object under that key, as the headers do.
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html
    https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html"""
    key = base64.b64encode(b"k" * 32).decode()
    md5 = base64.b64encode(hashlib.md5(b"k" * 32).digest()).decode()

    def drop_md5(params: dict[str, Any], **_: Any) -> None:
        params["headers"].pop("x-amz-server-side-encryption-customer-key-MD5", None)

    s3.meta.events.register("before-call.s3.PutObject", drop_md5)
    with pytest.raises(ClientError) as caught:
        s3.put_object(Bucket="conf", Key="no-md5", Body=b"x", SSECustomerAlgorithm="AES256",
                      SSECustomerKey=b"k" * 32)
    assert caught.value.response["Error"]["Code"] == "InvalidArgument"
    fields = {"x-amz-server-side-encryption-customer-algorithm": "AES256",
              "x-amz-server-side-encryption-customer-key": key,
              "x-amz-server-side-encryption-customer-key-MD5": md5}
    post = s3.generate_presigned_post("conf", "posted", Fields=fields, Conditions=[
        {name: value} for name, value in fields.items()])
    sent = httpx.post(post["url"], data=post["fields"], files={"file": ("f", b"sealed")})
    assert sent.status_code == 204, sent.text
    with pytest.raises(ClientError) as refused:
        s3.head_object(Bucket="conf", Key="posted")
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    read = s3.get_object(Bucket="conf", Key="posted", SSECustomerAlgorithm="AES256",
                         SSECustomerKey=b"k" * 32)
    assert read["Body"].read() == b"sealed" and read["SSECustomerKeyMD5"] == md5
