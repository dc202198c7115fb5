"""What every part of the HTTP API provider shares: tables, lookups, paging, AWS's errors,
and the deployments that auto-deploy stages take after each change."""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import urlsplit

from emulator import ids
from emulator.context import RequestContext
from emulator.services import paging
from emulator.services.apigatewayv2.models import (
    APIS,
    DEPLOYMENTS,
    DOMAINS,
    STAGES,
    ApiRecord,
    DeploymentRecord,
    DomainNameRecord,
    Snapshot,
    StageRecord,
    child_key,
)
from emulator.services.base import Provider, TableOf
from emulator.services.gateway_common import bad_request, without_none


def members(fields: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments back to the model's member names (``route_key`` -> ``RouteKey``),
    None dropped."""
    return {"".join(part[:1].upper() + part[1:] for part in key.split("_")): value
            for key, value in fields.items() if value is not None}


def invoke_host(ctx: RequestContext, api_id: str) -> str:
    """The invoke URL's base for ``api_id``: ``{apiId}.execute-api.localhost`` on the port
    the caller used, as the execute-api data plane answers it."""
    parts = urlsplit(ctx.endpoint_url or "http://localhost:4566")
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme or 'http'}://{api_id}.execute-api.localhost{port}"


PROTOCOLS = ("HTTP", "WEBSOCKET")
EDITABLE = ("ApiKeySelectionExpression", "CorsConfiguration", "Description",
            "DisableSchemaValidation", "DisableExecuteApiEndpoint", "IpAddressType", "Name",
            "RouteSelectionExpression", "Version")


class HttpApiBase(Provider):
    """Lookups shared by the provider's parts."""

    service_name = "apigatewayv2"
    not_found_code = "NotFoundException"
    conflict_code = "ConflictException"

    # -- tables -----------------------------------------------------------------------------

    apis = TableOf(APIS, ApiRecord)
    deployments = TableOf(DEPLOYMENTS, DeploymentRecord)
    stages = TableOf(STAGES, StageRecord)
    domains = TableOf(DOMAINS, DomainNameRecord)

    @staticmethod
    def page(items: list[dict[str, Any]], next_token: str | None, max_results: str | None
             ) -> dict[str, Any]:
        """One page of ``items`` as the Get*s operations answer (the token is an index)."""
        size = int(max_results) if max_results and max_results.isdigit() else 100
        return paging.answer("Items", items, next_token, max(1, min(size, 500)))

    # -- lookups ----------------------------------------------------------------------------

    def api_record(self, ctx: RequestContext, api_id: str) -> ApiRecord:
        return self.found(self.apis(ctx).get(api_id),
                          f"Invalid API identifier specified {ctx.account_id}:{api_id}",
                          ResourceType="Api")

    def save_api(self, ctx: RequestContext, record: ApiRecord, *, deploy: bool = True) -> None:
        """Store ``record``; a change reaches every auto-deploy stage at once."""
        self.apis(ctx).put(record.api["ApiId"], record)
        if deploy:
            for stage in self.stages(ctx).values():
                if stage.api_id == record.api["ApiId"] and stage.stage.get("AutoDeploy"):
                    self.deploy(ctx, record, stage, auto=True)

    def child(self, record: ApiRecord, kind: str, child_id: str, label: str) -> dict[str, Any]:
        found: dict[str, Any] | None = getattr(record, kind).get(child_id)
        if found is None:
            raise self.not_found(f"Invalid {label} identifier specified {child_id}",
                                 ResourceType=label)
        return found

    @staticmethod
    def copy(doc: dict[str, Any]) -> dict[str, Any]:
        return copy.deepcopy(doc)

    def _answer(self, ctx: RequestContext, record: ApiRecord) -> dict[str, Any]:
        doc = self.copy(record.api)
        endpoint = invoke_host(ctx, doc["ApiId"])
        if doc.get("ProtocolType") == "WEBSOCKET":  # ws:// (wss:// behind TLS), as AWS's wss://
            endpoint = "ws" + endpoint.removeprefix("http")
        doc["ApiEndpoint"] = endpoint
        return doc

    @staticmethod
    def check_websocket_api(fields: dict[str, Any]) -> None:
        """AWS's 400s for a WebSocket API: a route selection expression is required, and CORS
        is an HTTP API setting."""
        expression = fields.get("RouteSelectionExpression")
        if not expression:
            raise bad_request("RouteSelectionExpression is required for WebSocket APIs")
        if fields.get("CorsConfiguration"):
            raise bad_request("CorsConfiguration is supported only for HTTP APIs")

    def new_api(self, ctx: RequestContext, fields: dict[str, Any]) -> ApiRecord:
        """A stored API with ``fields`` (create and import share this)."""
        protocol = fields.get("ProtocolType") or "HTTP"
        if protocol not in PROTOCOLS:
            raise bad_request(f"Invalid protocol type {protocol}")
        if protocol == "WEBSOCKET":
            self.check_websocket_api(fields)
        api_id = ids.short_id(10)
        while api_id in self.apis(ctx):
            api_id = ids.short_id(10)
        api = without_none({
            "ApiId": api_id, "ApiKeySelectionExpression": "$request.header.x-api-key",
            "CreatedDate": self.clock.now(), "DisableExecuteApiEndpoint": False,
            "IpAddressType": "ipv4", "ProtocolType": protocol,
            "RouteSelectionExpression": "${request.method} ${request.path}"
            if protocol == "HTTP" else None,
            "Tags": {},
        })
        api.update(without_none({key: fields.get(key) for key in EDITABLE}))
        if fields.get("Tags"):
            api["Tags"] = dict(fields["Tags"])
        record = ApiRecord(api=api)
        self.save_api(ctx, record, deploy=False)
        return record

    # -- deployments ------------------------------------------------------------------------

    def deploy(self, ctx: RequestContext, record: ApiRecord, stage: StageRecord | None,
               *, auto: bool = False, description: str | None = None) -> dict[str, Any]:
        """A new deployment of ``record`` as it is now, made current on ``stage``."""
        deployment_id = ids.short_id(6)
        deployment = without_none({
            "AutoDeployed": auto, "CreatedDate": self.clock.now(),
            "DeploymentId": deployment_id, "DeploymentStatus": "DEPLOYED",
            "Description": description,
        })
        snapshot = Snapshot(api=self.copy(record.api), routes=self.copy(record.routes),
                            integrations=self.copy(record.integrations),
                            authorizers=self.copy(record.authorizers),
                            models=self.copy(record.models),
                            route_responses=self.copy(record.route_responses),
                            integration_responses=self.copy(record.integration_responses))
        api_id = record.api["ApiId"]
        self.deployments(ctx).put(child_key(api_id, deployment_id), DeploymentRecord(
            api_id=api_id, deployment=deployment, snapshot=snapshot))
        if stage is not None:
            stage.stage["DeploymentId"] = deployment_id
            stage.stage["LastUpdatedDate"] = self.clock.now()
            if auto:
                stage.stage["LastDeploymentStatusMessage"] = (
                    f"Successfully deployed stage with deployment ID '{deployment_id}'")
            self.stages(ctx).put(child_key(api_id, stage.stage["StageName"]), stage)
        return deployment


__all__ = [
    "EDITABLE",
    "PROTOCOLS",
    "HttpApiBase",
    "bad_request",
    "invoke_host",
    "members",
    "without_none",
]
