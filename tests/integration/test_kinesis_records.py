"""Kinesis Data Streams' data plane through boto3: where records go, their sequence numbers,
every iterator type, expiry and retention on the clock, and the errors bad input gets."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import cbor2
import httpx
import pytest
from botocore.config import Config
from client_errors import code_and_message as error_of
from kinesis_support import Streams

from emulator.testing import EmulatorHandle


@pytest.fixture
def kinesis(emulator: EmulatorHandle) -> Any:
    return emulator.client("kinesis")


@pytest.fixture
def streams(kinesis: Any) -> Iterator[Streams]:
    made = Streams(kinesis)
    yield made
    made.cleanup()


def shard_for(key: str, shards: list[dict[str, Any]]) -> str:
    """The shard AWS's documented hashing picks: MD5 of the key as a 128-bit integer
    (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecord.html)."""
    value = int.from_bytes(hashlib.md5(key.encode()).digest(), "big")
    return next(s["ShardId"] for s in shards
                if int(s["HashKeyRange"]["StartingHashKey"]) <= value
                <= int(s["HashKeyRange"]["EndingHashKey"]))


def test_records_go_to_the_shard_holding_the_md5_of_their_partition_key(
        kinesis: Any, streams: Streams) -> None:
    name, _ = streams.create(shards=4)
    shards = kinesis.list_shards(StreamName=name)["Shards"]
    keys = [f"user-{n}" for n in range(40)]
    reply = kinesis.put_records(StreamName=name, Records=[
        {"Data": key.encode(), "PartitionKey": key} for key in keys])
    assert reply["FailedRecordCount"] == 0
    assert [r["ShardId"] for r in reply["Records"]] == [shard_for(k, shards) for k in keys]
    assert len({r["ShardId"] for r in reply["Records"]}) == 4
    single = kinesis.put_record(StreamName=name, Data=b"one", PartitionKey="user-3")
    assert single["ShardId"] == shard_for("user-3", shards)
    explicit = kinesis.put_record(StreamName=name, Data=b"x", PartitionKey="any",
                                  ExplicitHashKey=str(2**128 - 1))
    assert explicit["ShardId"] == "shardId-000000000003"


def test_sequence_numbers_increase_within_a_shard_and_records_read_back_in_order(
        kinesis: Any, streams: Streams) -> None:
    name, _ = streams.create()
    numbers = [kinesis.put_record(StreamName=name, Data=f"r{n}".encode(),
                                  PartitionKey=str(n))["SequenceNumber"] for n in range(5)]
    assert all(len(n) == 56 and n.isdigit() for n in numbers)
    assert [int(n) for n in numbers] == sorted(int(n) for n in numbers)
    records = streams.read_all(name, "shardId-000000000000")
    assert [r["SequenceNumber"] for r in records] == numbers
    assert [r["Data"] for r in records] == [f"r{n}".encode() for n in range(5)]
    assert [r["PartitionKey"] for r in records] == [str(n) for n in range(5)]
    assert all(isinstance(r["ApproximateArrivalTimestamp"], datetime) for r in records)


def test_every_iterator_type_starts_where_aws_says(emulator: EmulatorHandle, kinesis: Any,
                                                   streams: Streams) -> None:
    name, arn = streams.create()
    shard = "shardId-000000000000"
    first = kinesis.put_record(StreamName=name, Data=b"a", PartitionKey="k")["SequenceNumber"]
    emulator.clock.advance(10)
    middle = datetime.fromtimestamp(emulator.clock.now(), tz=UTC)
    emulator.clock.advance(10)
    second = kinesis.put_record(StreamName=name, Data=b"b", PartitionKey="k")["SequenceNumber"]

    def read(kind: str, **options: Any) -> list[bytes]:
        iterator = kinesis.get_shard_iterator(StreamARN=arn, ShardId=shard,
                                              ShardIteratorType=kind, **options)
        return [r["Data"] for r in kinesis.get_records(
            ShardIterator=iterator["ShardIterator"])["Records"]]

    assert read("TRIM_HORIZON") == [b"a", b"b"]
    assert read("LATEST") == []
    assert read("AT_SEQUENCE_NUMBER", StartingSequenceNumber=first) == [b"a", b"b"]
    assert read("AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=first) == [b"b"]
    assert read("AT_SEQUENCE_NUMBER", StartingSequenceNumber=second) == [b"b"]
    assert read("AT_TIMESTAMP", Timestamp=middle) == [b"b"]
    # LATEST then a new record: the iterator's next read returns it.
    latest = kinesis.get_shard_iterator(StreamName=name, ShardId=shard,
                                        ShardIteratorType="LATEST")["ShardIterator"]
    empty = kinesis.get_records(ShardIterator=latest)
    assert empty["Records"] == [] and empty["MillisBehindLatest"] == 0
    kinesis.put_record(StreamName=name, Data=b"c", PartitionKey="k")
    following = kinesis.get_records(ShardIterator=empty["NextShardIterator"])
    assert [r["Data"] for r in following["Records"]] == [b"c"]


def test_get_records_pages_with_limit_and_next_iterator(kinesis: Any,
                                                        streams: Streams) -> None:
    name, _ = streams.create()
    kinesis.put_records(StreamName=name, Records=[
        {"Data": str(n).encode(), "PartitionKey": "k"} for n in range(7)])
    iterator = kinesis.get_shard_iterator(StreamName=name, ShardId="shardId-000000000000",
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    seen: list[bytes] = []
    for _ in range(4):
        page = kinesis.get_records(ShardIterator=iterator, Limit=3)
        seen.extend(r["Data"] for r in page["Records"])
        iterator = page["NextShardIterator"]
    assert seen == [str(n).encode() for n in range(7)]


def test_an_iterator_expires_five_minutes_after_it_was_handed_out(
        emulator: EmulatorHandle, kinesis: Any, streams: Streams) -> None:
    name, _ = streams.create()
    iterator = kinesis.get_shard_iterator(StreamName=name, ShardId="shardId-000000000000",
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    emulator.clock.advance(299)
    kinesis.get_records(ShardIterator=iterator)
    emulator.clock.advance(2)
    code, message = error_of(kinesis.get_records, ShardIterator=iterator)
    # https://docs.aws.amazon.com/kinesis/latest/APIReference/API_GetShardIterator.html:
    # "A shard iterator expires 5 minutes after it is returned to the requester."
    assert code == "ExpiredIteratorException"
    assert message.startswith("Iterator expired. The iterator was created at time ")
    assert message.endswith("which is further in the future than the tolerated delay of "
                            "300000 milliseconds.")


def test_records_expire_after_the_retention_period_on_the_clock(
        emulator: EmulatorHandle, kinesis: Any, streams: Streams) -> None:
    name, _ = streams.create()
    kinesis.put_record(StreamName=name, Data=b"old", PartitionKey="k")
    emulator.clock.advance(23 * 3600)
    kinesis.put_record(StreamName=name, Data=b"new", PartitionKey="k")
    assert [r["Data"] for r in streams.read_all(name, "shardId-000000000000")] == [b"old",
                                                                                  b"new"]
    emulator.clock.advance(2 * 3600)
    assert [r["Data"] for r in streams.read_all(name, "shardId-000000000000")] == [b"new"]
    kinesis.increase_stream_retention_period(StreamName=name, RetentionPeriodHours=168)
    emulator.clock.advance(100 * 3600)
    assert [r["Data"] for r in streams.read_all(name, "shardId-000000000000")] == [b"new"]


def test_bad_input_gets_the_error_aws_gives(emulator: EmulatorHandle, streams: Streams) -> None:
    # No client-side checks: the emulator must refuse what boto3 would have caught.
    kinesis = emulator.client("kinesis", config=Config(parameter_validation=False))
    name, arn = streams.create(shards=2)
    other, _ = streams.create()
    shard = "shardId-000000000000"
    # Too large a record (data plus partition key over 1 MiB), too many or too big batches.
    assert error_of(kinesis.put_record, StreamName=name, Data=b"x" * (1024 * 1024),
                    PartitionKey="k")[0] == "InvalidArgumentException"
    assert error_of(kinesis.put_records, StreamName=name, Records=[
        {"Data": b"x", "PartitionKey": "k"}] * 501)[0] == "ValidationException"
    assert error_of(kinesis.put_records, StreamName=name, Records=[
        {"Data": b"x" * 1000000, "PartitionKey": "k"}] * 6)[0] == "InvalidArgumentException"
    assert error_of(kinesis.put_record, StreamName=name, Data=b"x",
                    PartitionKey="")[0] == "ValidationException"
    assert error_of(kinesis.put_record, StreamName=name, Data=b"x", PartitionKey="k",
                    ExplicitHashKey=str(2**128))[1].startswith("Invalid ExplicitHashKey.")
    # Shards, sequence numbers and iterators that do not belong.
    code, message = error_of(kinesis.get_shard_iterator, StreamName=name,
                             ShardId="shardId-000000000009", ShardIteratorType="LATEST")
    assert (code, message) == ("ResourceNotFoundException",
                               f"Shard shardId-000000000009 in stream {name} under account "
                               "000000000000 does not exist")
    code, message = error_of(kinesis.get_shard_iterator, StreamName=name, ShardId=shard,
                             ShardIteratorType="AT_SEQUENCE_NUMBER")
    assert code == "InvalidArgumentException"
    assert message.endswith("Request specified AT_SEQUENCE_NUMBER and no "
                            "StartingSequenceNumber.")
    assert error_of(kinesis.get_shard_iterator, StreamName=name, ShardId=shard,
                    ShardIteratorType="AT_TIMESTAMP")[0] == "InvalidArgumentException"
    elsewhere = kinesis.put_record(StreamName=other, Data=b"x", PartitionKey="k")
    code, message = error_of(kinesis.get_shard_iterator, StreamName=name, ShardId=shard,
                             ShardIteratorType="AT_SEQUENCE_NUMBER",
                             StartingSequenceNumber=elsewhere["SequenceNumber"])
    assert code == "InvalidArgumentException"
    assert message.endswith("is invalid because it did not come from this stream.")
    on_one = kinesis.put_record(StreamName=name, Data=b"x", PartitionKey="k",
                                ExplicitHashKey=str(2**128 - 1))
    code, message = error_of(kinesis.get_shard_iterator, StreamName=name, ShardId=shard,
                             ShardIteratorType="AFTER_SEQUENCE_NUMBER",
                             StartingSequenceNumber=on_one["SequenceNumber"])
    assert message == ("Invalid StartingSequenceNumber. It encodes shardId-000000000001, while "
                       "it was used in a call to shardId-000000000000")
    assert error_of(kinesis.get_records, ShardIterator="not-an-iterator")[0] == (
        "InvalidArgumentException")
    assert error_of(kinesis.get_records, ShardIterator="x" * 513)[0] == "ValidationException"
    assert error_of(kinesis.get_records, ShardIterator="AAAA", Limit=0)[0] == (
        "ValidationException")
    # Nothing stored was lost or changed by the refused requests.
    assert len(streams.read_all(name, "shardId-000000000001")) == 1
    assert kinesis.describe_stream_summary(StreamARN=arn)["StreamDescriptionSummary"][
        "OpenShardCount"] == 2


def test_a_deleted_stream_refuses_its_iterators(kinesis: Any, streams: Streams) -> None:
    name, _ = streams.create()
    iterator = kinesis.get_shard_iterator(StreamName=name, ShardId="shardId-000000000000",
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    kinesis.delete_stream(StreamName=name)
    assert error_of(kinesis.get_records, ShardIterator=iterator)[0] == (
        "ResourceNotFoundException")


def _cbor_call(emulator: EmulatorHandle, operation: str, body: dict[str, Any]) -> httpx.Response:
    """A request as the AWS SDKs for Java send it to Kinesis: CBOR, same target."""
    return httpx.post(emulator.endpoint_url, content=cbor2.dumps(body), headers={
        "Content-Type": "application/x-amz-cbor-1.1",
        "X-Amz-Target": f"Kinesis_20131202.{operation}",
        "Authorization": "AWS4-HMAC-SHA256 Credential=test/20240101/"
                         f"{emulator.region}/kinesis/aws4_request, SignedHeaders=host, "
                         "Signature=0"})


def _cbor_answer(reply: httpx.Response) -> Any:
    assert reply.headers["content-type"] == "application/x-amz-cbor-1.1"
    return cbor2.loads(reply.content,
                       semantic_decoders={1: lambda value, immutable: ("millis", value)})


def test_a_client_speaking_cbor_is_answered_in_cbor(emulator: EmulatorHandle,
                                                    streams: Streams) -> None:
    name, _ = streams.create()
    put = _cbor_call(emulator, "PutRecord", {"StreamName": name, "Data": b"\x00\xffbytes",
                                             "PartitionKey": "pk"})
    assert put.status_code == 200
    sequence = _cbor_answer(put)["SequenceNumber"]
    iterator = _cbor_answer(_cbor_call(emulator, "GetShardIterator", {
        "StreamName": name, "ShardId": "shardId-000000000000",
        "ShardIteratorType": "AT_SEQUENCE_NUMBER",
        "StartingSequenceNumber": sequence}))["ShardIterator"]
    [record] = _cbor_answer(_cbor_call(emulator, "GetRecords", {
        "ShardIterator": iterator}))["Records"]
    assert record["Data"] == b"\x00\xffbytes"  # a byte string, not base64 text
    kind, millis = record["ApproximateArrivalTimestamp"]
    assert kind == "millis" and abs(millis / 1000 - emulator.clock.now()) < 60
    moment = cbor2.CBORTag(1, int(emulator.clock.now() * 1000) - 60_000)
    by_time = _cbor_call(emulator, "GetShardIterator", {
        "StreamName": name, "ShardId": "shardId-000000000000",
        "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": moment})
    assert by_time.status_code == 200
    missing = _cbor_call(emulator, "DescribeStream", {"StreamName": "no-such-stream"})
    assert missing.status_code == 400
    error = _cbor_answer(missing)
    assert error["__type"].endswith("ResourceNotFoundException")
    assert error["message"] == "Stream no-such-stream under account 000000000000 not found."
    broken = httpx.post(emulator.endpoint_url, content=b"\xbf\x61", headers={
        "Content-Type": "application/x-amz-cbor-1.1",
        "X-Amz-Target": "Kinesis_20131202.PutRecord"})
    assert broken.status_code == 400
    assert _cbor_answer(broken)["__type"].endswith("SerializationException")
    # The JSON clients are unaffected: the same record through boto3.
    assert emulator.client("kinesis").get_records(ShardIterator=emulator.client(
        "kinesis").get_shard_iterator(StreamName=name, ShardId="shardId-000000000000",
                                      ShardIteratorType="TRIM_HORIZON")["ShardIterator"])[
        "Records"][0]["Data"] == b"\x00\xffbytes"


def test_a_record_without_a_partition_key_gets_a_validation_error(
        kinesis: Any, streams: Streams) -> None:
    # PartitionKey is required (API_PutRecord.html: "Required: Yes") though the SDK's model
    # lets boto3 leave it out.
    name, _ = streams.create(shards=1)
    assert error_of(kinesis.put_record, StreamName=name, Data=b"x") == (
        "ValidationException", "1 validation error detected: Value null at 'partitionKey' "
        "failed to satisfy constraint: Member must not be null")
    assert error_of(kinesis.put_records, StreamName=name, Records=[
        {"Data": b"a", "PartitionKey": "k"}, {"Data": b"b"}]) == (
        "ValidationException", "1 validation error detected: Value null at "
        "'records.2.member.partitionKey' failed to satisfy constraint: Member must not be null")
    assert kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"][
        "StreamStatus"] == "ACTIVE"
