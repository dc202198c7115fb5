"""SQS messages through boto3: send, receive, delete, visibility, delays, retention, batches."""

from __future__ import annotations

import hashlib
import struct
import threading
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from emulator.testing import EmulatorHandle


@pytest.fixture
def sqs(fresh_emulator: EmulatorHandle) -> Any:
    return fresh_emulator.client("sqs")


@pytest.fixture
def queue(sqs: Any) -> str:
    url: str = sqs.create_queue(QueueName="work")["QueueUrl"]
    return url


def _code(caught: pytest.ExceptionInfo[ClientError]) -> str:
    code: str = caught.value.response["Error"]["Code"]
    return code


def reference_md5(attributes: dict[str, dict[str, Any]]) -> str:
    """The SQS Developer Guide's digest of message attributes, written out independently."""
    encoded = b""
    for name in sorted(attributes):
        value = attributes[name]
        encoded += struct.pack(">I", len(name.encode())) + name.encode()
        encoded += struct.pack(">I", len(value["DataType"].encode())) + value["DataType"].encode()
        if "StringValue" in value:
            data = value["StringValue"].encode()
            encoded += b"\x01" + struct.pack(">I", len(data)) + data
        else:
            data = value["BinaryValue"]
            encoded += b"\x02" + struct.pack(">I", len(data)) + data
    return hashlib.md5(encoded).hexdigest()


def _counts(sqs: Any, url: str) -> tuple[int, int, int]:
    values = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return (
        int(values["ApproximateNumberOfMessages"]),
        int(values["ApproximateNumberOfMessagesNotVisible"]),
        int(values["ApproximateNumberOfMessagesDelayed"]),
    )


ATTRIBUTES = {
    "geo.city": {"DataType": "String", "StringValue": "Any City"},
    "geo.zip": {"DataType": "String.postal", "StringValue": "ABC123"},
    "count": {"DataType": "Number", "StringValue": "1250800"},
    "blob": {"DataType": "Binary", "BinaryValue": b"\x00\xffbytes"},
}


def test_send_receive_delete_with_digests(
    sqs: Any, queue: str, fresh_emulator: EmulatorHandle
) -> None:
    sent = sqs.send_message(QueueUrl=queue, MessageBody="héllo wörld", MessageAttributes=ATTRIBUTES)
    assert sent["MD5OfMessageBody"] == hashlib.md5("héllo wörld".encode()).hexdigest()
    assert sent["MD5OfMessageAttributes"] == reference_md5(ATTRIBUTES)
    assert _counts(sqs, queue) == (1, 0, 0)
    received = sqs.receive_message(
        QueueUrl=queue, MessageAttributeNames=["All"], MessageSystemAttributeNames=["All"]
    )
    [message] = received["Messages"]
    assert message["MessageId"] == sent["MessageId"]
    assert message["Body"] == "héllo wörld"
    assert message["MD5OfBody"] == sent["MD5OfMessageBody"]
    assert message["MessageAttributes"] == ATTRIBUTES
    assert message["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    system = message["Attributes"]
    assert system["ApproximateReceiveCount"] == "1"
    # SenderId is the sender's user id (the account id for the root user the "test" key
    # acts as), not its access key:
    # https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
    assert system["SenderId"] == "000000000000"
    assert abs(int(system["SentTimestamp"]) - fresh_emulator.clock.now() * 1000) < 60_000
    assert int(system["ApproximateFirstReceiveTimestamp"]) >= int(system["SentTimestamp"])
    assert _counts(sqs, queue) == (0, 1, 0)
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])  # twice is fine
    assert _counts(sqs, queue) == (0, 0, 0)
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["All"], set(ATTRIBUTES)),
        ([".*"], set(ATTRIBUTES)),
        (["geo.*"], {"geo.city", "geo.zip"}),
        (["count", "blob", "absent"], {"count", "blob"}),
        (None, set()),
    ],
)
def test_receive_filters_message_attributes_and_digests_what_it_returns(
    sqs: Any, queue: str, names: list[str] | None, expected: set[str]
) -> None:
    sqs.send_message(QueueUrl=queue, MessageBody="x", MessageAttributes=ATTRIBUTES)
    options = {"MessageAttributeNames": names} if names is not None else {}
    [message] = sqs.receive_message(QueueUrl=queue, **options)["Messages"]
    returned = message.get("MessageAttributes", {})
    assert set(returned) == expected
    if expected:
        assert message["MD5OfMessageAttributes"] == reference_md5(returned)
    else:
        assert "MD5OfMessageAttributes" not in message


