"""Origin access controls and origin access identities: CRUD with ETags, names and caller
references unique, and deletion refused while a distribution's origin uses one, with AWS's
messages (as AWS SDKs report them: github.com/hashicorp/terraform-provider-aws/issues/28595,
github.com/terraform-aws-modules/terraform-aws-cloudfront/issues/61).

https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateOriginAccessControl.html
https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateCloudFrontOriginAccessIdentity.html
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import ClientError
from cloudfront_support import CACHING_DISABLED, behaviour, config, s3_origin, viewer

from emulator.testing import EmulatorHandle

OAC_CONFIG = {"Name": "site-oac", "Description": "for the site", "SigningProtocol": "sigv4",
              "SigningBehavior": "always", "OriginAccessControlOriginType": "s3"}


def _error(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    response = caught.value.response
    return (response["Error"]["Code"], response["Error"]["Message"],
            response["ResponseMetadata"]["HTTPStatusCode"])


def test_origin_access_controls(fresh_emulator: EmulatorHandle) -> None:
    cloudfront = fresh_emulator.client("cloudfront")
    created = cloudfront.create_origin_access_control(OriginAccessControlConfig=OAC_CONFIG)
    oac = created["OriginAccessControl"]
    assert oac["OriginAccessControlConfig"] == OAC_CONFIG
    assert created["Location"].endswith(f"/origin-access-control/{oac['Id']}")
    assert cloudfront.get_origin_access_control(Id=oac["Id"])["ETag"] == created["ETag"]
    assert cloudfront.get_origin_access_control_config(Id=oac["Id"])[
        "OriginAccessControlConfig"] == OAC_CONFIG
    with pytest.raises(ClientError) as caught:
        cloudfront.create_origin_access_control(OriginAccessControlConfig=OAC_CONFIG)
    assert _error(caught)[0] == "OriginAccessControlAlreadyExists"
    with pytest.raises(ClientError) as caught:
        cloudfront.update_origin_access_control(
            Id=oac["Id"], IfMatch="EWRONG",
            OriginAccessControlConfig={**OAC_CONFIG, "SigningBehavior": "no-override"})
    assert _error(caught)[0] == "PreconditionFailed"
    updated = cloudfront.update_origin_access_control(
        Id=oac["Id"], IfMatch=created["ETag"],
        OriginAccessControlConfig={**OAC_CONFIG, "SigningBehavior": "no-override"})
    assert updated["ETag"] != created["ETag"]
    listed = cloudfront.list_origin_access_controls()["OriginAccessControlList"]
    assert [(i["Id"], i["SigningBehavior"]) for i in listed["Items"]] == [
        (oac["Id"], "no-override")]

    origin = {**s3_origin("site"), "OriginAccessControlId": oac["Id"]}
    cloudfront.create_distribution(DistributionConfig=config([origin], behaviour("bucket")))
    with pytest.raises(ClientError) as caught:
        cloudfront.delete_origin_access_control(Id=oac["Id"], IfMatch=updated["ETag"])
    assert _error(caught) == ("OriginAccessControlInUse",
                              "The CloudFront origin access control is still being used.", 409)
    spare = cloudfront.create_origin_access_control(
        OriginAccessControlConfig={**OAC_CONFIG, "Name": "spare"})
    cloudfront.delete_origin_access_control(Id=spare["OriginAccessControl"]["Id"],
                                            IfMatch=spare["ETag"])
    with pytest.raises(ClientError) as caught:
        cloudfront.get_origin_access_control(Id=spare["OriginAccessControl"]["Id"])
    assert _error(caught)[0] == "NoSuchOriginAccessControl"


def test_origin_access_identities(fresh_emulator: EmulatorHandle) -> None:
    cloudfront = fresh_emulator.client("cloudfront")
    given: dict[str, Any] = {"CallerReference": "ref-1", "Comment": "site"}
    created = cloudfront.create_cloud_front_origin_access_identity(
        CloudFrontOriginAccessIdentityConfig=given)
    identity = created["CloudFrontOriginAccessIdentity"]
    assert re.fullmatch(r"[0-9a-f]{96}", identity["S3CanonicalUserId"])
    again = cloudfront.create_cloud_front_origin_access_identity(
        CloudFrontOriginAccessIdentityConfig=given)  # the same request: the same identity
    assert again["CloudFrontOriginAccessIdentity"]["Id"] == identity["Id"]
    with pytest.raises(ClientError) as caught:
        cloudfront.create_cloud_front_origin_access_identity(
            CloudFrontOriginAccessIdentityConfig={**given, "Comment": "other"})
    assert _error(caught)[0] == "CloudFrontOriginAccessIdentityAlreadyExists"
    updated = cloudfront.update_cloud_front_origin_access_identity(
        Id=identity["Id"], IfMatch=created["ETag"],
        CloudFrontOriginAccessIdentityConfig={**given, "Comment": "renamed"})
    listing = cloudfront.list_cloud_front_origin_access_identities()[
        "CloudFrontOriginAccessIdentityList"]
    assert [(i["Id"], i["Comment"]) for i in listing["Items"]] == [(identity["Id"], "renamed")]

    origin = s3_origin("site", oac=False)
    origin["S3OriginConfig"] = {
        "OriginAccessIdentity": f"origin-access-identity/cloudfront/{identity['Id']}"}
    cloudfront.create_distribution(DistributionConfig=config([origin], behaviour("bucket")))
    with pytest.raises(ClientError) as caught:
        cloudfront.delete_cloud_front_origin_access_identity(Id=identity["Id"],
                                                             IfMatch=updated["ETag"])
    assert _error(caught) == ("CloudFrontOriginAccessIdentityInUse",
                              "The CloudFront origin access identity is still being used.", 409)
    with pytest.raises(ClientError) as caught:
        cloudfront.get_cloud_front_origin_access_identity(Id="ENOTANIDENTITY")
    assert _error(caught)[0] == "NoSuchCloudFrontOriginAccessIdentity"


def test_an_origin_access_control_that_never_signs(fresh_emulator: EmulatorHandle) -> None:
    # SigningBehavior "never": CloudFront's requests to the private bucket go unsigned, so
    # S3 refuses them; "always" signs them as the distribution's account.
    s3 = fresh_emulator.client("s3")
    s3.create_bucket(Bucket="site")
    s3.put_object(Bucket="site", Key="a.txt", Body=b"first")
    cloudfront = fresh_emulator.client("cloudfront")
    created = cloudfront.create_origin_access_control(
        OriginAccessControlConfig={**OAC_CONFIG, "SigningBehavior": "never"})
    oac_id = created["OriginAccessControl"]["Id"]
    origin = {**s3_origin("site"), "OriginAccessControlId": oac_id}
    distribution = cloudfront.create_distribution(DistributionConfig=config(
        [origin], behaviour("bucket", policy=CACHING_DISABLED)))
    with viewer(fresh_emulator, distribution["Distribution"]["Id"]) as client:
        assert client.get("/a.txt").status_code == 403
        cloudfront.update_origin_access_control(
            Id=oac_id, IfMatch=created["ETag"],
            OriginAccessControlConfig={**OAC_CONFIG, "SigningBehavior": "always"})
        fresh_emulator.clock.advance(11)  # past the 10 s CloudFront keeps an error for
        assert client.get("/a.txt").content == b"first"
