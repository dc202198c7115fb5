"""The events a WebSocket API gives Lambda functions, as AWS builds them: ``CONNECT`` (the
handshake's headers and query string), ``MESSAGE`` (the body) and ``DISCONNECT`` (the close
code and reason), each with the same ``requestContext``; the ``$connect`` REQUEST authorizer's
event; and the ``$context`` variables of mapping templates.

The requestContext's keys come in AWS's order: routeKey, (messageId), (authorizer), eventType,
extendedRequestId, requestTime, messageDirection, stage, connectedAt, requestTimeEpoch,
identity, requestId, domainName, connectionId, apiId.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from emulator.gateway.websocket.connections import Connection, new_id
from emulator.gateway.websocket.deployed import DeployedWebSocketStage

CONNECT, MESSAGE, DISCONNECT = "CONNECT", "MESSAGE", "DISCONNECT"
# Handshake headers a proxy integration's CONNECT event leaves out (the authorizer sees them).
HOP_HEADERS = ("connection", "upgrade")


@dataclass
class Call:
    """One event of a connection: what its integration (or authorizer) is called with."""

    connection: Connection
    deployed: DeployedWebSocketStage
    route_key: str
    event_type: str
    started: float  # emulator clock, seconds
    body: str | None = None
    message_id: str | None = None
    request_id: str = field(default_factory=new_id)
    disconnect_code: int | None = None
    disconnect_reason: str = ""
    perf_started: float = field(default_factory=time.perf_counter)
    error_message: str = ""
    status: str = ""
    integration_latency: str = ""

    @property
    def stage_variables(self) -> dict[str, str]:
        return self.deployed.stage_variables


def request_time(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")


def trace_id(epoch: float) -> str:
    return f"Root=1-{int(epoch):08x}-{os.urandom(12).hex()}"


def request_context(call: Call, *, with_authorizer: bool = True) -> dict[str, Any]:
    conn = call.connection
    context: dict[str, Any] = {"routeKey": call.route_key}
    if call.event_type == DISCONNECT:
        context["disconnectStatusCode"] = call.disconnect_code
    if call.message_id is not None:
        context["messageId"] = call.message_id
    if with_authorizer and conn.authorizer is not None:
        context["authorizer"] = dict(conn.authorizer)
    context["eventType"] = call.event_type
    context["extendedRequestId"] = call.request_id
    context["requestTime"] = request_time(call.started)
    context["messageDirection"] = "IN"
    if call.event_type == DISCONNECT:
        context["disconnectReason"] = call.disconnect_reason
    context.update({
        "stage": call.deployed.stage_name,
        "connectedAt": int(conn.connected_at * 1000),
        "requestTimeEpoch": int(call.started * 1000),
        "identity": conn.identity(),
        "requestId": call.request_id,
        "domainName": conn.domain_name,
        "connectionId": conn.connection_id,
        "apiId": conn.api_id,
    })
    return context


def _forwarded(conn: Connection, started: float) -> list[tuple[str, str]]:
    """What API Gateway's front end adds to the handshake it passes on."""
    present = {key.lower() for key, _ in conn.headers}
    added = [("X-Amzn-Trace-Id", trace_id(started)), ("X-Forwarded-For", conn.source_ip),
             ("X-Forwarded-Port", str(conn.port)),
             ("X-Forwarded-Proto", "https" if conn.scheme == "wss" else "http")]
    return [(key, value) for key, value in added if key.lower() not in present]


