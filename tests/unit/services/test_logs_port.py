"""The ``logs`` port the Lambda runtime writes through: what a read sees right after a write,
a reset, and a write with persistence."""

from __future__ import annotations

import asyncio
from pathlib import Path

from emulator.clock import Clock
from emulator.config import Settings
from emulator.context import RequestContext
from emulator.ports import Ports
from emulator.services.logs.provider import LogsPort, LogsProvider
from emulator.store import MemoryBackend, ServiceStore, SqliteBackend
from emulator.store.backend import Backend

GROUP = "/aws/lambda/f"
STREAM = "2026/01/31/[$LATEST]0123456789abcdef0123456789abcdef"


def _provider(backend: Backend) -> LogsProvider:
    def no_ports(name: str) -> object:
        raise LookupError(name)

    return LogsProvider(Settings(), Clock(), ServiceStore("logs", backend), Ports(no_ports))


def _ctx() -> RequestContext:
    return RequestContext(
        account_id="111111111111", region="eu-west-1", request_id="r", service="logs",
        operation="GetLogEvents", protocol="json", endpoint_url="http://localhost:4566",
    )


def _port(provider: LogsProvider) -> LogsPort:
    port = provider.port("logs")
    assert isinstance(port, LogsPort)
    return port


def _messages(provider: LogsProvider) -> list[str]:
    found = provider.get_log_events(_ctx(), log_group_name=GROUP, log_stream_name=STREAM,
                                    start_from_head=True)
    return [event["message"] for event in found["events"]]


def _write(port: LogsPort, *messages: str) -> None:
    now = Clock().now_millis()
    port.write("111111111111", "eu-west-1", GROUP, STREAM, [(now, m) for m in messages])


def test_a_read_right_after_a_write_sees_its_events() -> None:
    provider = _provider(MemoryBackend())

    async def scenario() -> tuple[list[str], list[str]]:
        _write(_port(provider), "START", "END")
        seen = _messages(provider)  # the same turn of the loop as the write
        await asyncio.sleep(0)
        return seen, _messages(provider)

    seen, later = asyncio.run(scenario())
    assert seen == later == ["START", "END"]
    streams = provider.describe_log_streams(_ctx(), log_group_name=GROUP)["logStreams"]
    assert [stream["storedBytes"] for stream in streams] == [len("START") + len("END")]


def test_writes_keep_their_order_and_ingestion_time() -> None:
    provider = _provider(MemoryBackend())

    async def scenario() -> None:
        port = _port(provider)
        _write(port, "one")
        provider.clock.advance(5)
        _write(port, "two")

    asyncio.run(scenario())
    found = provider.get_log_events(_ctx(), log_group_name=GROUP, log_stream_name=STREAM,
                                    start_from_head=True)["events"]
    assert [event["message"] for event in found] == ["one", "two"]
    assert found[1]["ingestionTime"] - found[0]["ingestionTime"] >= 5000


def test_a_reset_drops_writes_not_stored_yet() -> None:
    provider = _provider(MemoryBackend())

    async def scenario() -> None:
        _write(_port(provider), "before the reset")
        provider.reset()
        await asyncio.sleep(0)  # the stored-later write must not come back

    asyncio.run(scenario())
    groups = provider.describe_log_groups(_ctx())["logGroups"]
    assert groups == []


def test_without_an_event_loop_a_write_is_stored_at_once() -> None:
    provider = _provider(MemoryBackend())
    _write(_port(provider), "no loop")
    assert provider.pending == []
    assert _messages(provider) == ["no loop"]


def test_with_persistence_a_write_is_stored_before_it_returns(tmp_path: Path) -> None:
    backend = SqliteBackend(tmp_path / "state.db")
    provider = _provider(backend)

    async def scenario() -> None:
        _write(_port(provider), "durable")
        assert provider.pending == []

    asyncio.run(scenario())
    backend.close()
    reopened = _provider(SqliteBackend(tmp_path / "state.db"))
    assert _messages(reopened) == ["durable"]
