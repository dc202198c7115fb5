"""Checksums of every algorithm (headers, aws-chunked trailers, boto3's defaults), Content-MD5,
multipart uploads with AWS's part errors, and bad input answered with S3's XML errors.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html
https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
"""

from __future__ import annotations

import base64
import hashlib
import io
import xml.etree.ElementTree as ElementTree
import zlib
from typing import Any

import httpx
import pytest
from botocore.awsrequest import AWSRequest
from botocore.exceptions import ClientError
from botocore.httpchecksum import AwsChunkedWrapper, Crc32Checksum

from emulator.services.s3 import checksums
from emulator.testing import EmulatorHandle

DATA = b"The quick brown fox jumps over the lazy dog"


@pytest.fixture
def s3(fresh_emulator: EmulatorHandle) -> Any:
    client = fresh_emulator.client("s3")
    client.create_bucket(Bucket="sums")
    return client


def _error(caught: pytest.ExceptionInfo[ClientError]) -> dict[str, Any]:
    error: dict[str, Any] = caught.value.response["Error"]
    return error


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


# Values computed independently of the emulator (zlib, hashlib, and the CRC catalogue's check
# values for CRC32C and CRC64/NVME, verified in test_checksum_engines_match_the_catalogue).
EXPECTED = {
    "CRC32": _b64(zlib.crc32(DATA).to_bytes(4, "big")),
    "SHA1": _b64(hashlib.sha1(DATA).digest()),
    "SHA256": _b64(hashlib.sha256(DATA).digest()),
}


def test_checksum_engines_match_the_catalogue() -> None:
    # Check values of the CRC catalogue (the CRC of "123456789").
    assert checksums.of("CRC32", b"123456789") == _b64((0xCBF43926).to_bytes(4, "big"))
    assert checksums.of("CRC32C", b"123456789") == _b64((0xE3069283).to_bytes(4, "big"))
    assert checksums.of("CRC64NVME", b"123456789") == _b64(
        (0xAE8B14860A799888).to_bytes(8, "big"))
    running = checksums.new("CRC32C")
    running.update(b"1234")
    running.update(b"56789")
    assert checksums.encoded(running) == checksums.of("CRC32C", b"123456789")


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"])
def test_each_algorithm_is_verified_and_returned(s3: Any, algorithm: str) -> None:
    value = EXPECTED.get(algorithm) or checksums.of(algorithm, DATA)
    put = s3.put_object(Bucket="sums", Key=algorithm, Body=DATA,
                        **{f"Checksum{algorithm}": value})
    assert put[f"Checksum{algorithm}"] == value
    got = s3.get_object(Bucket="sums", Key=algorithm, ChecksumMode="ENABLED")
    assert got[f"Checksum{algorithm}"] == value
    assert got["Body"].read() == DATA
    # Only when asked (current boto3 asks on every GET; a plain HTTP client does not).
    plain = httpx.get(s3.generate_presigned_url("get_object", Params={
        "Bucket": "sums", "Key": algorithm}))
    assert f"x-amz-checksum-{algorithm.lower()}" not in plain.headers
    wrong = checksums.of(algorithm, b"something else")
    with pytest.raises(ClientError) as caught:
        s3.put_object(Bucket="sums", Key=f"{algorithm}-bad", Body=DATA,
                      **{f"Checksum{algorithm}": wrong})
    assert _error(caught)["Code"] == "BadDigest"
    assert _error(caught)["Message"] == (
        f"The {algorithm} you specified did not match the calculated checksum.")
    with pytest.raises(ClientError):
        s3.head_object(Bucket="sums", Key=f"{algorithm}-bad")


def test_boto3_default_checksum_is_accepted_and_kept(s3: Any) -> None:
    # Current boto3 computes a CRC32 for every upload unless told otherwise.
    s3.put_object(Bucket="sums", Key="default", Body=DATA)
    got = s3.head_object(Bucket="sums", Key="default", ChecksumMode="ENABLED")
    assert got["ChecksumCRC32"] == EXPECTED["CRC32"]


