"""PostToConnection, GetConnection and DeleteConnection on the WebSocket engine (the
``websocket-apis`` port), shared by the provider (calls to the plain endpoint) and the front
door entry for calls at a stage's callback URL (http.py).

A connection that is closed, or that belongs to another API or stage than the callback URL
names, is gone (410 GoneException).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from emulator.errors import ServiceError
from emulator.gateway.websocket.connections import Connection
from emulator.gateway.websocket.engine import Gone, PayloadTooLarge, WebSocketGateway


def gone() -> ServiceError:
    return ServiceError("GoneException", "")


def connection(engine: WebSocketGateway, connection_id: str,
               addressed: tuple[str, str] | None) -> Connection:
    """The open connection, which must belong to the API and stage ``addressed`` (when a
    callback URL names them)."""
    try:
        conn = engine.get(connection_id)
    except Gone:
        raise gone() from None
    if addressed is not None and addressed != (conn.api_id, conn.stage):
        raise gone()
    return conn


async def post(engine: WebSocketGateway, connection_id: str, data: bytes,
               addressed: tuple[str, str] | None = None) -> dict[str, Any]:
    conn = connection(engine, connection_id, addressed)
    try:
        await engine.post(conn.connection_id, data)
    except PayloadTooLarge:
        raise ServiceError("PayloadTooLargeException", "Message too long") from None
    except Gone:
        raise gone() from None
    return {}


def describe(engine: WebSocketGateway, connection_id: str,
             addressed: tuple[str, str] | None = None) -> dict[str, Any]:
    conn = connection(engine, connection_id, addressed)
    identity: dict[str, str] = {"SourceIp": conn.source_ip}
    if conn.user_agent is not None:
        identity["UserAgent"] = conn.user_agent
    return {"ConnectedAt": datetime.fromtimestamp(conn.connected_at, tz=UTC),
            "Identity": identity,
            "LastActiveAt": datetime.fromtimestamp(conn.last_active, tz=UTC)}


async def delete(engine: WebSocketGateway, connection_id: str,
                 addressed: tuple[str, str] | None = None) -> dict[str, Any]:
    conn = connection(engine, connection_id, addressed)
    try:
        await engine.delete(conn.connection_id)
    except Gone:
        raise gone() from None
    return {}


__all__ = ["connection", "delete", "describe", "gone", "post"]
