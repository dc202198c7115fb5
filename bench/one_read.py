"""One read through boto3 against a canned endpoint: the emulator and the floor app each
prepared the same way, the call timed on both in alternation after a warm-up."""

from __future__ import annotations

from collections.abc import Callable

from bench import servers
from bench.results import Result, summary
from bench.timing import alternate

# Given a server's endpoint URL, prepares what the read needs there and returns the read.
Prepare = Callable[[str], Callable[[], object]]


def compare(label: str, floor_module: str, prepare: Prepare, target: float, calls: int,
            warmup: int) -> list[Result]:
    with servers.emulator_and_floor(floor_module) as (our_server, floor_server):
        ours = prepare(our_server.endpoint_url)
        floor = prepare(floor_server.endpoint_url)
        alternate(ours, floor, warmup)
        got = alternate(ours, floor, calls)
    return summary(label, *got, target, calls)


__all__ = ["Prepare", "compare"]