def test_system_attributes_asked_for_by_either_parameter(sqs: Any, queue: str) -> None:
    sqs.send_message(QueueUrl=queue, MessageBody="x")
    [first] = sqs.receive_message(
        QueueUrl=queue, AttributeNames=["All"], VisibilityTimeout=0
    )["Messages"]
    assert {"SentTimestamp", "SenderId", "ApproximateReceiveCount"} <= set(first["Attributes"])
    [second] = sqs.receive_message(
        QueueUrl=queue, MessageSystemAttributeNames=["ApproximateReceiveCount", "SenderId"]
    )["Messages"]
    assert second["Attributes"] == {"ApproximateReceiveCount": "2",
                                    "SenderId": "000000000000"}


def test_named_system_attributes_through_the_legacy_attribute_names(sqs: Any, queue: str) -> None:
    sqs.send_message(QueueUrl=queue, MessageBody="x")
    [message] = sqs.receive_message(QueueUrl=queue, AttributeNames=["SentTimestamp"])["Messages"]
    assert set(message["Attributes"]) == {"SentTimestamp"}


def test_trace_header_system_attribute(sqs: Any, queue: str) -> None:
    header = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"
    trace = {"AWSTraceHeader": {"DataType": "String", "StringValue": header}}
    sent = sqs.send_message(QueueUrl=queue, MessageBody="traced", MessageSystemAttributes=trace)
    assert sent["MD5OfMessageSystemAttributes"] == reference_md5(trace)
    assert "MD5OfMessageAttributes" not in sent
    [message] = sqs.receive_message(QueueUrl=queue, AttributeNames=["All"])["Messages"]
    assert message["Attributes"]["AWSTraceHeader"] == header


def test_visibility_timeout_expires_on_the_clock(
    sqs: Any, queue: str, fresh_emulator: EmulatorHandle
) -> None:
    sqs.send_message(QueueUrl=queue, MessageBody="retry me")
    [first] = sqs.receive_message(QueueUrl=queue, AttributeNames=["All"])["Messages"]
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)
    fresh_emulator.clock.advance(25)  # real seconds pass too: a busy machine's stay under five
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)
    fresh_emulator.clock.advance(6)
    [second] = sqs.receive_message(QueueUrl=queue, AttributeNames=["All"],
                                   VisibilityTimeout=100)["Messages"]
    assert second["MessageId"] == first["MessageId"]
    assert second["ReceiptHandle"] != first["ReceiptHandle"]
    assert second["Attributes"]["ApproximateReceiveCount"] == "2"
    assert (second["Attributes"]["ApproximateFirstReceiveTimestamp"]
            == first["Attributes"]["ApproximateFirstReceiveTimestamp"])
    fresh_emulator.clock.advance(99)
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)
    fresh_emulator.clock.advance(2)
    assert len(sqs.receive_message(QueueUrl=queue)["Messages"]) == 1


def test_change_message_visibility(sqs: Any, queue: str, fresh_emulator: EmulatorHandle) -> None:
    sqs.send_message(QueueUrl=queue, MessageBody="x")
    [message] = sqs.receive_message(QueueUrl=queue)["Messages"]
    sqs.change_message_visibility(
        QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=300
    )
    fresh_emulator.clock.advance(200)
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)
    sqs.change_message_visibility(
        QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
    )
    [again] = sqs.receive_message(QueueUrl=queue)["Messages"]
    assert again["MessageId"] == message["MessageId"]
    with pytest.raises(ClientError) as caught:
        sqs.change_message_visibility(
            QueueUrl=queue, ReceiptHandle=again["ReceiptHandle"], VisibilityTimeout=43201
        )
    assert _code(caught) == "InvalidParameterValue"
    fresh_emulator.clock.advance(20)
    with pytest.raises(ClientError) as caught_total:
        sqs.change_message_visibility(
            QueueUrl=queue, ReceiptHandle=again["ReceiptHandle"], VisibilityTimeout=43200
        )
    assert "Total VisibilityTimeout" in caught_total.value.response["Error"]["Message"]
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=again["ReceiptHandle"])
    with pytest.raises(ClientError) as caught_gone:
        sqs.change_message_visibility(
            QueueUrl=queue, ReceiptHandle=again["ReceiptHandle"], VisibilityTimeout=10
        )
    assert _code(caught_gone) == "InvalidParameterValue"


