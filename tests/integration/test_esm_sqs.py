"""SQS event-source mappings: the control plane, record shape, batching, partial batch
failures, filtering, redrive to a dead-letter queue and FIFO order."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from botocore.exceptions import ClientError
from lambda_support import create_function, unique

from emulator.testing import EmulatorHandle


@pytest.fixture(autouse=True)
def _back_to_real_time(emulator: EmulatorHandle) -> Iterator[None]:
    """These tests move the shared emulator's clock; later tests expect real time."""
    yield
    emulator.clock.reset()
    lam = emulator.client("lambda")
    while Setup.created:  # no poller of these tests keeps retrying for the rest of the run
        with contextlib.suppress(ClientError):
            lam.delete_event_source_mapping(UUID=Setup.created.pop())


# Relays each event it gets to the queue in OUT_URL, then fails or reports failures as the
# message bodies ask.
RELAY = {"app.py": """
    import json, os
    import boto3

    def handler(event, context):
        boto3.client("sqs").send_message(QueueUrl=os.environ["OUT_URL"],
                                         MessageBody=json.dumps(event))
        bodies = [record["body"] for record in event["Records"]]
        if "explode" in bodies:
            raise RuntimeError("explode")
        return {"batchItemFailures": [{"itemIdentifier": record["messageId"]}
                                      for record in event["Records"] if record["body"] == "bad"]}
"""}


class Setup:
    created: ClassVar[list[str]] = []

    def __init__(self, emulator: EmulatorHandle, *, fifo: bool = False,
                 attributes: dict[str, str] | None = None) -> None:
        self.emulator = emulator
        self.sqs = emulator.client("sqs")
        self.lam = emulator.client("lambda")
        self.out = self.sqs.create_queue(QueueName=unique("out"))["QueueUrl"]
        name = unique("src") + (".fifo" if fifo else "")
        queue_attributes = dict(attributes or {})
        if fifo:
            queue_attributes.update(FifoQueue="true", ContentBasedDeduplication="true")
        self.url = self.sqs.create_queue(QueueName=name, Attributes=queue_attributes)["QueueUrl"]
        self.arn = self.attribute(self.url, "QueueArn")
        self.function = create_function(
            self.lam, RELAY, Environment={"Variables": {"OUT_URL": self.out}})

    def attribute(self, url: str, name: str) -> str:
        reply = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[name])
        return str(reply["Attributes"][name])

    def map(self, **options: Any) -> dict[str, Any]:
        reply: dict[str, Any] = self.lam.create_event_source_mapping(
            FunctionName=self.function, EventSourceArn=self.arn, **options)
        Setup.created.append(reply["UUID"])
        return reply

    def send(self, *bodies: str, **options: Any) -> None:
        for body in bodies:
            self.sqs.send_message(QueueUrl=self.url, MessageBody=body, **options)

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
        return [[record["body"] for record in event["Records"]] for event in self.events()]

    def waiting(self) -> tuple[int, int]:
        return (int(self.attribute(self.url, "ApproximateNumberOfMessages")),
                int(self.attribute(self.url, "ApproximateNumberOfMessagesNotVisible")))


def test_records_have_the_shape_lambda_gives_sqs_messages(emulator: EmulatorHandle) -> None:
    setup = Setup(emulator)
    setup.map()
    setup.sqs.send_message(QueueUrl=setup.url, MessageBody="hello", MessageAttributes={
        "colour": {"DataType": "String", "StringValue": "blue"},
        "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
    })
    emulator.wait_idle()
    [event] = setup.events()
    [record] = event["Records"]
    assert set(record) == {"messageId", "receiptHandle", "body", "attributes",
                           "messageAttributes", "md5OfBody", "eventSource", "eventSourceARN",
                           "awsRegion"}
    assert record["body"] == "hello"
    assert record["md5OfBody"] == "5d41402abc4b2a76b9719d911017c592"
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == setup.arn
    assert record["awsRegion"] == emulator.region
    assert set(record["attributes"]) == {"ApproximateReceiveCount", "SentTimestamp", "SenderId",
                                         "ApproximateFirstReceiveTimestamp"}
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert record["messageAttributes"] == {
        "colour": {"stringValue": "blue", "stringListValues": [], "binaryListValues": [],
                   "dataType": "String"},
        "blob": {"binaryValue": "AAE=", "stringListValues": [], "binaryListValues": [],
                 "dataType": "Binary"},
    }
    assert setup.waiting() == (0, 0)  # deleted after the success


