"""The API Gateway Management API (``apigatewaymanagementapi``): PostToConnection,
GetConnection and DeleteConnection on the open connections of WebSocket APIs.

boto3 signs it for ``execute-api`` and sends ``/@connections/{connectionId}`` to the stage's
callback URL (see emulator.gateway.websocket.callback) or to the plain endpoint. A connection
that is closed, or that belongs to another API or stage than the callback URL names, is gone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.gateway.websocket.callback import ADDRESSED
from emulator.gateway.websocket.connections import Connection
from emulator.gateway.websocket.engine import Gone, PayloadTooLarge, WebSocketGateway
from emulator.services.base import Provider


def _gone() -> ServiceError:
    return ServiceError("GoneException", "")


class ManagementApiProvider(Provider):
    service_name = "apigatewaymanagementapi"

    async def _gateway(self) -> WebSocketGateway:
        try:
            found = self.ports.get("websocket-apis")
        except LookupError:
            raise _gone() from None
        if not isinstance(found, WebSocketGateway):
            raise _gone()
        return found

    async def _connection(self, ctx: RequestContext, connection_id: str
                          ) -> tuple[WebSocketGateway, Connection]:
        engine = await self._gateway()
        try:
            conn = engine.get(connection_id)
        except Gone:
            raise _gone() from None
        addressed = ctx.headers.get(ADDRESSED)
        if addressed and addressed != f"{conn.api_id}/{conn.stage}":
            raise _gone()
        return engine, conn

    async def post_to_connection(self, ctx: RequestContext, *, connection_id: str,
                                 data: bytes, **_: Any) -> dict[str, Any]:
        engine, conn = await self._connection(ctx, connection_id)
        try:
            await engine.post(conn.connection_id, data)
        except PayloadTooLarge:
            raise ServiceError("PayloadTooLargeException", "Message too long") from None
        except Gone:
            raise _gone() from None
        return {}

    async def get_connection(self, ctx: RequestContext, *, connection_id: str, **_: Any
                             ) -> dict[str, Any]:
        conn = (await self._connection(ctx, connection_id))[1]
        identity: dict[str, str] = {"SourceIp": conn.source_ip}
        if conn.user_agent is not None:
            identity["UserAgent"] = conn.user_agent
        return {"ConnectedAt": datetime.fromtimestamp(conn.connected_at, tz=UTC),
                "Identity": identity,
                "LastActiveAt": datetime.fromtimestamp(conn.last_active, tz=UTC)}

    async def delete_connection(self, ctx: RequestContext, *, connection_id: str, **_: Any
                                ) -> None:
        engine, conn = await self._connection(ctx, connection_id)
        try:
            await engine.delete(conn.connection_id)
        except Gone:
            raise _gone() from None


__all__ = ["ManagementApiProvider"]
