"""Stored records, scoped by service, account and region, optionally persisted to SQLite."""

from emulator.store.backend import Backend, MemoryBackend
from emulator.store.records import Record
from emulator.store.sqlite import SqliteBackend
from emulator.store.tables import ServiceStore, Table

__all__ = ["Backend", "MemoryBackend", "Record", "ServiceStore", "SqliteBackend", "Table"]
