"""The ``segments`` port: how API Gateway, Lambda and Step Functions write X-Ray segments."""

from __future__ import annotations

import json
import re
from typing import Any

from emulator.ports import TraceContext
from emulator.services.xray.common import XrayBase
from emulator.xray import sampling, waterfall
from emulator.xray.collector import Collector
from emulator.xray.graph import GraphBuilder
from emulator.xray.header import TraceHeader, new_segment_id, new_trace_id
from emulator.xray.segments import MAX_SEGMENT_NAME, InvalidSegment, check, walk

_UNNAMEABLE = re.compile(r"[^\w\s.:/%&#=+\\\-@]")


class TraceListing:
    """The ``traces`` port: the newest traces as the console lists them."""

    def __init__(self, collector: Collector) -> None:
        self._collector = collector

    def recent(self, account: str, region: str, limit: int) -> list[dict[str, Any]]:
        return waterfall.listing(self._collector.newest(account, region, limit))

    def service_graph(self, account: str, region: str, limit: int) -> list[dict[str, Any]]:
        builder = GraphBuilder()
        for trace in self._collector.newest(account, region, limit):
            builder.add(trace.facts)
        services: list[dict[str, Any]] = builder.services()
        return services


class SegmentsPort:
    """SegmentRecorder (see emulator.ports) over the xray provider's collector and rules."""

    def __init__(self, provider: XrayBase) -> None:
        self._provider = provider

    @property
    def daemon_address(self) -> str | None:
        daemon = self._provider.daemon
        return daemon.address if daemon is not None else None

    def new_id(self) -> str:
        return new_segment_id()

    def trace_context(self, header: str | None, *, account: str, region: str,
                      service_name: str = "", service_type: str = "", host: str = "",
                      method: str = "", url_path: str = "") -> TraceContext:
        provider = self._provider
        incoming = TraceHeader.parse(header)
        trace_id = incoming.root or new_trace_id(provider.clock.now())
        sampled = incoming.sampled
        if sampled is None:
            rules = provider.sampling_rules(account, region)
            request = sampling.Request(service_name, service_type, host, method, url_path)
            sampled, _ = provider._sampler(account, region).decide(
                rules, request, provider.clock.now())
        return TraceContext(trace_id, incoming.parent, sampled)

    def record(self, documents: list[dict[str, Any]], *, account: str, region: str) -> None:
        for document in documents:
            _clean_names(document)
            try:
                entity = check(document, len(json.dumps(document, default=str)))
            except InvalidSegment:
                continue  # a service's own segment: a bug there must not fail the request
            provider = self._provider
            provider.collector.put(account, region, entity)


def _clean_names(document: dict[str, Any]) -> None:
    """Names from user resources (API and state names) may hold characters X-Ray refuses;
    replace them, as the X-Ray SDKs do, rather than lose the segment."""
    for entity, _ in walk(document):
        name = entity.get("name")
        if isinstance(name, str):
            entity["name"] = _UNNAMEABLE.sub("_", name)[:MAX_SEGMENT_NAME] or "_"


__all__ = ["SegmentsPort", "TraceListing"]
