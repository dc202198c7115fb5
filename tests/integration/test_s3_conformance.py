"""S3 edge cases a conformance run turned up, each checked against AWS's documented or
observed answer: listing page sizes, request values that are not of their type, ranges a copy
cannot satisfy, and who may list buckets.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from typing import Any

import httpx
import pytest

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
