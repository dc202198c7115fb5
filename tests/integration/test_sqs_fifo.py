"""FIFO queues through boto3: group ordering and blocking, deduplication, sequence numbers."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.testing import EmulatorHandle


@pytest.fixture
def sqs(fresh_emulator: EmulatorHandle) -> Any:
    return fresh_emulator.client("sqs")


def _fifo(sqs: Any, name: str = "orders.fifo", **attributes: str) -> str:
    url: str = sqs.create_queue(
        QueueName=name, Attributes={"FifoQueue": "true", **attributes}
    )["QueueUrl"]
    return url


def _bodies(messages: dict[str, Any]) -> list[str]:
    return [message["Body"] for message in messages.get("Messages", [])]


def test_fifo_attributes(sqs: Any) -> None:
    url = _fifo(sqs)
    values = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert values["FifoQueue"] == "true"
    assert values["ContentBasedDeduplication"] == "false"
    assert values["DeduplicationScope"] == "queue"
    assert values["FifoThroughputLimit"] == "perQueue"
    assert sqs.create_queue(QueueName="orders.fifo", Attributes={"FifoQueue": "true"})[
        "QueueUrl"] == url
    with pytest.raises(sqs.exceptions.QueueNameExists):
        sqs.create_queue(QueueName="orders.fifo", Attributes={
            "FifoQueue": "true", "ContentBasedDeduplication": "true"})


def test_group_id_and_deduplication_are_required(sqs: Any) -> None:
    url = _fifo(sqs)
    with pytest.raises(ClientError) as caught:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageDeduplicationId="d")
    assert caught.value.response["Error"]["Code"] == "MissingParameter"
    with pytest.raises(ClientError) as caught_dedup:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g")
    assert caught_dedup.value.response["Error"]["Code"] == "InvalidParameterValue"
    with pytest.raises(ClientError) as caught_delay:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g",
                         MessageDeduplicationId="d", DelaySeconds=5)
    assert caught_delay.value.response["Error"]["Code"] == "InvalidParameterValue"
    sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g",
                     MessageDeduplicationId="d", DelaySeconds=0)
    standard = sqs.create_queue(QueueName="standard")["QueueUrl"]
    with pytest.raises(ClientError):
        sqs.send_message(QueueUrl=standard, MessageBody="x", MessageDeduplicationId="d")


def test_order_within_a_group_and_sequence_numbers(sqs: Any) -> None:
    url = _fifo(sqs, ContentBasedDeduplication="true")
    sequences = [
        sqs.send_message(QueueUrl=url, MessageBody=f"m{index}", MessageGroupId="g")[
            "SequenceNumber"]
        for index in range(5)
    ]
    assert all(len(number) == 20 for number in sequences)
    assert [int(n) for n in sequences] == sorted(int(n) for n in sequences)
    assert len(set(sequences)) == 5
    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"])
    assert _bodies(received) == ["m0", "m1", "m2", "m3", "m4"]
    first = received["Messages"][0]["Attributes"]
    assert first["MessageGroupId"] == "g"
    assert first["SequenceNumber"] == sequences[0]
    assert len(first["MessageDeduplicationId"]) == 64  # SHA-256 of the body


def test_a_group_is_blocked_while_one_of_its_messages_is_in_flight(
    sqs: Any, fresh_emulator: EmulatorHandle
) -> None:
    url = _fifo(sqs, ContentBasedDeduplication="true")
    for body, group in (("a1", "A"), ("b1", "B"), ("a2", "A"), ("b2", "B")):
        sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId=group)
    first = sqs.receive_message(QueueUrl=url)
    assert _bodies(first) == ["a1"]
    # Group A waits for a1; group B is free.
    assert _bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)) == ["b1", "b2"]
    assert "Messages" not in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first["Messages"][0]["ReceiptHandle"])
    assert _bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)) == ["a2"]
    # When the visibility timeout of the B messages lapses they come back in order.
    fresh_emulator.clock.advance(31)
    again = _bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10))
    assert sorted(again) == ["a2", "b1", "b2"]
    assert again.index("b1") < again.index("b2")


def test_a_visible_message_waits_behind_an_in_flight_one_of_its_group(sqs: Any) -> None:
    url = _fifo(sqs, ContentBasedDeduplication="true")
    for body in ("first", "second"):
        sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId="g")
    both = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2)["Messages"]
    sqs.change_message_visibility(
        QueueUrl=url, ReceiptHandle=both[0]["ReceiptHandle"], VisibilityTimeout=0
    )
    assert "Messages" not in sqs.receive_message(QueueUrl=url)  # "second" is still in flight
    sqs.delete_message(QueueUrl=url, ReceiptHandle=both[1]["ReceiptHandle"])
    assert _bodies(sqs.receive_message(QueueUrl=url)) == ["first"]


def test_deduplication_window(sqs: Any, fresh_emulator: EmulatorHandle) -> None:
    url = _fifo(sqs)
    first = sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g",
                             MessageDeduplicationId="same")
    again = sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g",
                             MessageDeduplicationId="same")
    assert again["MessageId"] == first["MessageId"]
    assert again["SequenceNumber"] == first["SequenceNumber"]
    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    assert _bodies(received) == ["x"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=received["Messages"][0]["ReceiptHandle"])
    # Still a duplicate after delivery and deletion, within five minutes.
    sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g",
                     MessageDeduplicationId="same")
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    fresh_emulator.clock.advance(301)
    later = sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g",
                             MessageDeduplicationId="same")
    assert later["MessageId"] != first["MessageId"]
    assert _bodies(sqs.receive_message(QueueUrl=url)) == ["x"]


def test_content_based_deduplication_uses_the_body_only(sqs: Any) -> None:
    url = _fifo(sqs, ContentBasedDeduplication="true")
    first = sqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId="g1")
    second = sqs.send_message(
        QueueUrl=url, MessageBody="same", MessageGroupId="g2",
        MessageAttributes={"a": {"DataType": "String", "StringValue": "different"}},
    )
    assert second["MessageId"] == first["MessageId"]
    explicit = sqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId="g1",
                                MessageDeduplicationId="explicit")
    assert explicit["MessageId"] != first["MessageId"]
    assert len(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]) == 2


def test_deduplication_scoped_to_the_message_group(sqs: Any) -> None:
    url = _fifo(sqs, DeduplicationScope="messageGroup", FifoThroughputLimit="perMessageGroupId")
    one = sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g1",
                           MessageDeduplicationId="d")
    two = sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g2",
                           MessageDeduplicationId="d")
    assert one["MessageId"] != two["MessageId"]


def test_batch_keeps_order_and_reports_duplicates_as_sent(sqs: Any) -> None:
    url = _fifo(sqs)
    result = sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": "1", "MessageBody": "one", "MessageGroupId": "g", "MessageDeduplicationId": "1"},
        {"Id": "2", "MessageBody": "two", "MessageGroupId": "g", "MessageDeduplicationId": "2"},
        {"Id": "3", "MessageBody": "dup", "MessageGroupId": "g", "MessageDeduplicationId": "1"},
        {"Id": "4", "MessageBody": "no-group", "MessageDeduplicationId": "4"},
    ])
    assert [entry["Id"] for entry in result["Successful"]] == ["1", "2", "3"]
    assert [entry["Id"] for entry in result["Failed"]] == ["4"]
    assert _bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)) == ["one", "two"]


def test_an_old_receipt_handle_has_expired(sqs: Any, fresh_emulator: EmulatorHandle) -> None:
    url = _fifo(sqs, ContentBasedDeduplication="true")
    sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g")
    [old] = sqs.receive_message(QueueUrl=url)["Messages"]
    fresh_emulator.clock.advance(31)
    [new] = sqs.receive_message(QueueUrl=url)["Messages"]
    with pytest.raises(ClientError) as caught:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=old["ReceiptHandle"])
    assert "The receipt handle has expired." in caught.value.response["Error"]["Message"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=new["ReceiptHandle"])
    assert "Messages" not in sqs.receive_message(QueueUrl=url)


def test_a_retried_receive_attempt_gets_the_same_messages(sqs: Any) -> None:
    url = _fifo(sqs, ContentBasedDeduplication="true")
    for body in ("one", "two", "three"):
        sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId="g")
    first = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2,
                                ReceiveRequestAttemptId="attempt-1")["Messages"]
    retried = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2,
                                  ReceiveRequestAttemptId="attempt-1")["Messages"]
    assert [m["Body"] for m in retried] == ["one", "two"]
    assert [m["ReceiptHandle"] for m in retried] == [m["ReceiptHandle"] for m in first]
    assert "Messages" not in sqs.receive_message(QueueUrl=url, ReceiveRequestAttemptId="other")
    for message in retried:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    # Once the messages changed, the attempt id no longer replays them.
    assert [m["Body"] for m in sqs.receive_message(
        QueueUrl=url, ReceiveRequestAttemptId="attempt-1")["Messages"]] == ["three"]
