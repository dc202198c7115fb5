"""The queues port's ``receivable``: what a receive would get now, FIFO groups included."""

import asyncio

from emulator.clock import Clock
from emulator.config import Settings
from emulator.context import RequestContext
from emulator.services.registry import ServiceRegistry
from emulator.store import MemoryBackend


def test_receivable_counts_visible_messages_and_respects_fifo_groups() -> None:
    clock = Clock()
    registry = ServiceRegistry(Settings(), clock, MemoryBackend())
    sqs = registry.get("sqs")
    ctx = RequestContext("000000000000", "us-east-1", "r", "sqs", "CreateQueue", "json",
                         "http://localhost:4566")
    sqs.create_queue(ctx, queue_name="plain")  # type: ignore[union-attr]
    sqs.create_queue(ctx, queue_name="ordered.fifo", attributes={  # type: ignore[union-attr]
        "FifoQueue": "true", "ContentBasedDeduplication": "true"})
    queues = registry.ports.queues
    plain = "arn:aws:sqs:us-east-1:000000000000:plain"
    fifo = "arn:aws:sqs:us-east-1:000000000000:ordered.fifo"
    assert queues.receivable(plain) == 0
    queues.send(plain, "one")
    queues.send(plain, "two", delay_seconds=30)
    assert queues.receivable(plain) == 1
    for body in ("a1", "a2"):
        queues.send(fifo, body, group_id="a")
    queues.send(fifo, "b1", group_id="b")
    assert queues.receivable(fifo) == 3
    taken = asyncio.run(queues.receive(fifo, max_messages=1))
    assert [m["Body"] for m in taken] == ["a1"]
    assert queues.receivable(fifo) == 1  # a2 waits behind a1, in flight
    clock.advance(30)
    assert queues.receivable(plain) == 2
    assert queues.receivable("arn:aws:sqs:us-east-1:000000000000:missing") == 0