def test_batch_size_splits_what_is_waiting(emulator: EmulatorHandle) -> None:
    setup = Setup(emulator)
    setup.send("1", "2", "3", "4", "5")
    setup.map(BatchSize=2, ScalingConfig={"MaximumConcurrency": 2})
    emulator.wait_idle()
    batches = setup.batches()
    assert sorted(len(batch) for batch in batches) == [1, 2, 2]
    assert sorted(body for batch in batches for body in batch) == ["1", "2", "3", "4", "5"]


def test_batching_window_waits_on_the_clock_for_a_fuller_batch(emulator: EmulatorHandle) -> None:
    setup = Setup(emulator)
    setup.map(BatchSize=50, MaximumBatchingWindowInSeconds=30)
    setup.send("a")
    emulator.wait_idle()
    setup.send("b", "c")
    emulator.wait_idle()
    assert setup.events() == []
    emulator.clock.advance(30)
    emulator.wait_idle()
    assert [sorted(batch) for batch in setup.batches()] == [["a", "b", "c"]]


def test_partial_batch_failures_leave_only_the_reported_messages(
    emulator: EmulatorHandle,
) -> None:
    setup = Setup(emulator, attributes={"VisibilityTimeout": "30"})
    setup.send("ok-1", "bad", "ok-2")
    setup.map(FunctionResponseTypes=["ReportBatchItemFailures"], BatchSize=10)
    emulator.wait_idle()
    assert [sorted(batch) for batch in setup.batches()] == [["bad", "ok-1", "ok-2"]]
    assert setup.waiting() == (0, 1)
    emulator.clock.advance(30)
    emulator.wait_idle()
    assert setup.batches() == [["bad"]]


def test_without_report_batch_item_failures_a_failed_batch_returns_whole(
    emulator: EmulatorHandle,
) -> None:
    setup = Setup(emulator, attributes={"VisibilityTimeout": "30"})
    setup.send("ok", "explode")
    setup.map()
    emulator.wait_idle()
    assert setup.waiting() == (0, 2)


def test_failed_messages_follow_the_redrive_policy(emulator: EmulatorHandle) -> None:
    sqs = emulator.client("sqs")
    dlq = sqs.create_queue(QueueName=unique("dlq"))["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq,
                                       AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    setup = Setup(emulator, attributes={
        "VisibilityTimeout": "10",
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2}),
    })
    setup.send("explode")
    setup.map()
    for _ in range(3):
        emulator.wait_idle()
        emulator.clock.advance(10)
    emulator.wait_idle()
    assert len(setup.events()) == 2  # received twice, then moved
    [moved] = sqs.receive_message(QueueUrl=dlq)["Messages"]
    assert moved["Body"] == "explode"


def test_filtered_out_messages_are_deleted_without_invoking(emulator: EmulatorHandle) -> None:
    setup = Setup(emulator)
    setup.send(json.dumps({"kind": "keep", "n": 1}), json.dumps({"kind": "drop"}), "plain")
    setup.map(FilterCriteria={"Filters": [{"Pattern": json.dumps({"body": {"kind": ["keep"]}})}]})
    emulator.wait_idle()
    assert [[json.loads(body) for body in batch] for batch in setup.batches()] == [
        [{"kind": "keep", "n": 1}]]
    assert setup.waiting() == (0, 0)


def test_fifo_keeps_order_within_each_group(emulator: EmulatorHandle) -> None:
    setup = Setup(emulator, fifo=True)
    for number in range(4):
        setup.send(f"a{number}", MessageGroupId="a")
        setup.send(f"b{number}", MessageGroupId="b")
    setup.map(BatchSize=1)
    emulator.wait_idle()
    events = setup.events()
    bodies = [event["Records"][0]["body"] for event in events]
    assert [b for b in bodies if b.startswith("a")] == ["a0", "a1", "a2", "a3"]
    assert [b for b in bodies if b.startswith("b")] == ["b0", "b1", "b2", "b3"]
    record = events[0]["Records"][0]
    assert {"SequenceNumber", "MessageGroupId", "MessageDeduplicationId"} <= set(
        record["attributes"])


