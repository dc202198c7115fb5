"""What every part of the API Gateway provider shares: tables, lookups and AWS's errors."""

from __future__ import annotations

import copy
from typing import Any

from emulator.context import RequestContext
from emulator.gateway.rest.engine import Gateway
from emulator.services import paging
from emulator.services.apigateway.dataplane import DeployedApisView
from emulator.services.apigateway.models import (
    ACCOUNT,
    API_KEYS,
    APIS,
    CLIENT_CERTS,
    DEPLOYMENTS,
    DOMAINS,
    STAGES,
    USAGE_PLANS,
    AccountRecord,
    ApiKeyRecord,
    ClientCertificateRecord,
    DeploymentRecord,
    DomainNameRecord,
    RestApiRecord,
    StageRecord,
    UsagePlanRecord,
)
from emulator.services.base import Provider, TableOf
from emulator.services.gateway_common import bad_request, without_none

HTTP_METHODS = ("GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "HEAD", "ANY")


class ApiGatewayBase(Provider):
    """Lookups shared by the provider's parts, and the data plane they drive."""

    service_name = "apigateway"
    not_found_code = "NotFoundException"
    conflict_code = "ConflictException"
    _gateway: Gateway | None = None

    @property
    def gateway(self) -> Gateway:
        """The data plane (the ``execute-api`` port): it counts usage, caches stages and
        authorizer results, and runs TestInvokeMethod."""
        if self._gateway is None:
            self._gateway = Gateway(DeployedApisView(self.store), self.clock, self.ports,
                                    self.settings.gateway_cache_entries)
        return self._gateway

    def flush_stage(self, ctx: RequestContext, api_id: str, stage_name: str) -> None:
        """Drop a stage's cache."""
        self.gateway.cache.flush(api_id, stage_name)

    def flush_authorizers(self, ctx: RequestContext, api_id: str, stage_name: str) -> None:
        """Drop a stage's cached authorizer results."""
        self.gateway.authorizer_cache.flush(api_id, stage_name)

    # -- tables -----------------------------------------------------------------------------

    apis = TableOf(APIS, RestApiRecord)
    deployments = TableOf(DEPLOYMENTS, DeploymentRecord)
    stages = TableOf(STAGES, StageRecord)
    api_keys = TableOf(API_KEYS, ApiKeyRecord)
    usage_plans = TableOf(USAGE_PLANS, UsagePlanRecord)
    domains = TableOf(DOMAINS, DomainNameRecord)
    account_table = TableOf(ACCOUNT, AccountRecord)
    client_certs = TableOf(CLIENT_CERTS, ClientCertificateRecord)

    @staticmethod
    def page(items: list[dict[str, Any]], position: str | None, limit: int | None
             ) -> dict[str, Any]:
        """One page of ``items`` as the Get*s operations answer (``position`` is an index)."""
        return paging.answer("items", items, position, min(max(limit or 25, 1), 500),
                             token_member="position")

    # -- lookups ----------------------------------------------------------------------------

    def api_record(self, ctx: RequestContext, api_id: str) -> RestApiRecord:
        return self.found(self.apis(ctx).get(api_id),
                          f"Invalid API identifier specified {ctx.account_id}:{api_id}")

    def api_key_record(self, ctx: RequestContext, key_id: str) -> ApiKeyRecord:
        return self.found(self.api_keys(ctx).get(key_id), "Invalid API Key identifier specified")

    def usage_plan_record(self, ctx: RequestContext, plan_id: str) -> UsagePlanRecord:
        return self.found(self.usage_plans(ctx).get(plan_id), "Invalid Usage Plan ID specified")

    def domain_record(self, ctx: RequestContext, name: str) -> DomainNameRecord:
        return self.found(self.domains(ctx).get(name), "Invalid domain name identifier specified")

    def save_api(self, ctx: RequestContext, record: RestApiRecord) -> None:
        self.apis(ctx).put(record.api["id"], record)

    def resource_of(self, record: RestApiRecord, resource_id: str) -> dict[str, Any]:
        return self.found(record.resources.get(resource_id),
                          "Invalid Resource identifier specified")

    def method_of(self, record: RestApiRecord, resource_id: str, http_method: str
                  ) -> dict[str, Any]:
        resource = self.resource_of(record, resource_id)
        method = resource.get("resourceMethods", {}).get(http_method.upper())
        if method is None:
            raise self.not_found("Invalid Method identifier specified")
        return dict(method)

    def integration_of(self, record: RestApiRecord, resource_id: str, http_method: str
                       ) -> dict[str, Any]:
        integration = self.method_of(record, resource_id, http_method).get("methodIntegration")
        if integration is None:
            raise self.not_found("Invalid Integration identifier specified")
        return dict(integration)

    @staticmethod
    def store_method(record: RestApiRecord, resource_id: str, method: dict[str, Any]) -> None:
        resource = record.resources[resource_id]
        resource.setdefault("resourceMethods", {})[method["httpMethod"]] = method

    @staticmethod
    def copy(doc: dict[str, Any]) -> dict[str, Any]:
        return copy.deepcopy(doc)


__all__ = [
    "HTTP_METHODS",
    "ApiGatewayBase",
    "bad_request",
    "without_none",
]
