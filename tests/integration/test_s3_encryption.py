"""How S3 reports and enforces an object's encryption, through boto3: SSE-C keys sent with
every write and read (boto3's own integration suite reads ``SSECustomerAlgorithm`` back from
HeadObject after a multipart upload, tests/integration/test_s3.py
test_upload_file_above_threshold_with_ssec), SSE-KMS asked for or set as the bucket default,
and AbortMultipartUpload on an upload just completed (that suite's test_s3_multipart aborts
in its cleanup).

https://docs.aws.amazon.com/AmazonS3/latest/userguide/specifying-s3-c-encryption.html
https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.testing import EmulatorHandle

KEY = "k" * 32
OTHER_KEY = "o" * 32
SSE_C = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": KEY}
OTHER_SSE_C = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": OTHER_KEY}
KEY_MD5 = base64.b64encode(hashlib.md5(KEY.encode()).digest()).decode()


@pytest.fixture
def s3(fresh_emulator: EmulatorHandle) -> Any:
    client = fresh_emulator.client("s3")
    client.create_bucket(Bucket="vault")
    return client


def _error(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = caught.value.response
    return str(response["Error"]["Code"]), int(response["ResponseMetadata"]["HTTPStatusCode"])


def test_customer_key_is_needed_to_read(s3: Any) -> None:
    put = s3.put_object(Bucket="vault", Key="secret", Body=b"hidden", **SSE_C)
    assert put["SSECustomerAlgorithm"] == "AES256"
    assert put["SSECustomerKeyMD5"] == KEY_MD5
    assert "ServerSideEncryption" not in put
    head = s3.head_object(Bucket="vault", Key="secret", **SSE_C)
    assert (head["SSECustomerAlgorithm"], head["SSECustomerKeyMD5"]) == ("AES256", KEY_MD5)
    assert s3.get_object(Bucket="vault", Key="secret", **SSE_C)["Body"].read() == b"hidden"
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket="vault", Key="secret")
    assert _error(caught) == ("InvalidRequest", 400)
    with pytest.raises(ClientError) as caught:
        s3.head_object(Bucket="vault", Key="secret")
    assert _error(caught)[1] == 400
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket="vault", Key="secret", **OTHER_SSE_C)
    assert _error(caught) == ("AccessDenied", 403)
    s3.put_object(Bucket="vault", Key="plain", Body=b"open")
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket="vault", Key="plain", **SSE_C)
    assert _error(caught) == ("InvalidRequest", 400)


def test_copy_reads_with_the_source_key_and_writes_with_the_new_one(s3: Any) -> None:
    s3.put_object(Bucket="vault", Key="secret", Body=b"hidden", **SSE_C)
    with pytest.raises(ClientError) as caught:
        s3.copy_object(Bucket="vault", Key="copy", CopySource="vault/secret")
    assert _error(caught) == ("InvalidRequest", 400)
    s3.copy_object(Bucket="vault", Key="copy", CopySource="vault/secret",
                   CopySourceSSECustomerAlgorithm="AES256", CopySourceSSECustomerKey=KEY,
                   **OTHER_SSE_C)
    assert s3.get_object(Bucket="vault", Key="copy", **OTHER_SSE_C)["Body"].read() == b"hidden"


def test_multipart_parts_carry_the_upload_key(s3: Any) -> None:
    upload = s3.create_multipart_upload(Bucket="vault", Key="big", **SSE_C)
    assert upload["SSECustomerKeyMD5"] == KEY_MD5
    with pytest.raises(ClientError) as caught:
        s3.upload_part(Bucket="vault", Key="big", UploadId=upload["UploadId"], PartNumber=1,
                       Body=b"part")
    assert _error(caught) == ("InvalidRequest", 400)
    part = s3.upload_part(Bucket="vault", Key="big", UploadId=upload["UploadId"],
                          PartNumber=1, Body=b"part", **SSE_C)
    assert part["SSECustomerKeyMD5"] == KEY_MD5
    s3.complete_multipart_upload(
        Bucket="vault", Key="big", UploadId=upload["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    assert s3.head_object(Bucket="vault", Key="big", **SSE_C)["SSECustomerAlgorithm"] == "AES256"
    # Aborting the upload just completed succeeds; an unknown one is still NoSuchUpload.
    s3.abort_multipart_upload(Bucket="vault", Key="big", UploadId=upload["UploadId"])
    with pytest.raises(ClientError) as caught:
        s3.abort_multipart_upload(Bucket="vault", Key="big", UploadId="not-an-upload")
    assert _error(caught) == ("NoSuchUpload", 404)


def test_malformed_customer_keys_are_refused(s3: Any) -> None:
    with pytest.raises(ClientError) as caught:
        s3.put_object(Bucket="vault", Key="short", Body=b"x", SSECustomerAlgorithm="AES256",
                      SSECustomerKey="too short")
    assert _error(caught) == ("InvalidArgument", 400)
    with pytest.raises(ClientError) as caught:
        s3.put_object(Bucket="vault", Key="short", Body=b"x", SSECustomerAlgorithm="AES256",
                      SSECustomerKey=KEY, SSECustomerKeyMD5="AAAAAAAAAAAAAAAAAAAAAA==")
    assert _error(caught) == ("InvalidArgument", 400)
    assert "Contents" not in s3.list_objects_v2(Bucket="vault")


def test_kms_encryption_is_reported_as_asked_or_by_bucket_default(s3: Any) -> None:
    put = s3.put_object(Bucket="vault", Key="kms", Body=b"x", ServerSideEncryption="aws:kms",
                        SSEKMSKeyId="alias/app")
    assert (put["ServerSideEncryption"], put["SSEKMSKeyId"]) == ("aws:kms", "alias/app")
    head = s3.head_object(Bucket="vault", Key="kms")
    assert (head["ServerSideEncryption"], head["SSEKMSKeyId"]) == ("aws:kms", "alias/app")
    assert s3.head_object(Bucket="vault", Key="kms")["ContentLength"] == 1
    s3.put_bucket_encryption(Bucket="vault", ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                               "KMSMasterKeyID": "alias/default"}}]})
    s3.put_object(Bucket="vault", Key="defaulted", Body=b"x")
    head = s3.head_object(Bucket="vault", Key="defaulted")
    assert (head["ServerSideEncryption"], head["SSEKMSKeyId"]) == ("aws:kms", "alias/default")
    s3.put_object(Bucket="vault", Key="s3-managed", Body=b"x", ServerSideEncryption="AES256")
    head = s3.head_object(Bucket="vault", Key="s3-managed")
    assert head["ServerSideEncryption"] == "AES256" and "SSEKMSKeyId" not in head
