"""SQS state that must survive ``kill -9``: in-flight messages, binary attributes, FIFO state."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from emulator_process import EmulatorProcess

# Each test kills and restarts a real emulator process (seconds each): the slow profile.
pytestmark = pytest.mark.slow


def _sqs(url: str) -> Any:
    return boto3.client(
        "sqs", endpoint_url=url, region_name="us-east-1",
        aws_access_key_id="test", aws_secret_access_key="test",
    )


def test_message_state_survives_kill_9(tmp_path: Path) -> None:
    state = tmp_path / "state"
    binary = {"raw": {"DataType": "Binary", "BinaryValue": b"\x00\xff\x10"}}
    with EmulatorProcess("--state-dir", str(state)) as first:
        first.wait_healthy()
        sqs = _sqs(first.url)
        url = sqs.create_queue(QueueName="work")["QueueUrl"]
        sent = sqs.send_message(QueueUrl=url, MessageBody="in flight", MessageAttributes=binary)
        sqs.receive_message(QueueUrl=url, VisibilityTimeout=3600)
        fifo = sqs.create_queue(QueueName="ordered.fifo", Attributes={
            "FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
        first_sequence = sqs.send_message(QueueUrl=fifo, MessageBody="once",
                                          MessageGroupId="g")["SequenceNumber"]
        first.kill()

    with EmulatorProcess("--state-dir", str(state)) as second:
        second.wait_healthy()
        sqs = _sqs(second.url)
        url = sqs.get_queue_url(QueueName="work")["QueueUrl"]
        counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        assert counts["ApproximateNumberOfMessagesNotVisible"] == "1"
        assert "Messages" not in sqs.receive_message(QueueUrl=url)
        fifo = sqs.get_queue_url(QueueName="ordered.fifo")["QueueUrl"]
        duplicate = sqs.send_message(QueueUrl=fifo, MessageBody="once", MessageGroupId="g")
        assert duplicate["SequenceNumber"] == first_sequence
        later = sqs.send_message(QueueUrl=fifo, MessageBody="twice", MessageGroupId="g")
        assert int(later["SequenceNumber"]) > int(first_sequence)
        bodies = [m["Body"] for m in sqs.receive_message(
            QueueUrl=fifo, MaxNumberOfMessages=10)["Messages"]]
        assert bodies == ["once", "twice"]
        second.kill()

    with EmulatorProcess("--state-dir", str(state)) as third:
        third.wait_healthy()
        sqs = _sqs(third.url)
        url = sqs.get_queue_url(QueueName="work")["QueueUrl"]
        # Past the visibility timeout the stored in-flight message comes back, intact.
        httpx.post(f"{third.url}/_emulator/clock", json={"advance": 3601})
        [message] = sqs.receive_message(
            QueueUrl=url, MessageAttributeNames=["All"], AttributeNames=["All"]
        )["Messages"]
        assert message["MessageId"] == sent["MessageId"]
        assert message["MessageAttributes"] == binary
        assert message["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
        assert message["Attributes"]["ApproximateReceiveCount"] == "2"
