"""Response headers policies (managed ones by their documented ids, and custom ones) applied
to what viewers get, hits included; and origin groups failing over to their second origin on
the listed status codes or an unreachable primary.

https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-response-headers-policies.html
https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/understanding-response-headers-policies.html
https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/high_availability_origin_failover.html
"""

from __future__ import annotations

import socket
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError
from cloudfront_support import behaviour, config, custom_origin, listed, s3_origin, viewer

from emulator.testing import EmulatorHandle

SECURITY_HEADERS = "67f7725c-6f97-4210-82d7-5512b31e9d03"


def _bucket(emulator: EmulatorHandle, **objects: bytes) -> str:
    s3 = emulator.client("s3")
    name = f"edge-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    for key, body in objects.items():
        s3.put_object(Bucket=name, Key=key, Body=body, ContentType="text/plain")
    return name


def _distribution(emulator: EmulatorHandle, given: dict[str, Any]) -> str:
    created = emulator.client("cloudfront").create_distribution(DistributionConfig=given)
    return str(created["Distribution"]["Id"])


def _custom_policy(name: str) -> dict[str, Any]:
    return {
        "Name": name, "Comment": "test",
        "CorsConfig": {
            "AccessControlAllowOrigins": listed(["https://app.example.com"]),
            "AccessControlAllowHeaders": listed(["x-token"]),
            "AccessControlAllowMethods": listed(["GET", "POST"]),
            "AccessControlAllowCredentials": True, "AccessControlMaxAgeSec": 600,
            "OriginOverride": True},
        "CustomHeadersConfig": listed([
            {"Header": "X-Served-By", "Value": "edge", "Override": False},
            {"Header": "Content-Type", "Value": "text/x-forced", "Override": True}]),
        "RemoveHeadersConfig": listed([{"Header": "ETag"}]),
    }


def test_response_headers_policies_shape_what_viewers_get(emulator: EmulatorHandle) -> None:
    cloudfront = emulator.client("cloudfront")
    name = f"headers-{uuid.uuid4().hex[:8]}"
    created = cloudfront.create_response_headers_policy(
        ResponseHeadersPolicyConfig=_custom_policy(name))
    policy_id = created["ResponseHeadersPolicy"]["Id"]
    assert created["Location"].endswith(f"/response-headers-policy/{policy_id}")
    bucket = _bucket(emulator, **{"a.txt": b"a", "secure/b.txt": b"b"})
    distribution_id = _distribution(emulator, config(
        [s3_origin(bucket)], behaviour("bucket", ResponseHeadersPolicyId=policy_id),
        [behaviour("bucket", pattern="/secure/*", ResponseHeadersPolicyId=SECURITY_HEADERS)]))
    with viewer(emulator, distribution_id) as client:
        for expected_cache in ("Miss from cloudfront", "Hit from cloudfront"):
            answer = client.get("/a.txt", headers={"Origin": "https://app.example.com"})
            assert answer.headers["x-cache"] == expected_cache
            assert answer.headers["access-control-allow-origin"] == "https://app.example.com"
            assert answer.headers["access-control-allow-credentials"] == "true"
            assert answer.headers["x-served-by"] == "edge"
            assert answer.headers["content-type"] == "text/x-forced"
            assert "etag" not in answer.headers
        # Not a CORS request: no CORS headers; an origin that is not allowed gets none either.
        assert "access-control-allow-origin" not in client.get("/a.txt").headers
        assert "access-control-allow-origin" not in client.get(
            "/a.txt", headers={"Origin": "https://evil.example.com"}).headers
        secure = client.get("/secure/b.txt")
        assert secure.headers["x-content-type-options"] == "nosniff"
        assert secure.headers["x-frame-options"] == "SAMEORIGIN"
        assert secure.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert secure.headers["strict-transport-security"] == "max-age=31536000"
        assert secure.headers["x-xss-protection"] == "1; mode=block"
        assert "etag" in secure.headers

    managed = cloudfront.list_response_headers_policies(Type="managed")[
        "ResponseHeadersPolicyList"]["Items"]
    assert SECURITY_HEADERS in [item["ResponseHeadersPolicy"]["Id"] for item in managed]
    with pytest.raises(ClientError) as in_use:
        cloudfront.delete_response_headers_policy(Id=policy_id, IfMatch=created["ETag"])
    assert in_use.value.response["Error"]["Code"] == "ResponseHeadersPolicyInUse"
    with pytest.raises(ClientError) as missing:
        cloudfront.get_response_headers_policy(Id="00000000-0000-0000-0000-000000000000")
    assert missing.value.response["Error"] == {
        "Type": "Sender", "Code": "NoSuchResponseHeadersPolicy",
        "Message": "The response headers policy does not exist."}
    with pytest.raises(ClientError) as unknown:
        cloudfront.create_distribution(DistributionConfig=config(
            [s3_origin(bucket)], behaviour(
                "bucket", ResponseHeadersPolicyId="00000000-0000-0000-0000-000000000000")))
    assert unknown.value.response["Error"]["Code"] == "NoSuchResponseHeadersPolicy"