def header_maps(headers: list[tuple[str, str]], *, ordered: bool = True
                ) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Single and multi-value maps; AWS lists headers by name, case aside."""
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    items = sorted(headers, key=lambda item: item[0].lower()) if ordered else headers
    for key, value in items:
        single[key] = value
        multi.setdefault(key, []).append(value)
    return single, multi


def query_maps(query: list[tuple[str, str]]) -> tuple[dict[str, str], dict[str, list[str]]]:
    return header_maps(query, ordered=False)


def _with_handshake(event: dict[str, Any], call: Call, headers: list[tuple[str, str]]
                    ) -> None:
    single, multi = header_maps(headers)
    event["headers"], event["multiValueHeaders"] = single, multi
    if call.connection.query:
        query, multi_query = query_maps(call.connection.query)
        event["queryStringParameters"] = query
        event["multiValueQueryStringParameters"] = multi_query


def proxy_event(call: Call) -> dict[str, Any]:
    """The Lambda proxy integration's event."""
    conn = call.connection
    event: dict[str, Any] = {}
    if call.event_type == CONNECT:
        headers = [(k, v) for k, v in conn.headers if k.lower() not in HOP_HEADERS]
        _with_handshake(event, call, headers + _forwarded(conn, call.started))
    elif call.event_type == DISCONNECT:
        # What AWS passes with $disconnect, whatever the handshake held.
        host = next((v for k, v in conn.headers if k.lower() == "host"), conn.domain_name)
        headers = [("Host", host), ("x-api-key", ""), ("X-Forwarded-For", ""),
                   ("x-restapi", "")]
        event["headers"], event["multiValueHeaders"] = header_maps(headers, ordered=False)
    event["requestContext"] = request_context(call)
    if call.event_type == MESSAGE:
        event["body"] = call.body
    event["isBase64Encoded"] = False
    if call.stage_variables:
        event["stageVariables"] = call.stage_variables
    return event


def authorizer_event(call: Call) -> dict[str, Any]:
    """The ``$connect`` REQUEST authorizer's event."""
    conn = call.connection
    method_arn = (f"arn:aws:execute-api:{conn.region}:{conn.account}:{conn.api_id}/"
                  f"{call.deployed.stage_name}/$connect")
    event: dict[str, Any] = {"type": "REQUEST", "methodArn": method_arn}
    headers = list(conn.headers)
    if not any(k.lower() == "content-length" for k, _ in headers):
        headers.append(("content-length", "0"))
    _with_handshake(event, call, headers + _forwarded(conn, call.started))
    event["stageVariables"] = call.stage_variables
    event["requestContext"] = request_context(call, with_authorizer=False)
    event["isBase64Encoded"] = False
    event["body"] = None
    return event


def template_context(call: Call) -> dict[str, Any]:
    """``$context`` for mapping templates: every variable AWS documents for WebSocket
    APIs (unused ones empty)."""
    conn = call.connection
    identity: dict[str, Any] = {
        "accountId": "", "apiKey": "", "apiKeyId": "", "caller": "",
        "cognitoAuthenticationProvider": "", "cognitoAuthenticationType": "",
        "cognitoIdentityId": "", "cognitoIdentityPoolId": "", "sourceIp": conn.source_ip,
        "user": "", "userAgent": conn.user_agent or "", "userArn": ""}
    identity.update(conn.caller)
    message = call.error_message
    return {
        "apiId": conn.api_id,
        "authorizer": dict(conn.authorizer or {}),
        "connectedAt": int(conn.connected_at * 1000),
        "connectionId": conn.connection_id,
        "domainName": conn.domain_name,
        "error": {"message": message, "messageString": f'"{message}"',
                  "validationErrorString": ""},
        "eventType": call.event_type,
        "extendedRequestId": call.request_id,
        "identity": identity,
        "integrationLatency": call.integration_latency,
        # Every event a route's integration sees travels from the client to the integration.
        "messageDirection": "IN",
        "messageId": call.message_id or "",
        "requestId": call.request_id,
        "requestTime": request_time(call.started),
        "requestTimeEpoch": int(call.started * 1000),
        "routeKey": call.route_key,
        "stage": call.deployed.stage_name,
        "status": call.status,
    }


__all__ = ["CONNECT", "DISCONNECT", "MESSAGE", "Call", "authorizer_event", "header_maps",
           "proxy_event", "query_maps", "request_context", "request_time",
           "template_context"]
