"""Lambda@Edge at the four trigger points of a behaviour: the events compared key by key with
AWS's documented examples, requests rewritten, responses generated and changed, and results
that break CloudFront's rules answered with its 502 errors.

https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-event-structure.html
https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-generating-http-responses.html
https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-function-restrictions-all.html
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from cloudfront_support import behaviour, config, listed, s3_origin, viewer
from lambda_support import create_function
from runtime_functions import need

from emulator.testing import EmulatorHandle

# The keys of AWS's documented example events (lambda-event-structure.html).
CONFIG_KEYS = {"distributionDomainName", "distributionId", "eventType", "requestId"}
VIEWER_REQUEST_KEYS = {"clientIp", "headers", "method", "querystring", "uri"}
ORIGIN_REQUEST_KEYS = VIEWER_REQUEST_KEYS | {"origin"}
S3_ORIGIN_KEYS = {"authMethod", "customHeaders", "domainName", "path", "region"}
RESPONSE_KEYS = {"headers", "status", "statusDescription"}

VIEWER_REQUEST = """
import json
def handler(event, context):
    request = event["Records"][0]["cf"]["request"]
    if request["uri"] == "/event":
        return {"status": "200", "statusDescription": "OK",
                "headers": {"content-type": [{"key": "Content-Type",
                                              "value": "application/json"}]},
                "body": json.dumps(event)}
    if request["uri"] == "/host":
        request["headers"]["host"] = [{"key": "Host", "value": "elsewhere.example"}]
    if request["uri"] == "/boom":
        raise RuntimeError("boom")
    if request["uri"] == "/old.txt":
        request["uri"] = "/a.txt"
    request["headers"]["x-viewer-request"] = [{"key": "X-Viewer-Request", "value": "yes"}]
    return request
"""

ORIGIN_REQUEST = """
import json
def handler(event, context):
    request = event["Records"][0]["cf"]["request"]
    if request["uri"] == "/made":
        return {"status": "200", "headers": {"cache-control": [
                    {"key": "Cache-Control", "value": "max-age=300"}]},
                "body": "bWFkZSBhdCB0aGUgZWRnZQ==", "bodyEncoding": "base64"}
    request["headers"]["x-origin-event"] = [{"key": "X-Origin-Event",
                                              "value": json.dumps(event)}]
    return request
"""

ORIGIN_RESPONSE = """
import base64, json
def handler(event, context):
    response = event["Records"][0]["cf"]["response"]
    response["headers"]["x-origin-response"] = [{"key": "X-Origin-Response",
        "value": base64.b64encode(json.dumps(event).encode()).decode()}]
    return response
"""

VIEWER_RESPONSE = """
import base64, json
def handler(event, context):
    response = event["Records"][0]["cf"]["response"]
    response["headers"]["x-viewer-response"] = [{"key": "X-Viewer-Response",
        "value": base64.b64encode(json.dumps(event).encode()).decode()}]
    return response
