import asyncio

import pytest

from emulator.clock import Clock
from emulator.config import Settings
from emulator.context import RequestContext
from emulator.services.registry import ServiceRegistry
from emulator.store import MemoryBackend


def _registry() -> ServiceRegistry:
    return ServiceRegistry(Settings(), Clock(), MemoryBackend())


def test_queues_port_sends_and_receives_by_arn() -> None:
    registry = _registry()
    sqs = registry.get("sqs")
    ctx = RequestContext("111111111111", "eu-west-1", "r", "sqs", "CreateQueue", "json",
                         "http://localhost:4566")
    url = sqs.create_queue(ctx, queue_name="events")["QueueUrl"]  # type: ignore[union-attr]
    arn = "arn:aws:sqs:eu-west-1:111111111111:events"
    queues = registry.ports.queues
    assert queues.exists(arn)
    assert not queues.exists("arn:aws:sqs:us-east-1:111111111111:events")
    queues.send(arn, "hello")
    received = asyncio.run(queues.receive(arn))
    assert [m["Body"] for m in received] == ["hello"]
    queues.delete(arn, received[0]["ReceiptHandle"])
    assert url.endswith("/111111111111/events")


def test_unknown_port_is_a_lookup_error() -> None:
    with pytest.raises(LookupError):
        _registry().ports.get("nothing-offers-this")
