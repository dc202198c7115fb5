"""The ``metrics`` port: how the emulator's services publish the metrics AWS publishes for
them (AWS/Lambda, AWS/ApiGateway, AWS/SQS, AWS/States...), and how CloudWatch Logs hands over
embedded metric format lines. No validation and no HTTP: values go straight to the store."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from emulator.metrics import emf
from emulator.metrics.datapoints import MetricId
from emulator.services.cloudwatch.common import CloudWatchBase


class MetricsPort:
    def __init__(self, base: CloudWatchBase) -> None:
        self._base = base

    def put(self, account: str, region: str, namespace: str, name: str, value: float, *,
            dimensions: Iterable[tuple[str, str]] = (), unit: str = "None",
            timestamp: float | None = None, count: float = 1.0) -> None:
        stamp = self._base.clock.now() if timestamp is None else timestamp
        self._base.metric_data(account, region).put(
            MetricId.of(namespace, name, dimensions), stamp, unit, values=((value, count),))

    def put_values(self, account: str, region: str, namespace: str,
                   values: Sequence[tuple[str, float, str]],
                   dimension_sets: Sequence[tuple[tuple[str, str], ...]]) -> None:
        self._base.metric_data(account, region).add_values(
            namespace, values, dimension_sets, self._base.clock.now())

    def put_embedded(self, account: str, region: str, message: str) -> int:
        """Store the metrics a log message embeds; how many were found."""
        found = emf.extract(message)
        data = self._base.metric_data(account, region) if found else None
        for metric in found:
            assert data is not None
            data.put(MetricId.of(metric.namespace, metric.name, metric.dimensions),
                     metric.timestamp, metric.unit, resolution=metric.resolution,
                     values=[(value, 1.0) for value in metric.values])
        return len(found)


__all__ = ["MetricsPort"]
