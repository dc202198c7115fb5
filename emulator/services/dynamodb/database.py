"""The tables of every account and region: their records, their items in memory, and every
write made durable and reported to the table's stream before it is answered."""

from __future__ import annotations

import heapq
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from emulator import arns
from emulator.clock import Clock
from emulator.dynamodb.codec import from_document, to_document
from emulator.dynamodb.keys import KeySchema
from emulator.dynamodb.table import IndexSpec, ItemTable, key_text
from emulator.dynamodb.values import Item, equal
from emulator.ports import ItemChange, Ports, TableChangeSink, TableStream
from emulator.services.dynamodb.errors import resource_not_found
from emulator.services.dynamodb.models import TABLES, TableRecord, items_table
from emulator.services.dynamodb.throttle import Throttle
from emulator.store import ServiceStore, Table

log = logging.getLogger("emulator.dynamodb")

# TTL leaves items whose expiry is more than five years past alone, as AWS does.
TTL_HORIZON = 5 * 365 * 24 * 3600.0


def schema_of(description: dict[str, Any], key_schema: list[dict[str, str]]) -> KeySchema:
    types = {d["AttributeName"]: d["AttributeType"]
             for d in description.get("AttributeDefinitions", [])}
    hash_name = next(k["AttributeName"] for k in key_schema if k["KeyType"] == "HASH")
    range_name = next((k["AttributeName"] for k in key_schema if k["KeyType"] == "RANGE"), None)
    return KeySchema(hash_name, types[hash_name], range_name,
                     types[range_name] if range_name is not None else None)


def index_specs(description: dict[str, Any]) -> list[IndexSpec]:
    specs = []
    for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        for index in description.get(kind, []):
            projection = index.get("Projection", {})
            specs.append(IndexSpec(
                index["IndexName"], schema_of(description, index["KeySchema"]),
                projection.get("ProjectionType", "ALL"),
                tuple(projection.get("NonKeyAttributes", [])),
                is_global=kind == "GlobalSecondaryIndexes"))
    return specs


@dataclass
class LiveTable:
    """A table in use: its record, its key schema and its items."""

    record: TableRecord
    schema: KeySchema
    items: ItemTable
    expiries: list[tuple[float, str]] = field(default_factory=list)  # TTL heap

    @property
    def name(self) -> str:
        return self.record.name

    def index(self, name: str) -> IndexSpec | None:
        return self.items.index(name)


@dataclass(frozen=True)
class Write:
    """One item write: the key, and the new item (None to delete)."""

    key: Item
    item: Item | None