def test_new_messages_wake_the_poller(emulator: EmulatorHandle) -> None:
    setup = Setup(emulator)
    setup.map()
    emulator.wait_idle()
    for round_number in range(3):
        setup.send(f"m{round_number}")
        emulator.wait_idle()
        assert setup.batches() == [[f"m{round_number}"]]


def test_mapping_states_and_operations(emulator: EmulatorHandle) -> None:
    setup = Setup(emulator)
    created = setup.map(BatchSize=5, ScalingConfig={"MaximumConcurrency": 3})
    assert created["State"] == "Creating"
    assert created["StateTransitionReason"] == "USER_INITIATED"
    assert created["BatchSize"] == 5
    assert created["MaximumBatchingWindowInSeconds"] == 0
    assert created["EventSourceArn"] == setup.arn
    assert created["FunctionArn"].endswith(f":function:{setup.function}")
    assert created["ScalingConfig"] == {"MaximumConcurrency": 3}
    uuid = created["UUID"]
    assert created["EventSourceMappingArn"].endswith(f":event-source-mapping:{uuid}")
    assert setup.lam.get_event_source_mapping(UUID=uuid)["State"] == "Enabled"
    disabling = setup.lam.update_event_source_mapping(UUID=uuid, Enabled=False)
    assert disabling["State"] == "Disabling"
    assert setup.lam.get_event_source_mapping(UUID=uuid)["State"] == "Disabled"
    setup.send("while disabled")
    emulator.wait_idle()
    assert setup.events() == []
    assert setup.lam.update_event_source_mapping(UUID=uuid, Enabled=True)["State"] == "Enabling"
    emulator.wait_idle()
    assert setup.batches() == [["while disabled"]]
    updating = setup.lam.update_event_source_mapping(UUID=uuid, BatchSize=7)
    assert updating["State"] == "Updating" and updating["BatchSize"] == 7
    listed = setup.lam.list_event_source_mappings(EventSourceArn=setup.arn)
    assert [m["UUID"] for m in listed["EventSourceMappings"]] == [uuid]
    by_function = setup.lam.list_event_source_mappings(FunctionName=setup.function)
    assert [m["UUID"] for m in by_function["EventSourceMappings"]] == [uuid]
    with pytest.raises(ClientError) as duplicate:
        setup.map()
    assert duplicate.value.response["Error"]["Code"] == "ResourceConflictException"
    assert setup.lam.delete_event_source_mapping(UUID=uuid)["State"] == "Deleting"
    with pytest.raises(ClientError) as gone:
        setup.lam.get_event_source_mapping(UUID=uuid)
    assert gone.value.response["Error"]["Code"] == "ResourceNotFoundException"
    setup.send("after delete")
    emulator.wait_idle()
    assert setup.events() == []


@pytest.mark.parametrize(("options", "code"), [
    ({"EventSourceArn": "arn:aws:sqs:us-east-1:000000000000:nowhere"},
     "InvalidParameterValueException"),
    ({"BatchSize": 20}, "InvalidParameterValueException"),
    ({"FilterCriteria": {"Filters": [{"Pattern": "{\"body\": \"x\"}"}]}},
     "InvalidParameterValueException"),
    ({"FunctionName": "no-such-function"}, "ResourceNotFoundException"),
])
def test_invalid_mappings_are_refused(emulator: EmulatorHandle, options: dict[str, Any],
                                      code: str) -> None:
    setup = Setup(emulator)
    arguments = {"FunctionName": setup.function, "EventSourceArn": setup.arn, **options}
    with pytest.raises(ClientError) as refused:
        setup.lam.create_event_source_mapping(**arguments)
    assert refused.value.response["Error"]["Code"] == code


def test_fifo_batch_size_is_at_most_ten(emulator: EmulatorHandle) -> None:
    setup = Setup(emulator, fifo=True)
    with pytest.raises(ClientError) as refused:
        setup.map(BatchSize=11, MaximumBatchingWindowInSeconds=1)
    assert refused.value.response["Error"]["Code"] == "InvalidParameterValueException"
