"""What browsers and curl do with S3: presigned GET and PUT URLs (expiring on the emulator's
clock), presigned POST forms, CORS preflights and headers, and anonymous requests refused
unless a bucket policy makes objects public.

https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html
https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html
https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
"""

from __future__ import annotations

import base64
import json
import xml.etree.ElementTree as ElementTree
from typing import Any

import httpx
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from emulator.testing import EmulatorHandle


@pytest.fixture(params=["s3v4", "s3"])
def s3(request: pytest.FixtureRequest, fresh_emulator: EmulatorHandle) -> Any:
    """Clients presigning with SigV4 and with the older query signature (boto3's default
    for presigned URLs in us-east-1)."""
    client = fresh_emulator.client("s3", config=Config(signature_version=request.param))
    client.create_bucket(Bucket="web")
    client.signature = request.param
    return client


def _error(response: httpx.Response) -> dict[str, str]:
    root = ElementTree.fromstring(response.content)
    assert root.tag == "Error"
    return {child.tag: child.text or "" for child in root}


def test_presigned_get_and_put_work_with_plain_http(s3: Any) -> None:
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": "web", "Key": "up.txt"})
    assert httpx.put(put_url, content=b"from curl").status_code == 200
    get_url = s3.generate_presigned_url("get_object", Params={"Bucket": "web", "Key": "up.txt"})
    answer = httpx.get(get_url)
    assert answer.status_code == 200 and answer.content == b"from curl"


def test_presigned_url_expires_on_the_emulator_clock(s3: Any,
                                                     fresh_emulator: EmulatorHandle) -> None:
    s3.put_object(Bucket="web", Key="soon", Body=b"x")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "web", "Key": "soon"},
                                    ExpiresIn=60)
    assert httpx.get(url).status_code == 200
    fresh_emulator.clock.advance(61)
    answer = httpx.get(url)
    assert answer.status_code == 403
    error = _error(answer)
    assert error["Code"] == "AccessDenied"
    assert error["Message"] == "Request has expired"
    if s3.signature == "s3v4":
        assert error["X-Amz-Expires"] == "60"
    assert {"Expires", "ServerTime", "RequestId", "HostId"} <= set(error)


def test_presigned_post_form(s3: Any, fresh_emulator: EmulatorHandle) -> None:
    post = s3.generate_presigned_post(
        "web", "uploads/${filename}", Fields={"success_action_status": "201"},
        Conditions=[["starts-with", "$key", "uploads/"], {"success_action_status": "201"},
                    ["content-length-range", 1, 100]])
    answer = httpx.post(post["url"], data=post["fields"],
                        files={"file": ("photo.png", b"png-bytes", "image/png")})
    assert answer.status_code == 201, answer.text
    root = ElementTree.fromstring(answer.content)
    assert root.find("Key").text == "uploads/photo.png"  # type: ignore[union-attr]
    assert s3.get_object(Bucket="web", Key="uploads/photo.png")["Body"].read() == b"png-bytes"
    too_big = httpx.post(post["url"], data=post["fields"],
                         files={"file": ("big.bin", b"x" * 101, "application/octet-stream")})
    assert too_big.status_code == 400 and _error(too_big)["Code"] == "EntityTooLarge"
    fresh_emulator.clock.advance(3601)
    expired = httpx.post(post["url"], data=post["fields"],
                         files={"file": ("late.png", b"x", "image/png")})
    assert expired.status_code == 403
    assert _error(expired)["Message"] == "Invalid according to Policy: Policy expired."


def test_post_form_fields_sent_as_file_parts(s3: Any) -> None:
    """Clients that post every part with a filename (Python's requests with ``files=``) still
    send fields: only the part named ``file`` is the upload, and AWS ignores parts after it.
    The fields before the file are limited to 20 KB (MaxPostPreDataLengthExceeded).
    https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html"""
    post = s3.generate_presigned_post("web", "as-files/${filename}", Conditions=[
        ["starts-with", "$Content-Type", ""]])
    parts = [(name, ("blob", value.encode())) for name, value in post["fields"].items()]
    parts += [("Content-Type", ("blob", b"text/plain")),
              ("file", ("note.txt", b"hello", "text/plain")),
              ("x-amz-meta-late", ("blob", b"ignored"))]
    answer = httpx.post(post["url"], files=parts)
    assert answer.status_code == 204, answer.text
    stored = s3.get_object(Bucket="web", Key="as-files/note.txt")
    assert stored["Body"].read() == b"hello"
    assert stored["ContentType"] == "text/plain" and stored["Metadata"] == {}
    padded = [("x-amz-meta-pad", ("blob", b"p" * 21000)), *parts]
    too_long = httpx.post(post["url"], files=padded)
    assert too_long.status_code == 400
    assert _error(too_long)["Code"] == "MaxPostPreDataLengthExceeded"


def test_post_form_tagging_and_content_fields(s3: Any) -> None:
    """The form's ``tagging`` field (an XML tag set), ``acl`` and content fields set the
    object as PutObject's headers do.
    https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html"""
    post = s3.generate_presigned_post("web", "tagged.txt", Conditions=[
        ["starts-with", "$tagging", ""], {"acl": "private"},
        ["starts-with", "$Content-Disposition", ""], ["starts-with", "$Content-Type", ""]])
    tagging = ("<Tagging><TagSet><Tag><Key>team</Key><Value>web</Value></Tag>"
               "<Tag><Key>stage</Key><Value></Value></Tag></TagSet></Tagging>")
    fields = {**post["fields"], "tagging": tagging, "acl": "private",
              "Content-Disposition": "attachment", "Content-Type": "text/plain"}
    answer = httpx.post(post["url"], data=fields, files={"file": ("t.txt", b"hi")})
    assert answer.status_code == 204, answer.text
    tags = s3.get_object_tagging(Bucket="web", Key="tagged.txt")["TagSet"]
    assert sorted((tag["Key"], tag["Value"]) for tag in tags) == [("stage", ""),
                                                                  ("team", "web")]
    head = s3.head_object(Bucket="web", Key="tagged.txt")
    assert head["ContentDisposition"] == "attachment" and head["ContentType"] == "text/plain"
    broken = httpx.post(post["url"], data={**fields, "tagging": "<Tagging>"},
                        files={"file": ("t.txt", b"hi")})
    assert broken.status_code == 400 and _error(broken)["Code"] == "MalformedXML"


