"""Idle memory: resident set size once started and after one health call."""

from __future__ import annotations

from bench import servers
from bench.results import Result, median
from bench.startup import FLOOR_MODULE

TARGET = 1.3


def _rss(command: list[str], port: int) -> int:
    # ``started`` returns once the health route has answered, which is the one call.
    with servers.started(command, port) as server:
        return servers.rss_bytes(server.process.pid)


def run(starts: int) -> Result:
    ours: list[float] = []
    floor: list[float] = []
    for _ in range(starts):
        port = servers.free_port()
        ours.append(_rss(servers.emulator_command(port), port))
        port = servers.free_port()
        floor.append(_rss(servers.module_command(FLOOR_MODULE, port), port))
    return Result("idle RSS (median)", "bytes", median(ours), median(floor), TARGET, starts)


__all__ = ["run"]