def test_malformed_checksum_and_content_md5(s3: Any) -> None:
    with pytest.raises(ClientError) as caught:
        s3.put_object(Bucket="sums", Key="k", Body=DATA, ChecksumSHA256="bm90LWEtc2hhMjU2")
    assert _error(caught)["Code"] == "InvalidRequest"
    assert _error(caught)["Message"] == "Value for x-amz-checksum-sha256 header is invalid."
    with pytest.raises(ClientError) as caught:
        s3.put_object(Bucket="sums", Key="k", Body=DATA,
                      ContentMD5=_b64(hashlib.md5(b"other").digest()))
    assert _error(caught)["Code"] == "BadDigest"
    s3.put_object(Bucket="sums", Key="k", Body=DATA, ContentMD5=_b64(hashlib.md5(DATA).digest()))


def _chunked_request(endpoint: str, key: str, data: bytes, trailer_value: str | None = None
                     ) -> httpx.Response:
    """A PutObject body in aws-chunked encoding with a trailing CRC32, as SDKs send it."""
    wrapper = AwsChunkedWrapper(io.BytesIO(data), checksum_cls=Crc32Checksum,
                                checksum_name="x-amz-checksum-crc32", chunk_size=16)
    body = wrapper.read()
    if trailer_value is not None:
        body = body.replace(body[body.rindex(b"x-amz-checksum-crc32:"):],
                            f"x-amz-checksum-crc32:{trailer_value}\r\n\r\n".encode())
    request = AWSRequest("PUT", f"{endpoint}/sums/{key}", headers={
        "Content-Encoding": "aws-chunked", "x-amz-trailer": "x-amz-checksum-crc32",
        "x-amz-decoded-content-length": str(len(data)),
        "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "Authorization": "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/s3/aws4_request,"
                         " SignedHeaders=host, Signature=0"})
    return httpx.put(request.url, content=body, headers=dict(request.headers))


def test_aws_chunked_uploads_with_trailing_checksums(s3: Any,
                                                     fresh_emulator: EmulatorHandle) -> None:
    answer = _chunked_request(fresh_emulator.endpoint_url, "chunked", DATA)
    assert answer.status_code == 200, answer.text
    assert answer.headers["x-amz-checksum-crc32"] == EXPECTED["CRC32"]
    assert s3.get_object(Bucket="sums", Key="chunked")["Body"].read() == DATA
    wrong = _chunked_request(fresh_emulator.endpoint_url, "chunked-bad", DATA, "AAAAAA==")
    assert wrong.status_code == 400
    assert ElementTree.fromstring(wrong.content).find("Code").text == "BadDigest"  # type: ignore[union-attr]


