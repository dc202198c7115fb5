"""Kinesis event-source mappings end to end through boto3: the event shape compared key by
key with AWS's example, strict per-shard order, ReportBatchItemFailures, retries and the
on-failure destination, tumbling windows, filters, resharding, and the control plane."""

from __future__ import annotations

import base64
import contextlib
import json
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from botocore.exceptions import ClientError
from kinesis_support import unique_stream
from lambda_support import ROLE, create_function, unique

from emulator.testing import EmulatorHandle

# Relays each event to OUT_URL; the records' data decide the answer: "explode" raises,
# "bad" is reported failed (with ReportBatchItemFailures), and windows aggregate a count.
RELAY = {"app.py": """
    import base64, json, os
    import boto3

    def handler(event, context):
        boto3.client("sqs").send_message(QueueUrl=os.environ["OUT_URL"],
                                         MessageBody=json.dumps(event))
        datas = [base64.b64decode(r["kinesis"]["data"]).decode() for r in event["Records"]]
        if "explode" in datas:
            raise RuntimeError("explode")
        answer = {"batchItemFailures": [
            {"itemIdentifier": r["kinesis"]["sequenceNumber"]}
            for r, d in zip(event["Records"], datas) if d == "bad"]}
        if "window" in event:
            state = dict(event["state"])
            state["count"] = state.get("count", 0) + len(event["Records"])
            answer["state"] = state
        return answer
"""}


