"""The chat over real WebSocket connections: members join by name (the authorizer refuses
banned and nameless ones), messages are broadcast to everyone, two-way routes answer, and
departures are announced."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect
from websockets.sync.connection import Connection

sys.path.insert(0, str(Path(__file__).parent))

from deploy_websocket_chat import deploy

from emulator.testing import EmulatorHandle


@pytest.fixture
def chat(fresh_emulator: EmulatorHandle) -> str:
    """The stage's WebSocket URL."""
    emulator = fresh_emulator
    api_id = deploy(emulator.client("sqs"), emulator.client("lambda"),
                    emulator.client("apigatewayv2"))
    host = urlsplit(emulator.endpoint_url).netloc
    return f"ws://{host}/_aws/execute-api/{api_id}/production"


@pytest.fixture
def ada_and_bob(chat: str) -> Iterator[tuple[Connection, Connection]]:
    with connect(f"{chat}?name=ada", open_timeout=10) as ada, \
            connect(f"{chat}?name=bob", open_timeout=10) as bob:
        yield ada, bob


def _next(ws: Connection) -> Any:
    return json.loads(ws.recv(timeout=10))


def test_messages_reach_every_member(ada_and_bob: tuple[Connection, Connection]
                                     ) -> None:
    ada, bob = ada_and_bob
    ada.send(json.dumps({"action": "sendmessage", "text": "hi bob"}))
    for member in (ada, bob):
        assert _next(member) == {"from": "ada", "text": "hi bob"}


def test_two_way_routes_answer_the_sender(
        ada_and_bob: tuple[Connection, Connection]) -> None:
    ada, _ = ada_and_bob
    ada.send(json.dumps({"action": "whoisthere"}))
    assert _next(ada) == {"members": ["ada", "bob"]}
    ada.send("hello?")  # not JSON: the $default route
    assert _next(ada)["error"] == "unknown action"


def test_departures_are_announced(ada_and_bob: tuple[Connection, Connection]
                                  ) -> None:
    ada, bob = ada_and_bob
    bob.close()
    assert _next(ada) == {"left": "bob"}
    ada.send(json.dumps({"action": "whoisthere"}))
    assert _next(ada) == {"members": ["ada"]}


@pytest.mark.parametrize(("query", "status"), [("", 401), ("?name=mallory", 403)])
def test_nameless_and_banned_members_are_refused(chat: str, query: str, status: int) -> None:
    with pytest.raises(InvalidStatus) as refused:
        connect(f"{chat}{query}", open_timeout=10)
    assert refused.value.response.status_code == status
