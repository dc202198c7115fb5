"""The HTTP API data plane engine: finds the stage an invoke URL names (a named stage's
prefix, else ``$default``), then, in AWS's order, CORS preflight, route selection,
throttling, authorization, the integration (on the emulator's clock for its timeout),
response parameter mapping and CORS headers. It keeps what outlives a request: route
tables, throttling buckets, cached authorizer results, the issuers' keys and counters."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import httpx

from emulator import traffic
from emulator.clock import Clock
from emulator.gateway import http_client
from emulator.gateway import metrics as published
from emulator.gateway.authorizers import sigv4
from emulator.gateway.authorizers.cache import AuthorizerCache
from emulator.gateway.http_api import (
    access_log,
    cors,
    integrations,
    jwt_authorizer,
    lambda_authorizer,
)
from emulator.gateway.http_api.deployed import ApiMapping, DeployedHttpApis, DeployedHttpStage
from emulator.gateway.http_api.mapping import evaluate, map_response
from emulator.gateway.http_api.routing import RouteTable
from emulator.gateway.http_api.state import HttpApiError, HttpInvocation, error_response
from emulator.gateway.messages import GatewayRequest, GatewayResponse
from emulator.gateway.throttling import Throttles
from emulator.gateway.timeouts import finished_in_time
from emulator.gateway.ttl_cache import ENTRIES
from emulator.ports import Ports

log = logging.getLogger("emulator.gateway.http_api")
ACCOUNT_THROTTLE = (10000.0, 5000)  # requests a second and burst, AWS's account default


@dataclass
class DomainTarget:
    """Where a request to a custom domain goes: an API mapping and the path after its key."""

    mapping: ApiMapping
    path: str


class HttpGateway:
    def __init__(self, apis: DeployedHttpApis, clock: Clock, ports: Ports,
                 cache_entries: int = ENTRIES) -> None:
        self.apis = apis
        self.clock = clock
        self.ports = ports
        self.throttles = Throttles(clock)
        self.authorizer_cache = AuthorizerCache(clock, cache_entries)
        self.counts: Counter[tuple[str, str, str]] = Counter()
        self.published = ports.published_metrics()  # to CloudWatch, as AWS/ApiGateway
        self._tables: dict[tuple[str, str], RouteTable] = {}
        self._keys: jwt_authorizer.HttpKeySource | None = None
        self.key_source: jwt_authorizer.KeySource | None = None  # replaceable in tests

    @property
    def http(self) -> httpx.AsyncClient:
        """The data planes' shared outbound client (emulator.gateway.http_client)."""
        return http_client.shared()

    @property
    def keys(self) -> jwt_authorizer.KeySource:
        if self.key_source is not None:
            return self.key_source
        if self._keys is None:
            self._keys = jwt_authorizer.HttpKeySource(self.http, self.clock, self.ports)
        return self._keys

    def knows(self, api_id: str) -> bool:
        return self.apis.api_exists(api_id)

    # -- addressing -------------------------------------------------------------------------

    def locate(self, api_id: str, path: str) -> tuple[DeployedHttpStage, str, str] | None:
        """The stage ``path`` (everything after the API) addresses, with the path as the
        client sent it and the path routes match."""
        head, _, rest = path.lstrip("/").partition("/")
        first = unquote(head)
        if first and first != "$default":
            deployed = self.apis.stage(api_id, first)
            if deployed is not None:
                return deployed, path, "/" + rest
        if first == "$default":
            deployed = self.apis.stage(api_id, "$default")
            if deployed is not None:
                return deployed, "/" + rest, "/" + rest
        deployed = self.apis.stage(api_id, "$default")
        if deployed is not None:
            return deployed, path or "/", path or "/"
        return None

    def domain_target(self, host: str, path: str) -> DomainTarget | bool | None:
        """The API mapping a custom domain request reaches; False when ``host`` is not a
        domain name of HTTP APIs, None when none of its mappings match."""
        mappings = self.apis.mappings(host.split(":")[0].lower())
        if mappings is None:
            return False
        segments = [s for s in path.split("/") if s]
        best: DomainTarget | None = None
        for mapping in mappings:
            key = [s for s in mapping.key.split("/") if s]
            if segments[:len(key)] == key and (
                    best is None or len(key) > len(best.mapping.key.split("/"))):
                best = DomainTarget(mapping, "/" + "/".join(segments[len(key):]))
        return best

    async def handle(self, api_id: str, path: str, request: GatewayRequest) -> GatewayResponse:
        """A request to an invoke URL of ``api_id``; ``path`` is what follows the API."""
        found = self.locate(api_id, path)
        if found is None:
            return self._finish(error_response(404), "")
        deployed, raw_path, route_path = found
        if deployed.snapshot.api.get("DisableExecuteApiEndpoint"):
            return self._finish(error_response(403), "")
        return await self.run(deployed, request, raw_path, route_path)

    async def handle_domain(self, target: DomainTarget, request: GatewayRequest
                            ) -> GatewayResponse:
        deployed = self.apis.stage(target.mapping.api_id, target.mapping.stage)
        if deployed is None:
            return self._finish(error_response(404), "")
        return await self.run(deployed, request, target.path, target.path,
                              full_path=request.path)

    # -- the journey ------------------------------------------------------------------------

    def table(self, deployed: DeployedHttpStage) -> RouteTable:
        key = (deployed.api_id, deployed.deployment_id)
        found = self._tables.get(key)
        if found is None:
            found = self._tables[key] = RouteTable(deployed.snapshot.routes)
        return found

    async def run(self, deployed: DeployedHttpStage, request: GatewayRequest, raw_path: str,
                  route_path: str, full_path: str = "") -> GatewayResponse:
        inv = HttpInvocation(request=request, deployed=deployed, raw_path=raw_path,
                             route_path=route_path, started=self.clock.now(),
                             full_path=full_path)
        config = deployed.snapshot.api.get("CorsConfiguration")
        refused = ""  # the message of an answer API Gateway gives itself
        try:
            if config and cors.is_preflight(request):
                response = cors.preflight(config, request)
            else:
                response = await self._route_and_call(inv)
        except HttpApiError as error:
            if error.log:
                log.info("HTTP API %s request %s: %s", deployed.api_id, inv.request_id,
                         error.log)
            response = error_response(error.status, error.message, error.headers)
            refused = error.message
        except Exception:  # a defect must still answer as AWS does, never with a trace
            log.exception("HTTP API request %s failed", inv.request_id)
            response = error_response(500)
            refused = "Internal Server Error"
        if config and not (cors.is_preflight(request)):
            cors.decorate(config, request, response)
        self._count(deployed, response.status)
        self._publish(inv, response)
        access_log.write(inv, response, self.ports, self.clock.now_millis(), refused)
        traffic.note(kind="http-api", account=deployed.account, region=deployed.region,
                     resource=f"{deployed.api_id}/{inv.stage_name}",
                     operation=str(inv.route.get("RouteKey") or ""))
        return self._finish(response, inv.request_id)

    def _finish(self, response: GatewayResponse, request_id: str) -> GatewayResponse:
        if request_id:
            response.set_header("apigw-requestid", request_id)
        return response

    async def _route_and_call(self, inv: HttpInvocation) -> GatewayResponse:
        match = self.table(inv.deployed).match(inv.request.method, inv.route_path)
        if match is None:
            raise HttpApiError(404)
        inv.route, inv.path_params = match.route, match.path_params
        self._throttle(inv)
        await self._authorize(inv)
        snapshot = inv.deployed.snapshot
        target = str(inv.route.get("Target") or "").removeprefix("integrations/")
        integration = snapshot.integrations.get(target)
        if integration is None:
            raise HttpApiError(404, log=f"route {inv.route_key} has no integration")
        response = await self._integrate(inv, integration)
        mapping = (integration.get("ResponseParameters") or {}).get(str(response.status))
        if mapping:
            found = integrations.sources(inv)
            headers: dict[str, list[str]] = {}
            for key, value in response.headers:
                headers.setdefault(key.lower(), []).append(value)
            found.response_headers, found.response_body = headers, response.body
            response.headers, status = map_response(mapping, response.headers, found)
            if status is not None:
                response.status = status
        return response

    def _throttle(self, inv: HttpInvocation) -> None:
        stage = inv.deployed.stage
        own = (stage.get("RouteSettings") or {}).get(inv.route_key) or {}
        default = stage.get("DefaultRouteSettings") or {}
        rate = own.get("ThrottlingRateLimit", default.get("ThrottlingRateLimit"))
        burst = own.get("ThrottlingBurstLimit", default.get("ThrottlingBurstLimit"))
        if rate is None or burst is None:
            rate, burst = ACCOUNT_THROTTLE[0] if rate is None else rate, \
                ACCOUNT_THROTTLE[1] if burst is None else burst
        scope = inv.route_key if own else "*"
        key = ("http", inv.deployed.account, inv.deployed.api_id, inv.stage_name, scope)
        if not self.throttles.allow(key, float(rate), int(burst)):
            raise HttpApiError(429)

    async def _authorize(self, inv: HttpInvocation) -> None:
        kind = inv.route.get("AuthorizationType") or "NONE"
        if kind == "NONE":
            return
        if kind == "AWS_IAM":
            self._iam(inv)
            return
        authorizer = inv.deployed.snapshot.authorizers.get(str(inv.route.get("AuthorizerId")))
        if authorizer is None:
            raise HttpApiError(500, log="the route's authorizer does not exist")
        if kind == "JWT":
            source = str((authorizer.get("IdentitySource") or ["$request.header.Authorization"]
                          )[0])
            found = integrations.sources(inv)
            token = jwt_authorizer.token_of(evaluate(source, found))
            result = await jwt_authorizer.authorize(
                token, authorizer.get("JwtConfiguration") or {},
                list(inv.route.get("AuthorizationScopes") or []), self.keys, self.clock.now())
            claims = jwt_authorizer.claims_for_event(result.claims)
            inv.authorizer = {"jwt": {"claims": claims, "scopes": result.scopes}}
            inv.authorizer_v1 = {"claims": claims, "scopes": result.scopes}
            inv.context_extra["authorizer"] = {"claims": claims}
            return
        decision = await lambda_authorizer.authorize(inv, authorizer, self.ports,
                                                     self.authorizer_cache)
        inv.authorizer = {"lambda": dict(decision.context)}
        inv.authorizer_v1 = dict(decision.context)
        if decision.principal_id is not None:
            inv.authorizer_v1["principalId"] = decision.principal_id
        inv.context_extra["authorizer"] = {**decision.context,
                                           "principalId": decision.principal_id or ""}

    def _iam(self, inv: HttpInvocation) -> None:
        request = inv.request
        try:
            caller = sigv4.verify(request, request.raw_path or request.path,
                                  self.clock.now_datetime())
        except sigv4.SignatureRejected as rejected:
            message = None if rejected.kind == "missing" else rejected.message
            raise HttpApiError(403, message, log=f"IAM authorization: {rejected.kind}"
                               ) from None
        inv.authorizer = {"iam": {
            "accessKey": caller.access_key, "accountId": caller.account_id,
            "callerId": caller.account_id, "cognitoIdentity": None, "principalOrgId": None,
            "userArn": caller.user_arn, "userId": caller.account_id}}
        inv.identity = caller.identity()

    async def _integrate(self, inv: HttpInvocation, integration: dict[str, Any]
                         ) -> GatewayResponse:
        kind = integration.get("IntegrationType")
        if kind == "HTTP_PROXY":
            call = integrations.http_proxy(inv, integration, self.http)
        elif integration.get("IntegrationSubtype"):
            call = integrations.aws_service(inv, integration, self.ports)
        elif kind == "AWS_PROXY":
            call = integrations.aws_lambda(inv, integration, self.ports)
        else:
            raise HttpApiError(500, log=f"integration type {kind} is not served by HTTP APIs")
        timeout = int(integration.get("TimeoutInMillis") or 30000) / 1000.0
        task = asyncio.ensure_future(call)
        started = time.perf_counter()
        try:
            if not await finished_in_time(task, self.clock, timeout):
                task.cancel()
                raise HttpApiError(503, log="the integration timed out")
        finally:
            inv.integration_latency = int((time.perf_counter() - started) * 1000)
        return task.result()

    # -- bookkeeping ------------------------------------------------------------------------

    def _count(self, deployed: DeployedHttpStage, status: int) -> None:
        key = (deployed.api_id, str(deployed.stage["StageName"]))
        self.counts[(*key, "Count")] += 1
        if 400 <= status < 500:
            self.counts[(*key, "4xx")] += 1
        elif status >= 500:
            self.counts[(*key, "5xx")] += 1

    def _publish(self, inv: HttpInvocation, response: GatewayResponse) -> None:
        deployed = inv.deployed
        method = resource = None
        own = (deployed.stage.get("RouteSettings") or {}).get(inv.route_key) or {}
        default = deployed.stage.get("DefaultRouteSettings") or {}
        if inv.route_key and own.get("DetailedMetricsEnabled",
                                     default.get("DetailedMetricsEnabled")):
            method, _, resource = inv.route_key.partition(" ")
            resource = resource or inv.route_key  # $default
        sets = published.http_dimensions(deployed.api_id, inv.stage_name, method, resource)
        latency = (time.perf_counter() - inv.perf_started) * 1000
        served = published.Served(deployed.account, deployed.region, response.status, latency,
                                  None if inv.integration_latency is None else float(
                                      inv.integration_latency))
        published.http_request(self.published, served, sets,
                               len(inv.request.body) + len(response.body))

    def metrics(self) -> dict[str, Any]:
        report: dict[str, Any] = {}
        for (api_id, stage, name), value in self.counts.items():
            report.setdefault(api_id, {}).setdefault(stage, {})[name] = value
        return report

    def flush_authorizers(self, api_id: str, stage: str) -> None:
        self.authorizer_cache.flush(api_id, stage)

    def forget(self) -> None:
        self.throttles.forget()
        self.authorizer_cache.forget()
        self.counts.clear()
        self._tables.clear()
        if self._keys is not None:
            self._keys.forget()


__all__ = ["DomainTarget", "HttpGateway"]
