"""Tables of records, one per service, account, region and kind of record.

Tables live in memory; every ``put`` and ``delete`` is written through to the backend before
it returns. A record changed in place must be ``put`` again to be stored. Records are only
serialised for a persistent backend: in memory, the table's dict is the only copy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from emulator.store.backend import Backend, RowKey
from emulator.store.records import Record

R = TypeVar("R", bound=Record)


class Table(Generic[R]):
    """Records of one type in one account and region, in insertion order."""

    def __init__(
        self, backend: Backend, scope: tuple[str, str, str, str], record_type: type[R],
        documents: dict[str, str] | None = None, changed: Callable[[], None] | None = None,
    ) -> None:
        self._backend = backend
        self._scope = scope
        self._changed = changed or _unchanged
        self._records: dict[str, R] = {}
        for key, document in (documents or {}).items():
            self._records[key] = record_type.model_validate_json(document)

    def get(self, key: str) -> R | None:
        return self._records.get(key)

    def put(self, key: str, record: R) -> None:
        if self._backend.persistent:
            self._backend.put(RowKey(*self._scope, key), record.model_dump_json())
        self._records[key] = record
        self._changed()

    def delete(self, key: str) -> R | None:
        record = self._records.pop(key, None)
        if record is not None:
            self._backend.delete(RowKey(*self._scope, key))
            self._changed()
        return record

    def delete_many(self, keys: list[str]) -> None:
        """Delete several records, written to the backend as one transaction."""
        gone = [key for key in keys if self._records.pop(key, None) is not None]
        if gone:
            if self._backend.persistent:
                self._backend.write_many([(RowKey(*self._scope, key), None) for key in gone])
            self._changed()

    def oldest_first(self) -> Iterator[tuple[str, R]]:
        """(key, record) in the order the keys were first put, without copying the table:
        what a cap walks to find the oldest. Do not change the table while iterating."""
        return iter(self._records.items())

    def __contains__(self, key: object) -> bool:
        return key in self._records

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._records))

    def values(self) -> list[R]:
        return list(self._records.values())

    def items(self) -> list[tuple[str, R]]:
        return list(self._records.items())


def _unchanged() -> None:
    return None


class ServiceStore:
    """Every table of one service, created on first use and loaded from the backend."""

    def __init__(self, service: str, backend: Backend) -> None:
        self.service = service
        # Counts every put, delete and reset, so what is derived from records can be cached.
        self.changes = 0
        self._backend = backend
        self._tables: dict[tuple[str, str, str], Table[Any]] = {}
        self._pending: dict[tuple[str, str, str], dict[str, str]] = {}
        for row, document in backend.load(service):
            scope = (row.account, row.region, row.table)
            self._pending.setdefault(scope, {})[row.key] = document

    def table(self, account: str, region: str, name: str, record_type: type[R]) -> Table[R]:
        scope = (account, region, name)
        table = self._tables.get(scope)
        if table is None:
            documents = self._pending.pop(scope, None)
            table = Table(
                self._backend, (self.service, account, region, name), record_type, documents,
                self._changed,
            )
            self._tables[scope] = table
        return table

    def documents(self, account: str, region: str, name: str) -> dict[str, str]:
        """The stored documents of a table a service keeps in its own form (not records),
        once: the store lets go of them, and the service writes with ``write_documents``."""
        return self._pending.pop((account, region, name), {})

    def write_documents(self, account: str, region: str, name: str,
                        changes: list[tuple[str, str | None]]) -> None:
        """Put (a document) or delete (None) documents of such a table, all or none."""
        if self._backend.persistent:
            self._backend.write_many(
                [(RowKey(self.service, account, region, name, key), document)
                 for key, document in changes])
        self.changes += 1

    def drop_documents(self, account: str, region: str, name: str) -> None:
        self._pending.pop((account, region, name), None)
        self._backend.drop(self.service, account, region, name)
        self.changes += 1

    @property
    def persistent(self) -> bool:
        """Whether records outlive the process (written through to a persistent backend)."""
        return self._backend.persistent

    def scopes(self, name: str) -> list[tuple[str, str]]:
        """Every (account, region) that has a table called ``name``, loaded or not."""
        found = {(a, r) for (a, r, t) in self._tables if t == name}
        found.update((a, r) for (a, r, t) in self._pending if t == name)
        return sorted(found)

    def table_names(self, account: str, region: str) -> list[str]:
        """The tables of one (account, region), loaded or not."""
        found = {t for (a, r, t) in self._tables if (a, r) == (account, region)}
        found.update(t for (a, r, t) in self._pending if (a, r) == (account, region))
        return sorted(found)

    def _changed(self) -> None:
        self.changes += 1

    def reset(self) -> None:
        self.changes += 1
        self._backend.clear(self.service)
        self._tables.clear()
        self._pending.clear()


__all__ = ["ServiceStore", "Table"]