def test_post_form_fields_the_policy_does_not_name_are_refused(s3: Any) -> None:
    """"Each form field that you specify in a form (except x-amz-signature, file, policy, and
    field names that have an x-ignore- prefix) must appear in the list of conditions":
    another one answers AccessDenied "Invalid according to Policy: Extra input fields".
    https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html"""
    post = s3.generate_presigned_post("web", "extra.txt")
    file = {"file": ("e.txt", b"x")}
    extra = httpx.post(post["url"], data={**post["fields"], "Content-Type": "text/html"},
                       files=file)
    assert extra.status_code == 403
    assert _error(extra)["Message"] == ("Invalid according to Policy: Extra input fields: "
                                        "Content-Type")
    with pytest.raises(ClientError):
        s3.head_object(Bucket="web", Key="extra.txt")
    ignored = httpx.post(post["url"], data={**post["fields"], "x-ignore-note": "n"},
                         files=file)
    assert ignored.status_code == 204, ignored.text


def test_post_form_policy_that_cannot_be_read(s3: Any) -> None:
    """A policy that is not base64 JSON, or whose expiration is not an ISO 8601 GMT time,
    answers InvalidPolicyDocument ("Invalid Policy: ...").
    https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html"""
    post = s3.generate_presigned_post("web", "p.txt")
    spaced = json.dumps({"expiration": "2099-01-01 00:00:00+00:00", "conditions": []})
    for policy, reason in (("bm90IGpzb24=", "Invalid Policy: Invalid JSON."),
                           (base64.b64encode(spaced.encode()).decode(),
                            "Invalid Policy: Invalid 'expiration' value")):
        answer = httpx.post(post["url"], data={**post["fields"], "policy": policy},
                            files={"file": ("p.txt", b"x")})
        assert answer.status_code == 400
        assert _error(answer)["Code"] == "InvalidPolicyDocument"
        assert _error(answer)["Message"] == reason


def test_cors_preflight_and_response_headers(s3: Any, fresh_emulator: EmulatorHandle) -> None:
    endpoint = fresh_emulator.endpoint_url
    preflight = {"Origin": "https://app.example.com", "Access-Control-Request-Method": "PUT",
                 "Access-Control-Request-Headers": "content-type"}
    refused = httpx.options(f"{endpoint}/web/file.txt", headers=preflight)
    assert refused.status_code == 403
    assert _error(refused)["Message"] == "CORSResponse: CORS is not enabled for this bucket."
    s3.put_bucket_cors(Bucket="web", CORSConfiguration={"CORSRules": [{
        "AllowedOrigins": ["https://*.example.com"], "AllowedMethods": ["GET", "PUT"],
        "AllowedHeaders": ["*"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 600}]})
    allowed = httpx.options(f"{endpoint}/web/file.txt", headers=preflight)
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://app.example.com"
    assert allowed.headers["access-control-allow-methods"] == "GET, PUT"
    assert allowed.headers["access-control-allow-headers"] == "content-type"
    assert allowed.headers["access-control-max-age"] == "600"
    other = httpx.options(f"{endpoint}/web/file.txt",
                          headers={**preflight, "Origin": "https://evil.test"})
    assert other.status_code == 403
    s3.put_object(Bucket="web", Key="file.txt", Body=b"hi")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "web", "Key": "file.txt"})
    actual = httpx.get(url, headers={"Origin": "https://app.example.com"})
    assert actual.headers["access-control-allow-origin"] == "https://app.example.com"
    assert actual.headers["access-control-expose-headers"] == "ETag"


def test_anonymous_reads_need_a_public_policy(s3: Any, fresh_emulator: EmulatorHandle) -> None:
    endpoint = fresh_emulator.endpoint_url
    s3.put_object(Bucket="web", Key="index.html", Body=b"<h1>hi</h1>")
    refused = httpx.get(f"{endpoint}/web/index.html")
    assert refused.status_code == 403 and _error(refused)["Code"] == "AccessDenied"
    public = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::web/*"}]})
    # New buckets block public policies, as in AWS since April 2023.
    with pytest.raises(s3.exceptions.ClientError) as caught:
        s3.put_bucket_policy(Bucket="web", Policy=public)
    assert caught.value.response["Error"]["Code"] == "AccessDenied"
    s3.delete_public_access_block(Bucket="web")
    s3.put_bucket_policy(Bucket="web", Policy=public)
    allowed = httpx.get(f"{endpoint}/web/index.html")
    assert allowed.status_code == 200 and allowed.content == b"<h1>hi</h1>"
    assert httpx.put(f"{endpoint}/web/index.html", content=b"defaced").status_code == 403
    listing = httpx.get(f"{endpoint}/web")
    assert listing.status_code == 403  # the policy grants GetObject, not ListBucket
    assert s3.get_bucket_policy_status(Bucket="web")["PolicyStatus"]["IsPublic"] is True