class Database:
    def __init__(self, store: ServiceStore, clock: Clock, ports: Ports,
                 throttle: Throttle | None = None) -> None:
        self.store = store
        self.clock = clock
        self.ports = ports
        self.throttle = throttle or Throttle(clock, enabled=False)
        self._live: dict[tuple[str, str, str], LiveTable] = {}
        self.expiry_added: Callable[[], None] = _nothing

    def records(self, account: str, region: str) -> Table[TableRecord]:
        return self.store.table(account, region, TABLES, TableRecord)

    def scopes(self) -> list[tuple[str, str]]:
        return self.store.scopes(TABLES)

    def forget(self) -> None:
        self._live.clear()

    # -- tables --------------------------------------------------------------------------------

    def locate(self, account: str, region: str, name: str) -> tuple[str, str, str]:
        """(account, region, table name) of a TableName that may be a table ARN."""
        if name.startswith("arn:"):
            try:
                arn = arns.parse(name)
            except ValueError:
                raise resource_not_found() from None
            resource = arn.resource
            if arn.service != "dynamodb" or not resource.startswith("table/"):
                raise resource_not_found()
            return arn.account, arn.region, resource.split("/")[1]
        return account, region, name

    def find(self, account: str, region: str, name: str) -> LiveTable | None:
        account, region, name = self.locate(account, region, name)
        scope = (account, region, name)
        live = self._live.get(scope)
        if live is not None:
            return live
        record = self.records(account, region).get(name)
        if record is None:
            return None
        live = self._load(record)
        self._live[scope] = live
        return live

    def require(self, account: str, region: str, name: str) -> LiveTable:
        live = self.find(account, region, name)
        if live is None:
            raise resource_not_found()
        return live

    def _load(self, record: TableRecord) -> LiveTable:
        description = record.description
        schema = schema_of(description, description["KeySchema"])
        items = ItemTable(schema, index_specs(description))
        live = LiveTable(record, schema, items)
        documents = self.store.documents(record.account, record.region,
                                         items_table(record.name, record.table_id))
        for document in documents.values():
            items.put(from_document(document))
        if record.ttl_enabled:
            self.rebuild_expiries(live)
        return live

    def create(self, record: TableRecord) -> LiveTable:
        self.records(record.account, record.region).put(record.name, record)
        live = self._load(record)
        self._live[(record.account, record.region, record.name)] = live
        return live

    def save(self, live: LiveTable) -> None:
        record = live.record
        self.records(record.account, record.region).put(record.name, record)

    def drop(self, live: LiveTable) -> None:
        record = live.record
        self.records(record.account, record.region).delete(record.name)
        self.store.drop_documents(record.account, record.region,
                                  items_table(record.name, record.table_id))
        self._live.pop((record.account, record.region, record.name), None)

    def loaded(self) -> list[LiveTable]:
        """The tables in memory now."""
        return list(self._live.values())

    def tables(self, *, with_ttl: bool = False) -> Iterator[LiveTable]:
        """Every table of every account and region (only those with TTL enabled, when
        ``with_ttl``); each is loaded into memory as it comes."""
        for account, region in self.scopes():
            records = self.records(account, region)
            for name in list(records):
                record = records.get(name)
                if record is None or (with_ttl and not record.ttl_enabled):
                    continue
                live = self.find(account, region, name)
                if live is not None:
                    yield live

    # -- writes --------------------------------------------------------------------------------

    def write(self, live: LiveTable, writes: list[Write],
              identity: dict[str, str] | None = None, *, cost: float = 1.0
              ) -> list[Item | None]:
        """Apply ``writes`` in order, store them in one durable transaction and report them to
        the table's stream; returns the item each write replaced. ``cost`` multiplies the
        capacity charged (2 in a transaction; 0 for service deletes, which cost nothing)."""
        if cost:
            self.throttle.charge_writes(live, [(w.key, w.item) for w in writes], cost)
        record = live.record
        olds: list[Item | None] = []
        rows: list[tuple[str, str | None]] = []
        durable = self.store.persistent  # documents are only built for a state directory
        for write in writes:
            if write.item is not None:
                old = live.items.put(write.item)
                if durable:
                    rows.append((key_text(live.schema, write.item), to_document(write.item)))
                self._expiry(live, write.item)
            else:
                old = live.items.delete(write.key)
                if old is not None and durable:
                    rows.append((key_text(live.schema, write.key), None))
            olds.append(old)
        if rows:
            self.store.write_documents(record.account, record.region,
                                       items_table(record.name, record.table_id), rows)
        self._report(live, writes, olds, identity)
        return olds

    def _report(self, live: LiveTable, writes: list[Write], olds: list[Item | None],
                identity: dict[str, str] | None) -> None:
        stream = self.stream_of(live)
        if stream is None:
            return
        now = self.clock.now()
        changes = []
        for write, old in zip(writes, olds, strict=True):
            new = write.item
            if old is None and new is None:
                continue
            if old is not None and new is not None and _same(old, new):
                continue  # a write that changes nothing leaves no stream record
            name = "INSERT" if old is None else "REMOVE" if new is None else "MODIFY"
            changes.append(ItemChange(name, live.schema.key_of(new or old),  # type: ignore[arg-type]
                                      old, new, now, identity))
        if not changes:
            return
        sink = self.sink()
        if sink is None:
            return
        try:
            sink.record(stream.stream_arn, changes)
        except Exception:  # a sink must not fail a write that is already stored
            log.exception("the table-changes sink failed on %s", stream.stream_arn)

    def sink(self) -> TableChangeSink | None:
        try:
            return self.ports.get("table-changes")  # type: ignore[return-value]
        except LookupError:
            return None

    def stream_of(self, live: LiveTable) -> TableStream | None:
        record = live.record
        spec = record.description.get("StreamSpecification") or {}
        arn = record.description.get("LatestStreamArn")
        if not spec.get("StreamEnabled") or not arn:
            return None
        return TableStream(
            stream_arn=arn, stream_label=record.description["LatestStreamLabel"],
            table_name=record.name, table_arn=record.arn, account=record.account,
            region=record.region, view_type=spec.get("StreamViewType", "NEW_AND_OLD_IMAGES"),
            key_schema=list(record.description["KeySchema"]),
            created=record.stream_created or 0.0)

    # -- time to live --------------------------------------------------------------------------

    def _expiry(self, live: LiveTable, item: Item) -> None:
        attribute = live.record.ttl_attribute
        if not live.record.ttl_enabled or attribute is None:
            return
        expires = expiry_of(item, attribute)
        if expires is not None:
            heapq.heappush(live.expiries, (expires, key_text(live.schema, item)))
            self.expiry_added()

    def rebuild_expiries(self, live: LiveTable) -> None:
        live.expiries = []
        attribute = live.record.ttl_attribute
        if not live.record.ttl_enabled or attribute is None:
            return
        for item in live.items.items():
            expires = expiry_of(item, attribute)
            if expires is not None:
                live.expiries.append((expires, key_text(live.schema, item)))
        heapq.heapify(live.expiries)
        self.expiry_added()


def expiry_of(item: Item, attribute: str) -> float | None:
    value = item.get(attribute)
    if value is None or "N" not in value:
        return None
    try:
        return float(Decimal(value["N"]))
    except (InvalidOperation, ValueError):
        return None


def _nothing() -> None:
    return None


def _same(old: Item, new: Item) -> bool:
    return old.keys() == new.keys() and all(equal(old[k], new[k]) for k in old)


__all__ = ["TTL_HORIZON", "Database", "LiveTable", "Write", "expiry_of", "index_specs",
           "schema_of"]
