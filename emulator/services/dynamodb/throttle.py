"""Provisioned capacity, enforced only when asked (``dynamodb_throttling``).

Each provisioned table has a bucket of read and one of write capacity units, refilled at its
provisioned rate on the emulator clock and holding up to 300 seconds of unused capacity (the
burst capacity the developer guide describes). A request that needs more than the bucket
holds is refused with ProvisionedThroughputExceededException. On-demand tables are never
throttled.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from emulator.clock import Clock
from emulator.dynamodb.errors import DynamoDBError
from emulator.dynamodb.size import item_size
from emulator.dynamodb.values import Item

if TYPE_CHECKING:  # the database holds the throttle
    from emulator.services.dynamodb.database import LiveTable

BURST_SECONDS = 300.0


def exceeded() -> DynamoDBError:
    return DynamoDBError(
        "ProvisionedThroughputExceededException",
        "The level of configured provisioned throughput for the table was exceeded. Consider "
        "increasing your provisioning level with the UpdateTable API.")


@dataclass
class _Bucket:
    rate: float
    level: float
    updated: float


class Throttle:
    def __init__(self, clock: Clock, enabled: bool) -> None:
        self.clock = clock
        self.enabled = enabled
        self._buckets: dict[tuple[str, str, bool], _Bucket] = {}

    def forget(self) -> None:
        self._buckets.clear()

    def charge(self, live: LiveTable, units: float, *, read: bool) -> None:
        """Take ``units`` from the table's bucket, or refuse the request."""
        if not self.enabled or units <= 0:
            return
        description = live.record.description
        mode = (description.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED")
        throughput = description.get("ProvisionedThroughput") or {}
        rate = float(throughput.get("ReadCapacityUnits" if read else "WriteCapacityUnits") or 0)
        if mode != "PROVISIONED" or rate <= 0:
            return
        now = self.clock.now()
        key = (live.record.arn, live.record.table_id, read)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(rate, rate * BURST_SECONDS, now)
        bucket.level = min(rate * BURST_SECONDS, bucket.level + (now - bucket.updated) * rate)
        bucket.rate, bucket.updated = rate, now
        if units > bucket.level:
            raise exceeded()
        bucket.level -= units

    def charge_writes(self, live: LiveTable, items: Sequence[tuple[Item, Item | None]],
                      factor: float = 1.0) -> None:
        """Writes of (key, new item) pairs: a unit per started KB of the larger of the stored
        and the new item (``factor`` 2 in a transaction)."""
        if not self.enabled:
            return
        units = 0.0
        for key, new in items:
            old = live.items.get(key)
            size = max(item_size(old) if old else 0, item_size(new) if new else 0)
            units += max(1, math.ceil(size / 1024))
        self.charge(live, units * factor, read=False)


__all__ = ["BURST_SECONDS", "Throttle", "exceeded"]