def test_multipart_upload_etag_parts_and_errors(s3: Any) -> None:
    part = b"a" * (5 * 1024 * 1024)
    upload = s3.create_multipart_upload(Bucket="sums", Key="big", ChecksumAlgorithm="SHA256")
    uid = upload["UploadId"]
    first = s3.upload_part(Bucket="sums", Key="big", UploadId=uid, PartNumber=1, Body=part,
                           ChecksumAlgorithm="SHA256")
    second = s3.upload_part(Bucket="sums", Key="big", UploadId=uid, PartNumber=2, Body=b"tail",
                            ChecksumAlgorithm="SHA256")
    listed = s3.list_parts(Bucket="sums", Key="big", UploadId=uid)
    assert [p["PartNumber"] for p in listed["Parts"]] == [1, 2]
    assert [u["UploadId"] for u in s3.list_multipart_uploads(Bucket="sums")["Uploads"]] == [uid]
    parts = [{"PartNumber": 1, "ETag": first["ETag"], "ChecksumSHA256": first["ChecksumSHA256"]},
             {"PartNumber": 2, "ETag": second["ETag"],
              "ChecksumSHA256": second["ChecksumSHA256"]}]
    with pytest.raises(ClientError) as caught:
        s3.complete_multipart_upload(Bucket="sums", Key="big", UploadId=uid,
                                     MultipartUpload={"Parts": list(reversed(parts))})
    assert _error(caught)["Code"] == "InvalidPartOrder"
    with pytest.raises(ClientError) as caught:
        s3.complete_multipart_upload(Bucket="sums", Key="big", UploadId=uid, MultipartUpload={
            "Parts": [{**parts[0], "ETag": '"0123"'}, parts[1]]})
    assert _error(caught)["Code"] == "InvalidPart"
    done = s3.complete_multipart_upload(Bucket="sums", Key="big", UploadId=uid,
                                        MultipartUpload={"Parts": parts})
    md5s = hashlib.md5(hashlib.md5(part).digest() + hashlib.md5(b"tail").digest()).hexdigest()
    assert done["ETag"] == f'"{md5s}-2"'
    composite = hashlib.sha256(hashlib.sha256(part).digest() + hashlib.sha256(b"tail").digest())
    assert done["ChecksumSHA256"] == f"{_b64(composite.digest())}-2"
    assert s3.head_object(Bucket="sums", Key="big")["ContentLength"] == len(part) + 4
    assert s3.get_object(Bucket="sums", Key="big", PartNumber=2)["Body"].read() == b"tail"
    with pytest.raises(ClientError) as caught:
        s3.list_parts(Bucket="sums", Key="big", UploadId=uid)
    assert _error(caught)["Code"] == "NoSuchUpload"


def test_small_parts_are_refused_at_completion(s3: Any) -> None:
    uid = s3.create_multipart_upload(Bucket="sums", Key="small")["UploadId"]
    etags = [s3.upload_part(Bucket="sums", Key="small", UploadId=uid, PartNumber=n,
                            Body=b"x")["ETag"] for n in (1, 2)]
    with pytest.raises(ClientError) as caught:
        s3.complete_multipart_upload(Bucket="sums", Key="small", UploadId=uid, MultipartUpload={
            "Parts": [{"PartNumber": n, "ETag": e} for n, e in zip((1, 2), etags, strict=True)]})
    assert _error(caught)["Code"] == "EntityTooSmall"
    with pytest.raises(ClientError) as caught:
        s3.upload_part(Bucket="sums", Key="small", UploadId=uid, PartNumber=10001, Body=b"x")
    assert _error(caught)["Code"] == "InvalidArgument"
    s3.abort_multipart_upload(Bucket="sums", Key="small", UploadId=uid)
    assert "Uploads" not in s3.list_multipart_uploads(Bucket="sums")


def test_upload_part_copy(s3: Any) -> None:
    s3.put_object(Bucket="sums", Key="source", Body=b"0123456789" * 1024 * 600)
    uid = s3.create_multipart_upload(Bucket="sums", Key="copied")["UploadId"]
    copied = s3.upload_part_copy(Bucket="sums", Key="copied", UploadId=uid, PartNumber=1,
                                 CopySource="sums/source", CopySourceRange="bytes=0-5242879")
    last = s3.upload_part_copy(Bucket="sums", Key="copied", UploadId=uid, PartNumber=2,
                               CopySource="sums/source", CopySourceRange="bytes=5242880-5242889")
    s3.complete_multipart_upload(Bucket="sums", Key="copied", UploadId=uid, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": copied["CopyPartResult"]["ETag"]},
                  {"PartNumber": 2, "ETag": last["CopyPartResult"]["ETag"]}]})
    body = s3.get_object(Bucket="sums", Key="copied")["Body"].read()
    assert len(body) == 5242890 and body[-10:] == b"0123456789"


# -- bad input -------------------------------------------------------------------------------

def _signed(**headers: str) -> dict[str, str]:
    return {"Authorization": "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/s3/"
            "aws4_request, SignedHeaders=host, Signature=0", **headers}


def _xml_error(response: httpx.Response) -> dict[str, str]:
    root = ElementTree.fromstring(response.content)
    return {child.tag: child.text or "" for child in root}


