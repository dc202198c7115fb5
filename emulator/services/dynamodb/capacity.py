"""ConsumedCapacity and ItemCollectionMetrics, as DynamoDB reports them.

A write costs one unit per started KB of the larger of the old and new item; a strongly
consistent read one unit per started 4 KB read (half for an eventually consistent one);
transactional operations cost twice as much.
"""

from __future__ import annotations

import math
from typing import Any

from emulator.dynamodb.size import item_size
from emulator.dynamodb.values import Item
from emulator.services.dynamodb.database import LiveTable


def write_units(*items: Item | None) -> float:
    size = max((item_size(item) for item in items if item is not None), default=0)
    return float(max(1, math.ceil(size / 1024)))


def read_units(size: int, consistent: bool) -> float:
    units = float(max(1, math.ceil(size / 4096)))
    return units if consistent else units / 2


def consumed(mode: str | None, live: LiveTable, units: float, *, read: bool,
             indexes: dict[str, float] | None = None) -> dict[str, Any] | None:
    """The ConsumedCapacity member for ReturnConsumedCapacity ``mode`` (None for NONE)."""
    if mode not in ("TOTAL", "INDEXES"):
        return None
    total = units + sum((indexes or {}).values())
    out: dict[str, Any] = {"TableName": live.name, "CapacityUnits": total}
    out["ReadCapacityUnits" if read else "WriteCapacityUnits"] = total
    if mode == "INDEXES":
        out["Table"] = {"CapacityUnits": units,
                        ("ReadCapacityUnits" if read else "WriteCapacityUnits"): units}
        globals_ = {name: value for name, value in (indexes or {}).items()
                    if live.items.index(name) is not None and live.items.index(name).is_global}  # type: ignore[union-attr]
        locals_ = {name: value for name, value in (indexes or {}).items()
                   if name not in globals_}
        if globals_:
            out["GlobalSecondaryIndexes"] = {name: {"CapacityUnits": value}
                                             for name, value in globals_.items()}
        if locals_:
            out["LocalSecondaryIndexes"] = {name: {"CapacityUnits": value}
                                            for name, value in locals_.items()}
    return out


def collection_metrics(mode: str | None, live: LiveTable, key: Item) -> dict[str, Any] | None:
    """ItemCollectionMetrics for tables with local secondary indexes."""
    if mode != "SIZE" or not live.record.description.get("LocalSecondaryIndexes"):
        return None
    return {"ItemCollectionKey": {live.schema.hash_name: key[live.schema.hash_name]},
            "SizeEstimateRangeGB": [0.0, 1.0]}


__all__ = ["collection_metrics", "consumed", "read_units", "write_units"]
