"""Object ACLs: canned ACLs on uploads, copies and multipart uploads, PutObjectAcl and
GetObjectAcl, and anonymous reads they allow, under S3's object ownership rules.

- Canned ACLs and their grants:
  https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl
- A bucket's READ lists it, an object's READ reads it:
  https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#permissions
- New buckets enforce bucket ownership, which disables ACLs (AccessControlListNotSupported):
  https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from emulator.testing import EmulatorHandle

ALL_USERS = {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"}


@pytest.fixture
def s3(fresh_emulator: EmulatorHandle) -> Any:
    return fresh_emulator.client("s3")


def _code(caught: pytest.ExceptionInfo[ClientError]) -> str:
    return str(caught.value.response["Error"]["Code"])


def _acl_bucket(s3: Any, name: str) -> None:
    s3.create_bucket(Bucket=name, ObjectOwnership="ObjectWriter")
    s3.delete_public_access_block(Bucket=name)


def test_new_buckets_refuse_acls_but_the_owner_full_control_one(s3: Any) -> None:
    s3.create_bucket(Bucket="enforced")
    with pytest.raises(ClientError) as caught:
        s3.put_object(Bucket="enforced", Key="a.txt", Body=b"a", ACL="public-read")
    assert _code(caught) == "AccessControlListNotSupported"
    assert caught.value.response["Error"]["Message"] == "The bucket does not allow ACLs"
    s3.put_object(Bucket="enforced", Key="a.txt", Body=b"a", ACL="bucket-owner-full-control")
    acl = s3.get_object_acl(Bucket="enforced", Key="a.txt")
    assert [grant["Permission"] for grant in acl["Grants"]] == ["FULL_CONTROL"]
    assert acl["Grants"][0]["Grantee"]["ID"] == acl["Owner"]["ID"]
    with pytest.raises(ClientError) as caught:
        s3.put_object_acl(Bucket="enforced", Key="a.txt", ACL="public-read")
    assert _code(caught) == "AccessControlListNotSupported"
    with pytest.raises(ClientError) as caught:
        s3.put_object(Bucket="enforced", Key="b.txt", Body=b"b", ACL="everyone-please")
    assert _code(caught) == "InvalidArgument"


def test_public_access_block_refuses_public_object_acls(s3: Any) -> None:
    s3.create_bucket(Bucket="blocked", ObjectOwnership="BucketOwnerPreferred")
    with pytest.raises(ClientError) as caught:
        s3.put_object(Bucket="blocked", Key="a.txt", Body=b"a", ACL="public-read")
    assert _code(caught) == "AccessDenied"
    with pytest.raises(ClientError):
        s3.head_object(Bucket="blocked", Key="a.txt")  # nothing was stored


def test_a_public_read_object_is_readable_anonymously_and_others_are_not(
        s3: Any, fresh_emulator: EmulatorHandle) -> None:
    _acl_bucket(s3, "site")
    endpoint = fresh_emulator.endpoint_url
    s3.put_object(Bucket="site", Key="index.html", Body=b"<h1>hi</h1>", ACL="public-read")
    s3.put_object(Bucket="site", Key="secret.txt", Body=b"no")
    assert httpx.get(f"{endpoint}/site/index.html").content == b"<h1>hi</h1>"
    assert httpx.head(f"{endpoint}/site/index.html").status_code == 200
    assert httpx.get(f"{endpoint}/site/secret.txt").status_code == 403
    assert httpx.get(f"{endpoint}/site").status_code == 403  # the bucket is not listable
    assert httpx.put(f"{endpoint}/site/index.html", content=b"x").status_code == 403
    grants = s3.get_object_acl(Bucket="site", Key="index.html")["Grants"]
    assert {"Grantee": ALL_USERS, "Permission": "READ"} in grants
    s3.put_object_acl(Bucket="site", Key="index.html", ACL="private")
    assert httpx.get(f"{endpoint}/site/index.html").status_code == 403
    assert len(s3.get_object_acl(Bucket="site", Key="index.html")["Grants"]) == 1


def test_a_public_read_bucket_lists_but_does_not_serve_private_objects(
        s3: Any, fresh_emulator: EmulatorHandle) -> None:
    _acl_bucket(s3, "listed")
    s3.put_bucket_acl(Bucket="listed", ACL="public-read")
    s3.put_object(Bucket="listed", Key="private.txt", Body=b"no")
    endpoint = fresh_emulator.endpoint_url
    listing = httpx.get(f"{endpoint}/listed")
    assert listing.status_code == 200 and b"<Key>private.txt</Key>" in listing.content
    assert httpx.get(f"{endpoint}/listed/private.txt").status_code == 403


def test_copies_and_multipart_uploads_carry_their_own_acl(
        s3: Any, fresh_emulator: EmulatorHandle) -> None:
    _acl_bucket(s3, "media")
    endpoint = fresh_emulator.endpoint_url
    s3.put_object(Bucket="media", Key="original.txt", Body=b"data", ACL="public-read")
    s3.copy_object(Bucket="media", Key="copy.txt", CopySource="media/original.txt")
    assert httpx.get(f"{endpoint}/media/copy.txt").status_code == 403  # a copy is private
    s3.copy_object(Bucket="media", Key="shared.txt", CopySource="media/original.txt",
                   ACL="public-read")
    assert httpx.get(f"{endpoint}/media/shared.txt").content == b"data"
    upload = s3.create_multipart_upload(Bucket="media", Key="big.bin", ACL="public-read")
    part = s3.upload_part(Bucket="media", Key="big.bin", UploadId=upload["UploadId"],
                          PartNumber=1, Body=b"x" * 1024)
    s3.complete_multipart_upload(Bucket="media", Key="big.bin", UploadId=upload["UploadId"],
                                 MultipartUpload={"Parts": [{"PartNumber": 1,
                                                             "ETag": part["ETag"]}]})
    assert httpx.get(f"{endpoint}/media/big.bin").content == b"x" * 1024
