"""A table's items: a hash index of partitions, each in sort-key order, and its secondary
indexes, so a key lookup is one dict access and a Query reads only its partition.

Items are held as compact bytes (emulator.dynamodb.codec); reads decode a private copy.
Scans walk partitions in partition-key order, so a scan can resume after any key, and a
parallel scan's segment is a stable hash of the partition key.
"""

from __future__ import annotations

import zlib
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from emulator.dynamodb.codec import pack, to_document, unpack
from emulator.dynamodb.keys import KeyQuery, KeySchema, Native, RangeCondition
from emulator.dynamodb.size import item_size
from emulator.dynamodb.values import Item, native

Position = tuple[Any, ...]


@dataclass(frozen=True)
class IndexSpec:
    """A secondary index: its key, and which attributes it projects."""

    name: str
    schema: KeySchema
    projection_type: str = "ALL"  # ALL, KEYS_ONLY or INCLUDE
    non_key_attributes: tuple[str, ...] = ()
    is_global: bool = True

    def project(self, item: Item, table_schema: KeySchema) -> Item:
        """The item as the index holds it."""
        if self.projection_type == "ALL":
            return item
        names = set(table_schema.names) | set(self.schema.names)
        if self.projection_type == "INCLUDE":
            names.update(self.non_key_attributes)
        return {name: value for name, value in item.items() if name in names}


def segment_of(value: Native, total: int) -> int:
    """The parallel-scan segment of a partition key value."""
    raw = value if isinstance(value, bytes) else str(value).encode("utf-8")
    return zlib.crc32(raw) % total


def _range_span(keys: list[Any], condition: RangeCondition | None, at: int = 0) -> tuple[int, int]:
    """The slice of sorted ``keys`` (whose element ``at`` is the sort key) a condition keeps;
    begins_with is narrowed by its prefix and checked per item."""
    if condition is None:
        return 0, len(keys)
    op, bounds = condition.operator, condition.values

    def left(value: Any) -> int:
        return bisect_left(keys, value, key=(lambda k: k[at]) if at >= 0 else None)

    def right(value: Any) -> int:
        return bisect_right(keys, value, key=(lambda k: k[at]) if at >= 0 else None)

    if op == "=":
        return left(bounds[0]), right(bounds[0])
    if op == "<":
        return 0, left(bounds[0])
    if op == "<=":
        return 0, right(bounds[0])
    if op == ">":
        return right(bounds[0]), len(keys)
    if op == ">=":
        return left(bounds[0]), len(keys)
    if op == "BETWEEN":
        return left(bounds[0]), right(bounds[1])
    return left(bounds[0]), len(keys)  # begins_with: from the prefix on


@dataclass
class _Partition:
    # Sort keys (str, Decimal or bytes: one type per table), in order, and their items.
    keys: list[Any] = field(default_factory=list)
    items: dict[Any, bytes] = field(default_factory=dict)


class _Index:
    """A secondary index: per index partition, entries (index sort key?, table hash, table
    range) in order; the items themselves stay in the table."""

    def __init__(self, spec: IndexSpec) -> None:
        self.spec = spec
        self.partitions: dict[Any, list[Position]] = {}
        self.order: list[Any] = []

    def entry(self, item: Item, table: KeySchema) -> tuple[Any, Position] | None:
        if not self.spec.schema.typed(item):
            return None
        hash_value, range_value = self.spec.schema.natives(item)
        table_hash, table_range = table.natives(item)
        if self.spec.schema.range_name is None:
            return hash_value, (table_hash, table_range)
        return hash_value, (range_value, table_hash, table_range)

    def add(self, hash_value: Any, position: Position) -> None:
        entries = self.partitions.get(hash_value)
        if entries is None:
            entries = self.partitions[hash_value] = []
            insort(self.order, hash_value)
        insort(entries, position)

    def discard(self, hash_value: Any, position: Position) -> None:
        entries = self.partitions.get(hash_value)
        if entries is None:
            return
        at = bisect_left(entries, position)
        if at < len(entries) and entries[at] == position:
            del entries[at]
        if not entries:
            del self.partitions[hash_value]
            del self.order[bisect_left(self.order, hash_value)]


