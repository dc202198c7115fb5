"""The data plane engine: finds the deployed stage, picks the canary or the main deployment,
runs the pipeline, and keeps what outlives a request (routers, the stage cache, throttling
buckets, metrics)."""

from __future__ import annotations

import logging
import random
import re
from collections import Counter
from collections.abc import Callable
from typing import Any, cast

from emulator import ids, traffic
from emulator.clock import Clock
from emulator.gateway import metrics as published
from emulator.gateway.messages import GatewayRequest, GatewayResponse, refusal
from emulator.gateway.rest import forwarded, logs, pipeline, tracing
from emulator.gateway.rest.deployed import DeployedApis, DeployedStage
from emulator.gateway.rest.invocation import Invocation
from emulator.gateway.rest.parts import GatewayParts
from emulator.gateway.ttl_cache import ENTRIES
from emulator.ports import Ports, SegmentRecorder, VpcEndpointFacts, VpcEndpoints

log = logging.getLogger("emulator.gateway")
MAX_PAYLOAD = 10 * 1024 * 1024  # REST APIs' payload quota
REPEATED_SLASHES = re.compile(r"/{2,}")



class Gateway:
    def __init__(self, apis: DeployedApis, clock: Clock, ports: Ports,
                 cache_entries: int = ENTRIES) -> None:
        self.apis = apis
        self.clock = clock
        self.ports = ports
        self.parts = GatewayParts.new(apis, clock, ports, cache_entries)
        # The providers flush and read these through the engine.
        self.cache = self.parts.cache
        self.authorizer_cache = self.parts.authorizer_cache
        self.usage = self.parts.usage
        self.counts: Counter[tuple[str, str, str]] = Counter()
        self.published = ports.published_metrics()  # to CloudWatch, as AWS/ApiGateway
        # Where a canary request falls in [0, 100); replace it to make the split predictable.
        self.choose: Callable[[], float] = lambda: random.random() * 100.0

    async def handle(self, api_id: str, stage_name: str, request: GatewayRequest,
                     via_domain: bool = False, edge_domain: bool = False) -> GatewayResponse:
        if len(request.body) > MAX_PAYLOAD:
            # REQUEST_TOO_LARGE, which an API cannot customise.
            return refusal(413, "Request Too Long")
        deployed = self.apis.stage(api_id, stage_name)
        if deployed is None:
            return refusal(403, "Missing Authentication Token") if self.apis.api_exists(
                api_id) else refusal(403, "Forbidden")
        if not via_domain and deployed.snapshot.api.get("disableExecuteApiEndpoint"):
            return refusal(403, "Forbidden")
        types = forwarded.endpoint_types(deployed.snapshot.api)
        private = "PRIVATE" in types
        if request.vpce is not None:
            # Only an existing execute-api endpoint of the API's region leads anywhere, and
            # only to private APIs.
            through = self._vpc_endpoint(request.vpce)
            if not private or through is None or (
                    through.service_name != f"com.amazonaws.{deployed.region}.execute-api"):
                return refusal(403, "Forbidden")
            request.source_vpc = through.vpc_id
        elif private:
            return refusal(403, "Forbidden")  # a private API answers only through an endpoint
        # A run of slashes is one: "/dev//orders" is "/orders", in routing, the event's path
        # and its path parameters alike.
        request.path = REPEATED_SLASHES.sub("/", request.path)
        # An edge-optimized API (or name) is reached through CloudFront.
        edge = request.vpce is None and (edge_domain if via_domain else "EDGE" in types)
        cf_id = forwarded.add_forwarded(request, edge)
        response = await self.run(deployed, request)
        if cf_id is not None:
            forwarded.mark_edge_answer(response, cf_id)
        return response

    def _vpc_endpoint(self, endpoint_id: str) -> VpcEndpointFacts | None:
        try:
            endpoints = cast(VpcEndpoints, self.ports.get("vpc-endpoints"))
        except LookupError:
            return None
        return endpoints.endpoint(endpoint_id)

    async def handle_domain(self, host: str, request: GatewayRequest
                            ) -> GatewayResponse | None:
        """A request to a custom domain name, or None when ``host`` is not one."""
        domain = self.apis.domain(host.split(":")[0].lower())
        if domain is None:
            return None
        segments = request.path.lstrip("/").split("/", 1)
        mapping = domain.mappings.get(segments[0]) if segments[0] else None
        rest = "/" + (segments[1] if len(segments) > 1 else "")
        if mapping is None:
            mapping, rest = domain.mappings.get("(none)"), request.path
        if mapping is None:
            return refusal(403, "Forbidden")
        stage = mapping.get("stage")
        if not stage:
            parts = rest.lstrip("/").split("/", 1)
            stage, rest = parts[0], "/" + (parts[1] if len(parts) > 1 else "")
        request.path = rest or "/"
        return await self.handle(mapping["restApiId"], stage, request, via_domain=True,
                                 edge_domain=domain.edge)

    def _invocation(self, deployed: DeployedStage, request: GatewayRequest) -> Invocation:
        stage = deployed.stage
        variables = dict(stage.get("variables") or {})
        canary = stage.get("canarySettings") or {}
        snapshot, deployment_id, is_canary = deployed.snapshot, deployed.deployment_id, False
        if deployed.canary_snapshot is not None and deployed.canary_deployment_id and \
                self.choose() < float(canary.get("percentTraffic", 0.0)):
            snapshot, deployment_id, is_canary = (deployed.canary_snapshot,
                                                  deployed.canary_deployment_id, True)
            variables.update(canary.get("stageVariableOverrides") or {})
        inv = Invocation(request=request, deployed=deployed, request_id=ids.request_id(),
                         snapshot=snapshot, deployment_id=deployment_id, is_canary=is_canary,
                         stage_variables=variables, started=self.clock.now())
        inv.cache_deployment = deployed.deployment_id if (
            not is_canary or canary.get("useStageCache")) else deployment_id
        return inv

    async def run(self, deployed: DeployedStage, request: GatewayRequest,
                  write_logs: bool = True) -> GatewayResponse:
        inv = self._invocation(deployed, request)
        recorder = self._recorder(deployed)
        traced = tracing.begin(inv, recorder) if recorder is not None else None
        if traced is not None:
            inv.context["xrayTraceId"] = inv.trace_header or ""
        response = await pipeline.run(inv, self.parts)
        self._note(inv)
        if recorder is not None and traced is not None:
            try:
                tracing.finish(inv, recorder, *traced, response, self.clock.now())
            except Exception:  # tracing must never fail a request
                log.exception("could not record the API Gateway segment")
        self._count(deployed, response.status)
        self._publish(inv, response.status)
        if write_logs:
            self._write_logs(inv)
        return response

    async def test_invoke(self, deployed: DeployedStage, request: GatewayRequest
                          ) -> tuple[GatewayResponse, list[str], int]:
        """TestInvokeMethod: one run, its whole execution log returned instead of written."""
        inv = self._invocation(deployed, request)
        inv.verbose = inv.test_invoke = True
        response = await pipeline.run(inv, self.parts)
        latency = int(inv.context.get("responseLatency") or 0)
        return response, inv.log, latency

    @staticmethod
    def _note(inv: Invocation) -> None:
        """Name the API, stage and matched route in the request log."""
        deployed = inv.deployed
        route = ""
        if inv.route is not None:
            route = f"{inv.request.method} {inv.route.resource.get('path', '')}"
        traffic.note(kind="execute-api", account=deployed.account, region=deployed.region,
                     resource=f"{deployed.api_id}/{deployed.stage.get('stageName', '')}",
                     operation=route)

    def _recorder(self, deployed: DeployedStage) -> SegmentRecorder | None:
        if not deployed.stage.get("tracingEnabled"):
            return None
        try:
            return cast(SegmentRecorder, self.ports.get("segments"))
        except LookupError:
            return None

    def _count(self, deployed: DeployedStage, status: int) -> None:
        key = (deployed.api_id, deployed.stage["stageName"])
        self.counts[(*key, "Count")] += 1
        if 400 <= status < 500:
            self.counts[(*key, "4XXError")] += 1
        elif status >= 500:
            self.counts[(*key, "5XXError")] += 1

    def _publish(self, inv: Invocation, status: int) -> None:
        deployed = inv.deployed
        settings, _own = pipeline.method_settings(inv)
        method = resource = None
        if settings.get("metricsEnabled") and inv.route is not None:
            method, resource = inv.request.method.upper(), str(inv.route.resource["path"])
        sets = published.rest_dimensions(str(deployed.snapshot.api.get("name", "")),
                                         str(deployed.stage["stageName"]), method, resource)
        served = published.Served(
            deployed.account, deployed.region, status,
            float(inv.context.get("responseLatency") or 0),
            float(inv.integration_latency) if inv.context.get("integrationLatency") else None,
            {"hit": True, "miss": False}.get(inv.cache_status))
        published.rest_request(self.published, served, sets)

    def _write_logs(self, inv: Invocation) -> None:
        settings, _own = pipeline.method_settings(inv)
        level = str(settings.get("loggingLevel") or "OFF")
        wants_access = bool((inv.deployed.stage.get("accessLogSettings") or {}).get("format"))
        if level == "OFF" and not wants_access:
            return
        try:
            sink = cast(logs.LogSink, self.ports.get("logs"))
        except LookupError:
            return
        try:
            logs.write(inv, sink, level, self.clock.now_millis())
        except Exception:  # logging must never fail a request
            log.exception("could not write API Gateway logs")

    def metrics(self) -> dict[str, Any]:
        """CloudWatch-style counters per API and stage."""
        report: dict[str, Any] = {}
        for (api_id, stage, name), value in self.counts.items():
            report.setdefault(api_id, {}).setdefault(stage, {})[name] = value
        for (api_id, stage), value in self.cache.hits.items():
            report.setdefault(api_id, {}).setdefault(stage, {})["CacheHitCount"] = value
        for (api_id, stage), value in self.cache.misses.items():
            report.setdefault(api_id, {}).setdefault(stage, {})["CacheMissCount"] = value
        return report

    def forget(self) -> None:
        self.parts.forget()
        self.counts.clear()


__all__ = ["Gateway"]