def test_a_cors_preflight_gets_the_preflight_headers(emulator: EmulatorHandle) -> None:
    bucket = _bucket(emulator, **{"a.txt": b"a"})
    methods = {"Quantity": 3, "Items": ["GET", "HEAD", "OPTIONS"],
               "CachedMethods": listed(["GET", "HEAD"])}
    distribution_id = _distribution(emulator, config(
        [s3_origin(bucket)], behaviour(
            "bucket", AllowedMethods=methods,
            ResponseHeadersPolicyId="5cc3b908-e619-4b99-88e5-2cf7f45965bd")))
    with viewer(emulator, distribution_id) as client:
        preflight = client.options("/a.txt", headers={
            "Origin": "https://app.example.com", "Access-Control-Request-Method": "GET"})
        assert preflight.headers["access-control-allow-origin"] == "*"
        assert preflight.headers["access-control-allow-methods"] == (
            "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT")
        assert preflight.headers["access-control-allow-headers"] == "*"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _group(group_id: str, primary: str, secondary: str, codes: list[int]) -> dict[str, Any]:
    return {"Id": group_id, "FailoverCriteria": {"StatusCodes": listed(codes)},
            "Members": listed([{"OriginId": primary}, {"OriginId": secondary}])}


def test_an_origin_group_fails_over_on_its_status_codes(emulator: EmulatorHandle) -> None:
    primary = _bucket(emulator, **{"both.txt": b"primary"})
    secondary = _bucket(emulator, **{"both.txt": b"secondary", "only-b.txt": b"from b",
                                     "down/page.txt": b"up"})
    unreachable = custom_origin("localhost", "down")
    unreachable["CustomOriginConfig"].update(HTTPPort=_closed_port(),
                                             OriginProtocolPolicy="http-only")
    distribution_id = _distribution(emulator, config(
        [s3_origin(primary, "a"), s3_origin(secondary, "b"), unreachable],
        behaviour("group"),
        [behaviour("strict", pattern="/strict/*"), behaviour("fragile", pattern="/down/*")],
        OriginGroups=listed([
            _group("group", "a", "b", [404, 500]), _group("strict", "a", "b", [500]),
            _group("fragile", "down", "b", [502])])))
    with viewer(emulator, distribution_id) as client:
        assert client.get("/both.txt").content == b"primary"
        failed_over = client.get("/only-b.txt")
        assert (failed_over.status_code, failed_over.content) == (200, b"from b")
        # 404 is not among this group's codes: the primary's answer stands.
        assert client.get("/strict/only-b.txt").status_code == 404
        # A primary that cannot be reached fails over too.
        assert client.get("/down/page.txt").content == b"up"
