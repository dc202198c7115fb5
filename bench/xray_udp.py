"""X-Ray daemon port: segments sent over UDP at rising offered rates, how many per second the
emulator ingests, and how many are lost.

Each segment is its own trace carrying the annotation ``run``; the end is the arrival of the
last one, and the count that arrived is read back with GetTraceSummaries. The floor is decoding the
same documents with ``json.loads`` in this process: the least any collector must do.
"""

from __future__ import annotations

import json
import socket
import time
from typing import Any

from bench import clients, servers
from bench.results import Result

HEADER = b'{"format": "json", "version": 1}\n'
RATES = (2_000, 5_000, 10_000, 20_000, 50_000)
SETTLE_SECONDS = 2.0  # the last segment not there by then: it was lost


def _datagrams(run: str, count: int) -> list[bytes]:
    now = time.time()
    epoch = f"{int(now):08x}"
    return [HEADER + json.dumps({
        "name": "bench", "id": f"{n + 1:016x}", "trace_id": f"1-{epoch}-{run}{n:018x}",
        "start_time": now, "end_time": now + 0.01, "annotations": {"run": run},
        "http": {"request": {"method": "GET", "url": f"https://bench/{n}"},
                 "response": {"status": 200}},
    }).encode() for n in range(count)]


def _arrived(client: Any, run: str) -> int:
    now = time.time()
    reply = client.get_trace_summaries(StartTime=now - 600, EndTime=now + 600,
                                       FilterExpression=f'annotation.run = "{run}"')
    return int(reply["TracesProcessedCount"])


def _send(port: int, datagrams: list[bytes], rate: int) -> float:
    """Send at ``rate`` per second in 1 ms slots; returns when sending began."""
    per_slot = max(1, rate // 1000)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        address = (servers.HOST, port)
        began = time.perf_counter()
        for index in range(0, len(datagrams), per_slot):
            due = began + index / rate
            while time.perf_counter() < due:
                pass
            for datagram in datagrams[index:index + per_slot]:
                sock.sendto(datagram, address)
    return began


def _trace_id(datagram: bytes) -> str:
    return str(json.loads(datagram.partition(b"\n")[2])["trace_id"])


def _measure(client: Any, port: int, run: str, rate: int, count: int) -> tuple[float, int]:
    """(seconds from the first send until the last segment was kept, how many arrived).

    Loopback UDP keeps order, so the last segment's arrival marks the end; it is looked up
    by id, which costs the emulator little while it ingests. Then one count finds losses.
    """
    datagrams = _datagrams(run, count)
    last = _trace_id(datagrams[-1])
    began = _send(port, datagrams, rate)
    ended = time.perf_counter()
    while time.perf_counter() - ended < SETTLE_SECONDS:
        if client.batch_get_traces(TraceIds=[last])["Traces"]:
            ended = time.perf_counter()
            break
        time.sleep(0.002)
    return ended - began, _arrived(client, run)


def _floor(count: int) -> float:
    documents = [d.partition(b"\n")[2] for d in _datagrams("ffffff", count)]
    began = time.perf_counter()
    for document in documents:
        json.loads(document)
    return (time.perf_counter() - began) / count


def run(count: int) -> list[Result]:
    port, daemon = servers.free_port(), servers.free_port()
    command = [*servers.emulator_command(port), "--xray-daemon-port", str(daemon),
               "--log-level", "warning", "--no-request-log"]
    results: list[Result] = []
    floor = _floor(count)
    best = 0.0
    with servers.started(command, port) as server:
        client = clients.client("xray", server.endpoint_url, retries={"max_attempts": 1})
        _measure(client, daemon, "0000ff", 1_000, 200)  # warm up
        for index, rate in enumerate(RATES):
            elapsed, arrived = _measure(client, daemon, f"{index + 1:06x}", rate, count)
            lost = count - arrived
            per_second = arrived / elapsed if elapsed > 0 else 0.0
            if lost == 0:
                best = max(best, per_second)
            results.append(Result(
                f"X-Ray UDP at {rate:,}/s offered: {per_second:,.0f}/s ingested, "
                f"{lost:,} of {count:,} lost", "s", elapsed / count, floor, None, count))
    results.append(Result(
        f"X-Ray UDP ingest with none lost: {best:,.0f} segments/s (floor: json.loads)",
        "s", 1 / best if best else float("inf"), floor, None, count))
    return results


__all__ = ["run"]
