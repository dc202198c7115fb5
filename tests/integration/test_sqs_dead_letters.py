"""Dead-letter queues through boto3: redrive after maxReceiveCount, sources, allow policies."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.testing import EmulatorHandle


@pytest.fixture
def sqs(fresh_emulator: EmulatorHandle) -> Any:
    return fresh_emulator.client("sqs")


def _arn(sqs: Any, url: str) -> str:
    arn: str = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    return arn


def _policy(target_arn: str, count: int | str) -> str:
    return json.dumps({"deadLetterTargetArn": target_arn, "maxReceiveCount": count})


def test_message_moves_after_max_receive_count(
    sqs: Any, fresh_emulator: EmulatorHandle
) -> None:
    dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    source = sqs.create_queue(
        QueueName="source", Attributes={"RedrivePolicy": _policy(_arn(sqs, dlq), "2")}
    )["QueueUrl"]
    sent = sqs.send_message(QueueUrl=source, MessageBody="poison", MessageAttributes={
        "kind": {"DataType": "String", "StringValue": "bad"}})
    for attempt in (1, 2):
        [message] = sqs.receive_message(QueueUrl=source, AttributeNames=["All"])["Messages"]
        assert message["Attributes"]["ApproximateReceiveCount"] == str(attempt)
        fresh_emulator.clock.advance(31)
    # The third receive would exceed maxReceiveCount: the message goes to the DLQ instead.
    assert "Messages" not in sqs.receive_message(QueueUrl=source)
    [dead] = sqs.receive_message(QueueUrl=dlq, AttributeNames=["All"],
                                 MessageAttributeNames=["All"])["Messages"]
    assert dead["MessageId"] == sent["MessageId"]
    assert dead["Body"] == "poison"
    assert dead["MessageAttributes"]["kind"]["StringValue"] == "bad"
    assert dead["Attributes"]["DeadLetterQueueSourceArn"] == _arn(sqs, source)
    attributes = sqs.get_queue_attributes(QueueUrl=source, AttributeNames=["RedrivePolicy"])
    assert json.loads(attributes["Attributes"]["RedrivePolicy"]) == {
        "deadLetterTargetArn": _arn(sqs, dlq), "maxReceiveCount": 2
    }


def test_fifo_dead_letter_queue_frees_the_group(sqs: Any) -> None:
    dlq = sqs.create_queue(QueueName="dlq.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    source = sqs.create_queue(QueueName="source.fifo", Attributes={
        "FifoQueue": "true", "ContentBasedDeduplication": "true",
        "RedrivePolicy": _policy(_arn(sqs, dlq), 1)})["QueueUrl"]
    for body in ("poison", "next"):
        sqs.send_message(QueueUrl=source, MessageBody=body, MessageGroupId="g")
    [first] = sqs.receive_message(QueueUrl=source, VisibilityTimeout=0)["Messages"]
    assert first["Body"] == "poison"
    [second] = sqs.receive_message(QueueUrl=source)["Messages"]
    assert second["Body"] == "next"
    [dead] = sqs.receive_message(QueueUrl=dlq)["Messages"]
    assert dead["Body"] == "poison"


def test_list_dead_letter_source_queues(sqs: Any) -> None:
    dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    policy = _policy(_arn(sqs, dlq), 5)
    one = sqs.create_queue(QueueName="one", Attributes={"RedrivePolicy": policy})["QueueUrl"]
    two = sqs.create_queue(QueueName="two")["QueueUrl"]
    sqs.set_queue_attributes(QueueUrl=two, Attributes={"RedrivePolicy": policy})
    sqs.create_queue(QueueName="unrelated")
    assert sorted(sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"]) == [one, two]
    page = sqs.list_dead_letter_source_queues(QueueUrl=dlq, MaxResults=1)
    assert page["queueUrls"] == [one] and "NextToken" in page
    sqs.set_queue_attributes(QueueUrl=two, Attributes={"RedrivePolicy": ""})
    assert sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"] == [one]


def test_redrive_policy_must_name_an_existing_queue_of_the_same_type(sqs: Any) -> None:
    missing = "arn:aws:sqs:us-east-1:000000000000:missing"
    with pytest.raises(ClientError) as caught:
        sqs.create_queue(QueueName="q", Attributes={"RedrivePolicy": _policy(missing, 3)})
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert "Dead letter target does not exist" in caught.value.response["Error"]["Message"]
    fifo_dlq = sqs.create_queue(QueueName="d.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    with pytest.raises(ClientError):
        sqs.create_queue(QueueName="q", Attributes={
            "RedrivePolicy": _policy(_arn(sqs, fifo_dlq), 3)})
    dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    for count in (0, 1001):
        with pytest.raises(ClientError) as caught_count:
            sqs.create_queue(QueueName="q", Attributes={
                "RedrivePolicy": _policy(_arn(sqs, dlq), count)})
        assert "maxReceiveCount" in caught_count.value.response["Error"]["Message"]
    with pytest.raises(ClientError):
        sqs.create_queue(QueueName="q", Attributes={"RedrivePolicy": "{not json"})


def test_redrive_allow_policy(sqs: Any) -> None:
    dlq = sqs.create_queue(QueueName="dlq", Attributes={
        "RedriveAllowPolicy": json.dumps({"redrivePermission": "denyAll"})})["QueueUrl"]
    with pytest.raises(ClientError):
        sqs.create_queue(QueueName="q", Attributes={"RedrivePolicy": _policy(_arn(sqs, dlq), 3)})
    allowed = "arn:aws:sqs:us-east-1:000000000000:allowed"
    sqs.set_queue_attributes(QueueUrl=dlq, Attributes={"RedriveAllowPolicy": json.dumps(
        {"redrivePermission": "byQueue", "sourceQueueArns": [allowed]})})
    sqs.create_queue(QueueName="allowed", Attributes={
        "RedrivePolicy": _policy(_arn(sqs, dlq), 3)})
    with pytest.raises(ClientError):
        sqs.create_queue(QueueName="other", Attributes={
            "RedrivePolicy": _policy(_arn(sqs, dlq), 3)})
    with pytest.raises(sqs.exceptions.InvalidAttributeValue):
        sqs.set_queue_attributes(QueueUrl=dlq, Attributes={"RedriveAllowPolicy": json.dumps(
            {"redrivePermission": "sometimes"})})


def test_message_stays_when_the_dead_letter_queue_is_gone(sqs: Any) -> None:
    dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    source = sqs.create_queue(
        QueueName="source", Attributes={"RedrivePolicy": _policy(_arn(sqs, dlq), 1)}
    )["QueueUrl"]
    sqs.delete_queue(QueueUrl=dlq)
    sqs.send_message(QueueUrl=source, MessageBody="kept")
    sqs.receive_message(QueueUrl=source, VisibilityTimeout=0)
    [again] = sqs.receive_message(QueueUrl=source, AttributeNames=["All"])["Messages"]
    assert again["Attributes"]["ApproximateReceiveCount"] == "2"


def _poison(sqs: Any, fresh_emulator: EmulatorHandle, source: str, body: str) -> None:
    """Send a message and fail it once: with maxReceiveCount 1 the next receive redrives it."""
    sqs.send_message(QueueUrl=source, MessageBody=body)
    sqs.receive_message(QueueUrl=source, VisibilityTimeout=0)
    assert "Messages" not in sqs.receive_message(QueueUrl=source)


def test_message_move_task_redrives_to_the_original_queue(
    sqs: Any, fresh_emulator: EmulatorHandle
) -> None:
    dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    dlq_arn = _arn(sqs, dlq)
    source = sqs.create_queue(
        QueueName="source", Attributes={"RedrivePolicy": _policy(dlq_arn, 1)}
    )["QueueUrl"]
    for body in ("one", "two"):
        _poison(sqs, fresh_emulator, source, body)
    handle = sqs.start_message_move_task(SourceArn=dlq_arn)["TaskHandle"]
    assert handle
    [task] = sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"]
    assert task["Status"] == "COMPLETED"
    assert task["ApproximateNumberOfMessagesMoved"] == 2
    assert task["SourceArn"] == dlq_arn
    assert "Messages" not in sqs.receive_message(QueueUrl=dlq)
    back = sqs.receive_message(QueueUrl=source, MaxNumberOfMessages=10, AttributeNames=["All"])
    assert sorted(m["Body"] for m in back["Messages"]) == ["one", "two"]
    assert {m["Attributes"]["ApproximateReceiveCount"] for m in back["Messages"]} == {"1"}
    with pytest.raises(sqs.exceptions.ResourceNotFoundException):
        sqs.cancel_message_move_task(TaskHandle=handle)


def test_message_move_task_to_a_chosen_queue_and_its_errors(
    sqs: Any, fresh_emulator: EmulatorHandle
) -> None:
    dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    dlq_arn = _arn(sqs, dlq)
    source = sqs.create_queue(
        QueueName="source", Attributes={"RedrivePolicy": _policy(dlq_arn, 1)}
    )["QueueUrl"]
    elsewhere = sqs.create_queue(QueueName="elsewhere")["QueueUrl"]
    _poison(sqs, fresh_emulator, source, "moved")
    sqs.start_message_move_task(SourceArn=dlq_arn, DestinationArn=_arn(sqs, elsewhere),
                                MaxNumberOfMessagesPerSecond=10)
    [task] = sqs.list_message_move_tasks(SourceArn=dlq_arn, MaxResults=10)["Results"]
    assert task["DestinationArn"] == _arn(sqs, elsewhere)
    assert task["MaxNumberOfMessagesPerSecond"] == 10
    assert sqs.receive_message(QueueUrl=elsewhere)["Messages"][0]["Body"] == "moved"
    with pytest.raises(ClientError) as caught:
        sqs.start_message_move_task(SourceArn=_arn(sqs, elsewhere))
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValue"
    with pytest.raises(sqs.exceptions.ResourceNotFoundException):
        sqs.start_message_move_task(SourceArn="arn:aws:sqs:us-east-1:000000000000:nowhere")