def test_invalid_receipt_handles(sqs: Any, queue: str) -> None:
    with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid) as caught:
        sqs.delete_message(QueueUrl=queue, ReceiptHandle="not-a-handle")
    assert caught.value.response["Error"]["Message"] == (
        'The input receipt handle "not-a-handle" is not a valid receipt handle.'
    )
    other = sqs.create_queue(QueueName="other")["QueueUrl"]
    sqs.send_message(QueueUrl=other, MessageBody="x")
    [message] = sqs.receive_message(QueueUrl=other)["Messages"]
    with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid):
        sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
    with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid):
        sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle="bad", VisibilityTimeout=1)


def test_queue_and_message_delays(sqs: Any, fresh_emulator: EmulatorHandle) -> None:
    url = sqs.create_queue(QueueName="slow", Attributes={"DelaySeconds": "30"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="queue delay")
    sqs.send_message(QueueUrl=url, MessageBody="own delay", DelaySeconds=90)
    sqs.send_message(QueueUrl=url, MessageBody="no delay", DelaySeconds=0)
    assert _counts(sqs, url) == (1, 0, 2)
    [now] = sqs.receive_message(QueueUrl=url, VisibilityTimeout=600)["Messages"]
    assert now["Body"] == "no delay"
    fresh_emulator.clock.advance(31)
    [later] = sqs.receive_message(QueueUrl=url, VisibilityTimeout=600)["Messages"]
    assert later["Body"] == "queue delay"
    assert _counts(sqs, url) == (0, 2, 1)
    fresh_emulator.clock.advance(60)
    [last] = sqs.receive_message(QueueUrl=url)["Messages"]
    assert last["Body"] == "own delay"
    with pytest.raises(ClientError) as caught:
        sqs.send_message(QueueUrl=url, MessageBody="x", DelaySeconds=901)
    assert _code(caught) == "InvalidParameterValue"


def test_messages_past_the_retention_period_disappear(
    sqs: Any, fresh_emulator: EmulatorHandle
) -> None:
    url = sqs.create_queue(QueueName="brief", Attributes={"MessageRetentionPeriod": "60"})[
        "QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="old")
    fresh_emulator.clock.advance(30)
    sqs.send_message(QueueUrl=url, MessageBody="new")
    fresh_emulator.clock.advance(31)
    assert _counts(sqs, url) == (1, 0, 0)
    [message] = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert message["Body"] == "new"


def test_a_message_past_the_retention_period_is_gone_while_in_flight(
    sqs: Any, fresh_emulator: EmulatorHandle
) -> None:
    # "Amazon SQS automatically deletes messages left in a queue longer than the retention
    # period" (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/
    # API_DeleteMessage.html), received or not: its receipt handle no longer changes anything.
    url = sqs.create_queue(QueueName="brief", Attributes={"MessageRetentionPeriod": "60"})[
        "QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="held")
    [message] = sqs.receive_message(QueueUrl=url, VisibilityTimeout=600)["Messages"]
    fresh_emulator.clock.advance(61)
    with pytest.raises(ClientError) as caught:
        sqs.change_message_visibility(
            QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
    assert _code(caught) == "InvalidParameterValue"
    assert "Message does not exist" in caught.value.response["Error"]["Message"]
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    assert _counts(sqs, url) == (0, 0, 0)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])  # still success


def test_message_size_limit(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="small", Attributes={"MaximumMessageSize": "1024"})[
        "QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="x" * 1024)
    with pytest.raises(ClientError) as caught:
        sqs.send_message(QueueUrl=url, MessageBody="x" * 1025)
    assert _code(caught) == "InvalidParameterValue"
    assert caught.value.response["Error"]["Message"] == (
        "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes."
    )
    # Attribute names, types and values count towards the size.
    with pytest.raises(ClientError):
        sqs.send_message(
            QueueUrl=url, MessageBody="x" * 1000,
            MessageAttributes={"name": {"DataType": "String", "StringValue": "v" * 20}},
        )
    default = sqs.create_queue(QueueName="default")["QueueUrl"]
    sqs.send_message(QueueUrl=default, MessageBody="x" * 1_048_576)
    with pytest.raises(ClientError):
        sqs.send_message(QueueUrl=default, MessageBody="x" * 1_048_577)


def test_invalid_bodies(sqs: Any, queue: str) -> None:
    with pytest.raises(sqs.exceptions.InvalidMessageContents) as caught:
        sqs.send_message(QueueUrl=queue, MessageBody="bell \x07")
    assert "#x7" in caught.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as caught_empty:
        sqs.send_message(QueueUrl=queue, MessageBody="")
    assert _code(caught_empty) == "MissingParameter"
    sqs.send_message(QueueUrl=queue, MessageBody="tab\tnew line\n emoji \U0001F600")


@pytest.mark.parametrize(
    "attributes",
    [
        {f"a{index}": {"DataType": "String", "StringValue": "v"} for index in range(11)},
        {"AWS.reserved": {"DataType": "String", "StringValue": "v"}},
        {"bad name": {"DataType": "String", "StringValue": "v"}},
        {"a..b": {"DataType": "String", "StringValue": "v"}},
        {"n": {"DataType": "Integer", "StringValue": "1"}},
        {"n": {"DataType": "Number", "StringValue": "one"}},
        {"n": {"DataType": "String", "StringValue": ""}},
        {"n": {"DataType": "String", "BinaryValue": b"x"}},
        {"n": {"DataType": "Binary", "StringValue": "x"}},
    ],
)
def test_invalid_message_attributes(
    sqs: Any, queue: str, attributes: dict[str, dict[str, Any]]
) -> None:
    with pytest.raises(ClientError) as caught:
        sqs.send_message(QueueUrl=queue, MessageBody="x", MessageAttributes=attributes)
    assert _code(caught) == "InvalidParameterValue"


def test_receive_parameter_ranges(sqs: Any, queue: str) -> None:
    for options in (
        {"MaxNumberOfMessages": 11},
        {"MaxNumberOfMessages": 0},
        {"WaitTimeSeconds": 21},
        {"VisibilityTimeout": 43201},
    ):
        with pytest.raises(ClientError) as caught:
            sqs.receive_message(QueueUrl=queue, **options)
        assert _code(caught) == "InvalidParameterValue"
        assert "is invalid. Reason:" in caught.value.response["Error"]["Message"]


def test_receive_returns_up_to_max_number_of_messages(sqs: Any, queue: str) -> None:
    for index in range(15):
        sqs.send_message(QueueUrl=queue, MessageBody=str(index))
    assert len(sqs.receive_message(QueueUrl=queue)["Messages"]) == 1
    assert len(sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]) == 10
    assert len(sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]) == 4
    assert "Messages" not in sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)


