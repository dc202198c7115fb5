"""S3 Object Lock through boto3: the bucket's configuration and default retention, each
version's retention and legal hold, and the deletes they refuse.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from emulator.testing import EmulatorHandle


@pytest.fixture
def s3(fresh_emulator: EmulatorHandle) -> Any:
    client = fresh_emulator.client("s3")
    client.create_bucket(Bucket="locked", ObjectLockEnabledForBucket=True)
    return client


def _error(call: Any, **params: Any) -> tuple[int, str, str]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    response = caught.value.response
    return (response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"],
            response["Error"]["Message"])


def test_lock_configuration_needs_versioning_and_keeps_it_on(s3: Any) -> None:
    """A bucket created with Object Lock has versioning on for good; an existing bucket takes
    a lock configuration once versioning is enabled; a default retention has a mode and one
    positive period. https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectLockConfiguration.html
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html"""
    assert s3.get_bucket_versioning(Bucket="locked")["Status"] == "Enabled"
    assert s3.get_object_lock_configuration(Bucket="locked")["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled"}
    assert _error(s3.put_bucket_versioning, Bucket="locked",
                  VersioningConfiguration={"Status": "Suspended"})[:2] == (
        409, "InvalidBucketState")
    rule = {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}
    s3.put_object_lock_configuration(Bucket="locked", ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": rule})
    assert s3.get_object_lock_configuration(Bucket="locked")["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled", "Rule": rule}
    for retention, code in (({"Mode": "GOVERNANCE", "Days": 1, "Years": 1}, "MalformedXML"),
                            ({"Mode": "governance", "Days": 1}, "MalformedXML"),
                            ({"Mode": "GOVERNANCE", "Days": 0}, "InvalidArgument")):
        assert _error(s3.put_object_lock_configuration, Bucket="locked",
                      ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": {
                          "DefaultRetention": retention}})[:2] == (400, code)

    s3.create_bucket(Bucket="plain")
    assert _error(s3.get_object_lock_configuration, Bucket="plain")[:2] == (
        404, "ObjectLockConfigurationNotFoundError")
    enable = {"ObjectLockEnabled": "Enabled"}
    assert _error(s3.put_object_lock_configuration, Bucket="plain",
                  ObjectLockConfiguration=enable)[:2] == (409, "InvalidBucketState")
    s3.put_object(Bucket="plain", Key="k", Body=b"x")
    assert _error(s3.put_object_retention, Bucket="plain", Key="k", Retention={
        "Mode": "GOVERNANCE", "RetainUntilDate": datetime(2099, 1, 1, tzinfo=UTC)}) == (
        400, "InvalidRequest", "Bucket is missing Object Lock Configuration")
    s3.put_bucket_versioning(Bucket="plain", VersioningConfiguration={"Status": "Enabled"})
    s3.put_object_lock_configuration(Bucket="plain", ObjectLockConfiguration=enable)
    assert s3.get_object_lock_configuration(Bucket="plain")["ObjectLockConfiguration"] == enable


def test_retention_protects_a_version_until_its_date(
        s3: Any, fresh_emulator: EmulatorHandle) -> None:
    """GOVERNANCE retention refuses deleting the version (AccessDenied) unless the request
    bypasses governance; COMPLIANCE can be neither bypassed nor shortened; both end at the
    retain-until date. Deleting the key still adds a delete marker.
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html#object-lock-retention-modes
    https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectRetention.html"""
    until = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    governed = s3.put_object(Bucket="locked", Key="g", Body=b"1", ObjectLockMode="GOVERNANCE",
                             ObjectLockRetainUntilDate=until)["VersionId"]
    head = s3.head_object(Bucket="locked", Key="g")
    assert head["ObjectLockMode"] == "GOVERNANCE" and head["ObjectLockRetainUntilDate"] == until
    assert s3.get_object_retention(Bucket="locked", Key="g")["Retention"] == {
        "Mode": "GOVERNANCE", "RetainUntilDate": until}
    assert _error(s3.delete_object, Bucket="locked", Key="g", VersionId=governed) == (
        403, "AccessDenied", "Access Denied because object protected by object lock.")
    shorter = {"Mode": "GOVERNANCE", "RetainUntilDate": until - timedelta(days=1)}
    assert _error(s3.put_object_retention, Bucket="locked", Key="g",
                  Retention=shorter)[:2] == (403, "AccessDenied")
    s3.put_object_retention(Bucket="locked", Key="g", Retention=shorter,
                            BypassGovernanceRetention=True)
    assert s3.delete_object(Bucket="locked", Key="g")["DeleteMarker"] is True
    s3.delete_object(Bucket="locked", Key="g", VersionId=governed,
                     BypassGovernanceRetention=True)

    complied = s3.put_object(Bucket="locked", Key="c", Body=b"2", ObjectLockMode="COMPLIANCE",
                             ObjectLockRetainUntilDate=until)["VersionId"]
    assert _error(s3.delete_object, Bucket="locked", Key="c", VersionId=complied,
                  BypassGovernanceRetention=True)[:2] == (403, "AccessDenied")
    assert _error(s3.put_object_retention, Bucket="locked", Key="c", Retention={
        "Mode": "GOVERNANCE", "RetainUntilDate": until}, BypassGovernanceRetention=True)[:2] == (
        403, "AccessDenied")
    batch = s3.delete_objects(Bucket="locked", Delete={"Objects": [
        {"Key": "c", "VersionId": complied}]})
    assert [error["Code"] for error in batch["Errors"]] == ["AccessDenied"]
    assert not batch.get("Deleted")
    fresh_emulator.clock.advance(3 * 86400)
    s3.delete_object(Bucket="locked", Key="c", VersionId=complied)
    assert "Versions" not in s3.list_object_versions(Bucket="locked", Prefix="c")


def test_legal_hold_and_default_retention(s3: Any) -> None:
    """A legal hold refuses deletes whatever the bypass, until it is turned OFF; a version
    stored without a retention of its own takes the bucket's default retention; a version
    with neither answers NoSuchObjectLockConfiguration.
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html#object-lock-legal-holds
    https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectRetention.html"""
    version = s3.put_object(Bucket="locked", Key="held", Body=b"x")["VersionId"]
    assert _error(s3.get_object_retention, Bucket="locked", Key="held")[:2] == (
        404, "NoSuchObjectLockConfiguration")
    assert _error(s3.put_object_legal_hold, Bucket="locked", Key="held",
                  LegalHold={"Status": "on"})[:2] == (400, "MalformedXML")
    s3.put_object_legal_hold(Bucket="locked", Key="held", LegalHold={"Status": "ON"})
    assert s3.head_object(Bucket="locked", Key="held")["ObjectLockLegalHoldStatus"] == "ON"
    assert _error(s3.delete_object, Bucket="locked", Key="held", VersionId=version,
                  BypassGovernanceRetention=True)[:2] == (403, "AccessDenied")
    s3.put_object_legal_hold(Bucket="locked", Key="held", LegalHold={"Status": "OFF"})
    assert s3.get_object_legal_hold(Bucket="locked", Key="held")["LegalHold"] == {
        "Status": "OFF"}
    s3.delete_object(Bucket="locked", Key="held", VersionId=version)

    s3.put_object_lock_configuration(Bucket="locked", ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Years": 1}}})
    before = datetime.now(UTC)
    s3.put_object(Bucket="locked", Key="defaulted", Body=b"y")
    head = s3.head_object(Bucket="locked", Key="defaulted")
    assert head["ObjectLockMode"] == "COMPLIANCE" and "ObjectLockLegalHoldStatus" not in head
    assert abs(head["ObjectLockRetainUntilDate"] - (before + timedelta(days=365))) < timedelta(
        minutes=1)
    with pytest.raises(ClientError) as caught:
        s3.put_object(Bucket="locked", Key="half", Body=b"z", ObjectLockMode="GOVERNANCE")
    assert caught.value.response["Error"]["Code"] == "InvalidArgument"


def test_lifecycle_leaves_protected_versions(s3: Any, fresh_emulator: EmulatorHandle) -> None:
    """A lifecycle rule's expiration does not remove a version Object Lock protects: the
    unprotected noncurrent version goes, the one under retention stays.
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html#object-lock-managing-lifecycle"""
    fresh_emulator.clock.set(datetime(2030, 3, 1, tzinfo=UTC).timestamp())
    s3.put_bucket_lifecycle_configuration(Bucket="locked", LifecycleConfiguration={"Rules": [
        {"ID": "prune", "Status": "Enabled", "Filter": {},
         "NoncurrentVersionExpiration": {"NoncurrentDays": 1}}]})
    kept = s3.put_object(Bucket="locked", Key="k", Body=b"1", ObjectLockMode="COMPLIANCE",
                         ObjectLockRetainUntilDate=datetime(2030, 3, 20, tzinfo=UTC))
    loose = s3.put_object(Bucket="locked", Key="k", Body=b"2")["VersionId"]
    current = s3.put_object(Bucket="locked", Key="k", Body=b"3")["VersionId"]
    fresh_emulator.clock.advance(3 * 86400)
    deadline = time.monotonic() + 10
    versions: list[str] = []
    while time.monotonic() < deadline:
        versions = [v["VersionId"] for v in s3.list_object_versions(
            Bucket="locked").get("Versions", [])]
        if loose not in versions:
            break
        time.sleep(0.05)
    assert sorted(versions) == sorted([kept["VersionId"], current])


