"""A distribution's viewer endpoint in front of an S3 bucket, an API Gateway stage and a
Lambda function URL: cache hits and misses across TTLs on the clock, invalidations,
behaviour order, the default root object, custom error responses, and CloudFront's headers.

https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/Expiration.html
https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/DownloadDistValuesCacheBehavior.html
https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from apigateway_support import new_api
from cloudfront_support import (
    ALL_VIEWER_EXCEPT_HOST,
    CACHING_DISABLED,
    behaviour,
    config,
    custom_origin,
    listed,
    s3_origin,
    viewer,
)
from lambda_support import create_function

from emulator.testing import EmulatorHandle


@pytest.fixture
def site(fresh_emulator: EmulatorHandle) -> Any:
    s3 = fresh_emulator.client("s3")
    s3.create_bucket(Bucket="site")
    s3.put_object(Bucket="site", Key="index.html", Body=b"<h1>home</h1>",
                  ContentType="text/html")
    s3.put_object(Bucket="site", Key="a.txt", Body=b"first", ContentType="text/plain")
    s3.put_object(Bucket="site", Key="img/logo.png", Body=b"PNG", CacheControl="max-age=30")
    s3.put_object(Bucket="site", Key="404.html", Body=b"not here", ContentType="text/html")
    return s3


def _distribution(emulator: EmulatorHandle, given: dict[str, Any]) -> str:
    created = emulator.client("cloudfront").create_distribution(DistributionConfig=given)
    return str(created["Distribution"]["Id"])


def test_s3_origin_cache_hits_misses_ttls_and_invalidation(
        site: Any, fresh_emulator: EmulatorHandle) -> None:
    distribution_id = _distribution(fresh_emulator, config(
        [s3_origin("site")], behaviour("bucket"), DefaultRootObject="index.html"))
    with viewer(fresh_emulator, distribution_id) as client:
        first = client.get("/a.txt")
        assert first.status_code == 200 and first.content == b"first"
        assert first.headers["x-cache"] == "Miss from cloudfront"
        assert first.headers["content-type"] == "text/plain"
        assert re.fullmatch(r"1\.1 [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)",
                            first.headers["via"])
        assert len(first.headers["x-amz-cf-id"]) == 56
        assert "x-amz-cf-pop" in first.headers
        site.put_object(Bucket="site", Key="a.txt", Body=b"second")
        fresh_emulator.clock.advance(100)
        hit = client.get("/a.txt")
        assert (hit.content, hit.headers["x-cache"]) == (b"first", "Hit from cloudfront")
        assert int(hit.headers["age"]) >= 100
        # CachingOptimized keeps objects without Cache-Control for its DefaultTTL (1 day).
        fresh_emulator.clock.advance(86400)
        expired = client.get("/a.txt")
        assert (expired.content, expired.headers["x-cache"]) == (b"second",
                                                                 "Miss from cloudfront")
        # The origin's max-age (30 s) wins over the DefaultTTL.
        assert client.get("/img/logo.png").headers["x-cache"] == "Miss from cloudfront"
        fresh_emulator.clock.advance(20)
        assert client.get("/img/logo.png").headers["x-cache"] == "Hit from cloudfront"
        fresh_emulator.clock.advance(15)
        assert client.get("/img/logo.png").headers["x-cache"] == "Miss from cloudfront"
        # The default root object answers "/"; a query string is not in this cache key.
        root = client.get("/")
        assert root.content == b"<h1>home</h1>"
        assert client.get("/?v=2").headers["x-cache"] == "Hit from cloudfront"
        site.put_object(Bucket="site", Key="a.txt", Body=b"third")
        fresh_emulator.client("cloudfront").create_invalidation(
            DistributionId=distribution_id,
            InvalidationBatch={"Paths": listed(["/a*"]), "CallerReference": "x"})
        after = client.get("/a.txt")
        assert (after.content, after.headers["x-cache"]) == (b"third", "Miss from cloudfront")
        assert client.get("/index.html").headers["x-cache"] == "Hit from cloudfront"
        missing = client.get("/nope.txt")
        # Signed as the bucket owner's account (which may list the bucket): NoSuchKey.
        assert missing.status_code == 404
        assert missing.headers["x-cache"] == "Error from cloudfront"


def test_a_hit_answers_what_the_miss_did(site: Any, fresh_emulator: EmulatorHandle) -> None:
    # A hit is the stored answer with CloudFront's headers made afresh: Age, X-Cache, Via,
    # X-Amz-Cf-Pop and a new X-Amz-Cf-Id; a HEAD hit has the headers and no body.
    fresh = {"age", "x-cache", "x-amz-cf-id", "date", "server", "content-length"}
    distribution_id = _distribution(fresh_emulator, config([s3_origin("site")],
                                                           behaviour("bucket")))
    with viewer(fresh_emulator, distribution_id) as client:
        miss = client.get("/a.txt")
        hit = client.get("/a.txt")
        head = client.head("/a.txt")
    assert hit.headers["x-cache"] == head.headers["x-cache"] == "Hit from cloudfront"
    assert hit.headers["age"] == "0" and hit.content == miss.content == b"first"
    assert hit.headers["x-amz-cf-id"] != miss.headers["x-amz-cf-id"]
    kept = {(k, v) for k, v in miss.headers.items() if k not in fresh}
    assert {(k, v) for k, v in hit.headers.items() if k not in fresh} == kept
    assert {(k, v) for k, v in head.headers.items() if k not in fresh} == kept
    assert head.content == b""


def test_a_bucket_without_origin_access_is_private_and_error_pages_apply(
        site: Any, fresh_emulator: EmulatorHandle) -> None:
    open_config = config([s3_origin("site", oac=False)], behaviour("bucket"))
    refused = _distribution(fresh_emulator, open_config)
    with viewer(fresh_emulator, refused) as client:
        answer = client.get("/a.txt")
        assert answer.status_code == 403
        assert b"AccessDenied" in answer.content
    pages = config([s3_origin("site")], behaviour("bucket"), CustomErrorResponses=listed([
        {"ErrorCode": 404, "ResponsePagePath": "/404.html", "ResponseCode": "404",
         "ErrorCachingMinTTL": 5}]))
    with viewer(fresh_emulator, _distribution(fresh_emulator, pages)) as client:
        answer = client.get("/missing")
        assert (answer.status_code, answer.content) == (404, b"not here")


def test_behaviours_are_chosen_in_order_and_methods_checked(
        site: Any, fresh_emulator: EmulatorHandle) -> None:
    api = new_api(fresh_emulator)
    api.mock("/api/hello", body='{"from": "api"}')
    api.mock("/api/{proxy+}", body='{"from": "proxy"}')
    api.deploy("prod")
    domain = f"{api.id}.execute-api.us-east-1.amazonaws.com"
    all_methods = {"Quantity": 7, "Items": ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH",
                                            "DELETE"]}
    given = config(
        [s3_origin("site"), custom_origin(domain, "api", "/prod")], behaviour("bucket"), [
            behaviour("api", pattern="/api/hello", policy=CACHING_DISABLED,
                      AllowedMethods=all_methods,
                      OriginRequestPolicyId=ALL_VIEWER_EXCEPT_HOST),
            behaviour("bucket", pattern="/api/*"),
            behaviour("api", pattern="api/*"),
        ])
    with viewer(fresh_emulator, _distribution(fresh_emulator, given)) as client:
        hello = client.get("/api/hello")
        assert hello.json() == {"from": "api"}
        assert hello.headers["x-cache"] == "Miss from cloudfront"
        assert client.get("/api/hello").headers["x-cache"] == "Miss from cloudfront"
        # "/api/*" (second) comes before "api/*" (third): the bucket answers.
        other = client.get("/api/other")
        assert (other.status_code, b"NoSuchKey" in other.content) == (404, True)
        refused = client.post("/a.txt", content=b"x")
        assert refused.status_code == 403
        assert b"not configured to allow the HTTP request method" in refused.content


def test_function_url_origin_gets_the_forwarded_query(fresh_emulator: EmulatorHandle) -> None:
    lambdas = fresh_emulator.client("lambda")
    name = create_function(lambdas, {"app.py": """
        import json
        def handler(event, context):
            return {"statusCode": 200, "headers": {"cache-control": "max-age=60"},
                    "body": json.dumps({"path": event["rawPath"],
                                        "query": event.get("rawQueryString", ""),
                                        "agent": event["headers"].get("user-agent")})}
    """})
    url = lambdas.create_function_url_config(FunctionName=name, AuthType="NONE")
    url_id = url["FunctionUrl"].rstrip("/").rsplit("/", 1)[-1]
    domain = f"{url_id}.lambda-url.us-east-1.on.aws"
    policy = fresh_emulator.client("cloudfront").create_cache_policy(CachePolicyConfig={
        "Name": "by-query", "MinTTL": 0, "DefaultTTL": 10, "MaxTTL": 100,
        "ParametersInCacheKeyAndForwardedToOrigin": {
            "EnableAcceptEncodingGzip": False,
            "HeadersConfig": {"HeaderBehavior": "none"},
            "CookiesConfig": {"CookieBehavior": "none"},
            "QueryStringsConfig": {"QueryStringBehavior": "whitelist",
                                   "QueryStrings": listed(["page"])}}})["CachePolicy"]["Id"]
    given = config([custom_origin(domain, "url")], behaviour("url", policy=policy))
    with viewer(fresh_emulator, _distribution(fresh_emulator, given)) as client:
        first = client.get("/items", params={"page": "1", "other": "x"})
        assert first.json() == {"path": "/items", "query": "page=1",
                                "agent": "Amazon CloudFront"}
        assert client.get("/items", params={"page": "1", "other": "y"}).headers[
            "x-cache"] == "Hit from cloudfront"
        assert client.get("/items", params={"page": "2"}).headers[
            "x-cache"] == "Miss from cloudfront"
        fresh_emulator.clock.advance(101)  # the origin's max-age 60, held under MaxTTL 100
        assert client.get("/items", params={"page": "1"}).headers[
            "x-cache"] == "Miss from cloudfront"


def test_viewer_host_form_and_unknown_distribution(site: Any,
                                                   fresh_emulator: EmulatorHandle) -> None:
    created = fresh_emulator.client("cloudfront").create_distribution(
        DistributionConfig=config([s3_origin("site")], behaviour("bucket")))["Distribution"]
    port = fresh_emulator.endpoint_url.rsplit(":", 1)[1]
    for label in (created["Id"].lower(), created["DomainName"].split(".")[0]):
        answer = httpx.get(f"{fresh_emulator.endpoint_url}/a.txt",
                           headers={"Host": f"{label}.cloudfront.localhost:{port}"})
        assert answer.content == b"first"
    unknown = httpx.get(f"{fresh_emulator.endpoint_url}/_aws/cloudfront/EUNKNOWN1/a.txt")
    assert unknown.status_code == 403
    assert b"The request could not be satisfied" in unknown.content
