"""Every request the emulator answers is in its request log with what answered it: AWS API
calls (service, operation, account, region, error code), REST and HTTP API invoke URLs (API,
stage, route), function URLs (function), WebSocket messages (route key), unroutable requests
(their path); one line each is logged at INFO."""

from __future__ import annotations

import logging

import httpx
import pytest
from apigateway_support import new_api
from http_api_support import new_function, new_http_api
from websocket_support import new_function as new_websocket_function
from websocket_support import new_websocket_api, receive_json

from emulator.config import Settings
from emulator.server import BackgroundServer
from emulator.testing import EmulatorHandle
from emulator.traffic import Exchange

ECHO = """
import json
def handler(event, context):
    return {"statusCode": 200, "body": json.dumps({"ok": True})}
"""
ACCOUNT = "123456789012"


def _latest(emulator: EmulatorHandle, kind: str) -> Exchange:
    found = emulator.emulator.requests.recent(50, lambda e: e.kind == kind)
    assert found, f"no {kind} request was kept"
    return found[0]


def test_aws_api_calls_keep_service_operation_account_region_and_error(
        emulator: EmulatorHandle) -> None:
    sqs = emulator.client("sqs", aws_access_key_id=ACCOUNT, region_name="eu-west-1")
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_url(QueueName="no-such-queue")
    call = _latest(emulator, "api")
    assert (call.label, call.account, call.region, call.status) == (
        "sqs.GetQueueUrl", ACCOUNT, "eu-west-1", 400)
    assert call.error == "QueueDoesNotExist" and b"no-such-queue" in call.request_body
    assert b"QueueDoesNotExist" in call.response_body and call.latency_ms > 0


def test_rest_api_calls_keep_the_api_stage_and_matched_route(emulator: EmulatorHandle) -> None:
    api = new_api(emulator, "logged")
    api.mock("/orders/{id}")
    api.deploy("live")
    assert api.get("live", "/orders/7").status_code == 200
    call = _latest(emulator, "execute-api")
    assert (call.resource, call.operation, call.status) == (
        f"{api.id}/live", "GET /orders/{id}", 200)
    assert call.account == "000000000000" and call.region == emulator.region
    assert api.get("live", "/nowhere").status_code == 403
    assert _latest(emulator, "execute-api").resource == f"{api.id}/live"


def test_http_api_calls_keep_the_route_key(emulator: EmulatorHandle) -> None:
    api = new_http_api(emulator)
    api.route("GET /things/{id}", api.lambda_integration(new_function(emulator, ECHO)))
    api.stage()
    assert api.get("/things/9").status_code == 200
    call = _latest(emulator, "http-api")
    assert (call.resource, call.operation, call.status) == (
        f"{api.id}/$default", "GET /things/{id}", 200)


def test_function_url_calls_name_the_function(emulator: EmulatorHandle) -> None:
    client = emulator.client("lambda")
    arn = new_function(emulator, ECHO)
    name = arn.rsplit(":", 1)[-1]
    url = client.create_function_url_config(FunctionName=name, AuthType="NONE")["FunctionUrl"]
    path = url.split("/_aws/", 1)[1]
    assert httpx.get(f"{emulator.endpoint_url}/_aws/{path}hi").status_code == 200
    call = _latest(emulator, "function-url")
    assert (call.resource, call.status, call.method) == (name, 200, "GET")


def test_websocket_messages_are_kept_with_their_route_key(emulator: EmulatorHandle) -> None:
    api = new_websocket_api(emulator, "$request.body.action")
    function = new_websocket_function(emulator, ECHO)
    api.route("ping", api.lambda_integration(function), two_way=True)
    api.stage()
    with api.connect() as ws:
        ws.send('{"action": "ping"}')
        assert receive_json(ws) == {"ok": True}
    call = _latest(emulator, "websocket")
    assert (call.resource, call.operation, call.status) == (f"{api.id}/dev", "ping", 200)
    assert call.request_body == b'{"action": "ping"}' and b'"ok"' in call.response_body


def test_unroutable_requests_keep_their_path(emulator: EmulatorHandle) -> None:
    # Unsigned GET/PUT/POST/DELETE/HEAD requests are S3's (as at s3.amazonaws.com); PATCH
    # belongs to no unsigned AWS API.
    httpx.request("PATCH", f"{emulator.endpoint_url}/definitely/not/aws", content=b"x")
    call = _latest(emulator, "unroutable")
    assert (call.method, call.path) == ("PATCH", "/definitely/not/aws") and call.status >= 400


def test_one_line_per_request_is_logged_at_info(caplog: pytest.LogCaptureFixture) -> None:
    server = BackgroundServer(Settings(host="127.0.0.1", port=0, state_dir=None,
                                       log_level="info", request_log=True,
                                       xray_daemon_port=-1)).start()
    try:
        handle = EmulatorHandle(server)
        with caplog.at_level(logging.INFO, logger="emulator.requests"):
            handle.client("sqs").list_queues()
            api = new_api(handle, "lines")
            api.mock("/ping")
            api.deploy("prod")
            api.get("prod", "/ping")
            httpx.request("PATCH", f"{server.endpoint_url}/not-aws")
            handle.wait_idle()
        lines = [r.getMessage() for r in caplog.records if r.name == "emulator.requests"]
    finally:
        server.stop()
    assert any(line.startswith("sqs.ListQueues 200 ") for line in lines)
    assert any(line.startswith(f"execute-api GET /_aws/execute-api/{api.id}/prod/ping "
                               f"api={api.id} stage=prod route=GET /ping 200 ") for line in lines)
    assert any(line.startswith("unroutable PATCH /not-aws ") for line in lines)


def test_the_ring_is_capped_by_its_setting() -> None:
    server = BackgroundServer(Settings(host="127.0.0.1", port=0, state_dir=None,
                                       log_level="warning", request_log=False,
                                       request_history=3, xray_daemon_port=-1)).start()
    try:
        sqs = EmulatorHandle(server).client("sqs")
        for _ in range(5):
            sqs.list_queues()
        assert len(server.emulator.requests) == 3
    finally:
        server.stop()
