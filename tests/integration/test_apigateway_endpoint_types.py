"""REST API endpoint types: an edge-optimized API (the default) is reached through CloudFront,
so its integrations see the headers CloudFront adds (``CloudFront-*``, ``Via``,
``X-Amz-Cf-Id``) and its answers carry CloudFront's; a regional API gets only API Gateway's
``X-Forwarded-*``. Custom domain names answer the alias target of their type
(``distributionDomainName`` or ``regionalDomainName``), which routes to the mapped API too.

- https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-endpoint-types.html
- https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
  (the proxy event's headers of an edge-optimized API: CloudFront-Forwarded-Proto,
  CloudFront-Is-Desktop-Viewer ... CloudFront-Viewer-Country, Via "1.1 ….cloudfront.net
  (CloudFront)", X-Amz-Cf-Id, X-Forwarded-For "client, edge", X-Forwarded-Port/-Proto)
- https://docs.aws.amazon.com/apigateway/latest/api/API_DomainName.html
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from apigateway_support import Api, lambda_uri, new_api
from http_api_support import ECHO, new_function

from emulator.testing import EmulatorHandle

VIA = re.compile(r"^1\.1 [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)$")
CLOUDFRONT_HEADERS = {"CloudFront-Forwarded-Proto", "CloudFront-Is-Desktop-Viewer",
                      "CloudFront-Is-Mobile-Viewer", "CloudFront-Is-SmartTV-Viewer",
                      "CloudFront-Is-Tablet-Viewer", "CloudFront-Viewer-Country", "Via",
                      "X-Amz-Cf-Id"}


@pytest.fixture(scope="module")
def function(emulator: EmulatorHandle) -> str:
    return new_function(emulator, ECHO)


def _echo_api(emulator: EmulatorHandle, function: str, **options: Any) -> Api:
    api = new_api(emulator, "endpoint-types", **options)
    api.method("/echo", "GET", {"type": "AWS_PROXY", "integrationHttpMethod": "POST",
                                "uri": lambda_uri(emulator.region, function)})
    api.deploy("dev")
    return api


def test_an_edge_optimized_api_is_reached_through_cloudfront(
        emulator: EmulatorHandle, function: str) -> None:
    api = _echo_api(emulator, function)
    assert api.client.get_rest_api(restApiId=api.id)["endpointConfiguration"]["types"] == [
        "EDGE"]
    reply = api.get("dev", "/echo", headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64)"})
    assert reply.status_code == 200, reply.text
    headers = reply.json()["headers"]
    assert set(headers) >= CLOUDFRONT_HEADERS
    assert headers["CloudFront-Forwarded-Proto"] == headers["X-Forwarded-Proto"] == "http"
    assert headers["CloudFront-Is-Desktop-Viewer"] == "true"
    assert headers["CloudFront-Is-Mobile-Viewer"] == "false"
    assert VIA.match(headers["Via"])
    assert len(headers["X-Amz-Cf-Id"]) == 56
    assert headers["X-Forwarded-For"] == "127.0.0.1, 127.0.0.1"  # the viewer, then the edge
    assert headers["X-Forwarded-Port"] == str(httpx.URL(emulator.endpoint_url).port)
    # The answer comes back through CloudFront: never cached, so a miss.
    assert reply.headers["x-cache"] == "Miss from cloudfront"
    assert reply.headers["x-amz-cf-id"] == headers["X-Amz-Cf-Id"]
    assert VIA.match(reply.headers["via"]) and reply.headers["x-amz-cf-pop"]
    phone = api.get("dev", "/echo", headers={
        "User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"})
    assert phone.json()["headers"]["CloudFront-Is-Mobile-Viewer"] == "true"
    assert phone.json()["headers"]["CloudFront-Is-Desktop-Viewer"] == "false"
    missing = api.get("dev", "/nothing")
    assert missing.status_code == 403
    assert missing.headers["x-cache"] == "Error from cloudfront"


def test_a_regional_api_gets_only_api_gateway_s_headers(
        emulator: EmulatorHandle, function: str) -> None:
    api = _echo_api(emulator, function, endpointConfiguration={"types": ["REGIONAL"]})
    reply = api.get("dev", "/echo", headers={"X-Forwarded-For": "203.0.113.9"})
    headers = reply.json()["headers"]
    assert not CLOUDFRONT_HEADERS & set(headers)
    # The emulator's server reads a local client's X-Forwarded-For as its address (a proxy in
    # front of it), so the list already ends with it.
    assert headers["X-Forwarded-For"] == "203.0.113.9"
    assert headers["X-Forwarded-Proto"] == "http"
    assert "x-cache" not in reply.headers and "via" not in reply.headers


def test_domain_names_answer_their_alias_target(emulator: EmulatorHandle,
                                                function: str) -> None:
    api = _echo_api(emulator, function, endpointConfiguration={"types": ["REGIONAL"]})
    client = api.client
    edge = client.create_domain_name(domainName="edge.example.test",
                                      certificateArn="arn:aws:acm:us-east-1:1:certificate/a")
    assert edge["distributionDomainName"].endswith(".cloudfront.net")
    assert edge["distributionHostedZoneId"] == "Z2FDTNDATAQYW2"  # CloudFront's zone
    assert "regionalDomainName" not in edge and "regionalHostedZoneId" not in edge
    regional = client.create_domain_name(
        domainName="regional.example.test", endpointConfiguration={"types": ["REGIONAL"]},
        regionalCertificateArn="arn:aws:acm:us-east-1:1:certificate/b")
    assert re.match(r"^d-[a-z0-9]{10}\.execute-api\.[a-z0-9-]+\.amazonaws\.com$",
                    regional["regionalDomainName"])
    assert regional["regionalHostedZoneId"]
    assert "distributionDomainName" not in regional
    for domain in ("edge.example.test", "regional.example.test"):
        client.create_base_path_mapping(domainName=domain, restApiId=api.id, stage="dev")
    # A name's alias target (what its DNS record points at) reaches the mapped API.
    through_edge = httpx.get(f"{emulator.endpoint_url}/echo",
                             headers={"Host": edge["distributionDomainName"]})
    assert through_edge.status_code == 200, through_edge.text
    assert "CloudFront-Viewer-Country" in through_edge.json()["headers"]
    through_regional = httpx.get(f"{emulator.endpoint_url}/echo",
                                 headers={"Host": regional["regionalDomainName"]})
    assert through_regional.status_code == 200, through_regional.text
    assert "Via" not in through_regional.json()["headers"]