def test_locked_uploads_need_an_integrity_header(
        s3: Any, fresh_emulator: EmulatorHandle) -> None:
    """An upload with Object Lock parameters, or to a bucket with a default retention, needs
    Content-MD5 or an x-amz-checksum-* header: without one it is InvalidRequest, for PutObject
    and for UploadPart. https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
    (Content-MD5: "required for any request to upload an object with a retention period
    configured using Amazon S3 Object Lock")"""
    bare = fresh_emulator.client("s3", config=Config(request_checksum_calculation="when_required"))
    until = datetime.now(UTC) + timedelta(days=1)
    message = ("Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests "
               "with Object Lock parameters")
    assert _error(bare.put_object, Bucket="locked", Key="k", Body=b"x",
                  ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=until) == (
        400, "InvalidRequest", message)
    bare.put_object(Bucket="locked", Key="plain", Body=b"x")  # no lock, no default: fine
    bare.put_object(Bucket="locked", Key="k", Body=b"x", ObjectLockMode="GOVERNANCE",
                    ObjectLockRetainUntilDate=until, ContentMD5="ndTkYSaMgDT1yFZOFVxnpg==")
    s3.put_object_lock_configuration(Bucket="locked", ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}})
    assert _error(bare.put_object, Bucket="locked", Key="d", Body=b"x")[1] == "InvalidRequest"
    upload = bare.create_multipart_upload(Bucket="locked", Key="big")["UploadId"]
    status, code, text = _error(bare.upload_part, Bucket="locked", Key="big", UploadId=upload,
                                PartNumber=1, Body=b"part")
    assert (status, code) == (400, "InvalidRequest") and "Put Part requests" in text
    s3.upload_part(Bucket="locked", Key="big", UploadId=upload, PartNumber=1, Body=b"part")
