"""Header names reach integrations as the client sent them, and responses keep the names the
integration returned; HTTP API payload 2.0 lowercases them, as AWS does.

Sources:
- https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
  (the REST proxy event's ``headers`` and ``multiValueHeaders``: "Content-Type",
  "Header1" and the like, named as sent; a header sent twice is listed twice in
  ``multiValueHeaders`` and ``headers`` keeps the last value).
- https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
  (HTTP APIs, both payload formats: "All header names are lowercase"; format 2.0 joins
  repeated values with commas and has no multiValueHeaders).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from apigateway_support import lambda_uri, new_api
from http_api_support import new_function, new_http_api

from emulator.testing import EmulatorHandle

ECHO = """
import json
def handler(event, context):
    return {"statusCode": 200,
            "headers": {"Content-Type": "application/json", "X-Back-Case": "y"},
            "multiValueHeaders": {"x-lower-back": ["a", "b"]},
            "body": json.dumps({"headers": event["headers"],
                                "multiValueHeaders": event.get("multiValueHeaders")})}
"""

SENT = [("Content-Type", "application/json"), ("X-Custom-Header", "one"),
        ("authorization", "Bearer t"), ("X-Multi", "a"), ("X-Multi", "b"),
        ("USER-AGENT", "shouting-client")]


def _sent_headers() -> httpx.Headers:
    return httpx.Headers(SENT)


@pytest.fixture(scope="module")
def function(emulator: EmulatorHandle) -> str:
    return new_function(emulator, ECHO)


def test_rest_proxy_event_keeps_the_client_s_header_names(emulator: EmulatorHandle,
                                                          function: str) -> None:
    api = new_api(emulator, "header-names")
    api.method("/echo", "POST", {"type": "AWS_PROXY", "integrationHttpMethod": "POST",
                                 "uri": lambda_uri(emulator.region, function)})
    api.deploy("dev")
    reply = api.request("POST", "dev", "/echo", headers=_sent_headers(), content=b"{}")
    assert reply.status_code == 200, reply.text
    event = reply.json()
    headers, multi = event["headers"], event["multiValueHeaders"]
    for name in ("Content-Type", "X-Custom-Header", "authorization", "USER-AGENT", "X-Multi"):
        assert name in headers and name in multi, (name, headers)
    assert "content-type" not in headers and "x-custom-header" not in headers
    assert multi["X-Multi"] == ["a", "b"] and headers["X-Multi"] == "b"
    # The response keeps the names the function returned.
    names = [name.decode() for name, _ in reply.headers.raw]
    assert "X-Back-Case" in names and "x-lower-back" in names
    assert reply.headers.get_list("x-lower-back") == ["a", "b"]


def test_http_api_payloads_lowercase_names(emulator: EmulatorHandle, function: str) -> None:
    api = new_http_api(emulator, "header-names-http")
    api.route("POST /one", api.lambda_integration(function, version="1.0"))
    api.route("POST /two", api.lambda_integration(function, version="2.0"))
    api.stage()
    one = api.request("POST", "/one", headers=_sent_headers(), content=b"{}").json()
    assert "x-custom-header" in one["headers"] and "user-agent" in one["headers"]
    assert all(name == name.lower() for name in one["headers"])
    assert one["multiValueHeaders"]["x-multi"] == ["a", "b"]
    two = api.request("POST", "/two", headers=_sent_headers(), content=b"{}").json()
    assert "x-custom-header" in two["headers"] and "X-Custom-Header" not in two["headers"]
    assert two["headers"]["x-multi"] == "a,b"
    assert two["multiValueHeaders"] is None


class _Recorder(BaseHTTPRequestHandler):
    seen: list[list[str]] = []

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        type(self).seen.append(list(self.headers.keys()))
        body = json.dumps({"ok": True}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Backend-Case", "kept")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def backend() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Recorder.seen = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_rest_http_proxy_passes_names_on_both_ways(emulator: EmulatorHandle,
                                                   backend: str) -> None:
    api = new_api(emulator, "header-names-proxy")
    api.method("/up", "GET", {"type": "HTTP_PROXY", "integrationHttpMethod": "GET",
                              "uri": f"{backend}/up"})
    api.deploy("dev")
    reply = api.get("dev", "/up", headers=httpx.Headers([("X-Custom-Header", "one")]))
    assert reply.status_code == 200, reply.text
    assert "X-Custom-Header" in _Recorder.seen[-1], _Recorder.seen
    assert "X-Backend-Case" in [name.decode() for name, _ in reply.headers.raw]
