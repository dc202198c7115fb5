"""Lambda Invoke through boto3: warm latency per executor, the process executor's cold start,
and throughput with 32 concurrent callers, each against a canned Invoke floor in the same run."""

from __future__ import annotations

import io
import json
import statistics
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench import servers
from bench.results import Result, median

FLOOR_MODULE = "bench.lambda_floor"
TARGET = 1.5
COLD_START_TARGET_SECONDS = 0.100
CALLERS = 32
HANDLER = "def handler(event, context):\n    return {'ok': True}\n"
# A cold start that imports only the standard library.
STDLIB_HANDLER = "import json, os, re, datetime\n" + HANDLER


class Unavailable(Exception):
    """The emulator cannot answer the calls."""


def p99(samples: list[float]) -> float:
    if len(samples) < 2:
        return samples[0]
    return float(statistics.quantiles(samples, n=100, method="inclusive")[98])


def _client(endpoint_url: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        "lambda", endpoint_url=endpoint_url, region_name="us-east-1",
        aws_access_key_id="test", aws_secret_access_key="test",
        config=Config(retries={"mode": "standard", "max_attempts": 1},
                      max_pool_connections=CALLERS),
    )


def _zip(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", source)
    return buffer.getvalue()


def _create(client: Any, name: str, executor: str, source: str = HANDLER) -> None:
    from botocore.exceptions import ClientError

    try:
        client.create_function(
            FunctionName=name, Runtime="python3.11", Handler="app.handler",
            Role="arn:aws:iam::000000000000:role/bench", Code={"ZipFile": _zip(source)},
            Tags={"emulator:executor": executor}, MemorySize=512)
    except ClientError as error:
        raise Unavailable(str(error)) from None


def _caller(client: Any, name: str) -> Callable[[], None]:
    def call() -> None:
        reply = client.invoke(FunctionName=name, Payload=b"{}")
        reply["Payload"].read()
        if reply.get("FunctionError"):
            raise RuntimeError(f"{name} failed; the benchmark is invalid")

    return call


def _timed(call: Callable[[], None]) -> float:
    began = time.perf_counter()
    call()
    return time.perf_counter() - began


def _alternate(ours: Callable[[], None], floor: Callable[[], None],
               calls: int) -> tuple[list[float], list[float]]:
    our_times: list[float] = []
    floor_times: list[float] = []
    for index in range(calls):
        if index % 2:
            our_times.append(_timed(ours))
            floor_times.append(_timed(floor))
        else:
            floor_times.append(_timed(floor))
            our_times.append(_timed(ours))
    return our_times, floor_times


def _throughput(call: Callable[[], None], total: int) -> float:
    """Seconds per invocation with CALLERS callers at once."""
    began = time.perf_counter()
    with ThreadPoolExecutor(CALLERS) as pool:
        list(pool.map(lambda _: call(), range(total)))
    return (time.perf_counter() - began) / total


def _cold_starts(client: Any, name: str, rounds: int) -> list[float]:
    """First-invocation latencies, each after a configuration change retires the warm ones."""
    times = []
    for round_number in range(rounds):
        client.update_function_configuration(
            FunctionName=name, Environment={"Variables": {"ROUND": str(round_number)}})
        times.append(_timed(_caller(client, name)))
    return times


def run(calls: int, warmup: int) -> list[Result]:
    our_port, floor_port = servers.free_port(), servers.free_port()
    with (
        servers.started(servers.emulator_command(our_port), our_port) as our_server,
        servers.started(servers.module_command(FLOOR_MODULE, floor_port),
                        floor_port) as floor_server,
    ):
        ours = _client(our_server.endpoint_url)
        floor = _client(floor_server.endpoint_url)
        _create(ours, "bench-inprocess", "inprocess")
        _create(ours, "bench-process", "process")
        floor_call = _caller(floor, "bench")
        results: list[Result] = []
        for executor in ("inprocess", "process"):
            call = _caller(ours, f"bench-{executor}")
            _alternate(call, floor_call, warmup)
            our_times, floor_times = _alternate(call, floor_call, calls)
            for label, statistic in (("median", median), ("p99", p99)):
                results.append(Result(f"Lambda Invoke, warm, {executor} ({label})", "s",
                                      statistic(our_times), statistic(floor_times),
                                      TARGET if executor == "inprocess" else 3.0, calls))
        _create(ours, "bench-cold-inprocess", "inprocess", STDLIB_HANDLER)
        _create(ours, "bench-cold-process", "process", STDLIB_HANDLER)
        rounds = max(5, calls // 40)
        inprocess_cold = median(_cold_starts(ours, "bench-cold-inprocess", rounds))
        process_cold = median(_cold_starts(ours, "bench-cold-process", rounds))
        results.append(Result(
            "Lambda cold start added by the process executor (median)", "s",
            max(process_cold - inprocess_cold, 0.0), COLD_START_TARGET_SECONDS, 1.0, rounds))
        total = calls * 2
        _throughput(_caller(ours, "bench-inprocess"), CALLERS)
        results.append(Result(
            f"Lambda Invoke, {CALLERS} concurrent callers, inprocess (s per call)", "s",
            _throughput(_caller(ours, "bench-inprocess"), total),
            _throughput(floor_call, total), 2.0, total))
        results.append(Result(
            f"Lambda Invoke, {CALLERS} concurrent callers, process (s per call)", "s",
            _throughput(_caller(ours, "bench-process"), total),
            _throughput(floor_call, total), 3.0, total))
        json.dumps([r.as_dict() for r in results])
        return results


__all__ = ["Unavailable", "run"]
