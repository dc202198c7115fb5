"""Service graphs: nodes and edges with summary statistics and histograms, as GetServiceGraph
and GetTraceGraph return them, and the time series of GetTimeSeriesServiceStatistics."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from emulator.xray.facts import Sample, ServiceKey, TraceFacts

CLIENT: ServiceKey = ("client", "client")


def _time(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


def statistics(samples: Iterable[Sample]) -> dict[str, Any]:
    """The ``ServiceStatistics`` / ``EdgeStatistics`` shape."""
    ok = throttle = error_other = fault = total = 0
    response = 0.0
    for sample in samples:
        total += 1
        response += sample.response_time
        if sample.fault:
            fault += 1
        elif sample.throttle:
            throttle += 1
        elif sample.error:
            error_other += 1
        else:
            ok += 1
    return {
        "OkCount": ok,
        "ErrorStatistics": {"ThrottleCount": throttle, "OtherCount": error_other,
                            "TotalCount": throttle + error_other},
        "FaultStatistics": {"OtherCount": fault, "TotalCount": fault},
        "TotalCount": total,
        "TotalResponseTime": round(response, 6),
    }


def histogram(values: Iterable[float]) -> list[dict[str, Any]]:
    """Counts of values, to the millisecond, smallest first (the ``Histogram`` shape)."""
    counts: dict[float, int] = {}
    for value in values:
        bucket = round(value, 3)
        counts[bucket] = counts.get(bucket, 0) + 1
    return [{"Value": value, "Count": count} for value, count in sorted(counts.items())]


@dataclass
class _Node:
    key: ServiceKey
    account: str | None = None
    root: bool = False
    inferred: bool = False
    samples: list[Sample] = field(default_factory=list)
    edges: dict[ServiceKey, list[Sample]] = field(default_factory=dict)


class GraphBuilder:
    """Accumulates traces into one service graph."""

    def __init__(self) -> None:
        self._nodes: dict[ServiceKey, _Node] = {}

    def _node(self, key: ServiceKey) -> _Node:
        node = self._nodes.get(key)
        if node is None:
            node = self._nodes[key] = _Node(key)
        return node

    def add(self, trace: TraceFacts) -> None:
        for key, service in trace.services.items():
            node = self._node(key)
            node.samples.extend(service.samples)
            node.account = node.account or service.account
            node.inferred = node.inferred or service.inferred
            if service.root:
                node.root = True
                # The caller of the entry point appears as a client node.
                client = self._node((key[0], "client"))
                client.edges.setdefault(key, []).extend(service.samples)
        for (source, dest), edge in trace.edges.items():
            self._node(source).edges.setdefault(dest, []).extend(edge.samples)
            self._node(dest)

    def services(self) -> list[dict[str, Any]]:
        ordered = sorted(self._nodes, key=lambda k: (k[1] != "client", k[0], k[1] or ""))
        references = {key: index for index, key in enumerate(ordered)}
        result = []
        for key in ordered:
            node = self._nodes[key]
            all_samples = node.samples + [s for group in node.edges.values() for s in group]
            starts = [s.start for s in all_samples] or [0.0]
            ends = [s.end if s.end is not None else s.start for s in all_samples] or [0.0]
            is_client = key[1] == "client"
            service: dict[str, Any] = {
                "ReferenceId": references[key],
                "Name": key[0],
                "Names": [key[0]],
                "State": "unknown" if is_client or node.inferred else "active",
                "StartTime": _time(min(starts)),
                "EndTime": _time(max(ends)),
                "Edges": [self._edge(references[dest], samples)
                          for dest, samples in sorted(node.edges.items(),
                                                      key=lambda item: references[item[0]])],
            }
            if node.root:
                service["Root"] = True
            if node.account:
                service["AccountId"] = node.account
            if key[1]:
                service["Type"] = key[1]
            if not is_client:
                service["SummaryStatistics"] = statistics(node.samples)
                times = [s.response_time for s in node.samples]
                service["DurationHistogram"] = histogram(times)
                service["ResponseTimeHistogram"] = histogram(times)
            result.append(service)
        return result

    @staticmethod
    def _edge(reference: int, samples: list[Sample]) -> dict[str, Any]:
        starts = [s.start for s in samples] or [0.0]
        ends = [s.end if s.end is not None else s.start for s in samples] or [0.0]
        return {
            "ReferenceId": reference,
            "StartTime": _time(min(starts)),
            "EndTime": _time(max(ends)),
            "SummaryStatistics": statistics(samples),
            "ResponseTimeHistogram": histogram(s.response_time for s in samples),
            "Aliases": [],
        }


Selection = Callable[[TraceFacts], list[Sample]]


def time_series(traces: Iterable[TraceFacts], select: Selection, kind: str, start: float,
                end: float, period: int) -> list[dict[str, Any]]:
    """Statistics of the selected samples per ``period`` seconds (the
    ``TimeSeriesServiceStatistics`` shape); ``kind`` is "service" or "edge"."""
    buckets: dict[int, list[Sample]] = {}
    for trace in traces:
        for sample in select(trace):
            when = sample.end if sample.end is not None else sample.start
            if start <= when <= end:
                slot = int(when // period) * period
                buckets.setdefault(slot, []).append(sample)
    member = "ServiceSummaryStatistics" if kind == "service" else "EdgeSummaryStatistics"
    series = []
    for slot in sorted(buckets):
        samples = buckets[slot]
        stats = statistics(samples)
        if kind == "edge":
            stats = {k: v for k, v in stats.items()}
        series.append({
            "Timestamp": _time(slot),
            member: stats,
            "ResponseTimeHistogram": histogram(s.response_time for s in samples),
        })
    return series


__all__ = ["CLIENT", "GraphBuilder", "histogram", "statistics", "time_series"]
