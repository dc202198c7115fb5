"""Message move tasks: redriving messages out of a dead-letter queue.

A task moves every available message at once and is complete when StartMessageMoveTask
answers; the record keeps what ListMessageMoveTasks reports.
"""

from __future__ import annotations

import base64
import json

from emulator import ids
from emulator.errors import ServiceError
from emulator.services.sqs.delivery import Delivery
from emulator.services.sqs.models import MOVE_TASKS, MoveTaskRecord, QueueRecord
from emulator.services.sqs.naming import invalid_parameter
from emulator.services.sqs.queues import Queues
from emulator.services.sqs.wakeups import Wakeups
from emulator.store import Table

MAX_LISTED = 10
MAX_RATE = 500


def _not_found(name: str) -> ServiceError:
    return ServiceError(
        "ResourceNotFoundException",
        f"The resource that you specified for the {name} parameter doesn't exist.",
    )


class MessageMoves:
    def __init__(self, queues: Queues, delivery: Delivery, wakeups: Wakeups) -> None:
        self.queues = queues
        self.delivery = delivery
        self.wakeups = wakeups

    def _tasks(self, queue: QueueRecord) -> Table[MoveTaskRecord]:
        return self.queues.store.table(queue.account, queue.region, MOVE_TASKS, MoveTaskRecord)

    def start(
        self, source_arn: str, destination_arn: str | None, rate: int | None, now: float
    ) -> str:
        source = self.queues.by_arn(source_arn)
        if source is None:
            raise _not_found("SourceArn")
        if not self.queues.dead_letter_sources(source):
            raise invalid_parameter("Source queue must be configured as a Dead Letter Queue.")
        destination = None
        if destination_arn is not None:
            destination = self.queues.by_arn(destination_arn)
            if destination is None:
                raise _not_found("DestinationArn")
        if rate is not None and not 1 <= rate <= MAX_RATE:
            raise invalid_parameter(
                f"Value {rate} for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: "
                f"Must be between 1 and {MAX_RATE}."
            )
        moved, to_move = self._move(source, destination, now)
        handle = base64.b64encode(
            json.dumps({"taskId": ids.uuid4(), "sourceArn": source_arn}).encode()
        ).decode("ascii")
        task = MoveTaskRecord(
            handle=handle, status="COMPLETED", source_arn=source_arn,
            destination_arn=destination_arn, rate=rate, moved=moved, to_move=to_move,
            started=now,
        )
        self._tasks(source).put(handle, task)
        return handle

    def _move(
        self, source: QueueRecord, destination: QueueRecord | None, now: float
    ) -> tuple[int, int]:
        messages = self.queues.messages(source)
        available = [m for m in messages.values() if m.visible_at <= now]
        moved = 0
        for message in available:
            target = destination
            if target is None and message.dead_letter_source:
                target = self.queues.by_arn(message.dead_letter_source)
            if target is None:
                continue  # its original queue is gone: the message stays in the DLQ
            self.delivery.remove(source, message.message_id)
            message.receive_count = 0
            message.first_receive = message.last_receive = message.receipt = None
            message.dead_letter_source = None
            message.visible_at = now
            self.delivery.add(target, message, now)
            self.wakeups.notify(target.arn)
            moved += 1
        return moved, len(available)

    def listing(self, source_arn: str, limit: int | None) -> list[MoveTaskRecord]:
        source = self.queues.by_arn(source_arn)
        if source is None:
            raise _not_found("SourceArn")
        size = 1 if limit is None else limit
        if not 1 <= size <= MAX_LISTED:
            raise invalid_parameter(
                f"Value {size} for parameter MaxResults is invalid. Reason: Must be between 1 "
                f"and {MAX_LISTED}."
            )
        tasks = [t for t in self._tasks(source).values() if t.source_arn == source.arn]
        return sorted(tasks, key=lambda task: task.started, reverse=True)[:size]

    def cancel(self, handle: str) -> None:
        """Tasks finish as they start, so no handle names a running task that could stop."""
        raise _not_found("TaskHandle")


__all__ = ["MessageMoves"]