"""


def _published(emulator: EmulatorHandle, code: str) -> str:
    lambdas = emulator.client("lambda")
    name = create_function(lambdas, {"app.py": code})
    return str(lambdas.publish_version(FunctionName=name)["FunctionArn"])


@pytest.fixture
def edge_site(fresh_emulator: EmulatorHandle) -> tuple[EmulatorHandle, str]:
    s3 = fresh_emulator.client("s3")
    s3.create_bucket(Bucket="site")
    s3.put_object(Bucket="site", Key="a.txt", Body=b"first", ContentType="text/plain")
    arns = {event: _published(fresh_emulator, code) for event, code in (
        ("viewer-request", VIEWER_REQUEST), ("origin-request", ORIGIN_REQUEST),
        ("origin-response", ORIGIN_RESPONSE), ("viewer-response", VIEWER_RESPONSE))}
    associations = listed([{"EventType": event, "LambdaFunctionARN": arn}
                           for event, arn in arns.items()])
    created = fresh_emulator.client("cloudfront").create_distribution(
        DistributionConfig=config([s3_origin("site")], behaviour(
            "bucket", LambdaFunctionAssociations=associations)))
    return fresh_emulator, str(created["Distribution"]["Id"])


def _decoded(value: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(base64.b64decode(value))
    return found


def _check_headers(headers: dict[str, Any]) -> None:
    for name, values in headers.items():
        assert name == name.lower()
        for entry in values:
            assert set(entry) == {"key", "value"} and entry["key"].lower() == name


def test_every_trigger_point_gets_awss_event_changes_the_exchange_and_is_checked(
        edge_site: tuple[EmulatorHandle, str]) -> None:
    emulator, distribution_id = edge_site
    with viewer(emulator, distribution_id) as client:
        generated = client.get("/event", params={"q": "1"})
        assert generated.status_code == 200
        assert generated.headers["x-cache"] == "LambdaGeneratedResponse from cloudfront"
        event = generated.json()
        cf = event["Records"][0]["cf"]
        assert set(cf) == {"config", "request"}
        assert set(cf["config"]) == CONFIG_KEYS
        assert cf["config"]["eventType"] == "viewer-request"
        assert cf["config"]["distributionId"] == distribution_id
        assert set(cf["request"]) == VIEWER_REQUEST_KEYS
        assert cf["request"]["querystring"] == "q=1" and cf["request"]["method"] == "GET"
        assert cf["request"]["headers"]["host"][0]["value"] == cf["config"][
            "distributionDomainName"]
        _check_headers(cf["request"]["headers"])

        rewritten = client.get("/old.txt")
        assert rewritten.status_code == 200 and rewritten.content == b"first"
        viewer_event = _decoded(rewritten.headers["x-viewer-response"])["Records"][0]["cf"]
        assert set(viewer_event) == {"config", "request", "response"}
        assert viewer_event["config"]["eventType"] == "viewer-response"
        assert set(viewer_event["request"]) == VIEWER_REQUEST_KEYS
        assert viewer_event["request"]["uri"] == "/a.txt"
        assert set(viewer_event["response"]) == RESPONSE_KEYS
        assert viewer_event["response"]["status"] == "200"
        _check_headers(viewer_event["response"]["headers"])

        origin_event = _decoded(rewritten.headers["x-origin-response"])["Records"][0]["cf"]
        assert origin_event["config"]["eventType"] == "origin-response"
        assert set(origin_event["request"]) == ORIGIN_REQUEST_KEYS
        assert set(origin_event["request"]["origin"]["s3"]) == S3_ORIGIN_KEYS
        assert origin_event["request"]["origin"]["s3"]["authMethod"] == \
            "origin-access-identity"
        request_event = json.loads(origin_event["request"]["headers"]["x-origin-event"][0][
            "value"])["Records"][0]["cf"]
        assert request_event["config"]["eventType"] == "origin-request"
        assert set(request_event["request"]) == ORIGIN_REQUEST_KEYS
        origin_headers = request_event["request"]["headers"]
        assert origin_headers["user-agent"][0]["value"] == "Amazon CloudFront"
        assert origin_headers["host"][0]["value"] == "site.s3.amazonaws.com"
        assert "via" in origin_headers and "x-forwarded-for" in origin_headers
        # Headers CloudFront keeps from edge code never reach it.
        assert "x-amz-cf-id" not in origin_headers and "x-cache" not in viewer_event[
            "response"]["headers"]

        # The viewer response trigger runs on cache hits too.
        hit = client.get("/old.txt")
        assert hit.headers["x-cache"] == "Hit from cloudfront"
        assert "x-viewer-response" in hit.headers

        made = client.get("/made")
        assert (made.status_code, made.content) == (200, b"made at the edge")
        assert client.get("/made").headers["x-cache"] == "Hit from cloudfront"

        # Results that break the rules are CloudFront's 502s.
        changed_host = client.get("/host")
        assert changed_host.status_code == 502
        assert changed_host.headers["x-cache"] == "LambdaValidationError from cloudfront"
        assert b"The request could not be satisfied" in changed_host.content
        failed = client.get("/boom")
        assert failed.status_code == 502
        assert failed.headers["x-cache"] == "LambdaExecutionError from cloudfront"


# AWS's documented Node.js shapes: an async handler that generates a redirect
# (lambda-examples.html, "Generate an HTTP redirect") and a callback-style handler that adds
# a response header (lambda-examples.html, "Add HTTP security headers").
NODE_VIEWER_REQUEST = """
exports.handler = async (event) => {
    const request = event.Records[0].cf.request;
    if (request.uri === '/moved') {
        return { status: '302', statusDescription: 'Found',
                 headers: { location: [{ key: 'Location', value: '/a.txt' }] } };
    }
    request.headers['x-from-node'] = [{ key: 'X-From-Node', value: request.method }];
    return request;
};
"""

NODE_ORIGIN_RESPONSE = """
exports.handler = (event, context, callback) => {
    const response = event.Records[0].cf.response;
    response.headers['strict-transport-security'] = [{
        key: 'Strict-Transport-Security', value: 'max-age=63072000; includeSubdomains'}];
    callback(null, response);
};
"""


@pytest.mark.slow  # two Node.js cold starts
def test_nodejs_functions_at_the_edge(fresh_emulator: EmulatorHandle) -> None:
    need("node")
    s3 = fresh_emulator.client("s3")
    s3.create_bucket(Bucket="site")
    s3.put_object(Bucket="site", Key="a.txt", Body=b"first", ContentType="text/plain")
    lambdas = fresh_emulator.client("lambda")
    arns = {}
    for event, code in (("viewer-request", NODE_VIEWER_REQUEST),
                        ("origin-response", NODE_ORIGIN_RESPONSE)):
        name = create_function(lambdas, {"index.js": code}, handler="index.handler",
                               Runtime="nodejs20.x")
        arns[event] = lambdas.publish_version(FunctionName=name)["FunctionArn"]
    created = fresh_emulator.client("cloudfront").create_distribution(
        DistributionConfig=config([s3_origin("site")], behaviour(
            "bucket", LambdaFunctionAssociations=listed(
                [{"EventType": e, "LambdaFunctionARN": a} for e, a in arns.items()]))))
    with viewer(fresh_emulator, created["Distribution"]["Id"]) as client:
        moved = client.get("/moved")
        assert (moved.status_code, moved.headers["location"]) == (302, "/a.txt")
        assert moved.headers["x-cache"] == "LambdaGeneratedResponse from cloudfront"
        page = client.get("/a.txt")
        assert (page.status_code, page.content) == (200, b"first")
        assert page.headers["strict-transport-security"].startswith("max-age=63072000")
