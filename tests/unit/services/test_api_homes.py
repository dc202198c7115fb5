"""Where the data planes find an API by its id alone: an id looked for in vain is remembered
only until the store changes, so an API created (or deleted) since is found (or not)."""

from __future__ import annotations

from emulator.services.gateway_common import ApiHomes, StageRecord
from emulator.store import MemoryBackend, ServiceStore


def test_an_api_created_after_a_miss_is_found() -> None:
    store = ServiceStore("apis", MemoryBackend())
    homes = ApiHomes(store, "apis", StageRecord)
    store.table("111111111111", "us-east-1", "apis", StageRecord).put(
        "other", StageRecord(api_id="other", stage={}))
    assert homes.find("a1b2c3") is None
    assert homes.find("a1b2c3") is None  # remembered as missing
    table = store.table("222222222222", "eu-west-1", "apis", StageRecord)
    table.put("a1b2c3", StageRecord(api_id="a1b2c3", stage={}))
    assert homes.find("a1b2c3") == ("222222222222", "eu-west-1")
    table.delete("a1b2c3")
    assert homes.find("a1b2c3") is None
    table.put("a1b2c3", StageRecord(api_id="a1b2c3", stage={}))
    assert homes.find("a1b2c3") == ("222222222222", "eu-west-1")


def test_an_api_created_during_the_scan_is_not_remembered_missing() -> None:
    store = ServiceStore("apis", MemoryBackend())
    homes = ApiHomes(store, "apis", StageRecord)
    table = store.table("111111111111", "us-east-1", "apis", StageRecord)
    table.put("other", StageRecord(api_id="other", stage={}))
    scopes = store.scopes

    def scopes_while_an_api_is_created(name: str):  # type: ignore[no-untyped-def]
        yield from scopes(name)
        table.put("a1b2c3", StageRecord(api_id="a1b2c3", stage={}))  # after its scope's turn

    store.scopes = scopes_while_an_api_is_created  # type: ignore[method-assign]
    assert homes.find("a1b2c3") is None
    store.scopes = scopes  # type: ignore[method-assign]
    assert homes.find("a1b2c3") == ("111111111111", "us-east-1")
