"""Which messages a receive gets: visibility, delays, retention, FIFO groups and redrive.

Nothing here knows HTTP; it works on the queue's message table at a given time.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from emulator.services.sqs import attributes, receipts
from emulator.services.sqs.models import MessageRecord, QueueRecord
from emulator.services.sqs.queues import Queues, allows_source
from emulator.services.sqs.wakeups import Wakeups


@lru_cache(maxsize=256)
def _redrive(text: str) -> attributes.RedrivePolicy:
    return attributes.parse_redrive_policy(text)


def _earlier(current: float | None, candidate: float) -> float:
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
        """The queue's messages in order, dropping those past the retention period."""
        table = self.queues.messages(queue)
        oldest = now - queue.int_attribute("MessageRetentionPeriod")
        live = []
        for message in table.values():
            if message.sent <= oldest:
                table.delete(message.message_id)
            else:
                live.append(message)
        return live

    def receive(
        self, queue: QueueRecord, now: float, limit: int, visibility: int
    ) -> tuple[list[MessageRecord], float | None]:
        """Up to ``limit`` messages made in flight, and when the next one becomes visible."""
        table = self.queues.messages(queue)
        policy_text = queue.attributes.get("RedrivePolicy")
        policy = _redrive(policy_text) if policy_text else None
        taken: list[MessageRecord] = []
        next_change: float | None = None
        live = self._live(queue, now)
        # A FIFO group waits while any of its messages is in flight, or behind a delayed one.
        blocked = {m.group_id for m in live if m.in_flight(now)} if queue.fifo else set()
        for message in live:
            if queue.fifo and message.group_id in blocked:
                if message.visible_at > now:
                    next_change = _earlier(next_change, message.visible_at)
                continue
            if message.visible_at > now:
                next_change = _earlier(next_change, message.visible_at)
                if queue.fifo:
                    blocked.add(message.group_id)
                continue
            if len(taken) >= limit:
                break
            if (
                policy
                and message.receive_count >= policy.max_receive_count
                and self._dead_letter(queue, message, policy, now)
            ):
                continue
            message.receive_count += 1
            message.first_receive = message.first_receive or now
            message.last_receive = now
            message.visible_at = now + visibility
            message.receipt = receipts.new_token()
            table.put(message.message_id, message)
            taken.append(message)
        return taken, next_change

    def _dead_letter(
        self, queue: QueueRecord, message: MessageRecord, policy: attributes.RedrivePolicy,
        now: float,
    ) -> bool:
        """Move a message received too often to the dead-letter queue; False if there is none."""
        target = self.queues.by_arn(policy.dead_letter_target_arn)
        if target is None or target.fifo != queue.fifo or not allows_source(target, queue.arn):
            return False
        self.queues.messages(queue).delete(message.message_id)
        message.dead_letter_source = queue.arn
        message.visible_at = now
        message.receipt = None
        self.queues.messages(target).put(message.message_id, message)
        self.wakeups.notify(target.arn)
        return True


__all__ = ["Counts", "Delivery"]
