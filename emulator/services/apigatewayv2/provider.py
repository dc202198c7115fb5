"""The API Gateway v2 provider (HTTP APIs): the control plane, and the data plane it serves
through the ``http-apis`` port."""

from __future__ import annotations

from typing import Any

from emulator.gateway.http_api.engine import HttpGateway
from emulator.services.apigatewayv2.authorizers import AuthorizersApi
from emulator.services.apigatewayv2.dataplane import DeployedHttpApisView
from emulator.services.apigatewayv2.domains import DomainsApi
from emulator.services.apigatewayv2.integrations import IntegrationsApi
from emulator.services.apigatewayv2.models import APIS, ApiRecord
from emulator.services.apigatewayv2.openapi import OpenApiApi
from emulator.services.apigatewayv2.routes import RoutesApi
from emulator.services.apigatewayv2.stages import StagesApi


class ApiGatewayV2Provider(OpenApiApi, RoutesApi, IntegrationsApi, AuthorizersApi, StagesApi,
                           DomainsApi):
    service_name = "apigatewayv2"
    _gateway: HttpGateway | None = None

    @property
    def gateway(self) -> HttpGateway:
        if self._gateway is None:
            self._gateway = HttpGateway(DeployedHttpApisView(self), self.clock, self.ports)
        return self._gateway

    def port(self, name: str) -> object | None:
        return self.gateway if name == "http-apis" else None

    def forget_authorizers(self, api_id: str, stage_name: str) -> None:
        if self._gateway is not None:
            self._gateway.flush_authorizers(api_id, stage_name)

    def reset(self) -> None:
        super().reset()
        if self._gateway is not None:
            self._gateway.forget()

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        apis: list[dict[str, Any]] = []
        for account, region in self.store.scopes(APIS):
            table = self.store.table(account, region, APIS, ApiRecord)
            apis.extend({"id": r.api["ApiId"], "name": r.api["Name"],
                         "protocol": r.api["ProtocolType"], "account": account,
                         "region": region} for r in table.values())
        return {"apis": apis}


__all__ = ["ApiGatewayV2Provider"]
