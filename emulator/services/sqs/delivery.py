"""Which messages a receive gets: visibility, delays, retention, FIFO groups and redrive.

Nothing here knows HTTP; it works on a queue's message table at a given time. Every change to
a message table goes through here, so a standard queue's index stays in step with it; FIFO
queues are walked in order instead, since a group's head decides what follows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from emulator.services.sqs import attributes, receipts
from emulator.services.sqs.index import QueueIndex
from emulator.services.sqs.models import MessageRecord, QueueRecord
from emulator.services.sqs.queues import Queues, allows_source
from emulator.services.sqs.wakeups import Wakeups
from emulator.store import Table


@lru_cache(maxsize=256)
def _redrive(text: str) -> attributes.RedrivePolicy:
    return attributes.parse_redrive_policy(text)


def _earlier(current: float | None, candidate: float | None) -> float | None:
    if candidate is None:
        return current
    return candidate if current is None else min(current, candidate)


@dataclass
class Counts:
    visible: int = 0
    in_flight: int = 0
    delayed: int = 0


class Delivery:
    def __init__(self, queues: Queues, wakeups: Wakeups) -> None:
        self.queues = queues
        self.wakeups = wakeups
        self._indexes: dict[tuple[str, float], QueueIndex] = {}

    # -- the index of a standard queue -----------------------------------------------------

    def _index(self, queue: QueueRecord, now: float) -> QueueIndex | None:
        if queue.fifo:
            return None
        key = (queue.arn, queue.created)
        index = self._indexes.get(key)
        table = self.queues.messages(queue)
        if index is None or index.stale(len(table)):
            index = self._indexes[key] = QueueIndex(table.values(), now)
        return index

    def forget(self, queue: QueueRecord | None = None) -> None:
        """Drop the index of a queue (or of every queue) whose messages went another way."""
        if queue is None:
            self._indexes.clear()
        else:
            self._indexes.pop((queue.arn, queue.created), None)

    # -- changes to a queue's messages -----------------------------------------------------

    def add(self, queue: QueueRecord, message: MessageRecord, now: float) -> None:
        index = self._index(queue, now)  # built before the put, so it holds the message once
        self.queues.messages(queue).put(message.message_id, message)
        if index is not None:
            index.add(message, now)

    def update(self, queue: QueueRecord, message: MessageRecord, now: float) -> None:
        """Store a message whose visibility changed and place it accordingly."""
        index = self._index(queue, now)
        self.queues.messages(queue).put(message.message_id, message)
        if index is not None:
            index.place(message, now)

    def remove(self, queue: QueueRecord, message_id: str) -> MessageRecord | None:
        removed = self.queues.messages(queue).delete(message_id)
        index = self._indexes.get((queue.arn, queue.created))
        if index is not None:
            index.discard(message_id)
        return removed

    def clear(self, queue: QueueRecord) -> None:
        table = self.queues.messages(queue)
        for key in table:
            table.delete(key)
        self.forget(queue)

    # -- looking -----------------------------------------------------------------------------

    def find(self, queue: QueueRecord, message_id: str, now: float) -> MessageRecord | None:
        """The queue's message with this id; None once deleted or past the retention period
        (SQS deletes it then, so it is dropped here, whether or not a receive saw it go)."""
        message = self.queues.messages(queue).get(message_id)
        if message is None:
            return None
        if message.sent <= now - queue.int_attribute("MessageRetentionPeriod"):
            self.remove(queue, message_id)
            return None
        return message

    def counts(self, queue: QueueRecord, now: float) -> Counts:
        counts = Counts()
        for message in self._live(queue, now):
            if message.visible_at <= now:
                counts.visible += 1
            elif message.receive_count:
                counts.in_flight += 1
            else:
                counts.delayed += 1
        return counts

    def _live(self, queue: QueueRecord, now: float) -> list[MessageRecord]:
        """The queue's messages in order, after dropping those past the retention period."""
        table = self.queues.messages(queue)
        oldest = now - queue.int_attribute("MessageRetentionPeriod")
        index = self._index(queue, now)
        if index is not None:
            index.expire(table, oldest)
            return table.values()
        live = []
        for message in table.values():
            if message.sent <= oldest:
                table.delete(message.message_id)
            else:
                live.append(message)
        return live

    # -- receiving ---------------------------------------------------------------------------

    def receive(
        self, queue: QueueRecord, now: float, limit: int, visibility: int
    ) -> tuple[list[MessageRecord], float | None]:
        """Up to ``limit`` messages made in flight, and when the next one may become visible."""
        index = self._index(queue, now)
        if index is None:
            return self._receive_in_order(queue, now, limit, visibility)
        table = self.queues.messages(queue)
        index.expire(table, now - queue.int_attribute("MessageRetentionPeriod"))
        index.promote(table, now)
        taken: list[MessageRecord] = []
        while len(taken) < limit:
            message = index.take(table, now)
            if message is None:
                break
            if self._received(queue, message, now, visibility, table):
                index.place(message, now)
                taken.append(message)
        return taken, index.next_change()

    def _receive_in_order(
        self, queue: QueueRecord, now: float, limit: int, visibility: int
    ) -> tuple[list[MessageRecord], float | None]:
        table = self.queues.messages(queue)
        taken: list[MessageRecord] = []
        next_change: float | None = None
        live = self._live(queue, now)
        # A FIFO group waits while any of its messages is in flight, or behind a delayed one.
        blocked = {m.group_id for m in live if m.in_flight(now)}
        for message in live:
            if message.visible_at > now:
                next_change = _earlier(next_change, message.visible_at)
                blocked.add(message.group_id)
                continue
            if message.group_id in blocked:
                continue
            if len(taken) >= limit:
                break
            if self._received(queue, message, now, visibility, table):
                taken.append(message)
        return taken, next_change

    def _received(
        self, queue: QueueRecord, message: MessageRecord, now: float, visibility: int,
        table: Table[MessageRecord],
    ) -> bool:
        """Make a visible message in flight; False when it went to the dead-letter queue."""
        policy_text = queue.attributes.get("RedrivePolicy")
        if policy_text:
            policy = _redrive(policy_text)
            if message.receive_count >= policy.max_receive_count and self._dead_letter(
                queue, message, policy, now
            ):
                return False
        message.receive_count += 1
        message.first_receive = message.first_receive or now
        message.last_receive = now
        message.visible_at = now + visibility
        message.receipt = receipts.new_token()
        table.put(message.message_id, message)
        return True

    def _dead_letter(
        self, queue: QueueRecord, message: MessageRecord, policy: attributes.RedrivePolicy,
        now: float,
    ) -> bool:
        """Move a message received too often to the dead-letter queue; False if there is none."""
        target = self.queues.by_arn(policy.dead_letter_target_arn)
        if target is None or target.fifo != queue.fifo or not allows_source(target, queue.arn):
            return False
        self.remove(queue, message.message_id)
        message.dead_letter_source = queue.arn
        message.visible_at = now
        message.receipt = None
        self.add(target, message, now)
        self.wakeups.notify(target.arn)
        return True


__all__ = ["Counts", "Delivery"]
