"""Bucket settings through boto3: listing, tags, policy, encryption, ownership controls, Block
Public Access, versioning, and lifecycle rules that run on the emulator's clock; Lambda reading
its code and layers from S3 objects.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-expire-general-considerations.html
https://docs.aws.amazon.com/lambda/latest/api/API_FunctionCode.html
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError
from lambda_support import ROLE, invoke, zip_of

from emulator.testing import EmulatorHandle


@pytest.fixture
def s3(fresh_emulator: EmulatorHandle) -> Any:
    return fresh_emulator.client("s3")


def _code(caught: pytest.ExceptionInfo[ClientError]) -> str:
    return str(caught.value.response["Error"]["Code"])


def test_list_buckets_with_prefix_and_pages(s3: Any) -> None:
    for name in ("alpha-one", "alpha-two", "beta"):
        s3.create_bucket(Bucket=name)
    listed = s3.list_buckets()
    assert [b["Name"] for b in listed["Buckets"]] == ["alpha-one", "alpha-two", "beta"]
    assert listed["Owner"]["ID"]
    assert [b["Name"] for b in s3.list_buckets(Prefix="alpha")["Buckets"]] == [
        "alpha-one", "alpha-two"]
    first = s3.list_buckets(MaxBuckets=2)
    rest = s3.list_buckets(MaxBuckets=2, ContinuationToken=first["ContinuationToken"])
    assert [b["Name"] for b in rest["Buckets"]] == ["beta"]
    assert s3.head_bucket(Bucket="beta")["BucketRegion"] == "us-east-1"


def test_bucket_settings_are_stored_and_answered(s3: Any) -> None:
    s3.create_bucket(Bucket="settings")
    with pytest.raises(ClientError) as caught:
        s3.get_bucket_tagging(Bucket="settings")
    assert _code(caught) == "NoSuchTagSet"
    s3.put_bucket_tagging(Bucket="settings", Tagging={"TagSet": [{"Key": "env", "Value": "dev"}]})
    assert s3.get_bucket_tagging(Bucket="settings")["TagSet"] == [{"Key": "env", "Value": "dev"}]
    s3.delete_bucket_tagging(Bucket="settings")
    with pytest.raises(ClientError) as caught:
        s3.get_bucket_policy(Bucket="settings")
    assert _code(caught) == "NoSuchBucketPolicy"
    with pytest.raises(ClientError) as caught:
        s3.put_bucket_policy(Bucket="settings", Policy="not json")
    assert _code(caught) == "MalformedPolicy"
    # New buckets: SSE-S3 by default, ACLs disabled, public access blocked.
    rules = s3.get_bucket_encryption(Bucket="settings")["ServerSideEncryptionConfiguration"]
    assert rules["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    ownership = s3.get_bucket_ownership_controls(Bucket="settings")["OwnershipControls"]
    assert ownership["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    block = s3.get_public_access_block(Bucket="settings")["PublicAccessBlockConfiguration"]
    assert all(block.values())
    with pytest.raises(ClientError) as caught:
        s3.put_bucket_acl(Bucket="settings", ACL="public-read")
    assert _code(caught) == "AccessControlListNotSupported"
    s3.put_bucket_encryption(Bucket="settings", ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]})
    rules = s3.get_bucket_encryption(Bucket="settings")["ServerSideEncryptionConfiguration"]
    assert rules["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    s3.delete_public_access_block(Bucket="settings")
    with pytest.raises(ClientError) as caught:
        s3.get_public_access_block(Bucket="settings")
    assert _code(caught) == "NoSuchPublicAccessBlockConfiguration"
    assert s3.get_bucket_versioning(Bucket="settings").get("Status") is None
    s3.put_bucket_versioning(Bucket="settings", VersioningConfiguration={"Status": "Suspended"})
    assert s3.get_bucket_versioning(Bucket="settings")["Status"] == "Suspended"


def _wait_gone(s3: Any, bucket: str, key: str) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            s3.head_object(Bucket=bucket, Key=key)
        except ClientError:
            return True
        time.sleep(0.05)
    return False


def test_lifecycle_expires_objects_a_day_on(s3: Any, fresh_emulator: EmulatorHandle) -> None:
    # Created half a minute before midnight: creation plus a day, rounded up to the next
    # midnight UTC as AWS rounds it, is due a day and thirty seconds later.
    fresh_emulator.clock.set(datetime(2029, 12, 31, 23, 59, 30, tzinfo=UTC).timestamp())
    s3.create_bucket(Bucket="aging")
    s3.put_bucket_lifecycle_configuration(Bucket="aging", LifecycleConfiguration={"Rules": [
        {"ID": "tmp-a-day", "Status": "Enabled", "Filter": {"Prefix": "tmp/"},
         "Expiration": {"Days": 1}}]})
    put = s3.put_object(Bucket="aging", Key="tmp/scratch", Body=b"x")
    assert put["Expiration"] == (
        'expiry-date="Wed, 02 Jan 2030 00:00:00 GMT", rule-id="tmp-a-day"')
    s3.put_object(Bucket="aging", Key="keep/this", Body=b"y")
    fresh_emulator.clock.advance(86400)
    time.sleep(0.2)
    s3.head_object(Bucket="aging", Key="tmp/scratch")  # a day on, not yet midnight
    fresh_emulator.clock.advance(31)
    assert _wait_gone(s3, "aging", "tmp/scratch")
    assert s3.head_object(Bucket="aging", Key="keep/this")["ContentLength"] == 1
    rules = s3.get_bucket_lifecycle_configuration(Bucket="aging")["Rules"]
    assert rules[0]["ID"] == "tmp-a-day"


def test_noncurrent_versions_expire(s3: Any, fresh_emulator: EmulatorHandle) -> None:
    fresh_emulator.clock.set(datetime(2030, 3, 1, tzinfo=UTC).timestamp())
    s3.create_bucket(Bucket="old-versions")
    s3.put_bucket_versioning(Bucket="old-versions",
                             VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_lifecycle_configuration(Bucket="old-versions", LifecycleConfiguration={
        "Rules": [{"ID": "prune", "Status": "Enabled", "Filter": {},
                   "NoncurrentVersionExpiration": {"NoncurrentDays": 2}}]})
    old = s3.put_object(Bucket="old-versions", Key="k", Body=b"1")["VersionId"]
    new = s3.put_object(Bucket="old-versions", Key="k", Body=b"2")["VersionId"]
    fresh_emulator.clock.advance(3 * 86400)  # two days once noncurrent, then midnight
    deadline = time.monotonic() + 10
    versions: list[str] = []
    while time.monotonic() < deadline:
        versions = [v["VersionId"] for v in s3.list_object_versions(
            Bucket="old-versions").get("Versions", [])]
        if old not in versions:
            break
        time.sleep(0.05)
    assert versions == [new]


def test_lambda_code_and_layers_from_s3_objects(fresh_emulator: EmulatorHandle) -> None:
    s3, lam = fresh_emulator.client("s3"), fresh_emulator.client("lambda")
    s3.create_bucket(Bucket="deploys")
    s3.put_object(Bucket="deploys", Key="fn/v1.zip", Body=zip_of({"app.py": """
        import helper
        def handler(event, context):
            return {"from": "s3", "helper": helper.NAME}
    """}))
    s3.put_object(Bucket="deploys", Key="layers/helper.zip",
                  Body=zip_of({"python/helper.py": "NAME = 'layer'\n"}))
    layer = lam.publish_layer_version(LayerName="helper", Content={
        "S3Bucket": "deploys", "S3Key": "layers/helper.zip"})["LayerVersionArn"]
    lam.create_function(FunctionName="from-s3", Runtime="python3.11", Role=ROLE,
                        Handler="app.handler", Layers=[layer],
                        Code={"S3Bucket": "deploys", "S3Key": "fn/v1.zip"})
    _reply, payload = invoke(lam, "from-s3")
    assert payload == {"from": "s3", "helper": "layer"}
    with pytest.raises(ClientError) as caught:
        lam.update_function_code(FunctionName="from-s3", S3Bucket="deploys", S3Key="missing.zip")
    error = caught.value.response["Error"]
    assert error["Code"] == "InvalidParameterValueException"
    assert error["Message"] == ("Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 "
                                "Error Message: The specified key does not exist.")
    s3.put_object(Bucket="deploys", Key="fn/v2.zip", Body=zip_of({"app.py": """
        def handler(event, context):
            return json.dumps("v2")
        import json
    """}))
    lam.update_function_code(FunctionName="from-s3", S3Bucket="deploys", S3Key="fn/v2.zip")
    assert json.loads(invoke(lam, "from-s3")[1]) == "v2"
