"""SQS round trips through boto3: SendMessage and ReceiveMessage against a canned endpoint."""

from __future__ import annotations

from bench import servers
from bench.clients import ONE_TRY, client
from bench.results import Result, summary
from bench.sqs_floor import CANNED_BODY
from bench.timing import alternate

TARGET = 1.5
FLOOR_MODULE = "bench.sqs_floor"
QUEUE_NAME = "bench-latency"


class Unavailable(Exception):
    """The emulator cannot answer the calls yet (for example NotImplemented)."""


class _Target:
    """One endpoint: a client and the queue the calls go to."""

    def __init__(self, endpoint_url: str) -> None:
        from botocore.exceptions import ClientError

        self.client = client("sqs", endpoint_url, retries=ONE_TRY)
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


def run(calls: int, warmup: int) -> list[Result]:
    with servers.emulator_and_floor(FLOOR_MODULE) as (our_server, floor_server):
        ours = _Target(our_server.endpoint_url)
        floor = _Target(floor_server.endpoint_url)
        alternate(ours.send, floor.send, warmup)
        send = alternate(ours.send, floor.send, calls)
        # Every send above left one message, so each receive below finds one.
        alternate(ours.receive, floor.receive, warmup)
        receive = alternate(ours.receive, floor.receive, calls)
    return [
        *summary("SQS SendMessage via boto3", *send, TARGET, calls),
        *summary("SQS ReceiveMessage via boto3", *receive, TARGET, calls),
    ]


__all__ = ["Unavailable", "run"]
