"""Lambda Invoke through boto3: warm latency per executor, the process executor's cold start,
and throughput with 32 concurrent callers, each against a canned Invoke floor in the same run."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from bench import servers
from bench.clients import ONE_TRY, ROLE, client, function_zip
from bench.results import Result, median, p99, summary
from bench.timing import alternate, per_call, timed

FLOOR_MODULE = "bench.lambda_floor"
TARGET = 1.5
COLD_START_TARGET_SECONDS = 0.100
CALLERS = 32
HANDLER = "def handler(event, context):\n    return {'ok': True}\n"
# A cold start that imports only the standard library.
STDLIB_HANDLER = "import json, os, re, datetime\n" + HANDLER


class Unavailable(Exception):
    """The emulator cannot answer the calls."""


def _create(client: Any, name: str, executor: str, source: str = HANDLER) -> None:
    from botocore.exceptions import ClientError

    try:
        client.create_function(
            FunctionName=name, Runtime="python3.11", Handler="app.handler",
            Role=ROLE, Code={"ZipFile": function_zip(source)},
            Tags={"emulator:executor": executor}, MemorySize=512)
    except ClientError as error:
        raise Unavailable(str(error)) from None


def caller(client: Any, name: str) -> Callable[[], None]:
    def call() -> None:
        reply = client.invoke(FunctionName=name, Payload=b"{}")
        reply["Payload"].read()
        if reply.get("FunctionError"):
            raise RuntimeError(f"{name} failed; the benchmark is invalid")

    return call


def _throughput(call: Callable[[], None], total: int) -> float:
    """Seconds per invocation with CALLERS callers at once."""
    return per_call(lambda _: call(), total, CALLERS)


def _cold_starts(client: Any, name: str, rounds: int) -> list[float]:
    """First-invocation latencies, each after a configuration change retires the warm ones."""
    times = []
    for round_number in range(rounds):
        client.update_function_configuration(
            FunctionName=name, Environment={"Variables": {"ROUND": str(round_number)}})
        times.append(timed(caller(client, name)))
    return times


def run(calls: int, warmup: int) -> list[Result]:
    with servers.emulator_and_floor(FLOOR_MODULE) as (our_server, floor_server):
        ours = client("lambda", our_server.endpoint_url, retries=ONE_TRY,
                      max_pool_connections=CALLERS)
        floor = client("lambda", floor_server.endpoint_url, retries=ONE_TRY,
                       max_pool_connections=CALLERS)
        _create(ours, "bench-inprocess", "inprocess")
        _create(ours, "bench-process", "process")
        floor_call = caller(floor, "bench")
        results: list[Result] = []
        for executor in ("inprocess", "process"):
            call = caller(ours, f"bench-{executor}")
            alternate(call, floor_call, warmup)
            our_times, floor_times = alternate(call, floor_call, calls)
            results.extend(summary(f"Lambda Invoke, warm, {executor}", our_times, floor_times,
                                   TARGET if executor == "inprocess" else 3.0, calls,
                                   by=(("median", median), ("p99", p99))))
        _create(ours, "bench-cold-inprocess", "inprocess", STDLIB_HANDLER)
        _create(ours, "bench-cold-process", "process", STDLIB_HANDLER)
        rounds = max(5, calls // 40)
        inprocess_cold = median(_cold_starts(ours, "bench-cold-inprocess", rounds))
        process_cold = median(_cold_starts(ours, "bench-cold-process", rounds))
        results.append(Result(
            "Lambda cold start added by the process executor (median)", "s",
            max(process_cold - inprocess_cold, 0.0), COLD_START_TARGET_SECONDS, 1.0, rounds))
        total = calls * 2
        _throughput(caller(ours, "bench-inprocess"), CALLERS)
        results.append(Result(
            f"Lambda Invoke, {CALLERS} concurrent callers, inprocess (s per call)", "s",
            _throughput(caller(ours, "bench-inprocess"), total),
            _throughput(floor_call, total), 2.0, total))
        results.append(Result(
            f"Lambda Invoke, {CALLERS} concurrent callers, process (s per call)", "s",
            _throughput(caller(ours, "bench-process"), total),
            _throughput(floor_call, total), 3.0, total))
        json.dumps([r.as_dict() for r in results])
        return results


__all__ = ["Unavailable", "caller", "run"]
