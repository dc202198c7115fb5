"""The API Gateway (REST APIs) provider: every part of the control plane, and the data plane
it serves through the ``execute-api`` port."""

from __future__ import annotations

from typing import Any

from emulator.services.apigateway.account import AccountApi
from emulator.services.apigateway.api_keys import ApiKeysApi
from emulator.services.apigateway.authorizers import AuthorizersApi
from emulator.services.apigateway.deployments import DeploymentsApi
from emulator.services.apigateway.documentation import DocumentationApi
from emulator.services.apigateway.domains import DomainsApi
from emulator.services.apigateway.integrations import IntegrationsApi
from emulator.services.apigateway.openapi import OpenApiApi
from emulator.services.apigateway.restapis import RestApisApi
from emulator.services.apigateway.schemas import SchemasApi
from emulator.services.apigateway.tags import TagsApi
from emulator.services.apigateway.testauthorizer import TestAuthorizerApi
from emulator.services.apigateway.testinvoke import TestInvokeApi
from emulator.services.apigateway.usage import UsageApi
from emulator.services.apigateway.usage_plans import UsagePlansApi


class ApiGatewayProvider(RestApisApi, IntegrationsApi, DeploymentsApi, SchemasApi,
                         AuthorizersApi, ApiKeysApi, UsagePlansApi, UsageApi, DomainsApi,
                         TagsApi, AccountApi, OpenApiApi, TestInvokeApi, TestAuthorizerApi,
                         DocumentationApi):
    service_name = "apigateway"

    def port(self, name: str) -> object | None:
        return self.gateway if name == "execute-api" else None

    def reset(self) -> None:
        super().reset()
        if self._gateway is not None:
            self._gateway.forget()

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        return {"rest_apis": [{"id": r.api["id"], "name": r.api["name"], "account": account,
                               "region": region}
                              for account, region, r in self.apis.everywhere()]}


__all__ = ["ApiGatewayProvider"]
