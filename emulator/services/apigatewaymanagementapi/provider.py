"""The API Gateway Management API (``apigatewaymanagementapi``): PostToConnection,
GetConnection and DeleteConnection on the open connections of WebSocket APIs.

boto3 signs it for ``execute-api`` and sends ``/@connections/{connectionId}``. At a stage's
callback URL the call is answered by the front door (http.py); at the plain endpoint
(``AWS_ENDPOINT_URL``) it reaches this provider through the wire layer.
"""

from __future__ import annotations

from typing import Any

from emulator.context import RequestContext
from emulator.gateway.websocket.engine import WebSocketGateway
from emulator.services.apigatewaymanagementapi import connections
from emulator.services.base import Provider


class ManagementApiProvider(Provider):
    service_name = "apigatewaymanagementapi"

    def engine(self) -> WebSocketGateway:
        """The WebSocket data plane; no connection exists until apigatewayv2 is in use."""
        found = self.ports.loaded("websocket-apis")
        if not isinstance(found, WebSocketGateway):
            raise connections.gone()
        return found

    async def post_to_connection(self, ctx: RequestContext, *, connection_id: str,
                                 data: bytes, **_: Any) -> dict[str, Any]:
        return await connections.post(self.engine(), connection_id, data)

    def get_connection(self, ctx: RequestContext, *, connection_id: str, **_: Any
                       ) -> dict[str, Any]:
        return connections.describe(self.engine(), connection_id)

    async def delete_connection(self, ctx: RequestContext, *, connection_id: str, **_: Any
                                ) -> dict[str, Any]:
        return await connections.delete(self.engine(), connection_id)


__all__ = ["ManagementApiProvider"]
