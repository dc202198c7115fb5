"""The events a WebSocket API gives a Lambda proxy integration, compared key by key with
AWS's examples of ``$connect``, message and ``$disconnect`` events, and their values."""

from __future__ import annotations

import base64
import os
import re
import socket
from typing import Any
from urllib.parse import urlsplit

import pytest
from websocket_support import Recorder, WebSocketApi, new_recorder, new_websocket_api

from emulator.testing import EmulatorHandle

# AWS's examples (API Gateway's WebSocket events as AWS's samples log them). The identity of
# a client that sends a User-Agent also has "userAgent".
DOCUMENTED_CONNECT: dict[str, Any] = {
    "headers": {"Host": "abcdef123.execute-api.us-east-1.amazonaws.com",
                "Sec-WebSocket-Extensions": "permessage-deflate; client_max_window_bits",
                "Sec-WebSocket-Key": "X/MA+DSRXZ8WnITjBpxm3g==", "Sec-WebSocket-Version": "13",
                "X-Amzn-Trace-Id": "Root=1-5fd5ea4b-35d888b22f86c62d26beae28",
                "X-Forwarded-For": "203.0.113.0", "X-Forwarded-Port": "443",
                "X-Forwarded-Proto": "https"},
    "multiValueHeaders": {},
    "requestContext": {
        "routeKey": "$connect", "eventType": "CONNECT", "extendedRequestId": "XfGLwFTktjMFsLg=",
        "requestTime": "13/Dec/2020:10:17:47 +0000", "messageDirection": "IN", "stage": "dev",
        "connectedAt": 1607854667185, "requestTimeEpoch": 1607854667186,
        "identity": {"sourceIp": "203.0.113.0"}, "requestId": "XfGLwFTktjMFsLg=",
        "domainName": "abcdef123.execute-api.us-east-1.amazonaws.com",
        "connectionId": "XfGLwdSPtjMCFkw=", "apiId": "abcdef123",
    },
    "isBase64Encoded": False,
}
DOCUMENTED_MESSAGE: dict[str, Any] = {
    "requestContext": {
        "routeKey": "$default", "messageId": "SOqIDdzSoAMCEeg=", "eventType": "MESSAGE",
        "extendedRequestId": "SOqIDEacoAMFaHQ=", "requestTime": "16/May/2022:17:30:27 +0000",
        "messageDirection": "IN", "stage": "api", "connectedAt": 1652722217711,
        "requestTimeEpoch": 1652722227357, "identity": {"sourceIp": "192.0.2.1"},
        "requestId": "SOqIDEacoAMFaHQ=",
        "domainName": "u9jlm1pv1h.execute-api.us-east-1.amazonaws.com",
        "connectionId": "SOqGjdZioAMCEeg=", "apiId": "u9jlm1pv1h",
    },
    "body": '{"first_name" : "Jane", "last_name" : "Doe"}',
    "isBase64Encoded": False,
}
DOCUMENTED_DISCONNECT: dict[str, Any] = {
    "headers": {"Host": "abcd1234.execute-api.us-east-1.amazonaws.com", "x-api-key": "",
                "X-Forwarded-For": "", "x-restapi": ""},
    "multiValueHeaders": {"Host": ["abcd1234.execute-api.us-east-1.amazonaws.com"],
                          "x-api-key": [""], "X-Forwarded-For": [""], "x-restapi": [""]},
    "requestContext": {
        "routeKey": "$disconnect", "disconnectStatusCode": 1005, "eventType": "DISCONNECT",
        "extendedRequestId": "ABCD1234=", "requestTime": "09/Feb/2024:18:23:28 +0000",
        "messageDirection": "IN", "disconnectReason": "Client-side close frame status not set",
        "stage": "prod", "connectedAt": 1707503007396, "requestTimeEpoch": 1707503008941,
        "identity": {"sourceIp": "192.0.2.1"}, "requestId": "ABCD1234=",
        "domainName": "abcd1234.execute-api.us-east-1.amazonaws.com",
        "connectionId": "AAAA1234=", "apiId": "abcd1234",
    },
    "isBase64Encoded": False,
}
ID = re.compile(r"^[A-Za-z0-9_-]{15}=$")
REQUEST_TIME = re.compile(r"^\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} \+0000$")


def _keys(event: dict[str, Any]) -> set[str]:
    return set(event)


@pytest.fixture(scope="module")
def recorded(emulator: EmulatorHandle) -> tuple[WebSocketApi, Recorder,
                                                 list[dict[str, Any]]]:
    """Events of one connection: connect (with a query string), one message, close."""
    recorder = new_recorder(emulator)
    api = new_websocket_api(emulator)
    integration = api.lambda_integration(recorder.arn)
    for key in ("$connect", "$default", "$disconnect"):
        api.route(key, integration)
    api.stage("dev", StageVariables={"table": "chat"})
    with api.connect(by_host=True) as ws:
        ws.send('{"first_name" : "Jane", "last_name" : "Doe"}')
        events = recorder.events(2)
    events.extend(recorder.events(1))
    by_type = {event["requestContext"]["eventType"]: event for event in events}
    return api, recorder, [by_type["CONNECT"], by_type["MESSAGE"], by_type["DISCONNECT"]]


