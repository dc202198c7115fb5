"""Start-up to the first AWS answer: a cold start, then one SQS ListQueues.

Shown for context, with no target of its own: the health route can answer before the wire
layer is loaded, and this line keeps work that is only deferred from looking saved.
"""

from __future__ import annotations

import http.client
import time

from bench import servers
from bench.results import Result, median

FLOOR_MODULE = "bench.sqs_floor"
# An unsigned json-protocol call: the target header names the service and operation.
HEADERS = {"X-Amz-Target": "AmazonSQS.ListQueues", "Content-Type": "application/x-amz-json-1.0"}


def _list_queues(port: int) -> None:
    connection = http.client.HTTPConnection(servers.HOST, port, timeout=30)
    try:
        connection.request("POST", "/", body=b"{}", headers=HEADERS)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"ListQueues answered {response.status}")
    finally:
        connection.close()


def _seconds(command: list[str], port: int) -> float:
    with servers.started(command, port) as server:
        began = time.perf_counter()
        _list_queues(port)
        return server.startup_seconds + time.perf_counter() - began


def run(starts: int) -> Result:
    ours: list[float] = []
    floor: list[float] = []
    for _ in range(starts):
        port = servers.free_port()
        ours.append(_seconds(servers.emulator_command(port), port))
        port = servers.free_port()
        floor.append(_seconds(servers.module_command(FLOOR_MODULE, port), port))
    return Result(
        "start-up to first SQS answer (median)", "s", median(ours), median(floor), None, starts
    )


__all__ = ["run"]
