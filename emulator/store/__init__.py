"""Stored records, scoped by service, account and region, optionally persisted to SQLite."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from emulator.store.backend import Backend, MemoryBackend
from emulator.store.sqlite import SqliteBackend

if TYPE_CHECKING:
    from emulator.store.records import Record
    from emulator.store.tables import ServiceStore, Table


def __getattr__(name: str) -> Any:
    # Records are pydantic models: load them when a provider first needs a table.
    if name == "Record":
        from emulator.store.records import Record

        return Record
    if name in ("ServiceStore", "Table"):
        from emulator.store import tables

        return getattr(tables, name)
    raise AttributeError(name)


__all__ = ["Backend", "MemoryBackend", "Record", "ServiceStore", "SqliteBackend", "Table"]
