"""AWS X-Ray: segments in (PutTraceSegments, the daemon's UDP port, OTLP), traces, summaries
with filter expressions and service graphs out, sampling rules, groups and tags.

Traces are kept per account and region (see emulator.xray.collector), and written through
to the store when state persists; rules, groups and tags are records. The daemon (UDP
segments and the TCP API proxy) starts with the server (host.py) on ``xray_daemon_port``.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from datetime import datetime
from typing import TYPE_CHECKING, Any

from emulator.clock import Clock
from emulator.config import DEFAULT_ACCOUNT, Settings
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.ports import Ports
from emulator.services.base import Provider
from emulator.services.xray.groups import GroupsMixin
from emulator.services.xray.host import daemon_for
from emulator.services.xray.journal import StoreJournal
from emulator.services.xray.rules import SamplingRulesMixin, all_rules
from emulator.store import ServiceStore
from emulator.xray import sampling, waterfall
from emulator.xray.collector import Collector
from emulator.xray.daemon import Daemon
from emulator.xray.graph import GraphBuilder, time_series
from emulator.xray.summary import summarize
from emulator.xray.trace import Trace

if TYPE_CHECKING:
    from emulator.xray.filters import Filter

PAGE_SIZE = 100
DEFAULT_PERIOD = 60


def _invalid(message: str) -> ServiceError:
    return ServiceError("InvalidRequestException", message)


def _epoch(value: datetime | float) -> float:
    return value.timestamp() if isinstance(value, datetime) else float(value)


def _read_token(token: str | None, query: str) -> int:
    if not token:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        if data["q"] != zlib.crc32(query.encode()):
            raise ValueError
        return int(data["o"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise _invalid("The NextToken is invalid.") from None


def _token(offset: int, query: str) -> str:
    data = json.dumps({"o": offset, "q": zlib.crc32(query.encode())})
    return base64.urlsafe_b64encode(data.encode()).decode()


def _keep(trace: Trace, rate: float) -> bool:
    """A stable pseudo-random choice per trace, for sampled summaries."""
    return (zlib.crc32(trace.id.encode()) % 10_000) / 10_000 < rate


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


class XrayProvider(GroupsMixin, SamplingRulesMixin, Provider):
    service_name = "xray"

    def __init__(self, settings: Settings, clock: Clock, store: ServiceStore,
                 ports: Ports) -> None:
        super().__init__(settings, clock, store, ports)
        journal = StoreJournal(store) if settings.database_path is not None else None
        self.collector = Collector(clock.now, settings.xray_max_bytes, journal=journal)
        if journal is not None:
            journal.replay(self.collector)
        self._samplers: dict[tuple[str, str], sampling.Sampler] = {}
        self._rules: dict[tuple[str, str], tuple[int, list[sampling.Rule]]] = {}
        self._port: object | None = None

    # -- life cycle ----------------------------------------------------------------------

    def port(self, name: str) -> object | None:
        if name == "segments":
            if self._port is None:
                from emulator.services.xray.port import SegmentsPort

                self._port = SegmentsPort(self)
            return self._port
        if name == "traces":
            return TraceListing(self.collector)
        return None

    @property
    def daemon(self) -> Daemon | None:
        """The daemon listening for this emulator (started with the server, see host.py)."""
        return daemon_for(self.settings)

    def reset(self) -> None:
        super().reset()
        self.collector.reset()
        self._samplers.clear()
        self._rules.clear()

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        found = []
        for account, region in self.store.scopes("rules"):
            for record in all_rules(self.store, account, region, self._now()):
                found.append({"account": account, "region": region,
                              "rule": record.rule["RuleName"]})
        return {"sampling_rules": found}

    def receive_datagram(self, document: bytes) -> None:
        """A segment document from the daemon's UDP port, for the daemon's account/region."""
        self.collector.put_documents(DEFAULT_ACCOUNT, self.settings.region, [document])

    def _now(self) -> float:
        return self.clock.now()

    def sampling_rules(self, account: str, region: str) -> list[sampling.Rule]:
        """The account's rules for local decisions, read again only after a change."""
        version = self.rules_version
        cached = self._rules.get((account, region))
        if cached is not None and cached[0] == version:
            return cached[1]
        rules = [sampling.Rule.from_shape(r.rule)
                 for r in all_rules(self.store, account, region, self._now())]
        self._rules[(account, region)] = (version, rules)
        return rules

    def _sampler(self, account: str, region: str) -> sampling.Sampler:
        key = (account, region)
        sampler = self._samplers.get(key)
        if sampler is None:
            sampler = self._samplers[key] = sampling.Sampler()
        return sampler

    def _rule_arns(self, ctx: RequestContext) -> set[str]:
        return {r.rule["RuleARN"] for r in all_rules(self.store, ctx.account_id, ctx.region,
                                                      self._now())}

    def _filter(self, ctx: RequestContext, expression: str | None) -> Filter | None:
        # The parser (lark) loads on the first filter, not with the service.
        from emulator.xray.filters import FilterError, compile_filter

        if not expression:
            return None
        try:
            return compile_filter(expression, lambda name: self.group_expression(
                ctx.account_id, ctx.region, name))
        except FilterError as error:
            raise _invalid(str(error)) from None

    def _group_filter(self, ctx: RequestContext, name: str | None,
                      arn: str | None) -> Filter | None:
        if not name and not arn:
            return None
        group = self._group(ctx, name, arn)
        return self._filter(ctx, group.filter_expression)

    @staticmethod
    def _range(start_time: datetime, end_time: datetime) -> tuple[float, float]:
        start, end = _epoch(start_time), _epoch(end_time)
        if start > end:
            raise _invalid("StartTime must be before EndTime.")
        return start, end

    # -- segments and traces -------------------------------------------------------------

    def put_trace_segments(self, ctx: RequestContext, *, trace_segment_documents: list[str],
                           **_: Any) -> dict[str, Any]:
        rejected = self.collector.put_documents(ctx.account_id, ctx.region,
                                                list(trace_segment_documents))
        unprocessed = []
        for item in rejected:
            entry = {"ErrorCode": item.code, "Message": item.message}
            if item.segment_id:
                entry["Id"] = item.segment_id
            unprocessed.append(entry)
        return {"UnprocessedTraceSegments": unprocessed}

    def batch_get_traces(self, ctx: RequestContext, *, trace_ids: list[str],
                         **_: Any) -> dict[str, Any]:
        traces, missing = [], []
        for trace_id in trace_ids:
            trace = self.collector.get(ctx.account_id, ctx.region, trace_id)
            if trace is None or not trace.segments:
                missing.append(trace_id)
                continue
            facts = trace.facts
            traces.append({
                "Id": trace.id,
                "Duration": round(facts.facts["duration"], 6),
                "LimitExceeded": False,
                "Segments": [{"Id": sid, "Document": doc} for sid, doc in trace.documents()],
            })
        return {"Traces": traces, "UnprocessedTraceIds": missing}

    def get_trace_summaries(self, ctx: RequestContext, *, start_time: datetime,
                            end_time: datetime, time_range_type: str | None = None,
                            sampling: bool | None = None,
                            sampling_strategy: dict[str, Any] | None = None,
                            filter_expression: str | None = None,
                            next_token: str | None = None, **_: Any) -> dict[str, Any]:
        start, end = self._range(start_time, end_time)
        range_type = time_range_type or "TraceId"
        query = f"{start}|{end}|{range_type}|{filter_expression}|{sampling}|{sampling_strategy}"
        offset = _read_token(next_token, query)
        expression = self._filter(ctx, filter_expression)
        found, scanned = self.collector.find(ctx.account_id, ctx.region, start, end,
                                             range_type, expression)
        if sampling:
            rate = float((sampling_strategy or {}).get("Value") or 0.1)
            rate = rate / 100 if rate > 1 else rate
            found = [(trace, when) for trace, when in found if _keep(trace, rate)]
        found.sort(key=lambda item: (item[1], item[0].id))
        page = found[offset:offset + PAGE_SIZE]
        result: dict[str, Any] = {
            "TraceSummaries": [
                summarize(trace, when if range_type == "Event" else None)
                for trace, when in page
            ],
            "ApproximateTime": self.clock.now_datetime(),
            "TracesProcessedCount": scanned,
        }
        if offset + PAGE_SIZE < len(found):
            result["NextToken"] = _token(offset + PAGE_SIZE, query)
        return result

    def get_trace_graph(self, ctx: RequestContext, *, trace_ids: list[str],
                        **_: Any) -> dict[str, Any]:
        builder = GraphBuilder()
        for trace_id in trace_ids:
            trace = self.collector.get(ctx.account_id, ctx.region, trace_id)
            if trace is not None and trace.segments:
                builder.add(trace.facts)
        return {"Services": builder.services()}

    def _in_window(self, ctx: RequestContext, start: float, end: float,
                   group: Filter | None) -> list[Trace]:
        found = []
        for trace in self.collector.live(ctx.account_id, ctx.region):
            if not trace.segments:
                continue
            facts = trace.facts
            if facts.end < start or facts.start > end:
                continue
            if group is None or group.matches(facts):
                found.append(trace)
        return found

    def get_service_graph(self, ctx: RequestContext, *, start_time: datetime,
                          end_time: datetime, group_name: str | None = None,
                          group_arn: str | None = None, **_: Any) -> dict[str, Any]:
        start, end = self._range(start_time, end_time)
        group = self._group_filter(ctx, group_name, group_arn)
        builder = GraphBuilder()
        for trace in self._in_window(ctx, start, end, group):
            builder.add(trace.facts)
        return {"StartTime": start_time, "EndTime": end_time, "Services": builder.services(),
                "ContainsOldGroupVersions": False}

    def get_time_series_service_statistics(
        self, ctx: RequestContext, *, start_time: datetime, end_time: datetime,
        group_name: str | None = None, group_arn: str | None = None,
        entity_selector_expression: str | None = None, period: int | None = None,
        forecast_statistics: bool | None = None, **_: Any,
    ) -> dict[str, Any]:
        start, end = self._range(start_time, end_time)
        seconds = period or DEFAULT_PERIOD
        if seconds <= 0 or seconds % 60:
            raise _invalid("Period must be a multiple of 60 seconds.")
        from emulator.xray.filters import FilterError, compile_selector

        try:
            kind, select = compile_selector(entity_selector_expression)
        except FilterError as error:
            raise _invalid(str(error)) from None
        group = self._group_filter(ctx, group_name, group_arn)
        traces = [t.facts for t in self._in_window(ctx, start, end, group)]
        series = time_series(traces, select, kind, start, end, seconds)
        if forecast_statistics:
            for entry in series:
                stats = entry.get("ServiceSummaryStatistics") or entry.get(
                    "EdgeSummaryStatistics") or {}
                faults = stats.get("FaultStatistics", {}).get("TotalCount", 0)
                entry["ServiceForecastStatistics"] = {"FaultCountHigh": faults,
                                                      "FaultCountLow": faults}
        return {"TimeSeriesServiceStatistics": series, "ContainsOldGroupVersions": False}


__all__ = ["XrayProvider"]
