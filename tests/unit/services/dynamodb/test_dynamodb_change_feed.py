"""The change feed DynamoDB Streams builds on: every committed write of a table with a stream
reaches the ``table-changes`` sink in commit order, with keys, old and new images and the
event name; TTL deletions come as service deletes; a write that changes nothing does not.

Record semantics per the developer guide's "Change data capture for DynamoDB Streams"
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html) and
"Working with TTL" (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/
time-to-live-ttl-streams.html).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest

from emulator.clock import Clock
from emulator.config import Settings
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.ports import SERVICE_IDENTITY, ItemChange, Ports, TableStream
from emulator.services.dynamodb.provider import DynamoDBProvider
from emulator.store import MemoryBackend
from emulator.store.tables import ServiceStore


class FakeSink:
    def __init__(self) -> None:
        self.enabled: list[TableStream] = []
        self.disabled: list[str] = []
        self.records: list[tuple[str, list[ItemChange]]] = []

    def stream_enabled(self, stream: TableStream) -> None:
        self.enabled.append(stream)

    def stream_disabled(self, stream_arn: str) -> None:
        self.disabled.append(stream_arn)

    def record(self, stream_arn: str, changes: Sequence[ItemChange]) -> None:
        self.records.append((stream_arn, list(changes)))

    def events(self) -> list[tuple[str, Any, Any, Any]]:
        return [(c.event_name, c.keys, c.old_image, c.new_image)
                for _, changes in self.records for c in changes]


def _resolve(sink: FakeSink) -> Any:
    def resolve(name: str) -> object:
        if name == "table-changes":
            return sink
        raise LookupError(name)
    return resolve


@pytest.fixture
def setup() -> tuple[DynamoDBProvider, FakeSink, RequestContext, Clock]:
    sink = FakeSink()
    clock = Clock()
    provider = DynamoDBProvider(Settings(), clock, ServiceStore("dynamodb", MemoryBackend()),
                                Ports(_resolve(sink)))
    ctx = RequestContext("111111111111", "us-east-1", "r", "dynamodb", "CreateTable", "json",
                         "http://localhost:4566")
    provider.create_table(
        ctx, table_name="events", key_schema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        attribute_definitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        billing_mode="PAY_PER_REQUEST",
        stream_specification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    return provider, sink, ctx, clock


def _key(pk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}}


def test_stream_enabled_is_announced_with_the_table(setup: Any) -> None:
    provider, sink, ctx, _ = setup
    [stream] = sink.enabled
    table = provider.describe_table(ctx, table_name="events")["Table"]
    assert stream.stream_arn == table["LatestStreamArn"]
    assert stream.stream_label == table["LatestStreamLabel"]
    assert stream.view_type == "NEW_AND_OLD_IMAGES"
    assert stream.key_schema == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert (stream.account, stream.region, stream.table_name) == (
        "111111111111", "us-east-1", "events")
    assert provider.port("tables").streams() == [stream]  # type: ignore[union-attr]


def test_every_kind_of_write_is_recorded_in_commit_order(setup: Any) -> None:
    provider, sink, ctx, _ = setup
    provider.put_item(ctx, table_name="events", item={**_key("a"), "v": {"N": "1"}})
    provider.update_item(ctx, table_name="events", key=_key("a"),
                         update_expression="SET v = v + :one",
                         expression_attribute_values={":one": {"N": "1"}})
    provider.put_item(ctx, table_name="events", item={**_key("a"), "v": {"N": "2"}})  # no change
    provider.delete_item(ctx, table_name="events", key=_key("a"))
    provider.delete_item(ctx, table_name="events", key=_key("a"))  # nothing to delete
    provider.batch_write_item(ctx, request_items={"events": [
        {"PutRequest": {"Item": _key("b")}}, {"PutRequest": {"Item": _key("c")}}]})
    provider.transact_write_items(ctx, transact_items=[
        {"Delete": {"TableName": "events", "Key": _key("b")}},
        {"Update": {"TableName": "events", "Key": _key("c"), "UpdateExpression": "SET x = :x",
                    "ExpressionAttributeValues": {":x": {"S": "y"}}}}])
    provider.execute_statement(ctx, statement="INSERT INTO events VALUE {'pk': 'd'}")
    assert sink.events() == [
        ("INSERT", _key("a"), None, {**_key("a"), "v": {"N": "1"}}),
        ("MODIFY", _key("a"), {**_key("a"), "v": {"N": "1"}}, {**_key("a"), "v": {"N": "2"}}),
        ("REMOVE", _key("a"), {**_key("a"), "v": {"N": "2"}}, None),
        ("INSERT", _key("b"), None, _key("b")),
        ("INSERT", _key("c"), None, _key("c")),
        ("REMOVE", _key("b"), _key("b"), None),
        ("MODIFY", _key("c"), _key("c"), {**_key("c"), "x": {"S": "y"}}),
        ("INSERT", _key("d"), None, _key("d")),
    ]
    # A batch and a transaction arrive as one call each.
    assert [len(changes) for _, changes in sink.records] == [1, 1, 1, 2, 2, 1]
    assert all(change.user_identity is None for _, changes in sink.records for change in changes)


def test_failed_writes_are_not_recorded(setup: Any) -> None:
    provider, sink, ctx, _ = setup
    provider.put_item(ctx, table_name="events", item=_key("a"))
    with pytest.raises(ServiceError):
        provider.put_item(ctx, table_name="events", item=_key("a"),
                          condition_expression="attribute_not_exists(pk)")
    with pytest.raises(ServiceError):
        provider.transact_write_items(ctx, transact_items=[
            {"Put": {"TableName": "events", "Item": _key("z")}},
            {"ConditionCheck": {"TableName": "events", "Key": _key("a"),
                                "ConditionExpression": "attribute_not_exists(pk)"}}])
    assert [event[0] for event in sink.events()] == ["INSERT"]


def test_ttl_deletions_are_service_deletes(setup: Any) -> None:
    provider, sink, ctx, clock = setup
    provider.update_time_to_live(ctx, table_name="events", time_to_live_specification={
        "Enabled": True, "AttributeName": "expires"})
    now = int(clock.now())
    provider.put_item(ctx, table_name="events",
                      item={**_key("old"), "expires": {"N": str(now + 10)}})
    provider.put_item(ctx, table_name="events", item={**_key("later"),
                                                      "expires": {"N": str(now + 1000)}})
    provider.put_item(ctx, table_name="events", item={**_key("text"), "expires": {"S": "soon"}})
    ancient = now - 6 * 365 * 24 * 3600  # more than five years past: never deleted
    provider.put_item(ctx, table_name="events", item={**_key("ancient"),
                                                      "expires": {"N": str(ancient)}})
    assert provider.expiry.expire() == 0
    clock.advance(60)
    assert provider.busy() == ["expired items to delete"]
    assert provider.expiry.expire() == 1
    assert provider.busy() == []
    last = sink.records[-1][1]
    assert [(c.event_name, c.keys, c.user_identity) for c in last] == [
        ("REMOVE", _key("old"), SERVICE_IDENTITY)]
    assert provider.get_item(ctx, table_name="events", key=_key("old")) == {}
    assert provider.get_item(ctx, table_name="events", key=_key("ancient"))["Item"]


def test_expiry_runs_on_the_clock(setup: Any) -> None:
    provider, _sink, ctx, clock = setup

    async def scenario() -> bool:
        await provider.start()
        provider.update_time_to_live(ctx, table_name="events", time_to_live_specification={
            "Enabled": True, "AttributeName": "ttl"})
        provider.put_item(ctx, table_name="events",
                          item={**_key("soon"), "ttl": {"N": str(int(clock.now()) + 30)}})
        await asyncio.sleep(0.05)
        present = "Item" in provider.get_item(ctx, table_name="events", key=_key("soon"))
        clock.advance(31)
        for _ in range(100):
            await asyncio.sleep(0.01)
            if "Item" not in provider.get_item(ctx, table_name="events", key=_key("soon")):
                break
        await provider.stop()
        return present

    assert asyncio.run(scenario())
    assert provider.get_item(ctx, table_name="events", key=_key("soon")) == {}


def test_disabling_and_deleting_announce_the_end(setup: Any) -> None:
    provider, sink, ctx, _ = setup
    arn = sink.enabled[0].stream_arn
    provider.update_table(ctx, table_name="events", stream_specification={"StreamEnabled": False})
    provider.put_item(ctx, table_name="events", item=_key("quiet"))
    assert sink.disabled == [arn] and sink.records == []
    provider.update_table(ctx, table_name="events", stream_specification={
        "StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    second = sink.enabled[-1].stream_arn
    provider.delete_table(ctx, table_name="events")
    assert sink.disabled == [arn, second]


def test_without_a_sink_writes_still_succeed() -> None:
    def nothing(name: str) -> object:
        raise LookupError(name)
    provider = DynamoDBProvider(Settings(), Clock(), ServiceStore("dynamodb", MemoryBackend()),
                                Ports(nothing))
    ctx = RequestContext("1", "us-east-1", "r", "dynamodb", "PutItem", "json", "http://x")
    provider.create_table(ctx, table_name="plain", key_schema=[{"AttributeName": "pk",
                                                                 "KeyType": "HASH"}],
                          attribute_definitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                          billing_mode="PAY_PER_REQUEST",
                          stream_specification={"StreamEnabled": True,
                                                "StreamViewType": "KEYS_ONLY"})
    provider.put_item(ctx, table_name="plain", item=_key("a"))
    assert provider.get_item(ctx, table_name="plain", key=_key("a"))["Item"] == _key("a")
