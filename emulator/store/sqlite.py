"""Write-through persistence to an embedded SQLite database in WAL mode.

Each write commits before it returns, so a response is only sent for a change that survives a
``kill -9`` of the process.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from emulator.store.backend import RowKey

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    service TEXT NOT NULL,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    tbl TEXT NOT NULL,
    key TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (service, account, region, tbl, key)
)
"""

_UPSERT = (
    "INSERT INTO records (service, account, region, tbl, key, document)"
    " VALUES (?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (service, account, region, tbl, key)"
    " DO UPDATE SET document = excluded.document"
)
_DELETE = (
    "DELETE FROM records WHERE service = ? AND account = ? AND region = ?"
    " AND tbl = ? AND key = ?"
)


class SqliteBackend:
    persistent = True

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        # Autocommit mode: every statement is its own durable transaction.
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode survives a process crash; only power loss can undo a commit.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)

    def load(self, service: str) -> Iterator[tuple[RowKey, str]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT service, account, region, tbl, key, document FROM records"
                " WHERE service = ? ORDER BY rowid",
                (service,),
            ).fetchall()
        for row in rows:
            yield RowKey(*row[:5]), row[5]

    def stored_services(self) -> set[str]:
        with self._lock:
            rows = self._db.execute("SELECT DISTINCT service FROM records").fetchall()
        return {row[0] for row in rows}

    def put(self, row: RowKey, document: str) -> None:
        with self._lock:
            self._db.execute(_UPSERT, (*row, document))

    def delete(self, row: RowKey) -> None:
        with self._lock:
            self._db.execute(_DELETE, tuple(row))

    def write_many(self, rows: list[tuple[RowKey, str | None]]) -> None:
        with self._lock:
            self._db.execute("BEGIN")
            try:
                for row, document in rows:
                    if document is None:
                        self._db.execute(_DELETE, tuple(row))
                    else:
                        self._db.execute(_UPSERT, (*row, document))
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def drop(self, service: str, account: str, region: str, table: str) -> None:
        with self._lock:
            self._db.execute(
                "DELETE FROM records WHERE service = ? AND account = ? AND region = ?"
                " AND tbl = ?",
                (service, account, region, table),
            )

    def clear(self, service: str | None = None) -> None:
        with self._lock:
            if service is None:
                self._db.execute("DELETE FROM records")
            else:
                self._db.execute("DELETE FROM records WHERE service = ?", (service,))

    def close(self) -> None:
        with self._lock:
            self._db.close()


__all__ = ["SqliteBackend"]
