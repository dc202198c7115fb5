"""SQS round trips through boto3: SendMessage and ReceiveMessage against a canned endpoint."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from bench import servers
from bench.results import Result, median, p90
from bench.sqs_floor import CANNED_BODY

TARGET = 1.5
FLOOR_MODULE = "bench.sqs_floor"
QUEUE_NAME = "bench-latency"


class Unavailable(Exception):
    """The emulator cannot answer the calls yet (for example NotImplemented)."""


def _client(endpoint_url: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        "sqs",
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"mode": "standard", "max_attempts": 1}),
    )


def _timed(call: Callable[[], Any]) -> float:
    began = time.perf_counter()
    call()
    return time.perf_counter() - began


class _Target:
    """One endpoint: a client and the queue the calls go to."""

    def __init__(self, endpoint_url: str) -> None:
        from botocore.exceptions import ClientError

        self.client = _client(endpoint_url)
        try:
            self.queue_url = self.client.create_queue(QueueName=QUEUE_NAME)["QueueUrl"]
            self.send()
            self.receive()
        except ClientError as error:
            raise Unavailable(str(error)) from None

    def send(self) -> None:
        self.client.send_message(QueueUrl=self.queue_url, MessageBody=CANNED_BODY)

    def receive(self) -> None:
        reply = self.client.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=1, WaitTimeSeconds=0
        )
        # An empty answer is cheaper than a message; it would flatter the number.
        if len(reply.get("Messages", [])) != 1:
            raise RuntimeError("ReceiveMessage returned no message; the benchmark is invalid")


def _alternate(
    ours: Callable[[], None], floor: Callable[[], None], calls: int
) -> tuple[list[float], list[float]]:
    """Time the same call on both endpoints in turn, swapping who goes first each round."""
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


def run(calls: int, warmup: int) -> list[Result]:
    our_port, floor_port = servers.free_port(), servers.free_port()
    floor_command = servers.module_command(FLOOR_MODULE, floor_port)
    with (
        servers.started(servers.emulator_command(our_port), our_port) as our_server,
        servers.started(floor_command, floor_port) as floor_server,
    ):
        ours = _Target(our_server.endpoint_url)
        floor = _Target(floor_server.endpoint_url)
        _alternate(ours.send, floor.send, warmup)
        send = _alternate(ours.send, floor.send, calls)
        # Every send above left one message, so each receive below finds one.
        _alternate(ours.receive, floor.receive, warmup)
        receive = _alternate(ours.receive, floor.receive, calls)
    results = []
    for operation, (our_times, floor_times) in (("SendMessage", send), ("ReceiveMessage", receive)):
        for label, statistic in (("median", median), ("p90", p90)):
            results.append(
                Result(
                    f"SQS {operation} via boto3 ({label})",
                    "s",
                    statistic(our_times),
                    statistic(floor_times),
                    TARGET,
                    calls,
                )
            )
    return results


__all__ = ["Unavailable", "run"]
