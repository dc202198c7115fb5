"""Where records are kept between restarts: nowhere (memory) or an SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple, Protocol


class RowKey(NamedTuple):
    service: str
    account: str
    region: str
    table: str
    key: str


class Backend(Protocol):
    """Durable storage of serialised records. Writes return only once they are durable."""

    persistent: bool

    def load(self, service: str) -> Iterator[tuple[RowKey, str]]: ...

    def stored_services(self) -> set[str]:
        """The services that have at least one stored record."""
        ...

    def put(self, row: RowKey, document: str) -> None: ...

    def delete(self, row: RowKey) -> None: ...

    def write_many(self, rows: list[tuple[RowKey, str | None]]) -> None:
        """Put (a document) or delete (None) several rows as one durable transaction."""
        ...

    def drop(self, service: str, account: str, region: str, table: str) -> None:
        """Delete every row of one table."""
        ...

    def clear(self, service: str | None = None) -> None: ...

    def close(self) -> None: ...


class MemoryBackend:
    """No persistence: the in-memory tables are the only copy."""

    persistent = False

    def load(self, service: str) -> Iterator[tuple[RowKey, str]]:
        return iter(())

    def stored_services(self) -> set[str]:
        return set()

    def put(self, row: RowKey, document: str) -> None:
        return None

    def delete(self, row: RowKey) -> None:
        return None

    def write_many(self, rows: list[tuple[RowKey, str | None]]) -> None:
        return None

    def drop(self, service: str, account: str, region: str, table: str) -> None:
        return None

    def clear(self, service: str | None = None) -> None:
        return None

    def close(self) -> None:
        return None


__all__ = ["Backend", "MemoryBackend", "RowKey"]
