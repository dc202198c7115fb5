"""FIFO queues: deduplication within five minutes and ever-increasing sequence numbers."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable

from emulator.errors import ServiceError
from emulator.services.sqs.models import DedupRecord, QueueRecord
from emulator.services.sqs.naming import invalid_parameter
from emulator.store import Table

DEDUP_WINDOW = 300.0  # seconds a deduplication id is remembered
_TOKEN = re.compile(r"[!-~]{1,128}")  # alphanumerics and punctuation


def check_token(name: str, value: str) -> None:
    if not _TOKEN.fullmatch(value):
        raise invalid_parameter(
            f"Value {value} for parameter {name} is invalid. Reason: {name} can only include "
            "alphanumeric and punctuation characters. 1 to 128 in length."
        )


def deduplication_id(queue: QueueRecord, given: str | None, body: str) -> str:
    """The id a FIFO message is deduplicated by: given, or the SHA-256 of the body."""
    if given is not None:
        return given
    if queue.attributes.get("ContentBasedDeduplication") == "true":
        return hashlib.sha256(body.encode("utf-8")).hexdigest()
    raise invalid_parameter(
        "The queue should either have ContentBasedDeduplication enabled or "
        "MessageDeduplicationId provided explicitly"
    )


def not_for_queue_type(name: str, value: object) -> ServiceError:
    return invalid_parameter(
        f"Value {value} for parameter {name} is invalid. Reason: The request include parameter "
        "that is not valid for this queue type."
    )


def dedup_key(queue: QueueRecord, group_id: str, dedup_id: str) -> str:
    if queue.attributes.get("DeduplicationScope") == "messageGroup":
        return json.dumps([group_id, dedup_id])
    return json.dumps([dedup_id])


class Deduplication:
    """Remembered deduplication ids of one queue, forgotten after the window."""

    def __init__(self, table: Table[DedupRecord]) -> None:
        self.table = table

    def seen(self, key: str, now: float) -> DedupRecord | None:
        record = self.table.get(key)
        if record is None:
            return None
        if record.expires <= now:
            self.table.delete(key)
            return None
        return record

    def remember(self, key: str, message_id: str, sequence: str | None, now: float) -> None:
        self.table.put(
            key, DedupRecord(message_id=message_id, sequence_number=sequence,
                             expires=now + DEDUP_WINDOW)
        )

    def forget_expired(self, now: float) -> None:
        for key, record in self.table.items():
            if record.expires <= now:
                self.table.delete(key)


class SequenceNumbers:
    """Sequence numbers per queue: 20 digits, from the clock, strictly increasing."""

    def __init__(self) -> None:
        self._last: dict[str, int] = {}

    def next(
        self, queue_arn: str, now: float, known: Callable[[], Iterable[str | None]]
    ) -> str:
        last = self._last.get(queue_arn)
        if last is None:  # first use since start: continue after what is stored
            last = max((int(value) for value in known() if value), default=0)
        value = max(last + 1, int(now * 1_000_000) * 10_000)
        self._last[queue_arn] = value
        return str(value)

    def forget(self, queue_arn: str | None = None) -> None:
        if queue_arn is None:
            self._last.clear()
        else:
            self._last.pop(queue_arn, None)


__all__ = [
    "DEDUP_WINDOW",
    "Deduplication",
    "SequenceNumbers",
    "check_token",
    "dedup_key",
    "deduplication_id",
    "not_for_queue_type",
]
