"""CORS answers of HTTP APIs from a CorsConfiguration."""

from __future__ import annotations

from emulator.gateway.http_api import cors
from emulator.gateway.messages import GatewayRequest, GatewayResponse

CONFIG = {"AllowOrigins": ["https://a.example"], "AllowMethods": ["GET", "put"],
          "AllowHeaders": ["X-Key"], "ExposeHeaders": ["X-Out"], "MaxAge": 60}


def _request(method: str, **headers: str) -> GatewayRequest:
    return GatewayRequest(method=method, path="/", headers=[
        (k.replace("_", "-"), v) for k, v in headers.items()])


def test_preflight_needs_origin_and_requested_method() -> None:
    assert cors.is_preflight(_request("OPTIONS", Origin="o", Access_Control_Request_Method="GET"))
    assert not cors.is_preflight(_request("OPTIONS", Origin="o"))
    assert not cors.is_preflight(_request("GET", Origin="o", Access_Control_Request_Method="G"))


def test_preflight_answer_for_allowed_and_other_origins() -> None:
    answer = cors.preflight(CONFIG, _request("OPTIONS", Origin="https://a.example",
                                             Access_Control_Request_Method="PUT"))
    assert answer.status == 204
    assert dict(answer.headers) == {
        "Access-Control-Allow-Origin": "https://a.example",
        "Access-Control-Allow-Methods": "GET,PUT", "Access-Control-Allow-Headers": "x-key",
        "Access-Control-Max-Age": "60"}
    other = cors.preflight(CONFIG, _request("OPTIONS", Origin="https://b.example",
                                            Access_Control_Request_Method="PUT"))
    assert other.status == 204 and other.headers == []


def test_decorate_replaces_backend_cors_headers() -> None:
    response = GatewayResponse(200, [("Access-Control-Allow-Origin", "*"), ("a", "b")])
    cors.decorate(CONFIG, _request("GET", Origin="https://a.example"), response)
    assert response.headers == [("a", "b"), ("Access-Control-Allow-Origin", "https://a.example"),
                                ("Access-Control-Expose-Headers", "x-out")]
