"""CloudWatch PutMetricData through boto3: the latency of one call carrying 20 data points of
a few metrics with dimensions (what an application's metrics library sends), and the
throughput of 8 callers at once, each against a canned json-protocol endpoint."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bench import servers
from bench.clients import ONE_TRY, client
from bench.results import RATE, Result, summary
from bench.timing import alternate, per_call

TARGET = 1.5  # the latency target the other single-call lines hold
THROUGHPUT_TARGET = 0.5  # at least half the floor's calls per second, as for API Gateway
CALLERS = 8
FLOOR_MODULE = "bench.cloudwatch_floor"
NAMESPACE = "Bench/App"


class Unavailable(Exception):
    """The emulator cannot answer the calls."""


def metric_data() -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    return [{"MetricName": ("Latency", "Requests", "Errors", "Bytes")[index % 4],
             "Dimensions": [{"Name": "Service", "Value": "orders"},
                            {"Name": "Route", "Value": f"/orders/{index % 5}"}],
             "Timestamp": now, "Value": float(index), "Unit": "Count"}
            for index in range(20)]


def _putter(endpoint_url: str) -> Callable[[], object]:
    from botocore.exceptions import ClientError

    cloudwatch = client("cloudwatch", endpoint_url, retries=ONE_TRY,
                        max_pool_connections=CALLERS)

    def put() -> object:
        return cloudwatch.put_metric_data(Namespace=NAMESPACE, MetricData=metric_data())

    try:
        put()
    except ClientError as error:
        raise Unavailable(str(error)) from None
    return put


def _numbered(put: Callable[[], object]) -> Callable[[int], object]:
    return lambda _: put()


def run(calls: int, warmup: int) -> list[Result]:
    with servers.emulator_and_floor(FLOOR_MODULE) as (our_server, floor_server):
        ours, floor = _putter(our_server.endpoint_url), _putter(floor_server.endpoint_url)
        alternate(ours, floor, warmup)
        latency = alternate(ours, floor, calls)
        rates = [1 / per_call(_numbered(put), calls, CALLERS) for put in (ours, floor)]
    return [*summary("CloudWatch PutMetricData (20 data points) via boto3", *latency, TARGET,
                     calls),
            Result(f"CloudWatch PutMetricData, {CALLERS} callers", RATE, rates[0], rates[1],
                   THROUGHPUT_TARGET, calls)]


__all__ = ["Unavailable", "run"]
