"""Where WebSocket clients enter the WebSocket API data plane from the web server.

A WebSocket API stage is reached at ``ws://{apiId}.execute-api.localhost:{port}/{stage}`` (the
shape of AWS's ``wss://{apiId}.execute-api.{region}.amazonaws.com/{stage}``) or at
``ws://localhost:{port}/_aws/execute-api/{apiId}/{stage}``. A refused handshake is an HTTP
answer (``403`` for an unknown API or stage, the authorizer's ``401``/``403``...), as AWS's is.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, cast
from urllib.parse import parse_qsl, unquote

from starlette.responses import Response
from starlette.websockets import WebSocket, WebSocketDisconnect

from emulator import addresses
from emulator.gateway.messages import GatewayRequest
from emulator.gateway.websocket.connections import ConnectResult, Handshake
from emulator.header_case import raw_headers
from emulator.ports import Ports

if TYPE_CHECKING:  # the engine loads with the apigatewayv2 provider, not with the server
    from emulator.gateway.websocket.engine import WebSocketGateway

HOST_PATH = re.compile(r"^/(?P<stage>[^/]+)/?$")
PATH_FORM = re.compile(r"^/_aws/execute-api/(?P<api>[^/]+)/(?P<stage>[^/]+)/?$")
log = logging.getLogger("emulator.gateway.websocket")


def gateway(ports: Ports) -> WebSocketGateway | None:
    """The WebSocket API data plane, when the apigatewayv2 service is in use."""
    return cast("WebSocketGateway | None", ports.loaded("websocket-apis"))


def target(host: str, path: str) -> tuple[str, str] | None:
    """The API id and stage name a WebSocket URL names."""
    by_host = addresses.API_HOST.match(host)
    if by_host is not None:
        found = HOST_PATH.match(path)
        return (by_host["api"], unquote(found["stage"])) if found else None
    by_path = PATH_FORM.match(path)
    return (by_path["api"], unquote(by_path["stage"])) if by_path else None


class _Socket:
    """The engine's Transport over Starlette's WebSocket."""

    def __init__(self, websocket: WebSocket) -> None:
        self._websocket = websocket

    async def send(self, data: str | bytes) -> None:
        try:
            if isinstance(data, str):
                await self._websocket.send_text(data)
            else:
                await self._websocket.send_bytes(data)
        except (WebSocketDisconnect, RuntimeError, OSError) as exc:
            raise ConnectionError(str(exc)) from None

    async def close(self, code: int, reason: str) -> None:
        try:
            await self._websocket.close(code, reason)
        except (WebSocketDisconnect, RuntimeError, OSError) as exc:
            raise ConnectionError(str(exc)) from None


def _handshake(websocket: WebSocket) -> Handshake:
    scope = websocket.scope
    raw_path = scope.get("raw_path", b"").decode("latin-1") or scope["path"]
    raw_query = scope.get("query_string", b"").decode("latin-1")
    # AWS passes header names to functions as the client sent them.
    headers = raw_headers(scope)
    host = next((v for k, v in headers if k.lower() == "host"), "localhost")
    client = scope.get("client")
    server = scope.get("server") or ("", 0)
    secure = scope.get("scheme") == "wss"
    request = GatewayRequest(
        method="GET", path=raw_path, query=parse_qsl(raw_query, keep_blank_values=True),
        headers=headers, source_ip=client[0] if client else "127.0.0.1", host=host,
        scheme="https" if secure else "http", raw_query=raw_query, raw_path=raw_path)
    port = int(host.rsplit(":", 1)[1]) if re.search(r":\d+$", host) else int(server[1] or 0)
    return Handshake(request, port, "wss" if secure else "ws")


async def _deny(websocket: WebSocket, status: int, body: bytes,
                headers: list[tuple[str, str]] | None = None) -> None:
    response = Response(body, status_code=status)
    for key, value in headers or [("Content-Type", "application/json")]:
        response.headers.append(key, value)
    await websocket.send_denial_response(response)


async def serve(ports: Ports, websocket: WebSocket) -> None:
    """One client's connection, from the handshake to the close."""
    handshake = _handshake(websocket)
    found = target(handshake.request.host, handshake.request.raw_path)
    engine = gateway(ports)
    if found is None or engine is None or not engine.knows(found[0]):
        await _deny(websocket, 403, b'{"message":"Forbidden"}')
        return
    await ports.started("websocket-apis")
    deployed = engine.stage(*found)
    if deployed is None or deployed.snapshot.api.get("DisableExecuteApiEndpoint"):
        await _deny(websocket, 403, b'{"message":"Forbidden"}')
        return
    conn = engine.new_connection(deployed, handshake)
    try:
        result = await engine.connect(deployed, conn, handshake)
    except Exception:  # a defect still answers as AWS does
        log.exception("WebSocket API %s: $connect failed", conn.api_id)
        result = ConnectResult(False, 500, b'{"message": "Internal server error"}')
    protocol = next((v for k, v in result.headers if k.lower() == "sec-websocket-protocol"),
                    None)
    try:
        if not result.accepted:
            await _deny(websocket, result.status, result.body, result.headers)
            return
        await websocket.accept(subprotocol=protocol)
    except WebSocketDisconnect:  # the client left during $connect
        return
    engine.opened(conn, _Socket(websocket))
    code: int | None = 1006
    reason = ""
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                code, reason = message.get("code"), message.get("reason") or ""
                break
            text = message.get("text")
            await engine.incoming(conn, text if text is not None else message.get("bytes")
                                  or b"")
    finally:
        await engine.closed(conn, code, reason)


__all__ = ["gateway", "serve", "target"]
