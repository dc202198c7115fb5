"""The ``queues`` port other services use: send and poll by ARN, with SQS's own answers."""

from __future__ import annotations

import asyncio

import pytest

from emulator.clock import Clock
from emulator.config import Settings
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.ports import Ports
from emulator.services.sqs.port import QueuePort
from emulator.services.sqs.provider import SqsProvider
from emulator.store import MemoryBackend, ServiceStore

ARN = "arn:aws:sqs:eu-west-1:111111111111:events"


def _provider() -> SqsProvider:
    def no_ports(name: str) -> object:
        raise LookupError(name)

    return SqsProvider(Settings(), Clock(), ServiceStore("sqs", MemoryBackend()), Ports(no_ports))


def _ctx() -> RequestContext:
    return RequestContext(
        account_id="111111111111", region="eu-west-1", request_id="r", service="sqs",
        operation="CreateQueue", protocol="json", endpoint_url="http://localhost:4566",
    )


def test_send_poll_and_delete_by_arn() -> None:
    provider = _provider()
    url = provider.create_queue(_ctx(), queue_name="events")["QueueUrl"]
    port = provider.port("queues")
    assert isinstance(port, QueuePort)
    assert port.exists(ARN) and not port.exists(ARN + "-missing")
    sent = port.send(ARN, "hello", message_attributes={
        "kind": {"DataType": "String", "StringValue": "greeting"}})
    assert sent["MD5OfMessageAttributes"]

    async def poll() -> list[dict[str, object]]:
        return await port.receive(ARN, visibility_timeout=60)

    [message] = asyncio.run(poll())
    assert message["MessageId"] == sent["MessageId"]
    assert message["Attributes"]["ApproximateReceiveCount"] == "1"  # type: ignore[index]
    assert message["MessageAttributes"]["kind"]["StringValue"] == "greeting"  # type: ignore[index]
    port.change_visibility(ARN, str(message["ReceiptHandle"]), 0)
    [again] = asyncio.run(poll())
    port.delete(ARN, str(again["ReceiptHandle"]))
    assert asyncio.run(poll()) == []
    # The queue the API sees is the same one.
    assert "Messages" not in asyncio.run(provider.receive_message(_ctx(), queue_url=url))


def test_unknown_queues_are_the_api_error() -> None:
    port = _provider().port("queues")
    assert isinstance(port, QueuePort)
    with pytest.raises(ServiceError) as caught:
        port.send(ARN, "x")
    assert caught.value.code == "QueueDoesNotExist"
    with pytest.raises(ServiceError):
        port.send("not an arn", "x")
