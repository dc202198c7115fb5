"""What API Gateway adds to a REST request by endpoint type, and CloudFront's device headers
read from the User-Agent.

https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/adding-cloudfront-headers.html
"""

from __future__ import annotations

import pytest

from emulator.edge.viewer_headers import device_headers
from emulator.gateway.messages import GatewayRequest
from emulator.gateway.rest.forwarded import add_forwarded, endpoint_types


@pytest.mark.parametrize(("agent", "true_one"), [
    ("Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0", "Desktop"),
    ("curl/8.4.0", "Desktop"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148", "Mobile"),
    ("Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile Safari/537.36", "Mobile"),
    ("Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)", "Tablet"),
    ("Mozilla/5.0 (Linux; Android 13; SM-X700) Safari/537.36", "Tablet"),
    ("Mozilla/5.0 (SMART-TV; Linux; Tizen 7.0)", "SmartTV"),
])
def test_exactly_one_device_is_true(agent: str, true_one: str) -> None:
    flags = dict(device_headers(agent))
    assert [name for name, value in flags.items() if value == "true"] == [
        f"CloudFront-Is-{true_one}-Viewer"]


def test_endpoint_types_default_to_edge() -> None:
    assert endpoint_types({}) == ("EDGE",)
    assert endpoint_types({"endpointConfiguration": {"types": ["PRIVATE"]}}) == ("PRIVATE",)


def _request(*headers: tuple[str, str]) -> GatewayRequest:
    return GatewayRequest("GET", "/", headers=[("Host", "api.example:8080"), *headers],
                          source_ip="198.51.100.7", host="api.example:8080")


def test_a_regional_request_gets_x_forwarded_only() -> None:
    request = _request(("X-Forwarded-Proto", "spoofed"), ("Via", "1.1 proxy"))
    assert add_forwarded(request, edge=False) is None
    headers = dict(request.headers)
    assert headers["X-Forwarded-For"] == "198.51.100.7"
    assert (headers["X-Forwarded-Port"], headers["X-Forwarded-Proto"]) == ("8080", "http")
    assert headers["Via"] == "1.1 proxy"  # a regional API passes the client's Via on
    assert not any(name.startswith("CloudFront-") for name in headers)


def test_an_edge_request_gets_cloudfront_s_headers() -> None:
    request = _request(("X-Forwarded-For", "203.0.113.1"),
                       ("CloudFront-Is-Mobile-Viewer", "true"))  # a client cannot set it
    cf_id = add_forwarded(request, edge=True)
    headers = dict(request.headers)
    assert headers["X-Amz-Cf-Id"] == cf_id
    assert headers["X-Forwarded-For"] == "203.0.113.1, 198.51.100.7, 127.0.0.1"
    assert headers["CloudFront-Is-Mobile-Viewer"] == "false"
    assert [name for name, _ in request.headers].count("CloudFront-Is-Mobile-Viewer") == 1
    assert headers["CloudFront-Forwarded-Proto"] == "http"


def test_an_edge_answer_gets_cloudfront_headers_in_place_of_its_own() -> None:
    """As one set_header per name: earlier values of the same names (any case) go, the
    others keep their order, and CloudFront's come last in their order."""
    from emulator.gateway.messages import GatewayResponse
    from emulator.gateway.rest.forwarded import mark_edge_answer

    answer = GatewayResponse(200, [("via", "1.1 app"), ("Content-Type", "text/plain"),
                                   ("x-cache", "Hit"), ("X-Other", "1")])
    one_by_one = GatewayResponse(200, list(answer.headers))
    mark_edge_answer(answer, "cf-id")
    for name, value in answer.headers[-4:]:
        one_by_one.set_header(name, value)
    assert answer.headers == one_by_one.headers
    assert [name for name, _ in answer.headers] == [
        "Content-Type", "X-Other", "X-Cache", "Via", "X-Amz-Cf-Pop", "X-Amz-Cf-Id"]
