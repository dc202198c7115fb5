"""DynamoDB Streams without HTTP: the change feed in, the API out.

Expected record shapes and SizeBytes come from AWS's example DynamoDB event
(https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html: INSERT 26 bytes, MODIFY 59,
REMOVE 38 for the same item) and the StreamRecord reference
(https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_StreamRecord.html).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from emulator.clock import Clock
from emulator.config import Settings
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.idle import wait_idle
from emulator.ports import SERVICE_IDENTITY, InvokeResult, ItemChange, Ports, TableStream
from emulator.runtime.event_sources import StreamPoller, StreamSource
from emulator.services.dynamodbstreams.provider import DynamoDbStreamsProvider
from emulator.store import ServiceStore
from emulator.store.backend import MemoryBackend

ACCOUNT, REGION = "111111111111", "us-east-2"
TABLE_ARN = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/my-table"
LABEL = "2023-06-10T19:26:16.525"
STREAM_ARN = f"{TABLE_ARN}/stream/{LABEL}"
KEYS = {"Id": {"N": "101"}}
FIRST = {"Message": {"S": "New item!"}, "Id": {"N": "101"}}
CHANGED = {"Message": {"S": "This item has changed"}, "Id": {"N": "101"}}


def _no_port(name: str) -> object:
    raise LookupError(name)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def provider(clock: Clock) -> DynamoDbStreamsProvider:
    return DynamoDbStreamsProvider(Settings(), clock,
                                   ServiceStore("dynamodbstreams", MemoryBackend()),
                                   Ports(_no_port))


def ctx() -> RequestContext:
    return RequestContext(ACCOUNT, REGION, "r", "dynamodbstreams", "op", "json", "http://x")


def enable(provider: DynamoDbStreamsProvider, clock: Clock, view: str = "NEW_AND_OLD_IMAGES",
           arn: str = STREAM_ARN, label: str = LABEL) -> None:
    provider.port("table-changes").stream_enabled(TableStream(  # type: ignore[union-attr]
        stream_arn=arn, stream_label=label, table_name="my-table", table_arn=TABLE_ARN,
        account=ACCOUNT, region=REGION, view_type=view,
        key_schema=[{"AttributeName": "Id", "KeyType": "HASH"}], created=clock.now()))


def write(provider: DynamoDbStreamsProvider, clock: Clock, *changes: tuple[str, Any, Any],
          identity: dict[str, str] | None = None, arn: str = STREAM_ARN) -> None:
    provider.port("table-changes").record(arn, [  # type: ignore[union-attr]
        ItemChange(name, KEYS, old, new, clock.now(), identity) for name, old, new in changes])


def read(provider: DynamoDbStreamsProvider, kind: str = "TRIM_HORIZON",
         **options: Any) -> dict[str, Any]:
    shard = provider.describe_stream(ctx(), stream_arn=STREAM_ARN)["StreamDescription"][
        "Shards"][-1]["ShardId"]
    iterator = provider.get_shard_iterator(ctx(), stream_arn=STREAM_ARN, shard_id=shard,
                                           shard_iterator_type=kind, **options)["ShardIterator"]
    return provider.get_records(ctx(), shard_iterator=iterator)


def test_an_enabled_stream_is_listed_and_described(provider: DynamoDbStreamsProvider,
                                                   clock: Clock) -> None:
    enable(provider, clock)
    assert provider.list_streams(ctx()) == {"Streams": [
        {"StreamArn": STREAM_ARN, "TableName": "my-table", "StreamLabel": LABEL}]}
    assert provider.list_streams(ctx(), table_name="other") == {"Streams": []}
    description = provider.describe_stream(ctx(), stream_arn=STREAM_ARN)["StreamDescription"]
    assert description["StreamStatus"] == "ENABLED"
    assert description["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert description["KeySchema"] == [{"AttributeName": "Id", "KeyType": "HASH"}]
    [shard] = description["Shards"]
    assert shard["ShardId"].startswith("shardId-") and len(shard["ShardId"]) == 37
    assert "EndingSequenceNumber" not in shard["SequenceNumberRange"]


def test_records_are_shaped_as_aws_example_with_its_sizes(provider: DynamoDbStreamsProvider,
                                                          clock: Clock) -> None:
    enable(provider, clock)
    write(provider, clock, ("INSERT", None, FIRST), ("MODIFY", FIRST, CHANGED),
          ("REMOVE", CHANGED, None))
    records = read(provider)["Records"]
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    insert, modify, remove = records
    assert list(insert) == ["eventID", "eventName", "eventVersion", "eventSource", "awsRegion",
                            "dynamodb"]
    assert len(insert["eventID"]) == 32 and int(insert["eventID"], 16) >= 0
    assert (insert["eventVersion"], insert["eventSource"], insert["awsRegion"]) == (
        "1.1", "aws:dynamodb", REGION)
    assert list(insert["dynamodb"]) == ["ApproximateCreationDateTime", "Keys", "NewImage",
                                        "SequenceNumber", "SizeBytes", "StreamViewType"]
    assert insert["dynamodb"]["Keys"] == KEYS and insert["dynamodb"]["NewImage"] == FIRST
    assert insert["dynamodb"]["ApproximateCreationDateTime"] == int(clock.now())
    assert modify["dynamodb"]["OldImage"] == FIRST and modify["dynamodb"]["NewImage"] == CHANGED
    assert "NewImage" not in remove["dynamodb"] and remove["dynamodb"]["OldImage"] == CHANGED
    assert [r["dynamodb"]["SizeBytes"] for r in records] == [26, 59, 38]
    numbers = [r["dynamodb"]["SequenceNumber"] for r in records]
    assert all(21 <= len(n) <= 40 and n.isdigit() for n in numbers)
    assert numbers == sorted(numbers, key=int)


@pytest.mark.parametrize(("view", "members"), [
    ("KEYS_ONLY", set()),
    ("NEW_IMAGE", {"NewImage"}),
    ("OLD_IMAGE", {"OldImage"}),
    ("NEW_AND_OLD_IMAGES", {"NewImage", "OldImage"}),
])
def test_the_view_type_decides_the_images_kept(provider: DynamoDbStreamsProvider, clock: Clock,
                                               view: str, members: set[str]) -> None:
    enable(provider, clock, view)
    write(provider, clock, ("MODIFY", FIRST, CHANGED))
    [record] = read(provider)["Records"]
    assert set(record["dynamodb"]) & {"NewImage", "OldImage"} == members
    assert record["dynamodb"]["StreamViewType"] == view
    assert record["dynamodb"]["Keys"] == KEYS


def test_binary_values_come_back_as_bytes_and_ttl_deletes_name_the_service(
        provider: DynamoDbStreamsProvider, clock: Clock) -> None:
    enable(provider, clock)
    image = {"Id": {"N": "101"}, "blob": {"B": b"\x00\xff"}, "set": {"BS": [b"a", b"b"]},
             "nested": {"L": [{"M": {"b": {"B": b"\x01"}}}]}}
    write(provider, clock, ("REMOVE", image, None), identity=SERVICE_IDENTITY)
    [record] = read(provider)["Records"]
    old = record["dynamodb"]["OldImage"]
    assert old["blob"] == {"B": b"\x00\xff"} and old["set"] == {"BS": [b"a", b"b"]}
    assert old["nested"]["L"][0]["M"]["b"] == {"B": b"\x01"}
    assert record["userIdentity"] == {"PrincipalId": "dynamodb.amazonaws.com",
                                      "Type": "Service"}


def test_iterators_and_their_expiry(provider: DynamoDbStreamsProvider, clock: Clock) -> None:
    enable(provider, clock)
    write(provider, clock, ("INSERT", None, FIRST))
    clock.advance(10)
    middle = clock.now_datetime()
    write(provider, clock, ("MODIFY", FIRST, CHANGED))
    first, second = (r["dynamodb"]["SequenceNumber"] for r in read(provider)["Records"])
    assert [r["eventName"] for r in read(provider, "LATEST")["Records"]] == []
    assert len(read(provider, "AT_SEQUENCE_NUMBER", sequence_number=first)["Records"]) == 2
    assert [r["dynamodb"]["SequenceNumber"] for r in read(
        provider, "AFTER_SEQUENCE_NUMBER", sequence_number=first)["Records"]] == [second]
    assert [r["eventName"] for r in read(provider, "AT_TIMESTAMP",
                                         timestamp=middle)["Records"]] == ["MODIFY"]
    page = read(provider, "LATEST")
    write(provider, clock, ("REMOVE", CHANGED, None))
    follow = provider.get_records(ctx(), shard_iterator=page["NextShardIterator"])
    assert [r["eventName"] for r in follow["Records"]] == ["REMOVE"]
    # "A shard iterator expires 15 minutes after it is returned to the requester."
    clock.advance(15 * 60 + 1)
    with pytest.raises(ServiceError) as expired:
        provider.get_records(ctx(), shard_iterator=follow["NextShardIterator"])
    assert expired.value.code == "ExpiredIteratorException"
    assert "tolerated delay of 900000 milliseconds" in expired.value.message


def test_records_are_trimmed_after_24_hours(provider: DynamoDbStreamsProvider,
                                            clock: Clock) -> None:
    enable(provider, clock)
    write(provider, clock, ("INSERT", None, FIRST))
    old = read(provider)
    first = old["Records"][0]["dynamodb"]["SequenceNumber"]
    clock.advance(3 * 3600)
    write(provider, clock, ("MODIFY", FIRST, CHANGED))
    clock.advance(22 * 3600)
    assert [r["eventName"] for r in read(provider)["Records"]] == ["MODIFY"]
    with pytest.raises(ServiceError) as trimmed:
        read(provider, "AT_SEQUENCE_NUMBER", sequence_number=first)
    assert trimmed.value.code == "TrimmedDataAccessException"


def test_shards_roll_over_every_four_hours_with_a_parent(provider: DynamoDbStreamsProvider,
                                                         clock: Clock) -> None:
    enable(provider, clock)
    write(provider, clock, ("INSERT", None, FIRST))
    clock.advance(4 * 3600)
    write(provider, clock, ("MODIFY", FIRST, CHANGED))
    parent, child = provider.describe_stream(ctx(), stream_arn=STREAM_ARN)["StreamDescription"][
        "Shards"]
    assert child["ParentShardId"] == parent["ShardId"]
    assert "EndingSequenceNumber" in parent["SequenceNumberRange"]
    children = provider.describe_stream(ctx(), stream_arn=STREAM_ARN, shard_filter={
        "Type": "CHILD_SHARDS", "ShardId": parent["ShardId"]})["StreamDescription"]["Shards"]
    assert [s["ShardId"] for s in children] == [child["ShardId"]]
    iterator = provider.get_shard_iterator(ctx(), stream_arn=STREAM_ARN,
                                           shard_id=parent["ShardId"],
                                           shard_iterator_type="TRIM_HORIZON")["ShardIterator"]
    end = provider.get_records(ctx(), shard_iterator=iterator)
    assert [r["eventName"] for r in end["Records"]] == ["INSERT"]
    assert "NextShardIterator" not in end  # a closed shard read to its end


def test_a_disabled_stream_stays_readable_until_its_records_expire(
        provider: DynamoDbStreamsProvider, clock: Clock) -> None:
    enable(provider, clock)
    write(provider, clock, ("INSERT", None, FIRST))
    provider.port("table-changes").stream_disabled(STREAM_ARN)  # type: ignore[union-attr]
    write(provider, clock, ("REMOVE", FIRST, None))  # not recorded: the stream is off
    description = provider.describe_stream(ctx(), stream_arn=STREAM_ARN)["StreamDescription"]
    assert description["StreamStatus"] == "DISABLED"
    assert "EndingSequenceNumber" in description["Shards"][0]["SequenceNumberRange"]
    assert [r["eventName"] for r in read(provider)["Records"]] == ["INSERT"]
    clock.advance(24 * 3600 + 1)
    with pytest.raises(ServiceError) as gone:
        provider.describe_stream(ctx(), stream_arn=STREAM_ARN)
    assert gone.value.code == "ResourceNotFoundException"
    assert provider.list_streams(ctx()) == {"Streams": []}


def test_bad_input_gets_aws_errors(provider: DynamoDbStreamsProvider, clock: Clock) -> None:
    enable(provider, clock)
    shard = provider.describe_stream(ctx(), stream_arn=STREAM_ARN)["StreamDescription"][
        "Shards"][0]["ShardId"]
    attempts: list[tuple[str, dict[str, Any]]] = [
        ("ResourceNotFoundException", {"stream_arn": STREAM_ARN + "x", "shard_id": shard,
                                       "shard_iterator_type": "LATEST"}),
        ("ResourceNotFoundException", {"stream_arn": STREAM_ARN,
                                       "shard_id": "shardId-00000000000000000000-00000000",
                                       "shard_iterator_type": "LATEST"}),
        ("ValidationException", {"stream_arn": STREAM_ARN, "shard_id": shard,
                                 "shard_iterator_type": "AT_SEQUENCE_NUMBER"}),
        ("ValidationException", {"stream_arn": STREAM_ARN, "shard_id": shard,
                                 "shard_iterator_type": "AT_SEQUENCE_NUMBER",
                                 "sequence_number": "1" * 21}),
        ("ValidationException", {"stream_arn": STREAM_ARN, "shard_id": shard,
                                 "shard_iterator_type": "AT_TIMESTAMP"}),
    ]
    for code, arguments in attempts:
        with pytest.raises(ServiceError) as refused:
            provider.get_shard_iterator(ctx(), **arguments)
        assert refused.value.code == code, arguments
    with pytest.raises(ServiceError) as bad:
        provider.get_records(ctx(), shard_iterator="nonsense")
    assert bad.value.code == "ValidationException"
    # A sink never raises, even for a stream it does not know.
    write(provider, clock, ("INSERT", None, FIRST), arn=STREAM_ARN + "-unknown")


def test_the_reader_port_serves_records_for_event_sources(provider: DynamoDbStreamsProvider,
                                                          clock: Clock) -> None:
    async def main() -> None:
        enable(provider, clock)
        reader: Any = provider.port("table-streams")
        assert reader.resolve(STREAM_ARN) == STREAM_ARN
        assert reader.resolve(STREAM_ARN + "x") is None
        [shard] = reader.shards(STREAM_ARN)
        latest = reader.start(STREAM_ARN, shard.shard_id, "LATEST")
        waiter = asyncio.create_task(reader.wait(STREAM_ARN, clock.now() + 30))
        await asyncio.sleep(0)
        write(provider, clock, ("INSERT", None, FIRST))
        assert await asyncio.wait_for(waiter, 2) is True
        [record] = reader.read(STREAM_ARN, shard.shard_id, latest, 10)
        assert record.record["eventName"] == "INSERT"
        assert record.sequence == record.record["dynamodb"]["SequenceNumber"]
        assert reader.pending(STREAM_ARN, shard.shard_id, latest) == 1
        assert reader.pending(STREAM_ARN, shard.shard_id, record.position) == 0

    asyncio.run(main())


def test_a_mapping_delivers_records_shaped_as_aws_example_dynamodb_event(
        provider: DynamoDbStreamsProvider, clock: Clock) -> None:
    events: list[dict[str, Any]] = []

    class Function:
        async def invoke(self, function: str, payload: bytes, **_: Any) -> InvokeResult:
            events.append(json.loads(payload))
            return InvokeResult(200, b"null")

    async def main() -> None:
        enable(provider, clock)
        reader: Any = provider.port("table-streams")
        source = StreamSource(uuid="m", function="arn:aws:lambda:us-east-2:111111111111:"
                              "function:f", account=ACCOUNT, region=REGION, kind="dynamodb",
                              source_arn=STREAM_ARN, stream_arn=STREAM_ARN)
        for shard in reader.shards(STREAM_ARN):
            source.checkpoints[shard.shard_id] = reader.start(STREAM_ARN, shard.shard_id,
                                                              "LATEST")
        poller = StreamPoller(source, clock, reader, Function(), Ports(_no_port))
        poller.start()
        write(provider, clock, ("INSERT", None, FIRST), ("MODIFY", FIRST, CHANGED))
        await asyncio.sleep(0)
        assert not await wait_idle(poller.busy, 5)
        poller.cancel()

    asyncio.run(main())
    [event] = events
    insert, modify = event["Records"]
    # https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html, the example event: the same
    # keys in the same order, binary values as base64 text.
    assert list(insert) == ["eventID", "eventName", "eventVersion", "eventSource", "awsRegion",
                            "dynamodb", "eventSourceARN"]
    assert insert["eventSourceARN"] == STREAM_ARN
    assert insert["dynamodb"]["NewImage"] == FIRST and insert["dynamodb"]["SizeBytes"] == 26
    assert modify["dynamodb"]["OldImage"] == FIRST and modify["dynamodb"]["SizeBytes"] == 59