class Setup:
    created: ClassVar[list[str]] = []
    streams: ClassVar[list[str]] = []

    def __init__(self, emulator: EmulatorHandle, shards: int = 1) -> None:
        self.emulator = emulator
        self.kinesis = emulator.client("kinesis")
        self.sqs = emulator.client("sqs")
        self.lam = emulator.client("lambda")
        self.out = self.sqs.create_queue(QueueName=unique("out"))["QueueUrl"]
        self.name = unique_stream()
        self.kinesis.create_stream(StreamName=self.name, ShardCount=shards)
        Setup.streams.append(self.name)
        self.arn = self.kinesis.describe_stream_summary(
            StreamName=self.name)["StreamDescriptionSummary"]["StreamARN"]
        self.function = create_function(self.lam, RELAY,
                                        Environment={"Variables": {"OUT_URL": self.out}})

    def map(self, **options: Any) -> dict[str, Any]:
        options.setdefault("StartingPosition", "TRIM_HORIZON")
        options.setdefault("EventSourceArn", self.arn)
        reply: dict[str, Any] = self.lam.create_event_source_mapping(
            FunctionName=self.function, **options)
        Setup.created.append(reply["UUID"])
        return reply

    def put(self, *datas: str, key: str = "k", **options: Any) -> list[str]:
        return [self.kinesis.put_record(StreamName=self.name, Data=data.encode(),
                                        PartitionKey=key, **options)["SequenceNumber"]
                for data in datas]

    def events(self) -> list[dict[str, Any]]:
        found = []
        while True:
            messages = self.sqs.receive_message(QueueUrl=self.out,
                                                MaxNumberOfMessages=10).get("Messages", [])
            if not messages:
                return found
            for message in messages:
                found.append(json.loads(message["Body"]))
                self.sqs.delete_message(QueueUrl=self.out, ReceiptHandle=message["ReceiptHandle"])

    def batches(self) -> list[list[str]]:
        return [[base64.b64decode(r["kinesis"]["data"]).decode() for r in event["Records"]]
                for event in self.events()]

    def queue(self) -> tuple[str, str]:
        url = self.sqs.create_queue(QueueName=unique("dlq"))["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        return url, arn["Attributes"]["QueueArn"]


@pytest.fixture(autouse=True)
def _cleanup(emulator: EmulatorHandle) -> Iterator[None]:
    """These tests move the shared clock, and no poller of theirs outlives them."""
    yield
    emulator.clock.reset()
    lam, kinesis = emulator.client("lambda"), emulator.client("kinesis")
    while Setup.created:
        with contextlib.suppress(ClientError):
            lam.delete_event_source_mapping(UUID=Setup.created.pop())
    while Setup.streams:
        with contextlib.suppress(ClientError):
            kinesis.delete_stream(StreamName=Setup.streams.pop(), EnforceConsumerDeletion=True)


def test_records_have_the_keys_of_aws_example_kinesis_event(emulator: EmulatorHandle) -> None:
    setup = Setup(emulator)
    [sequence] = setup.put("Hello, this is a test.", key="1")
    setup.map()
    emulator.wait_idle()
    [event] = setup.events()
    assert list(event) == ["Records"]
    [record] = event["Records"]
    # https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html, "Example Kinesis record
    # event": the same keys, in the same order.
    assert list(record) == ["kinesis", "eventSource", "eventVersion", "eventID", "eventName",
                            "invokeIdentityArn", "awsRegion", "eventSourceARN"]
    assert list(record["kinesis"]) == ["kinesisSchemaVersion", "partitionKey",
                                       "sequenceNumber", "data", "approximateArrivalTimestamp"]
    assert record["kinesis"]["kinesisSchemaVersion"] == "1.0"
    assert record["kinesis"]["partitionKey"] == "1"
    assert record["kinesis"]["sequenceNumber"] == sequence
    assert record["kinesis"]["data"] == "SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg=="  # as in the example
    assert isinstance(record["kinesis"]["approximateArrivalTimestamp"], float)
    assert record["eventSource"] == "aws:kinesis"
    assert record["eventVersion"] == "1.0"
    assert record["eventID"] == f"shardId-000000000000:{sequence}"
    assert record["eventName"] == "aws:kinesis:record"
    assert record["invokeIdentityArn"] == ROLE
    assert record["awsRegion"] == emulator.region
    assert record["eventSourceARN"] == setup.arn


def test_records_of_a_shard_arrive_in_order_across_batches(emulator: EmulatorHandle) -> None:
    setup = Setup(emulator, shards=2)
    setup.map(BatchSize=3)
    for key in ("a", "b", "c"):
        setup.put(*(f"{key}{n}" for n in range(5)), key=key)
    emulator.wait_idle()
    delivered = [value for batch in setup.batches() for value in batch]
    assert sorted(delivered) == sorted(f"{k}{n}" for k in "abc" for n in range(5))
    for key in "abc":
        assert [v for v in delivered if v[0] == key] == [f"{key}{n}" for n in range(5)]


def test_a_failed_record_is_retried_from_its_sequence_number(emulator: EmulatorHandle) -> None:
    setup = Setup(emulator)
    setup.put("one", "bad", "three")
    mapping = setup.map(FunctionResponseTypes=["ReportBatchItemFailures"])
    emulator.wait_idle()
    assert setup.batches() == [["one", "bad", "three"]]
    assert setup.lam.get_event_source_mapping(UUID=mapping["UUID"])[
        "LastProcessingResult"] == "PROBLEM: Function call failed"
    # The checkpoint is the failed record: the retry starts there, not at "one".
    emulator.clock.advance(1)
    emulator.wait_idle()
    assert setup.batches() == [["bad", "three"]]


def test_retries_exhausted_send_aws_failure_record_to_the_queue(emulator: EmulatorHandle) -> None:
    setup = Setup(emulator)
    dlq_url, dlq_arn = setup.queue()
    first, last = setup.put("explode", "two")
    setup.put("after")
    setup.map(BatchSize=2, MaximumRetryAttempts=1,
              DestinationConfig={"OnFailure": {"Destination": dlq_arn}})
    emulator.wait_idle()
    emulator.clock.advance(1)
    emulator.wait_idle()
    assert setup.batches() == [["explode", "two"], ["explode", "two"], ["after"]]
    [message] = setup.sqs.receive_message(QueueUrl=dlq_url)["Messages"]
    record = json.loads(message["Body"])
    # https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html
    # Written as Lambda writes every invocation record to a destination: compact JSON.
    assert message["Body"] == json.dumps(record, separators=(",", ":"))
    assert list(record) == ["requestContext", "responseContext", "version", "timestamp",
                            "KinesisBatchInfo"]
    assert record["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 2
    assert record["requestContext"]["functionArn"].endswith(f":function:{setup.function}")
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST",
                                         "functionError": "Unhandled"}
    assert record["KinesisBatchInfo"] == {
        "shardId": "shardId-000000000000", "startSequenceNumber": first,
        "endSequenceNumber": last,
        "approximateArrivalOfFirstRecord": record["KinesisBatchInfo"][
            "approximateArrivalOfFirstRecord"],
        "approximateArrivalOfLastRecord": record["KinesisBatchInfo"][
            "approximateArrivalOfLastRecord"],
        "batchSize": 2, "streamArn": setup.arn}
    # The batch info is enough to read the discarded records back, as AWS suggests.
    iterator = setup.kinesis.get_shard_iterator(
        StreamName=setup.name, ShardId="shardId-000000000000",
        ShardIteratorType="AT_SEQUENCE_NUMBER", StartingSequenceNumber=first)["ShardIterator"]
    assert [r["Data"] for r in setup.kinesis.get_records(ShardIterator=iterator, Limit=2)[
        "Records"]] == [b"explode", b"two"]


def test_bisection_and_record_age(emulator: EmulatorHandle) -> None:
    setup = Setup(emulator)
    _, topic_url = setup.queue()
    setup.put("a", "b", "explode", "d")
    setup.map(BatchSize=4, BisectBatchOnFunctionError=True, MaximumRetryAttempts=0,
              DestinationConfig={"OnFailure": {"Destination": topic_url}})
    emulator.wait_idle()
    assert setup.batches() == [["a", "b", "explode", "d"], ["a", "b"], ["explode", "d"],
                               ["explode"], ["d"]]
    aged = Setup(emulator)
    aged.put("stale")
    emulator.clock.advance(120)
    aged.put("fresh")
    aged.map(MaximumRecordAgeInSeconds=60)
    emulator.wait_idle()
    assert aged.batches() == [["fresh"]]


def test_a_tumbling_window_aggregates_then_invokes_once_more_at_its_end(
        emulator: EmulatorHandle) -> None:
    setup = Setup(emulator)
    emulator.clock.set((emulator.clock.now() // 120 + 1) * 120 + 1)
    setup.map(TumblingWindowInSeconds=120, BatchSize=2)
    setup.kinesis.put_records(StreamName=setup.name, Records=[
        {"Data": n.encode(), "PartitionKey": "k"} for n in "123"])
    emulator.wait_idle()
    events = setup.events()
    assert [len(e["Records"]) for e in events] == [2, 1]
    # The members of AWS's KinesisTimeWindowEvent example, in order.
    assert list(events[0]) == ["Records", "window", "state", "shardId", "eventSourceARN",
                               "isFinalInvokeForWindow", "isWindowTerminatedEarly"]
    assert events[0]["state"] == {} and events[1]["state"] == {"count": 2}
    assert events[0]["shardId"] == "shardId-000000000000"
    assert events[0]["eventSourceARN"] == setup.arn
    emulator.clock.advance(120)
    emulator.wait_idle()
    [final] = setup.events()
    assert final["isFinalInvokeForWindow"] is True
    assert final["Records"] == [] and final["state"] == {"count": 3}
    assert final["window"] == events[0]["window"]


def test_filters_see_decoded_json_data_and_metadata(emulator: EmulatorHandle) -> None:
    setup = Setup(emulator)
    pattern = {"partitionKey": ["keep"], "data": {"kind": ["order"]}}
    setup.map(FilterCriteria={"Filters": [{"Pattern": json.dumps(pattern)}]})
    setup.put(json.dumps({"kind": "order", "n": 1}), key="keep")
    setup.put(json.dumps({"kind": "refund"}), key="keep")
    setup.put(json.dumps({"kind": "order"}), key="other")
    setup.put("not json", key="keep")
    emulator.wait_idle()
    assert [[json.loads(v) for v in batch] for batch in setup.batches()] == [
        [{"kind": "order", "n": 1}]]


def test_latest_at_timestamp_and_resharding_order(emulator: EmulatorHandle) -> None:
    setup = Setup(emulator)
    setup.put("before")
    setup.map(StartingPosition="LATEST")
    setup.put("p1")
    setup.kinesis.split_shard(StreamName=setup.name, ShardToSplit="shardId-000000000000",
                              NewStartingHashKey=str(2**127))
    setup.put("c1", ExplicitHashKey="1")
    setup.put("c2", ExplicitHashKey=str(2**127 + 1))
    emulator.wait_idle()
    delivered = [value for batch in setup.batches() for value in batch]
    assert delivered[0] == "p1" and sorted(delivered[1:]) == ["c1", "c2"]

    timed = Setup(emulator)
    timed.put("early")
    emulator.clock.advance(60)
    moment = emulator.clock.now()
    timed.put("late")
    timed.map(StartingPosition="AT_TIMESTAMP", StartingPositionTimestamp=moment - 1)
    emulator.wait_idle()
    assert timed.batches() == [["late"]]


def test_a_consumer_arn_maps_its_stream(emulator: EmulatorHandle) -> None:
    setup = Setup(emulator)
    consumer = setup.kinesis.register_stream_consumer(StreamARN=setup.arn,
                                                      ConsumerName="lambda")["Consumer"]
    mapping = setup.map(EventSourceArn=consumer["ConsumerARN"])
    assert mapping["EventSourceArn"] == consumer["ConsumerARN"]
    setup.put("via consumer")
    emulator.wait_idle()
    [event] = setup.events()
    assert event["Records"][0]["eventSourceARN"] == setup.arn


def test_the_mapping_api_for_streams(emulator: EmulatorHandle) -> None:
    setup = Setup(emulator)
    created = setup.map()
    # The members and defaults AWS documents for a Kinesis mapping
    # (https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-parameters.html).
    assert created["State"] == "Creating"
    assert created["StateTransitionReason"] == "User action"
    assert created["StartingPosition"] == "TRIM_HORIZON"
    assert created["BatchSize"] == 100
    assert created["MaximumBatchingWindowInSeconds"] == 0
    assert created["ParallelizationFactor"] == 1
    assert created["MaximumRetryAttempts"] == -1
    assert created["MaximumRecordAgeInSeconds"] == -1
    assert created["BisectBatchOnFunctionError"] is False
    assert created["TumblingWindowInSeconds"] == 0
    assert created["DestinationConfig"] == {"OnFailure": {}}
    assert created["LastProcessingResult"] == "No records processed"
    uuid = created["UUID"]
    disabled = setup.lam.update_event_source_mapping(UUID=uuid, Enabled=False)
    assert disabled["State"] == "Disabling"
    setup.put("while disabled")
    emulator.wait_idle()
    assert setup.events() == []
    _, dlq_arn = setup.queue()
    updated = setup.lam.update_event_source_mapping(
        UUID=uuid, Enabled=True, BatchSize=5, ParallelizationFactor=3, MaximumRetryAttempts=4,
        MaximumRecordAgeInSeconds=3600, BisectBatchOnFunctionError=True,
        DestinationConfig={"OnFailure": {"Destination": dlq_arn}})
    assert (updated["State"], updated["BatchSize"], updated["ParallelizationFactor"]) == (
        "Updating", 5, 3)
    assert updated["DestinationConfig"] == {"OnFailure": {"Destination": dlq_arn}}
    emulator.wait_idle()
    assert setup.batches() == [["while disabled"]]  # resumed from the checkpoint
    got = setup.lam.get_event_source_mapping(UUID=uuid)
    assert (got["State"], got["LastProcessingResult"]) == ("Enabled", "OK")
    assert (got["MaximumRetryAttempts"], got["MaximumRecordAgeInSeconds"]) == (4, 3600)
    with pytest.raises(ClientError) as duplicate:
        setup.map()
    assert duplicate.value.response["Error"]["Code"] == "ResourceConflictException"
    assert [m["UUID"] for m in setup.lam.list_event_source_mappings(
        EventSourceArn=setup.arn)["EventSourceMappings"]] == [uuid]
    assert setup.lam.delete_event_source_mapping(UUID=uuid)["State"] == "Deleting"
    setup.put("after delete")
    emulator.wait_idle()
    assert setup.events() == []


@pytest.mark.parametrize(("options", "message"), [
    ({"StartingPosition": None}, "startingPosition"),
    ({"StartingPosition": "AT_TIMESTAMP"}, "Need to specify a timestamp"),
    ({"MaximumRecordAgeInSeconds": 10}, "MaximumRecordAgeInSeconds"),
    ({"DestinationConfig": {"OnFailure": {"Destination":
                                          "arn:aws:lambda:us-east-1:000000000000:function:f"}}},
     "SQS queue or an SNS topic"),
    ({"EventSourceArn": "arn:aws:kinesis:us-east-1:000000000000:stream/no-such-stream"},
     "Stream not found"),
])
def test_invalid_stream_mappings_are_refused(emulator: EmulatorHandle, options: dict[str, Any],
                                             message: str) -> None:
    setup = Setup(emulator)
    arguments: dict[str, Any] = {"FunctionName": setup.function, "EventSourceArn": setup.arn,
                                 "StartingPosition": "LATEST", **options}
    arguments = {k: v for k, v in arguments.items() if v is not None}
    with pytest.raises(ClientError) as refused:
        setup.lam.create_event_source_mapping(**arguments)
    error = refused.value.response["Error"]
    assert error["Code"] == "InvalidParameterValueException"
    assert message in error["Message"]
    assert setup.lam.list_event_source_mappings(EventSourceArn=setup.arn)[
        "EventSourceMappings"] == []
