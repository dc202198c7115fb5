"""The CloudFront viewer endpoint through httpx: a cached hit (1 KB from an S3 origin)
against a bare caching proxy floor, and a viewer-request Lambda@Edge round trip (the function
generates the answer) against the same function's work reached through a function URL, so
the line shows what the edge adds to a Lambda round trip."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from bench import servers
from bench.clients import ONE_TRY, ROLE, client, function_zip
from bench.results import Result, summary
from bench.timing import alternate

FLOOR_MODULE = "bench.cloudfront_floor"
TARGET = 1.5
BODY = b"x" * 1024
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
EDGE_HANDLER = """
def handler(event, context):
    return {"status": "200", "statusDescription": "OK", "body": "ok",
            "headers": {"content-type": [{"key": "Content-Type", "value": "text/plain"}]}}
"""
URL_HANDLER = """
def handler(event, context):
    return {"statusCode": 200, "headers": {"content-type": "text/plain"}, "body": "ok"}
"""


class Unavailable(Exception):
    """The emulator cannot answer the calls."""


def _behaviour(**extra: Any) -> dict[str, Any]:
    return {"TargetOriginId": "bucket", "ViewerProtocolPolicy": "allow-all",
            "CachePolicyId": CACHING_OPTIMIZED, **extra}


def _distribution(cloudfront: Any, default: dict[str, Any]) -> str:
    created = cloudfront.create_distribution(DistributionConfig={
        "CallerReference": str(uuid.uuid4()), "Comment": "bench", "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{
            "Id": "bucket", "DomainName": "bench-site.s3.amazonaws.com",
            "S3OriginConfig": {"OriginAccessIdentity": ""},
            "OriginAccessControlId": "EBENCHOAC"}]},
        "DefaultCacheBehavior": default})
    return str(created["Distribution"]["Id"])


def _setup(endpoint_url: str) -> tuple[str, str, str]:
    """(cached distribution, Lambda@Edge distribution, function URL path)."""
    from botocore.exceptions import ClientError

    try:
        s3 = client("s3", endpoint_url, retries=ONE_TRY)
        s3.create_bucket(Bucket="bench-site")
        s3.put_object(Bucket="bench-site", Key="page.txt", Body=BODY)
        lambdas = client("lambda", endpoint_url, retries=ONE_TRY)
        for name, source in (("bench-edge", EDGE_HANDLER), ("bench-url", URL_HANDLER)):
            lambdas.create_function(FunctionName=name, Runtime="python3.11",
                                    Handler="app.handler", Role=ROLE,
                                    Code={"ZipFile": function_zip(source)})
        version = lambdas.publish_version(FunctionName="bench-edge")["FunctionArn"]
        url = lambdas.create_function_url_config(FunctionName="bench-url",
                                                 AuthType="NONE")["FunctionUrl"]
        cloudfront = client("cloudfront", endpoint_url, retries=ONE_TRY)
        cached = _distribution(cloudfront, _behaviour())
        edge = _distribution(cloudfront, _behaviour(LambdaFunctionAssociations={
            "Quantity": 1, "Items": [{"EventType": "viewer-request",
                                      "LambdaFunctionARN": version}]}))
    except ClientError as error:
        raise Unavailable(str(error)) from None
    return cached, edge, "/" + url.split("/", 3)[3]


def _getter(http: httpx.Client, url: str, expected: bytes) -> Any:
    def get() -> None:
        answer = http.get(url)
        if answer.status_code != 200 or answer.content != expected:
            raise RuntimeError(f"{url} answered {answer.status_code}; the benchmark is "
                               "invalid")
    return get


def run(calls: int, warmup: int) -> list[Result]:
    with servers.emulator_and_floor(FLOOR_MODULE) as (our_server, floor_server), \
            httpx.Client() as http:
        ours_url = our_server.endpoint_url
        cached, edge, url_path = _setup(ours_url)
        hit = _getter(http, f"{ours_url}/_aws/cloudfront/{cached}/page.txt", BODY)
        hit()  # the first request fills the cache
        if http.get(f"{ours_url}/_aws/cloudfront/{cached}/page.txt").headers.get(
                "x-cache") != "Hit from cloudfront":
            raise RuntimeError("the second request was not a cache hit; the benchmark is "
                               "invalid")
        floor = _getter(http, f"{floor_server.endpoint_url}/page.txt", BODY)
        alternate(hit, floor, warmup)
        hits = alternate(hit, floor, calls)
        at_edge = _getter(http, f"{ours_url}/_aws/cloudfront/{edge}/page.txt", b"ok")
        by_url = _getter(http, f"{ours_url}{url_path}", b"ok")
        alternate(at_edge, by_url, warmup)
        edge_times = alternate(at_edge, by_url, calls // 2)
    return [
        *summary("CloudFront cached hit 1 KB via httpx", *hits, TARGET, calls),
        *summary("CloudFront viewer-request Lambda@Edge round trip (floor: function URL)",
                 *edge_times, TARGET, calls // 2),
    ]


__all__ = ["Unavailable", "run"]
