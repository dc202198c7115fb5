"""Time to live: expired items deleted on the emulator clock, as service deletes.

An item expires when the number in its TTL attribute (epoch seconds) is at or before the
clock; AWS leaves items whose expiry is more than five years past alone, and so do we. AWS
deletes within days of expiry; here an item goes as soon as the clock reaches its expiry, so
tests can ``clock.advance`` past it. Each deletion reaches the table's stream as a REMOVE with
the service's ``userIdentity``.
"""

from __future__ import annotations

import asyncio
import heapq
import logging

from emulator.clock import Clock
from emulator.dynamodb.codec import from_document
from emulator.ports import SERVICE_IDENTITY
from emulator.services.dynamodb.database import TTL_HORIZON, Database, LiveTable, Write, expiry_of

log = logging.getLogger("emulator.dynamodb")
IDLE_WAIT = 3600.0


class Expiry:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self._task: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None

    def _tables(self) -> list[LiveTable]:
        return [live for live in self.db.loaded() if live.record.ttl_enabled and live.expiries]

    def next_due(self) -> float | None:
        heads = [live.expiries[0][0] for live in self._tables()]
        return min(heads) if heads else None

    def due(self) -> bool:
        found = self.next_due()
        return found is not None and found <= self.clock.now()

    def nudge(self) -> None:
        """An expiry was added or TTL enabled: look again."""
        if self._wake is not None:
            self._wake.set()

    def expire(self) -> int:
        """Delete every item due now; returns how many went."""
        now = self.clock.now()
        deleted = 0
        for live in self._tables():
            writes: list[Write] = []
            seen: set[str] = set()
            attribute = live.record.ttl_attribute or ""
            while live.expiries and live.expiries[0][0] <= now:
                _, text = heapq.heappop(live.expiries)
                if text in seen:
                    continue
                seen.add(text)
                key = dict(zip(live.schema.names, from_document(text), strict=True))
                item = live.items.get(key)
                expires = expiry_of(item, attribute) if item is not None else None
                if expires is None or expires > now or expires < now - TTL_HORIZON:
                    continue
                writes.append(Write(key, None))
            if writes:
                self.db.write(live, writes, identity=dict(SERVICE_IDENTITY), cost=0)
                deleted += len(writes)
        return deleted

    async def start(self) -> None:
        for _ in self.db.tables(with_ttl=True):  # so their expiries are known
            pass
        self._wake = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _run(self) -> None:
        assert self._wake is not None
        while True:
            self._wake.clear()  # before looking, so a nudge during the look is not lost
            try:
                self.expire()
            except Exception:
                log.exception("deleting expired items failed")
            due = self.next_due()
            deadline = due if due is not None else self.clock.now() + IDLE_WAIT
            await self.clock.sleep_until(deadline, self._wake, rewound=True)


__all__ = ["Expiry"]