def test_bad_input_gets_s3_xml_errors_never_a_500(s3: Any,
                                                  fresh_emulator: EmulatorHandle) -> None:
    endpoint = fresh_emulator.endpoint_url
    malformed = httpx.put(f"{endpoint}/sums?versioning", content=b"<Versioning<<",
                          headers=_signed())
    assert malformed.status_code == 400
    assert _xml_error(malformed)["Code"] == "MalformedXML"
    assert malformed.headers["content-type"] == "application/xml"
    wrong_doc = httpx.put(f"{endpoint}/sums?versioning",
                          content=b"<VersioningConfiguration><Status>Maybe</Status>"
                                  b"</VersioningConfiguration>", headers=_signed())
    assert wrong_doc.status_code == 400 and _xml_error(wrong_doc)["Code"] == "MalformedXML"
    entity = httpx.put(f"{endpoint}/sums?tagging", content=b'<?xml version="1.0"?>'
                       b'<!DOCTYPE x [<!ENTITY a "b">]><Tagging><TagSet/></Tagging>',
                       headers=_signed())
    assert entity.status_code == 400 and _xml_error(entity)["Code"] == "MalformedXML"
    with pytest.raises(ClientError) as caught:
        s3.create_bucket(Bucket="Not_Valid")
    assert _error(caught)["Code"] == "InvalidBucketName"
    with pytest.raises(ClientError) as caught:
        s3.list_objects_v2(Bucket="no-such-bucket-here")
    assert _error(caught)["Code"] == "NoSuchBucket"
    with pytest.raises(ClientError) as caught:
        s3.put_object(Bucket="sums", Key="k" * 1025, Body=b"x")
    assert _error(caught)["Code"] == "KeyTooLongError"
    with pytest.raises(ClientError) as caught:
        s3.put_object(Bucket="sums", Key="meta", Body=b"x", Metadata={"big": "v" * 2100})
    assert _error(caught)["Code"] == "MetadataTooLarge"
    s3.put_object(Bucket="sums", Key="r", Body=b"0123")
    bad_range = httpx.get(f"{endpoint}/sums/r", headers=_signed(Range="bytes=9-"))
    assert bad_range.status_code == 416 and _xml_error(bad_range)["Code"] == "InvalidRange"
    with pytest.raises(ClientError) as caught:
        s3.delete_objects(Bucket="sums", Delete={"Objects": []})
    assert _error(caught)["Code"] == "MalformedXML"


def test_create_bucket_location_rules(fresh_emulator: EmulatorHandle) -> None:
    east = fresh_emulator.client("s3")
    with pytest.raises(ClientError) as caught:
        east.create_bucket(Bucket="east-one", CreateBucketConfiguration={
            "LocationConstraint": "us-east-1"})
    assert _error(caught)["Code"] == "InvalidLocationConstraint"
    east.create_bucket(Bucket="in-frankfurt", CreateBucketConfiguration={
        "LocationConstraint": "eu-central-1"})
    assert east.get_bucket_location(Bucket="in-frankfurt")["LocationConstraint"] == (
        "eu-central-1")
    east.create_bucket(Bucket="in-virginia")
    assert east.get_bucket_location(Bucket="in-virginia")["LocationConstraint"] is None
    east.create_bucket(Bucket="in-virginia")  # us-east-1 answers 200 again to its owner
    west = fresh_emulator.client("s3", region_name="us-west-2")
    with pytest.raises(ClientError) as caught:
        west.create_bucket(Bucket="no-constraint")
    assert _error(caught)["Code"] == "IllegalLocationConstraintException"
    with pytest.raises(ClientError) as caught:
        west.create_bucket(Bucket="in-frankfurt", CreateBucketConfiguration={
            "LocationConstraint": "us-west-2"})
    assert _error(caught)["Code"] == "BucketAlreadyOwnedByYou"
    other = fresh_emulator.client("s3", aws_access_key_id="111111111111")
    with pytest.raises(ClientError) as caught:
        other.create_bucket(Bucket="in-virginia")
    assert _error(caught)["Code"] == "BucketAlreadyExists"