def test_connect_event(recorded: tuple[WebSocketApi, Recorder, list[dict[str, Any]]]
                       ) -> None:
    api, _, (event, _, _) = recorded
    assert _keys(event) == _keys(DOCUMENTED_CONNECT) | {"stageVariables"}
    context = event["requestContext"]
    documented = DOCUMENTED_CONNECT["requestContext"]
    assert set(context) == set(documented)
    assert set(context["identity"]) == {"sourceIp", "userAgent"}
    assert set(DOCUMENTED_CONNECT["headers"]) <= set(event["headers"])
    assert "Connection" not in event["headers"] and "Upgrade" not in event["headers"]
    assert event["multiValueHeaders"]["Host"] == [event["headers"]["Host"]]
    assert event["headers"]["Host"].startswith(f"{api.id}.execute-api.localhost:")
    assert event["headers"]["X-Forwarded-For"] == "127.0.0.1"
    assert event["headers"]["X-Amzn-Trace-Id"].startswith("Root=1-")
    assert (context["routeKey"], context["eventType"], context["messageDirection"],
            context["stage"], context["apiId"]) == ("$connect", "CONNECT", "IN", "dev", api.id)
    assert context["domainName"] == f"{api.id}.execute-api.localhost"
    assert ID.match(context["connectionId"]) and ID.match(context["requestId"])
    assert context["extendedRequestId"] == context["requestId"]
    assert REQUEST_TIME.match(context["requestTime"])
    assert context["requestTimeEpoch"] >= context["connectedAt"]
    assert event["stageVariables"] == {"table": "chat"}
    assert event["isBase64Encoded"] is False


def test_message_event(recorded: tuple[WebSocketApi, Recorder, list[dict[str, Any]]]
                       ) -> None:
    _, _, (connect, event, _) = recorded
    assert _keys(event) == _keys(DOCUMENTED_MESSAGE) | {"stageVariables"}
    context = event["requestContext"]
    assert set(context) == set(DOCUMENTED_MESSAGE["requestContext"])
    assert event["body"] == DOCUMENTED_MESSAGE["body"]
    assert (context["routeKey"], context["eventType"]) == ("$default", "MESSAGE")
    assert ID.match(context["messageId"]) and context["messageId"] != context["requestId"]
    first = connect["requestContext"]
    for same in ("connectionId", "connectedAt", "apiId", "stage", "domainName"):
        assert context[same] == first[same]
    assert context["requestId"] != first["requestId"]


def test_disconnect_event(recorded: tuple[WebSocketApi, Recorder, list[dict[str, Any]]]
                          ) -> None:
    _, _, (connect, _, event) = recorded
    assert _keys(event) == _keys(DOCUMENTED_DISCONNECT) | {"stageVariables"}
    context = event["requestContext"]
    assert set(context) == set(DOCUMENTED_DISCONNECT["requestContext"])
    assert set(event["headers"]) == set(DOCUMENTED_DISCONNECT["headers"])
    assert event["headers"]["Host"] == connect["headers"]["Host"]
    assert event["multiValueHeaders"]["x-restapi"] == [""]
    assert (context["routeKey"], context["eventType"]) == ("$disconnect", "DISCONNECT")
    # The client closed with the normal status code.
    assert (context["disconnectStatusCode"], context["disconnectReason"]) == (
        1000, "Connection Closed Normally")
    assert context["connectionId"] == connect["requestContext"]["connectionId"]


def test_a_close_without_a_status_code(emulator: EmulatorHandle,
                                       recorded: tuple[WebSocketApi, Recorder,
                                                       list[dict[str, Any]]]) -> None:
    """A client that sends a close frame with no status code, as in AWS's example (written
    by hand: client libraries always send one)."""
    api, recorder, _ = recorded
    parts = urlsplit(api.url())
    with socket.create_connection((parts.hostname or "", parts.port or 80), timeout=10) as raw:
        key = base64.b64encode(os.urandom(16)).decode()
        raw.sendall(f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                    f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
                    .encode())
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += raw.recv(4096)
        assert answer.startswith(b"HTTP/1.1 101")
        recorder.events(1)  # $connect
        raw.sendall(bytes([0x88, 0x80]) + os.urandom(4))  # close, masked, no payload
        raw.recv(4096)  # the server's close frame
    context = recorder.events(1)[0]["requestContext"]
    assert context["eventType"] == "DISCONNECT"
    assert (context["disconnectStatusCode"], context["disconnectReason"]) == (
        1005, "Client-side close frame status not set")


def test_connect_event_headers_keep_the_client_s_names(
        recorded: tuple[WebSocketApi, Recorder, list[dict[str, Any]]]) -> None:
    """AWS hands $connect the handshake's headers named as the client wrote them, whatever
    their case (https://docs.aws.amazon.com/apigateway/latest/developerguide/
    apigateway-websocket-api-mapping-template-reference.html shows them so)."""
    api, recorder, _ = recorded
    parts = urlsplit(api.url())
    with socket.create_connection((parts.hostname or "", parts.port or 80), timeout=10) as raw:
        key = base64.b64encode(os.urandom(16)).decode()
        raw.sendall(f"GET {parts.path} HTTP/1.1\r\nhost: {parts.netloc}\r\n"
                    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                    f"sec-websocket-key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                    "X-Custom-CASE: kept\r\nuser-agent: raw-client\r\n\r\n".encode())
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += raw.recv(4096)
        assert answer.startswith(b"HTTP/1.1 101")
        event = recorder.events(1)[0]
        raw.sendall(bytes([0x88, 0x82]) + os.urandom(4) + b"\x03\xe8")
    assert event["requestContext"]["eventType"] == "CONNECT"
    headers = event["headers"]
    assert headers["X-Custom-CASE"] == "kept" and headers["user-agent"] == "raw-client"
    assert "host" in headers and "sec-websocket-key" in headers
    assert event["multiValueHeaders"]["X-Custom-CASE"] == ["kept"]
    assert "Host" not in headers and "X-Custom-Case" not in headers
