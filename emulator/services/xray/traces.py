"""Segments in (PutTraceSegments) and traces out: BatchGetTraces, GetTraceSummaries with
filter expressions and sampling, the trace and service graphs and their time series."""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from datetime import datetime
from typing import TYPE_CHECKING, Any

from emulator import inbound
from emulator.context import RequestContext
from emulator.services.xray.common import XrayBase, invalid
from emulator.xray.graph import GraphBuilder, time_series
from emulator.xray.summary import summarize
from emulator.xray.trace import Trace

if TYPE_CHECKING:
    from emulator.xray.filters import Filter

PAGE_SIZE = 100
DEFAULT_PERIOD = 60


def _epoch(value: datetime | float) -> float:
    return value.timestamp() if isinstance(value, datetime) else float(value)


def _read_token(token: str | None, query: str) -> int:
    if not token:
        return 0
    try:
        data = inbound.loads(base64.urlsafe_b64decode(token.encode()))
        if data["q"] != zlib.crc32(query.encode()):
            raise ValueError
        return int(data["o"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise invalid("The NextToken is invalid.") from None


def _token(offset: int, query: str) -> str:
    data = json.dumps({"o": offset, "q": zlib.crc32(query.encode())})
    return base64.urlsafe_b64encode(data.encode()).decode()


def _keep(trace: Trace, rate: float) -> bool:
    """A stable pseudo-random choice per trace, for sampled summaries."""
    return (zlib.crc32(trace.id.encode()) % 10_000) / 10_000 < rate


class TracesApi(XrayBase):
    """The trace half of the API, over the collector."""

    def _filter(self, ctx: RequestContext, expression: str | None) -> Filter | None:
        # The parser (lark) loads on the first filter, not with the service.
        from emulator.xray.filters import FilterError, compile_filter

        if not expression:
            return None
        try:
            return compile_filter(expression, lambda name: self.group_expression(
                ctx.account_id, ctx.region, name))
        except FilterError as error:
            raise invalid(str(error)) from None

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
            raise invalid("StartTime must be before EndTime.")
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
            raise invalid("Period must be a multiple of 60 seconds.")
        from emulator.xray.filters import FilterError, compile_selector

        try:
            kind, select = compile_selector(entity_selector_expression)
        except FilterError as error:
            raise invalid(str(error)) from None
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


__all__ = ["TracesApi"]
