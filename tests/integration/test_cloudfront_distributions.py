"""CloudFront's control plane through boto3: distributions with ETags and If-Match, status
InProgress -> Deployed on the clock (the distribution_deployed waiter), listings, managed and
custom policies, invalidations, and AWS's errors for bad configs.

https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateDistribution.html
https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_UpdateDistribution.html
https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DeleteDistribution.html
https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from botocore.exceptions import ClientError
from cloudfront_support import (
    CACHING_OPTIMIZED,
    behaviour,
    config,
    listed,
    s3_origin,
)

from emulator.testing import EmulatorHandle


@pytest.fixture
def cloudfront(fresh_emulator: EmulatorHandle) -> Any:
    return fresh_emulator.client("cloudfront")


def _error(call: Any, **params: Any) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    error = caught.value.response
    return (error["Error"]["Code"], error["Error"]["Message"],
            error["ResponseMetadata"]["HTTPStatusCode"])


def test_create_get_update_delete_with_etags_and_deployment_on_the_clock(
        cloudfront: Any, fresh_emulator: EmulatorHandle) -> None:
    given = config([s3_origin("site")], behaviour("bucket"), DefaultRootObject="index.html")
    created = cloudfront.create_distribution(DistributionConfig=given)
    distribution = created["Distribution"]
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert distribution["Id"].startswith("E") and len(distribution["Id"]) == 14
    assert distribution["DomainName"].endswith(".cloudfront.net")
    assert distribution["ARN"] == f"arn:aws:cloudfront::000000000000:distribution/" \
                                  f"{distribution['Id']}"
    assert distribution["Status"] == "InProgress"
    assert created["Location"].endswith(f"/distribution/{distribution['Id']}")
    stored = distribution["DistributionConfig"]
    assert stored["DefaultRootObject"] == "index.html"
    assert stored["Origins"]["Items"][0]["ConnectionAttempts"] == 3
    assert stored["DefaultCacheBehavior"]["AllowedMethods"]["Items"] == ["HEAD", "GET"]

    fresh_emulator.clock.advance(5)
    cloudfront.get_waiter("distribution_deployed").wait(
        Id=distribution["Id"], WaiterConfig={"Delay": 1, "MaxAttempts": 2})
    got = cloudfront.get_distribution(Id=distribution["Id"])
    assert got["Distribution"]["Status"] == "Deployed"
    assert got["ETag"] == created["ETag"]

    code, message, status = _error(cloudfront.update_distribution, Id=distribution["Id"],
                                   DistributionConfig=stored, IfMatch="EWRONGETAG0001")
    assert (code, status) == ("PreconditionFailed", 412)
    disabled = copy.deepcopy(stored)
    disabled["Enabled"] = False
    code, _, status = _error(cloudfront.delete_distribution, Id=distribution["Id"],
                             IfMatch=got["ETag"])
    assert (code, status) == ("DistributionNotDisabled", 409)
    updated = cloudfront.update_distribution(Id=distribution["Id"],
                                             DistributionConfig=disabled, IfMatch=got["ETag"])
    assert updated["ETag"] != got["ETag"]
    assert updated["Distribution"]["Status"] == "InProgress"
    assert cloudfront.get_distribution_config(Id=distribution["Id"])[
        "DistributionConfig"]["Enabled"] is False
    fresh_emulator.clock.advance(5)
    cloudfront.delete_distribution(Id=distribution["Id"], IfMatch=updated["ETag"])
    code, message, status = _error(cloudfront.get_distribution, Id=distribution["Id"])
    assert (code, message, status) == ("NoSuchDistribution",
                                       "The specified distribution does not exist.", 404)


def test_list_distributions_pages_with_markers(cloudfront: Any) -> None:
    ids = [cloudfront.create_distribution(
        DistributionConfig=config([s3_origin("site")], behaviour("bucket")))["Distribution"]["Id"]
        for _ in range(3)]
    first = cloudfront.list_distributions(MaxItems="2")["DistributionList"]
    assert first["IsTruncated"] is True and first["Quantity"] == 2
    second = cloudfront.list_distributions(Marker=first["NextMarker"])["DistributionList"]
    assert [d["Id"] for d in first["Items"] + second["Items"]] == ids
    paged = [d["Id"] for page in cloudfront.get_paginator("list_distributions").paginate(
        PaginationConfig={"PageSize": 1}) for d in page["DistributionList"].get("Items", [])]
    assert paged == ids


def test_bad_configs_get_cloudfronts_errors_and_nothing_is_stored(cloudfront: Any) -> None:
    good = config([s3_origin("site")], behaviour("bucket"))
    cases: list[tuple[dict[str, Any], str]] = []
    wrong_target = copy.deepcopy(good)
    wrong_target["DefaultCacheBehavior"]["TargetOriginId"] = "nope"
    cases.append((wrong_target, "NoSuchOrigin"))
    miscounted = copy.deepcopy(good)
    miscounted["Origins"]["Quantity"] = 2
    cases.append((miscounted, "InconsistentQuantities"))
    no_policy = copy.deepcopy(good)
    del no_policy["DefaultCacheBehavior"]["CachePolicyId"]
    cases.append((no_policy, "InvalidArgument"))
    unknown_policy = copy.deepcopy(good)
    unknown_policy["DefaultCacheBehavior"]["CachePolicyId"] = "00000000-0000-0000-0000-0000"
    cases.append((unknown_policy, "NoSuchCachePolicy"))
    latest = copy.deepcopy(good)
    latest["DefaultCacheBehavior"]["LambdaFunctionAssociations"] = listed([{
        "EventType": "viewer-request",
        "LambdaFunctionARN": "arn:aws:lambda:us-east-1:000000000000:function:f:$LATEST"}])
    cases.append((latest, "InvalidLambdaFunctionAssociation"))
    root = copy.deepcopy(good)
    root["DefaultRootObject"] = "/index.html"
    cases.append((root, "InvalidDefaultRootObject"))
    for given, expected in cases:
        code, message, status = _error(cloudfront.create_distribution,
                                       DistributionConfig=given)
        assert code == expected, (code, message)
        assert 400 <= status < 500
    code, message, _ = _error(cloudfront.create_distribution, DistributionConfig=miscounted)
    assert message == ("The specified quantity of Origins (2) does not match the actual "
                       "quantity supplied (1).")
    assert cloudfront.list_distributions()["DistributionList"]["Quantity"] == 0
    created = cloudfront.create_distribution(DistributionConfig=good)
    # The same request again answers the same distribution; another config with the same
    # CallerReference is refused (API_DistributionConfig.html, CallerReference).
    again = cloudfront.create_distribution(DistributionConfig=good)
    assert again["Distribution"]["Id"] == created["Distribution"]["Id"]
    changed = copy.deepcopy(good)
    changed["Comment"] = "another"
    code, _, status = _error(cloudfront.create_distribution, DistributionConfig=changed)
    assert (code, status) == ("DistributionAlreadyExists", 409)
    code, message, status = _error(cloudfront.update_distribution,
                                   Id=created["Distribution"]["Id"], DistributionConfig=good,
                                   IfMatch="")
    assert code in ("InvalidIfMatchVersion", "PreconditionFailed")
    assert cloudfront.list_distributions()["DistributionList"]["Quantity"] == 1


def test_managed_and_custom_policies(cloudfront: Any) -> None:
    managed = cloudfront.get_cache_policy(Id=CACHING_OPTIMIZED)["CachePolicy"]
    assert managed["CachePolicyConfig"]["Name"] == "Managed-CachingOptimized"
    assert managed["CachePolicyConfig"]["DefaultTTL"] == 86400
    kinds = {item["Type"] for item in cloudfront.list_cache_policies()["CachePolicyList"]["Items"]}
    assert kinds == {"managed"}
    custom = cloudfront.create_cache_policy(CachePolicyConfig={
        "Name": "short", "MinTTL": 0, "DefaultTTL": 60, "MaxTTL": 120,
        "ParametersInCacheKeyAndForwardedToOrigin": {
            "EnableAcceptEncodingGzip": False,
            "HeadersConfig": {"HeaderBehavior": "none"},
            "CookiesConfig": {"CookieBehavior": "none"},
            "QueryStringsConfig": {"QueryStringBehavior": "all"}}})
    policy_id = custom["CachePolicy"]["Id"]
    listed_custom = cloudfront.list_cache_policies(Type="custom")["CachePolicyList"]
    assert [p["CachePolicy"]["Id"] for p in listed_custom["Items"]] == [policy_id]
    used = cloudfront.create_distribution(DistributionConfig=config(
        [s3_origin("site")], behaviour("bucket", policy=policy_id)))
    code, message, status = _error(cloudfront.delete_cache_policy, Id=policy_id,
                                   IfMatch=custom["ETag"])
    assert (code, status) == ("CachePolicyInUse", 409)
    # AWS's message, as SDKs report it (github.com/anomalyco/ion/issues/443).
    assert message == ("The specified cache policy is currently associated with a cache "
                       "behavior. Please disassociate the policy before deleting.")
    assert used["Distribution"]["Id"]
    code, message, status = _error(cloudfront.get_cache_policy, Id="missing")
    assert (code, message, status) == ("NoSuchCachePolicy", "The cache policy does not exist.",
                                       404)


def test_invalidations_are_listed_and_complete_on_the_clock(
        cloudfront: Any, fresh_emulator: EmulatorHandle) -> None:
    distribution_id = cloudfront.create_distribution(DistributionConfig=config(
        [s3_origin("site")], behaviour("bucket")))["Distribution"]["Id"]
    batch = {"Paths": listed(["/index.html", "/img/*"]), "CallerReference": "one"}
    created = cloudfront.create_invalidation(DistributionId=distribution_id,
                                             InvalidationBatch=batch)["Invalidation"]
    assert created["Status"] == "InProgress"
    again = cloudfront.create_invalidation(DistributionId=distribution_id,
                                           InvalidationBatch=batch)["Invalidation"]
    assert again["Id"] == created["Id"]
    fresh_emulator.clock.advance(5)
    got = cloudfront.get_invalidation(DistributionId=distribution_id, Id=created["Id"])
    assert got["Invalidation"]["Status"] == "Completed"
    listing = cloudfront.list_invalidations(DistributionId=distribution_id)["InvalidationList"]
    assert [item["Id"] for item in listing["Items"]] == [created["Id"]]
    code, message, _ = _error(cloudfront.create_invalidation, DistributionId=distribution_id,
                              InvalidationBatch={"Paths": listed(["/a", "/b"]) | {"Quantity": 1},
                                                 "CallerReference": "two"})
    assert code == "InconsistentQuantities"
    assert message == ("The specified quantity of Paths (1) does not match the actual "
                       "quantity supplied (2).")
    code, _, status = _error(cloudfront.get_invalidation, DistributionId=distribution_id,
                             Id="INOPE")
    assert (code, status) == ("NoSuchInvalidation", 404)
    code, _, status = _error(cloudfront.create_invalidation, DistributionId="EMISSING",
                             InvalidationBatch=batch)
    assert (code, status) == ("NoSuchDistribution", 404)
