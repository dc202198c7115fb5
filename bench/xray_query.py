"""GetTraceSummaries with an annotation filter over 100,000 stored traces, against the
200 ms budget; and, for context, a filter no index helps, which reads every trace."""

from __future__ import annotations

import json
import time
from typing import Any

from bench import clients, servers
from bench.results import Result, median

TRACES = 100_000
BATCH = 1_000
CUSTOMERS = 1_000
BUDGET = 0.200


def _load(client: Any, count: int) -> float:
    now = time.time()
    epoch = f"{int(now):08x}"
    began = time.perf_counter()
    for start in range(0, count, BATCH):
        documents = [json.dumps({
            "name": "shop", "id": f"{n + 1:016x}", "trace_id": f"1-{epoch}-{n:024x}",
            "start_time": now, "end_time": now + (n % 50) / 100,
            "http": {"request": {"method": "GET", "url": f"https://shop/{n % 100}"},
                     "response": {"status": 500 if n % 20 == 0 else 200}},
            "annotations": {"customer": f"c{n % CUSTOMERS}", "items": n % 7},
        }) for n in range(start, min(count, start + BATCH))]
        reply = client.put_trace_segments(TraceSegmentDocuments=documents)
        if reply["UnprocessedTraceSegments"]:
            raise RuntimeError(f"segments refused: {reply['UnprocessedTraceSegments'][:1]}")
    return time.perf_counter() - began


def _query(client: Any, expression: str) -> tuple[float, int]:
    now = time.time()
    began = time.perf_counter()
    reply = client.get_trace_summaries(StartTime=now - 3600, EndTime=now + 3600,
                                       FilterExpression=expression)
    return time.perf_counter() - began, len(reply["TraceSummaries"])


def run(queries: int, traces: int = TRACES) -> list[Result]:
    port = servers.free_port()
    command = [*servers.emulator_command(port), "--xray-daemon-port", "-1",
               "--log-level", "warning", "--no-request-log"]
    with servers.started(command, port) as server:
        client = clients.client("xray", server.endpoint_url, retries={"max_attempts": 1},
                                read_timeout=300)
        loaded = _load(client, traces)
        times = []
        for n in range(queries + 1):
            elapsed, found = _query(client, f'annotation.customer = "c{n * 7 % CUSTOMERS}"')
            if found != traces // CUSTOMERS:
                raise RuntimeError(f"expected {traces // CUSTOMERS} summaries, got {found}")
            if n:  # the first query also warms the client
                times.append(elapsed)
        _query(client, "annotation.items > 5 AND fault")  # reads every trace once
        scans = [_query(client, "annotation.items > 5 AND fault")[0] for _ in range(3)]
    return [
        Result(f"X-Ray GetTraceSummaries, annotation filter over {traces:,} traces "
               f"(budget {BUDGET * 1000:.0f} ms)", "s", median(times), BUDGET, 1.0, queries),
        Result(f"X-Ray GetTraceSummaries, unindexed filter over {traces:,} traces",
               "s", median(scans), BUDGET, None, len(scans)),
        Result(f"X-Ray PutTraceSegments of {traces:,} traces in batches of {BATCH:,} "
               "(per trace)", "s", loaded / traces, BUDGET / traces * 10, None, traces // BATCH),
    ]


__all__ = ["run"]
