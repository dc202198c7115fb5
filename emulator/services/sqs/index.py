"""The in-memory order of a standard queue's messages: visible now, waiting, and expiring.

A receive takes from the front of the visible line instead of walking the whole queue. The
index holds only ids and times; the message table stays the record of truth, and an entry that
no longer matches its message (deleted, received again, rescheduled) is dropped when it comes
up. Nothing here is stored: after a restart the index is rebuilt from the table.
"""

from __future__ import annotations

import heapq
from collections import OrderedDict
from collections.abc import Iterable

from emulator.services.sqs.models import MessageRecord
from emulator.store import Table

# Rebuild the heaps when stale entries outnumber live messages by this factor.
_COMPACT_FACTOR = 4
_COMPACT_FLOOR = 1024


class QueueIndex:
    def __init__(self, messages: Iterable[MessageRecord], now: float) -> None:
        self.visible: OrderedDict[str, None] = OrderedDict()
        self.waiting: list[tuple[float, str]] = []  # (visible_at, id): delayed or in flight
        self.expiring: list[tuple[float, str]] = []  # (sent, id), for the retention period
        for message in messages:
            self.add(message, now)

    def add(self, message: MessageRecord, now: float) -> None:
        self.place(message, now)
        heapq.heappush(self.expiring, (message.sent, message.message_id))

    def place(self, message: MessageRecord, now: float) -> None:
        """Put a message where its visibility says: at the back of the line, or waiting."""
        if message.visible_at <= now:
            self.visible[message.message_id] = None
        else:
            self.visible.pop(message.message_id, None)
            heapq.heappush(self.waiting, (message.visible_at, message.message_id))

    def discard(self, message_id: str) -> None:
        self.visible.pop(message_id, None)

    def expire(self, table: Table[MessageRecord], oldest: float) -> None:
        """Delete the messages sent at or before ``oldest``."""
        while self.expiring and self.expiring[0][0] <= oldest:
            sent, message_id = heapq.heappop(self.expiring)
            message = table.get(message_id)
            if message is not None and message.sent == sent:
                table.delete(message_id)
                self.visible.pop(message_id, None)

    def promote(self, table: Table[MessageRecord], now: float) -> None:
        """Move waiting messages whose time has come to the back of the visible line."""
        while self.waiting and self.waiting[0][0] <= now:
            visible_at, message_id = heapq.heappop(self.waiting)
            message = table.get(message_id)
            if message is not None and message.visible_at == visible_at:
                self.visible[message_id] = None

    def next_change(self) -> float | None:
        """When a waiting message may become visible (possibly earlier, never later)."""
        return self.waiting[0][0] if self.waiting else None

    def take(self, table: Table[MessageRecord], now: float) -> MessageRecord | None:
        """The message at the front of the visible line, off the line; None when it is empty."""
        while self.visible:
            message_id, _ = self.visible.popitem(last=False)
            message = table.get(message_id)
            if message is not None and message.visible_at <= now:
                return message
        return None

    def stale(self, live: int) -> bool:
        extra = len(self.waiting) + len(self.expiring) - 2 * live
        return extra > _COMPACT_FACTOR * live + _COMPACT_FLOOR


__all__ = ["QueueIndex"]
