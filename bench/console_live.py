"""The request log and the console's live updates under 200 requests a second: SQS calls paced
at that rate, answered by an emulator with a console open (an event stream whose every change
fetches the requests page again, as the browser does) against one that keeps no requests and
has no console open. Target: the answers slow by 5% at most. For context, how long after the
load the open page shows its last request."""

from __future__ import annotations

import multiprocessing
import re
import time
from collections.abc import Callable
from typing import Any

import httpx

from bench import clients, servers
from bench.results import Result, median, p90

RATE = 200.0  # requests a second
TARGET = 1.05
CONSOLE = "/_emulator/console/"


def _follow(endpoint: str, latest: Any, refreshes: Any, stop: Any) -> None:
    """Keep the requests page up to date as the browser's script does: fetch it again on
    every change event. Runs in a process of its own, so it takes no time from the sender."""
    with httpx.Client(base_url=endpoint, timeout=30) as client:
        def refresh() -> None:
            page = client.get(CONSOLE + "requests/").text
            shown = [int(n) for n in re.findall(r'data-request="(\d+)"', page)]
            latest.value = max(shown, default=latest.value)
            refreshes.value += 1

        refresh()
        while not stop.is_set():
            with client.stream("GET", CONSOLE + "events") as events:
                for line in events.iter_lines():
                    if stop.is_set():
                        return
                    if line == "event: change":
                        refresh()


class LivePage:
    """A console page open in another process, following the emulator's changes."""

    def __init__(self, endpoint: str) -> None:
        context = multiprocessing.get_context("spawn")
        self._latest = context.Value("q", 0)
        self._refreshes = context.Value("q", 0)
        self._stop = context.Event()
        self._process = context.Process(target=_follow, daemon=True, args=(
            endpoint, self._latest, self._refreshes, self._stop))

    @property
    def latest(self) -> int:
        return int(self._latest.value)

    @property
    def refreshes(self) -> int:
        return int(self._refreshes.value)

    def __enter__(self) -> LivePage:
        self._process.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self._stop.set()
        self._process.join(5)
        if self._process.is_alive():
            self._process.terminate()


def _paced(call: Callable[[], object], count: int) -> list[float]:
    """Latencies of ``count`` calls started at ``RATE`` a second (late calls start at once)."""
    latencies = []
    began = time.perf_counter()
    for index in range(count):
        due = began + index / RATE
        wait = due - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        start = time.perf_counter()
        call()
        latencies.append(time.perf_counter() - start)
    return latencies


def _sender(endpoint: str) -> Callable[[], object]:
    sqs = clients.client("sqs", endpoint, retries=clients.ONE_TRY)
    url = sqs.create_queue(QueueName="bench-live")["QueueUrl"]
    return lambda: sqs.send_message(QueueUrl=url, MessageBody="x" * 200)


def _command(port: int, *extra: str) -> list[str]:
    return [*servers.emulator_command(port), "--xray-daemon-port", "-1", "--log-level",
            "warning", "--no-request-log", *extra]


def run(seconds: float = 1.0, rounds: int = 10) -> list[Result]:
    our_port, floor_port = servers.free_port(), servers.free_port()
    ours_command = _command(our_port)
    floor_command = _command(floor_port, "--request-history", "0")
    count = int(seconds * RATE)
    with servers.started(ours_command, our_port) as ours, \
            servers.started(floor_command, floor_port) as floor:
        send_ours, send_floor = _sender(ours.endpoint_url), _sender(floor.endpoint_url)
        _paced(send_ours, 200)
        _paced(send_floor, 200)
        our_times: list[float] = []
        floor_times: list[float] = []
        with LivePage(ours.endpoint_url) as page:
            time.sleep(2.0)  # the page process starts and opens its event stream
            for index in range(rounds):  # alternate, so a busy moment costs both sides
                if index % 2:
                    our_times += _paced(send_ours, count)
                    floor_times += _paced(send_floor, count)
                else:
                    floor_times += _paced(send_floor, count)
                    our_times += _paced(send_ours, count)
            last = 1 + 200 + len(our_times)  # CreateQueue, the warm-up, the measured calls
            finished = time.perf_counter()
            while page.latest < last and time.perf_counter() - finished < 10:
                time.sleep(0.01)
            delay = time.perf_counter() - finished
            refreshes = page.refreshes
        if refreshes < 2:
            raise RuntimeError("the live page was never refreshed; the benchmark is invalid")
    return [
        Result(f"SQS SendMessage at {RATE:.0f}/s, request log and a live console open vs "
               "neither (median)", "s", median(our_times), median(floor_times), TARGET,
               len(our_times)),
        Result(f"SQS SendMessage at {RATE:.0f}/s, request log and a live console open vs "
               "neither (p90)", "s", p90(our_times), p90(floor_times), None, len(our_times)),
        Result("Console live page: time from the last request to the page showing it", "s",
               delay, 1.0, None, 1),
    ]


__all__ = ["run"]
