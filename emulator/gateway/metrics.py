"""What API Gateway publishes to CloudWatch for each request (namespace AWS/ApiGateway).

REST APIs: Count, 4XXError, 5XXError, Latency, IntegrationLatency, and CacheHitCount and
CacheMissCount where the stage cache applies, per ApiName and per ApiName and Stage (and per
ApiName, Method, Resource and Stage when the method's metrics are enabled), as
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html
lists them. HTTP APIs: Count, 4xx, 5xx, Latency, IntegrationLatency and DataProcessed per ApiId
and per ApiId and Stage (and per route with detailed metrics), as
https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-metrics.html lists them.
The error counts are published as 0 or 1 for every request, so their Average is the error rate.
"""

from __future__ import annotations

from dataclasses import dataclass

from emulator.ports import MetricSink

NAMESPACE = "AWS/ApiGateway"
Dimensions = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Served:
    """One request as the metrics see it."""

    account: str
    region: str
    status: int
    latency_ms: float
    integration_latency_ms: float | None = None  # None when no integration was called
    cache_hit: bool | None = None  # None when the stage cache did not apply


def ascii_name(name: str) -> str:
    """API Gateway drops non-ASCII characters from the ApiName dimension."""
    if name.isascii():  # nearly every name: no need to look at each character
        return name
    return "".join(char for char in name if char.isascii())


def rest_dimensions(api_name: str, stage: str, method: str | None = None,
                    resource: str | None = None) -> list[Dimensions]:
    name = ascii_name(api_name)
    sets: list[Dimensions] = [(("ApiName", name),), (("ApiName", name), ("Stage", stage))]
    if method is not None and resource is not None:
        sets.append((("ApiName", name), ("Method", method), ("Resource", resource),
                     ("Stage", stage)))
    return sets


def http_dimensions(api_id: str, stage: str, method: str | None = None,
                    resource: str | None = None) -> list[Dimensions]:
    sets: list[Dimensions] = [(("ApiId", api_id),), (("ApiId", api_id), ("Stage", stage))]
    if method is not None and resource is not None:
        sets.append((("ApiId", api_id), ("Method", method), ("Resource", resource),
                     ("Stage", stage)))
    return sets


def _publish(sink: MetricSink, served: Served, sets: list[Dimensions],
             values: list[tuple[str, float, str]]) -> None:
    sink.put_values(served.account, served.region, NAMESPACE, values, sets)


def _common(served: Served, client_error: str, server_error: str
            ) -> list[tuple[str, float, str]]:
    values = [("Count", 1.0, "Count"),
              (client_error, 1.0 if 400 <= served.status < 500 else 0.0, "Count"),
              (server_error, 1.0 if served.status >= 500 else 0.0, "Count"),
              ("Latency", max(0.0, served.latency_ms), "Milliseconds")]
    if served.integration_latency_ms is not None:
        values.append(("IntegrationLatency", max(0.0, served.integration_latency_ms),
                       "Milliseconds"))
    return values


def rest_request(sink: MetricSink, served: Served, sets: list[Dimensions]) -> None:
    values = _common(served, "4XXError", "5XXError")
    if served.cache_hit is not None:
        values += [("CacheHitCount", 1.0 if served.cache_hit else 0.0, "Count"),
                   ("CacheMissCount", 0.0 if served.cache_hit else 1.0, "Count")]
    _publish(sink, served, sets, values)


def http_request(sink: MetricSink, served: Served, sets: list[Dimensions],
                 data_bytes: int) -> None:
    values = _common(served, "4xx", "5xx")
    values.append(("DataProcessed", float(data_bytes), "Bytes"))
    _publish(sink, served, sets, values)


__all__ = ["NAMESPACE", "Served", "ascii_name", "http_dimensions", "http_request",
           "rest_dimensions", "rest_request"]