def _wait_for_receiver(emulator: EmulatorHandle, name: str) -> None:
    """Block until a long poll on ``name`` is waiting, as /_emulator/resources reports."""
    for _ in range(500):
        listing = httpx.get(f"{emulator.endpoint_url}/_emulator/resources", timeout=60).json()
        queues = {q["name"]: q for q in listing["sqs"]["queues"]}
        if queues[name]["waiting_receives"]:
            return
        threading.Event().wait(0.01)
    raise AssertionError("the receive never started waiting")


def test_long_poll_returns_when_another_thread_sends(
    sqs: Any, queue: str, fresh_emulator: EmulatorHandle
) -> None:
    results: list[dict[str, Any]] = []
    receiver = threading.Thread(
        target=lambda: results.append(
            sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=20, AttributeNames=["All"])
        )
    )
    receiver.start()
    _wait_for_receiver(fresh_emulator, "work")
    sender = fresh_emulator.client("sqs")
    threading.Thread(target=lambda: sender.send_message(QueueUrl=queue, MessageBody="wake")).start()
    receiver.join(30)
    [message] = results[0]["Messages"]
    assert message["Body"] == "wake"
    # Received as soon as it was sent, not when the 20 seconds ran out.
    attributes = message["Attributes"]
    waited = int(attributes["ApproximateFirstReceiveTimestamp"]) - int(attributes["SentTimestamp"])
    assert waited < 10_000


def test_long_poll_wakes_when_the_clock_moves_a_delayed_message_into_view(
    sqs: Any, queue: str, fresh_emulator: EmulatorHandle
) -> None:
    sqs.send_message(QueueUrl=queue, MessageBody="delayed", DelaySeconds=600)
    results: list[dict[str, Any]] = []
    receiver = threading.Thread(
        target=lambda: results.append(
            sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=20, AttributeNames=["All"])
        )
    )
    receiver.start()
    _wait_for_receiver(fresh_emulator, "work")
    fresh_emulator.clock.advance(601)
    receiver.join(30)
    [message] = results[0]["Messages"]
    attributes = message["Attributes"]
    waited = int(attributes["ApproximateFirstReceiveTimestamp"]) - int(attributes["SentTimestamp"])
    assert 601_000 <= waited < 610_000


def test_long_poll_on_an_empty_queue_ends_at_its_deadline_on_the_clock(
    sqs: Any, fresh_emulator: EmulatorHandle
) -> None:
    url = sqs.create_queue(QueueName="quiet", Attributes={"ReceiveMessageWaitTimeSeconds": "20"})[
        "QueueUrl"]
    results: list[dict[str, Any]] = []
    receiver = threading.Thread(target=lambda: results.append(sqs.receive_message(QueueUrl=url)))
    receiver.start()
    _wait_for_receiver(fresh_emulator, "quiet")
    fresh_emulator.clock.advance(21)
    receiver.join(30)
    assert not receiver.is_alive()
    assert "Messages" not in results[0]


