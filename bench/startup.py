"""Start-up: cold starts of ``python -m emulator`` until its first healthy answer."""

from __future__ import annotations

from bench import servers
from bench.results import Result, median

TARGET = 1.5
FLOOR_MODULE = "bench.bare_app"


def _seconds(command: list[str], port: int) -> float:
    with servers.started(command, port) as server:
        return server.startup_seconds


def run(starts: int) -> Result:
    """Median of ``starts`` cold starts each, alternating emulator and floor so drift in the
    machine's load falls on both; one discarded start of each first warms the file cache."""
    ours: list[float] = []
    floor: list[float] = []
    for index in range(starts + 1):
        ours_port, floor_port = servers.free_port(), servers.free_port()
        pair = [
            (ours, servers.emulator_command(ours_port), ours_port),
            (floor, servers.module_command(FLOOR_MODULE, floor_port), floor_port),
        ]
        for samples, command, port in pair if index % 2 else reversed(pair):
            seconds = _seconds(command, port)
            if index:
                samples.append(seconds)
    return Result(
        "start-up to first healthy answer (median)",
        "s",
        median(ours),
        median(floor),
        TARGET,
        starts,
    )


__all__ = ["run"]
