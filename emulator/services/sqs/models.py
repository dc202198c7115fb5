"""The stored records of SQS: queues, messages, FIFO deduplication entries, deleted names."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from emulator.store import Record

# Table names inside the SQS store; per-queue tables carry the queue name after the colon.
QUEUES = "queues"
DELETED = "deleted"
MOVE_TASKS = "move_tasks"


def messages_table(queue_name: str) -> str:
    return f"messages:{queue_name}"


def dedup_table(queue_name: str) -> str:
    return f"dedup:{queue_name}"


class QueueRecord(Record):
    name: str
    account: str
    region: str
    arn: str
    fifo: bool = False
    created: float
    last_modified: float
    # Every settable attribute with its current value, as AWS reports it (strings).
    attributes: dict[str, str] = Field(default_factory=dict)
    tags: dict[str, str] = Field(default_factory=dict)
    last_purge: float | None = None

    def int_attribute(self, name: str) -> int:
        return int(self.attributes[name])


class AttributeValue(BaseModel):
    """One message attribute, under AWS's member names; binary values stored as base64."""

    model_config = ConfigDict(extra="ignore", ser_json_bytes="base64", val_json_bytes="base64")

    DataType: str
    StringValue: str | None = None
    BinaryValue: bytes | None = None

    def to_wire(self) -> dict[str, Any]:
        value: dict[str, Any] = {"DataType": self.DataType}
        if self.StringValue is not None:
            value["StringValue"] = self.StringValue
        if self.BinaryValue is not None:
            value["BinaryValue"] = self.BinaryValue
        return value


class MessageRecord(Record):
    message_id: str
    body: str
    md5_body: str
    attributes: dict[str, AttributeValue] = Field(default_factory=dict)
    system_attributes: dict[str, AttributeValue] = Field(default_factory=dict)
    md5_system_attributes: str | None = None
    sender_id: str
    sent: float
    # The message can be received from this time on (end of its delay or its visibility timeout).
    visible_at: float
    receive_count: int = 0
    first_receive: float | None = None
    last_receive: float | None = None
    receipt: str | None = None  # token of the latest receive; older tokens are stale
    group_id: str | None = None
    dedup_id: str | None = None
    sequence_number: str | None = None
    dead_letter_source: str | None = None  # ARN of the queue it was moved from

    def in_flight(self, now: float) -> bool:
        return self.receive_count > 0 and self.visible_at > now

    def delayed(self, now: float) -> bool:
        return self.receive_count == 0 and self.visible_at > now


class DedupRecord(Record):
    """A FIFO deduplication id seen within the last five minutes."""

    message_id: str
    sequence_number: str | None = None
    expires: float


class MoveTaskRecord(Record):
    """A message move task out of a dead-letter queue, as ListMessageMoveTasks reports it."""

    handle: str
    status: str
    source_arn: str
    destination_arn: str | None = None
    rate: int | None = None
    moved: int = 0
    to_move: int = 0
    started: float

    def to_wire(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "Status": self.status,
            "SourceArn": self.source_arn,
            "ApproximateNumberOfMessagesMoved": self.moved,
            "ApproximateNumberOfMessagesToMove": self.to_move,
            "StartedTimestamp": int(self.started * 1000),
        }
        if self.status == "RUNNING":
            result["TaskHandle"] = self.handle
        if self.destination_arn is not None:
            result["DestinationArn"] = self.destination_arn
        if self.rate is not None:
            result["MaxNumberOfMessagesPerSecond"] = self.rate
        return result


class DeletedQueue(Record):
    """A queue name deleted recently; it cannot be created again for 60 seconds."""

    deleted: float


__all__ = [
    "DELETED",
    "MOVE_TASKS",
    "QUEUES",
    "AttributeValue",
    "DedupRecord",
    "DeletedQueue",
    "MessageRecord",
    "MoveTaskRecord",
    "QueueRecord",
    "dedup_table",
    "messages_table",
]
