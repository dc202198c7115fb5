"""AWS's limits on WebSocket connections, on the emulator's clock: 10 minutes idle and 2 hours
in all close a connection with 1001 (and run ``$disconnect``); a message over 128 KB closes it
with 1009 and a binary frame with 1003."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from websocket_support import (
    ECHO,
    TIMEOUT,
    Recorder,
    WebSocketApi,
    new_function,
    new_recorder,
    new_websocket_api,
    receive_json,
)
from websockets.exceptions import ConnectionClosed
from websockets.sync.connection import Connection

from emulator.testing import EmulatorHandle

IDLE, DURATION = 10 * 60, 2 * 60 * 60


@pytest.fixture
def echo(fresh_emulator: EmulatorHandle) -> Iterator[tuple[WebSocketApi, Recorder]]:
    emulator = fresh_emulator
    api = new_websocket_api(emulator)
    api.route("$default", api.lambda_integration(new_function(emulator, ECHO)), two_way=True)
    recorder = new_recorder(emulator)
    api.route("$disconnect", api.lambda_integration(recorder.arn))
    api.stage()
    yield api, recorder
    emulator.clock.reset()  # later tests sign requests with the real time


def _close_code(ws: Connection) -> int:
    with pytest.raises(ConnectionClosed) as closed:
        for _ in range(10):
            ws.recv(timeout=TIMEOUT)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code


def _round_trip(ws: Connection) -> None:
    ws.send("ping")
    assert receive_json(ws)["body"] == "ping"


def test_an_idle_connection_is_closed_after_ten_minutes(
        fresh_emulator: EmulatorHandle, echo: tuple[WebSocketApi, Recorder]) -> None:
    api, recorder = echo
    with api.connect() as ws:
        fresh_emulator.clock.advance(IDLE - 5)
        _round_trip(ws)  # a message makes it active again
        fresh_emulator.clock.advance(IDLE - 5)
        _round_trip(ws)
        fresh_emulator.clock.advance(IDLE + 1)
        assert _close_code(ws) == 1001
    event = recorder.events()[0]["requestContext"]
    assert (event["disconnectStatusCode"], event["disconnectReason"]) == (1001, "Going away")


def test_a_connection_lasts_two_hours_at_most(
        fresh_emulator: EmulatorHandle, echo: tuple[WebSocketApi, Recorder]) -> None:
    api, _ = echo
    with api.connect() as ws:
        for _ in range(DURATION // (IDLE - 60)):  # never idle for ten minutes
            fresh_emulator.clock.advance(IDLE - 60)
            _round_trip(ws)
        fresh_emulator.clock.advance(DURATION % (IDLE - 60) + 1)
        assert _close_code(ws) == 1001


def test_a_message_over_128_kb_closes_the_connection(
        echo: tuple[WebSocketApi, Recorder]) -> None:
    api, recorder = echo
    with api.connect() as ws:
        largest = "a" * (128 * 1024)
        ws.send(largest)
        assert receive_json(ws)["body"] == largest
        ws.send("é" * (64 * 1024 + 1))  # counted in bytes: 128 KB and 2 bytes
        assert _close_code(ws) == 1009
    event = recorder.events()[0]["requestContext"]
    assert event["disconnectStatusCode"] == 1009


def test_a_binary_frame_closes_the_connection(echo: tuple[WebSocketApi, Recorder]) -> None:
    api, _ = echo
    with api.connect() as ws:
        ws.send(b"\x00\x01")
        assert _close_code(ws) == 1003
