from pathlib import Path

from emulator.store import MemoryBackend, Record, ServiceStore, SqliteBackend


class Thing(Record):
    name: str
    size: int = 0


def test_tables_are_scoped_by_account_and_region() -> None:
    store = ServiceStore("demo", MemoryBackend())
    a = store.table("111111111111", "us-east-1", "things", Thing)
    b = store.table("222222222222", "us-east-1", "things", Thing)
    c = store.table("111111111111", "eu-west-1", "things", Thing)
    a.put("x", Thing(name="x"))
    assert "x" in a and "x" not in b and "x" not in c
    assert store.table("111111111111", "us-east-1", "things", Thing) is a
    assert store.scopes("things") == [
        ("111111111111", "eu-west-1"),
        ("111111111111", "us-east-1"),
        ("222222222222", "us-east-1"),
    ]


def test_sqlite_writes_through_and_reloads(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    backend = SqliteBackend(path)
    table = ServiceStore("demo", backend).table("000000000000", "us-east-1", "things", Thing)
    table.put("a", Thing(name="a", size=1))
    table.put("b", Thing(name="b", size=2))
    table.put("a", Thing(name="a", size=3))
    table.delete("b")
    # a second connection sees the committed rows before the first is closed
    reopened = ServiceStore("demo", SqliteBackend(path))
    loaded = reopened.table("000000000000", "us-east-1", "things", Thing)
    assert [(k, v.size) for k, v in loaded.items()] == [("a", 3)]
    backend.close()


def test_reset_clears_one_service_only(tmp_path: Path) -> None:
    backend = SqliteBackend(tmp_path / "state.db")
    one = ServiceStore("one", backend)
    two = ServiceStore("two", backend)
    one.table("000000000000", "us-east-1", "t", Thing).put("k", Thing(name="k"))
    two.table("000000000000", "us-east-1", "t", Thing).put("k", Thing(name="k"))
    one.reset()
    assert len(one.table("000000000000", "us-east-1", "t", Thing)) == 0
    assert len(ServiceStore("two", backend).table("000000000000", "us-east-1", "t", Thing)) == 1
    assert len(ServiceStore("one", backend).table("000000000000", "us-east-1", "t", Thing)) == 0


def test_insertion_order_is_kept_across_reload(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    table = ServiceStore("demo", SqliteBackend(path)).table("0", "r", "t", Thing)
    for name in ["c", "a", "b"]:
        table.put(name, Thing(name=name))
    loaded = ServiceStore("demo", SqliteBackend(path)).table("0", "r", "t", Thing)
    assert list(loaded) == ["c", "a", "b"]


def test_stored_services_lists_services_with_records(tmp_path: Path) -> None:
    backend = SqliteBackend(tmp_path / "state.db")
    assert backend.stored_services() == set()
    ServiceStore("one", backend).table("0", "r", "t", Thing).put("k", Thing(name="k"))
    assert backend.stored_services() == {"one"}
    assert MemoryBackend().stored_services() == set()
