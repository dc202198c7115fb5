"""Provisioned capacity, enforced when asked (``dynamodb_throttling``): a provisioned table
holds up to 300 seconds of unused capacity, refilled on the emulator clock; past it a request
gets ProvisionedThroughputExceededException. On-demand tables, and every table by default,
are never throttled. (Developer guide: "Provisioned capacity mode" and burst capacity,
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/burst-adaptive-capacity.html)
"""

from __future__ import annotations

from typing import Any

import pytest

from emulator.clock import Clock
from emulator.config import Settings
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.ports import Ports
from emulator.services.dynamodb.provider import DynamoDBProvider
from emulator.store import MemoryBackend
from emulator.store.tables import ServiceStore

CTX = RequestContext("1", "us-east-1", "r", "dynamodb", "PutItem", "json", "http://x")
BIG = "x" * (250 * 1024)  # 250 write units, 63 read units (strongly consistent)


def _nothing(name: str) -> object:
    raise LookupError(name)


def _provider(throttling: bool, clock: Clock, **billing: Any) -> DynamoDBProvider:
    provider = DynamoDBProvider(Settings(dynamodb_throttling=throttling), clock,
                                ServiceStore("dynamodb", MemoryBackend()), Ports(_nothing))
    provider.create_table(CTX, table_name="capped",
                          key_schema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                          attribute_definitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                          **billing)
    return provider


PROVISIONED = {"provisioned_throughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}


def _put(provider: DynamoDBProvider, pk: str) -> None:
    provider.put_item(CTX, table_name="capped", item={"pk": {"S": pk}, "blob": {"S": BIG}})


def test_writes_beyond_the_burst_are_refused_until_the_clock_refills() -> None:
    clock = Clock()
    provider = _provider(True, clock, **PROVISIONED)
    _put(provider, "a")
    with pytest.raises(ServiceError) as raised:
        _put(provider, "b")
    assert raised.value.code == "ProvisionedThroughputExceededException"
    assert raised.value.message.startswith(
        "The level of configured provisioned throughput for the table was exceeded.")
    assert provider.get_item(CTX, table_name="capped", key={"pk": {"S": "b"}}) == {}
    clock.advance(250)
    _put(provider, "b")


def test_reads_are_counted_separately() -> None:
    clock = Clock()
    provider = _provider(True, clock, **PROVISIONED)
    _put(provider, "a")
    for _ in range(4):  # 63 units each, strongly consistent: 252 of 300
        provider.get_item(CTX, table_name="capped", key={"pk": {"S": "a"}}, consistent_read=True)
    with pytest.raises(ServiceError) as raised:
        provider.get_item(CTX, table_name="capped", key={"pk": {"S": "a"}}, consistent_read=True)
    assert raised.value.code == "ProvisionedThroughputExceededException"
    # An eventually consistent read costs half.
    provider.get_item(CTX, table_name="capped", key={"pk": {"S": "a"}})


@pytest.mark.parametrize(("throttling", "billing"), [
    (True, {"billing_mode": "PAY_PER_REQUEST"}), (False, PROVISIONED)])
def test_on_demand_tables_and_the_default_never_throttle(throttling: bool,
                                                         billing: dict[str, Any]) -> None:
    provider = _provider(throttling, Clock(), **billing)
    for n in range(5):
        _put(provider, f"item-{n}")
    assert provider.scan(CTX, table_name="capped", select="COUNT")["Count"] == 5