class ItemTable:
    """The items of one table and its secondary indexes."""

    def __init__(self, schema: KeySchema, indexes: list[IndexSpec] | None = None) -> None:
        self.schema = schema
        self._ranged = schema.range_name is not None
        # Keys are natives (str, Decimal or bytes: one type per key attribute).
        self._single: dict[Any, bytes] = {}  # hash-only tables
        self._partitions: dict[Any, _Partition] = {}  # hash and range tables
        self._order: list[Any] = []  # partition keys, in order
        self._indexes: dict[str, _Index] = {}
        self.count = 0
        self.size_bytes = 0
        for spec in indexes or []:
            self.add_index(spec)

    # -- indexes -------------------------------------------------------------------------------

    def add_index(self, spec: IndexSpec) -> None:
        index = _Index(spec)
        for item in self.items():
            found = index.entry(item, self.schema)
            if found is not None:
                index.add(*found)
        self._indexes[spec.name] = index

    def remove_index(self, name: str) -> None:
        self._indexes.pop(name, None)

    def index(self, name: str) -> IndexSpec | None:
        found = self._indexes.get(name)
        return found.spec if found is not None else None

    def index_count(self, name: str) -> int:
        return sum(len(entries) for entries in self._indexes[name].partitions.values())

    # -- items ---------------------------------------------------------------------------------

    def _natives(self, key: Item) -> tuple[Any, Any]:
        return self.schema.natives(key)

    def get(self, key: Item) -> Item | None:
        blob = self._blob(*self._natives(key))
        return unpack(blob) if blob is not None else None

    def _blob(self, hash_value: Any, range_value: Any) -> bytes | None:
        if not self._ranged:
            return self._single.get(hash_value)
        partition = self._partitions.get(hash_value)
        return partition.items.get(range_value) if partition is not None else None

    def put(self, item: Item) -> Item | None:
        """Store ``item`` (checked, with its key); returns the item it replaced."""
        hash_value, range_value = self._natives(item)
        blob = pack(item)
        old_blob: bytes | None
        if not self._ranged:
            old_blob = self._single.get(hash_value)
            if old_blob is None:
                insort(self._order, hash_value)
            self._single[hash_value] = blob
        else:
            partition = self._partitions.get(hash_value)
            if partition is None:
                partition = self._partitions[hash_value] = _Partition()
                insort(self._order, hash_value)
            old_blob = partition.items.get(range_value)
            if old_blob is None:
                insort(partition.keys, range_value)
            partition.items[range_value] = blob
        old = unpack(old_blob) if old_blob is not None else None
        self._account(old, item)
        return old

    def delete(self, key: Item) -> Item | None:
        """Remove the item with ``key``; returns it (None when there was none)."""
        hash_value, range_value = self._natives(key)
        if not self._ranged:
            old_blob = self._single.pop(hash_value, None)
            if old_blob is not None:
                del self._order[bisect_left(self._order, hash_value)]
        else:
            partition = self._partitions.get(hash_value)
            old_blob = partition.items.pop(range_value, None) if partition else None
            if partition is not None and old_blob is not None:
                del partition.keys[bisect_left(partition.keys, range_value)]
                if not partition.keys:
                    del self._partitions[hash_value]
                    del self._order[bisect_left(self._order, hash_value)]
        if old_blob is None:
            return None
        old = unpack(old_blob)
        self._account(old, None)
        return old

    def _account(self, old: Item | None, new: Item | None) -> None:
        if old is not None:
            self.count -= 1
            self.size_bytes -= item_size(old)
        if new is not None:
            self.count += 1
            self.size_bytes += item_size(new)
        for index in self._indexes.values():
            before = index.entry(old, self.schema) if old is not None else None
            after = index.entry(new, self.schema) if new is not None else None
            if before == after:
                continue
            if before is not None:
                index.discard(*before)
            if after is not None:
                index.add(*after)

    def clear(self) -> None:
        schema, specs = self.schema, [index.spec for index in self._indexes.values()]
        self.__init__(schema, specs)  # type: ignore[misc]

    def items(self) -> Iterator[Item]:
        """Every item, in scan order."""
        return self.scan()

    # -- reads ---------------------------------------------------------------------------------

    def query(self, query: KeyQuery, *, forward: bool = True, after: Item | None = None,
              index: str | None = None) -> Iterator[Item]:
        """Items of one partition in sort-key order (reversed when not ``forward``), after the
        item whose key (with the index's key, for an index) is ``after``."""
        if index is not None:
            yield from self._query_index(self._indexes[index], query, forward, after)
            return
        hash_value = native(query.hash_value)
        if not self._ranged:
            if after is None:
                blob = self._single.get(hash_value)
                if blob is not None:
                    yield unpack(blob)
            return
        partition = self._partitions.get(hash_value)
        if partition is None:
            return
        keys = partition.keys
        start, stop = _range_span(keys, query.range, at=-1)
        if after is not None:
            resume = native(after[str(self.schema.range_name)])
            if forward:
                start = max(start, bisect_right(keys, resume))
            else:
                stop = min(stop, bisect_left(keys, resume))
        span = range(start, stop) if forward else range(stop - 1, start - 1, -1)
        condition = query.range
        for at in span:
            if at >= len(keys):
                break
            sort_key = keys[at]
            if condition is not None and condition.operator == "begins_with" and \
                    not condition.matches(sort_key):
                if forward:
                    break
                continue
            blob = partition.items.get(sort_key)
            if blob is not None:
                yield unpack(blob)

    def _query_index(self, index: _Index, query: KeyQuery, forward: bool, after: Item | None
                     ) -> Iterator[Item]:
        entries = index.partitions.get(native(query.hash_value))
        if not entries:
            return
        ranged = index.spec.schema.range_name is not None
        start, stop = _range_span(entries, query.range if ranged else None, at=0)
        if after is not None:
            found = index.entry(after, self.schema)
            if found is not None:
                if forward:
                    start = max(start, bisect_right(entries, found[1]))
                else:
                    stop = min(stop, bisect_left(entries, found[1]))
        span = range(start, stop) if forward else range(stop - 1, start - 1, -1)
        condition = query.range if ranged else None
        for at in span:
            if at >= len(entries):
                break
            position = entries[at]
            if condition is not None and condition.operator == "begins_with" and \
                    not condition.matches(position[0]):
                if forward:
                    break
                continue
            blob = self._blob(position[-2], position[-1])
            if blob is not None:
                yield unpack(blob)

    def scan(self, *, after: Item | None = None, segment: int | None = None,
             total_segments: int | None = None, index: str | None = None) -> Iterator[Item]:
        """Every item (of an index: every item it holds), partition by partition."""
        if index is not None:
            yield from self._scan_index(self._indexes[index], after, segment, total_segments)
            return
        order = self._order
        start = 0
        resume: Any = None
        if after is not None:
            first, resume = self._natives(after)
            start = bisect_left(order, first)
            if not self._ranged or start >= len(order) or order[start] != first:
                resume = None
                start = bisect_right(order, first)
        for hash_value in list(order[start:]):
            if total_segments and segment_of(hash_value, total_segments) != segment:
                resume = None
                continue
            if not self._ranged:
                blob = self._single.get(hash_value)
                if blob is not None:
                    yield unpack(blob)
                continue
            partition = self._partitions.get(hash_value)
            if partition is None:
                continue
            keys = partition.keys
            begin = bisect_right(keys, resume) if resume is not None else 0
            resume = None
            for sort_key in list(keys[begin:]):
                blob = partition.items.get(sort_key)
                if blob is not None:
                    yield unpack(blob)

    def _scan_index(self, index: _Index, after: Item | None, segment: int | None,
                    total_segments: int | None) -> Iterator[Item]:
        order = index.order
        start, resume = 0, None
        if after is not None:
            found = index.entry(after, self.schema)
            if found is not None:
                start = bisect_left(order, found[0])
                resume = found[1]
                if start >= len(order) or order[start] != found[0]:
                    resume = None
        for hash_value in list(order[start:]):
            if total_segments and segment_of(hash_value, total_segments) != segment:
                resume = None
                continue
            entries = index.partitions.get(hash_value, [])
            begin = bisect_right(entries, resume) if resume is not None else 0
            resume = None
            for position in list(entries[begin:]):
                blob = self._blob(position[-2], position[-1])
                if blob is not None:
                    yield unpack(blob)


def key_text(schema: KeySchema, item: Item) -> str:
    """A stable text for an item's primary key (the row key it is stored under)."""
    return to_document([item[name] for name in schema.names])


__all__ = ["IndexSpec", "ItemTable", "key_text", "segment_of"]
