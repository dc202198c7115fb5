"""The API Gateway v2 provider (HTTP and WebSocket APIs): the control plane, and the data
planes it serves through the ``http-apis`` and ``websocket-apis`` ports."""

from __future__ import annotations

from typing import Any

from emulator.context import RequestContext
from emulator.gateway.http_api.engine import HttpGateway
from emulator.gateway.websocket.engine import WebSocketGateway
from emulator.services.apigatewayv2.apis import ApisApi
from emulator.services.apigatewayv2.authorizers import AuthorizersApi
from emulator.services.apigatewayv2.dataplane import DeployedHttpApisView, DeployedWebSocketApisView
from emulator.services.apigatewayv2.domains import DomainsApi
from emulator.services.apigatewayv2.integrations import IntegrationsApi
from emulator.services.apigatewayv2.model_schemas import ModelsApi
from emulator.services.apigatewayv2.openapi import OpenApiApi
from emulator.services.apigatewayv2.routes import RoutesApi
from emulator.services.apigatewayv2.stages import StagesApi


class ApiGatewayV2Provider(ApisApi, OpenApiApi, RoutesApi, IntegrationsApi, AuthorizersApi,
                           ModelsApi, StagesApi, DomainsApi):
    service_name = "apigatewayv2"
    _gateway: HttpGateway | None = None
    _websockets: WebSocketGateway | None = None

    @property
    def gateway(self) -> HttpGateway:
        if self._gateway is None:
            self._gateway = HttpGateway(DeployedHttpApisView(self.store), self.clock, self.ports,
                                        self.settings.gateway_cache_entries)
        return self._gateway

    @property
    def websockets(self) -> WebSocketGateway:
        if self._websockets is None:
            self._websockets = WebSocketGateway(
                DeployedWebSocketApisView(DeployedHttpApisView(self.store)), self.clock, self.ports)
        return self._websockets

    def port(self, name: str) -> object | None:
        if name == "websocket-apis":
            return self.websockets
        return self.gateway if name == "http-apis" else None

    def delete_api(self, ctx: RequestContext, *, api_id: str, **fields: Any) -> None:
        super().delete_api(ctx, api_id=api_id, **fields)
        if self._websockets is not None:  # its clients are disconnected
            self._websockets.disconnect(api_id)

    def delete_stage(self, ctx: RequestContext, *, api_id: str, stage_name: str,
                     **fields: Any) -> None:
        super().delete_stage(ctx, api_id=api_id, stage_name=stage_name, **fields)
        if self._websockets is not None:
            self._websockets.disconnect(api_id, stage_name)

    def busy(self) -> list[str]:
        return self._websockets.busy() if self._websockets is not None else []

    async def stop(self) -> None:
        if self._websockets is not None:
            await self._websockets.stop()
        await super().stop()

    def forget_authorizers(self, api_id: str, stage_name: str) -> None:
        if self._gateway is not None:
            self._gateway.flush_authorizers(api_id, stage_name)

    def reset(self) -> None:
        super().reset()
        if self._gateway is not None:
            self._gateway.forget()
        if self._websockets is not None:
            self._websockets.forget()

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        return {"apis": [{"id": r.api["ApiId"], "name": r.api["Name"],
                          "protocol": r.api["ProtocolType"], "account": account,
                          "region": region} for account, region, r in self.apis.everywhere()]}


__all__ = ["ApiGatewayV2Provider"]
