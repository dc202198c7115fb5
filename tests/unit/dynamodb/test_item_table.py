"""The item table at scale: a key lookup reads one item, a Query reads only its partition
from the first matching sort key, indexes follow every write, and items take about their own
size in memory."""

from __future__ import annotations

import tracemalloc
from typing import Any

import pytest

from emulator.dynamodb import table as table_module
from emulator.dynamodb.keys import KeyQuery, KeySchema, RangeCondition
from emulator.dynamodb.size import item_size
from emulator.dynamodb.table import IndexSpec, ItemTable
from emulator.dynamodb.values import Item

SCHEMA = KeySchema("pk", "S", "sk", "N")


def _item(customer: int, n: int, payload: int = 10) -> Item:
    return {"pk": {"S": f"c{customer}"}, "sk": {"N": str(n)}, "status": {"S": f"s{n % 3}"},
            "payload": {"S": "x" * payload}}


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many stored items were decoded."""
    reads = [0]
    original = table_module.unpack

    def unpack(blob: bytes) -> Any:
        reads[0] += 1
        return original(blob)

    monkeypatch.setattr(table_module, "unpack", unpack)
    return reads


def test_key_lookups_and_queries_read_only_what_they_return(counted: list[int]) -> None:
    items = ItemTable(SCHEMA)
    for customer in range(100):
        for n in range(100):
            items.put(_item(customer, n))
    counted[0] = 0
    assert items.get({"pk": {"S": "c42"}, "sk": {"N": "7"}})["status"] == {"S": "s1"}  # type: ignore[index]
    assert counted[0] == 1
    counted[0] = 0
    found = list(items.query(KeyQuery({"S": "c7"}, RangeCondition("BETWEEN", (10, 19)))))
    assert [int(item["sk"]["N"]) for item in found] == list(range(10, 20))
    assert counted[0] == 10
    counted[0] = 0
    assert len(list(items.query(KeyQuery({"S": "c7"}, None)))) == 100
    assert counted[0] == 100
    counted[0] = 0
    assert list(items.query(KeyQuery({"S": "nobody"}, None))) == []
    assert counted[0] == 0


def test_sort_key_order_both_ways_and_resuming(counted: list[int]) -> None:
    items = ItemTable(SCHEMA)
    for n in (5, 1, 9, 3, 7):
        items.put(_item(1, n))
    forward = [int(i["sk"]["N"]) for i in items.query(KeyQuery({"S": "c1"}, None))]
    backward = [int(i["sk"]["N"]) for i in items.query(KeyQuery({"S": "c1"}, None),
                                                        forward=False)]
    assert forward == [1, 3, 5, 7, 9] and backward == [9, 7, 5, 3, 1]
    after = [int(i["sk"]["N"]) for i in items.query(KeyQuery({"S": "c1"}, None),
                                                     after=_item(1, 5))]
    assert after == [7, 9]


def test_indexes_follow_puts_updates_and_deletes() -> None:
    index = IndexSpec("by-status", KeySchema("status", "S", "sk", "N"), "KEYS_ONLY")
    items = ItemTable(SCHEMA, [index])
    for n in range(9):
        items.put(_item(1, n))
    by_status = KeyQuery({"S": "s0"}, None)
    assert [i["sk"]["N"] for i in items.query(by_status, index="by-status")] == ["0", "3", "6"]
    changed = _item(1, 3)
    changed["status"] = {"S": "s2"}
    items.put(changed)
    items.delete({"pk": {"S": "c1"}, "sk": {"N": "6"}})
    sparse = _item(1, 0)
    del sparse["status"]
    items.put(sparse)  # an item without the index key leaves the index
    assert list(items.query(by_status, index="by-status")) == []
    assert items.index_count("by-status") == 7
    assert items.count == 8


def test_items_take_about_their_own_size_in_memory() -> None:
    count = 5_000
    data = [_item(n // 100, n % 100, payload=960) for n in range(count)]
    size = sum(item_size(item) for item in data)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        items = ItemTable(SCHEMA)
        for item in data:
            items.put(item)
        used = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert items.count == count
    assert used < 1.5 * size, (used, size)