def test_send_message_batch(sqs: Any, queue: str) -> None:
    entries = [
        {"Id": "plain", "MessageBody": "one"},
        {"Id": "with-attrs", "MessageBody": "two", "MessageAttributes": ATTRIBUTES},
        {"Id": "too_late", "MessageBody": "three", "DelaySeconds": 1000},
        {"Id": "bad-body", "MessageBody": "\x00"},
    ]
    result = sqs.send_message_batch(QueueUrl=queue, Entries=entries)
    successful = {entry["Id"]: entry for entry in result["Successful"]}
    assert set(successful) == {"plain", "with-attrs"}
    assert successful["with-attrs"]["MD5OfMessageAttributes"] == reference_md5(ATTRIBUTES)
    assert successful["plain"]["MD5OfMessageBody"] == hashlib.md5(b"one").hexdigest()
    failed = {entry["Id"]: entry for entry in result["Failed"]}
    assert failed["too_late"]["Code"] == "InvalidParameterValue"
    assert failed["too_late"]["SenderFault"] is True
    assert failed["bad-body"]["Code"] == "InvalidMessageContents"
    bodies = {m["Body"] for m in sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)[
        "Messages"]}
    assert bodies == {"one", "two"}


def test_batch_request_errors(sqs: Any, queue: str) -> None:
    with pytest.raises(sqs.exceptions.EmptyBatchRequest):
        sqs.send_message_batch(QueueUrl=queue, Entries=[])
    with pytest.raises(sqs.exceptions.TooManyEntriesInBatchRequest):
        sqs.send_message_batch(
            QueueUrl=queue, Entries=[{"Id": str(i), "MessageBody": "x"} for i in range(11)]
        )
    with pytest.raises(sqs.exceptions.BatchEntryIdsNotDistinct) as caught:
        sqs.send_message_batch(
            QueueUrl=queue,
            Entries=[{"Id": "a", "MessageBody": "x"}, {"Id": "a", "MessageBody": "y"}],
        )
    assert caught.value.response["Error"]["Code"] == (
        "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"
    )
    with pytest.raises(sqs.exceptions.InvalidBatchEntryId):
        sqs.delete_message_batch(
            QueueUrl=queue, Entries=[{"Id": "no spaces", "ReceiptHandle": "x"}]
        )
    with pytest.raises(sqs.exceptions.BatchRequestTooLong):
        sqs.send_message_batch(
            QueueUrl=queue,
            Entries=[{"Id": str(i), "MessageBody": "x" * 300_000} for i in range(4)],
        )
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)


def test_delete_and_change_visibility_batches(
    sqs: Any, queue: str, fresh_emulator: EmulatorHandle
) -> None:
    sqs.send_message_batch(
        QueueUrl=queue, Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(4)]
    )
    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    assert len(messages) == 4
    deleted = sqs.delete_message_batch(
        QueueUrl=queue,
        Entries=[{"Id": "d0", "ReceiptHandle": messages[0]["ReceiptHandle"]},
                 {"Id": "d1", "ReceiptHandle": messages[1]["ReceiptHandle"]},
                 {"Id": "junk", "ReceiptHandle": "junk"}],
    )
    assert {entry["Id"] for entry in deleted["Successful"]} == {"d0", "d1"}
    [failure] = deleted["Failed"]
    assert failure["Id"] == "junk" and failure["Code"] == "ReceiptHandleIsInvalid"
    changed = sqs.change_message_visibility_batch(
        QueueUrl=queue,
        Entries=[{"Id": "c2", "ReceiptHandle": messages[2]["ReceiptHandle"],
                  "VisibilityTimeout": 0},
                 {"Id": "c3", "ReceiptHandle": messages[3]["ReceiptHandle"],
                  "VisibilityTimeout": 500},
                 {"Id": "gone", "ReceiptHandle": messages[0]["ReceiptHandle"],
                  "VisibilityTimeout": 0}],
    )
    assert {entry["Id"] for entry in changed["Successful"]} == {"c2", "c3"}
    assert [entry["Id"] for entry in changed["Failed"]] == ["gone"]
    [visible] = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    assert visible["Body"] == "m2"
    fresh_emulator.clock.advance(501)
    bodies = {m["Body"] for m in sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)[
        "Messages"]}
    assert "m3" in bodies
