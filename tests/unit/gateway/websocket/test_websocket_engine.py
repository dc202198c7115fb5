"""The WebSocket engine without a web server: a fake transport and deployed stage, MOCK
integrations, and the limits on a moved clock."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from emulator.clock import Clock
from emulator.gateway.messages import GatewayRequest
from emulator.gateway.websocket.connections import Connection, Handshake
from emulator.gateway.websocket.deployed import DeployedWebSocketStage
from emulator.gateway.websocket.engine import Gone, PayloadTooLarge, WebSocketGateway
from emulator.ports import Ports


@dataclass
class Snapshot:
    api: dict[str, Any]
    routes: dict[str, dict[str, Any]]
    integrations: dict[str, dict[str, Any]]
    authorizers: dict[str, dict[str, Any]] = field(default_factory=dict)
    route_responses: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    integration_responses: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)


def _stage() -> DeployedWebSocketStage:
    """``$default`` answers ``{"echo": <message>, "route": ...}`` through a MOCK."""
    integration = {"IntegrationId": "i1", "IntegrationType": "MOCK",
                   "RequestTemplates": {"$default": '{"statusCode": 200}'}}
    route = {"RouteId": "r1", "RouteKey": "$default", "Target": "integrations/i1",
             "RouteResponseSelectionExpression": "$default"}
    template = '{"route": "$context.routeKey", "connection": "$context.connectionId"}'
    snapshot = Snapshot(
        api={"ApiId": "abc", "RouteSelectionExpression": "$request.body.action"},
        routes={"r1": route}, integrations={"i1": integration},
        route_responses={"r1": {"rr": {"RouteResponseKey": "$default"}}},
        integration_responses={"i1": {"ir": {"IntegrationResponseKey": "$default",
                                             "ResponseTemplates": {"$default": template}}}})
    return DeployedWebSocketStage("000000000000", "us-east-1", "abc", {"StageName": "dev"},
                                  "d1", snapshot)


class Apis:
    def __init__(self) -> None:
        self.deployed = _stage()

    def knows(self, api_id: str) -> bool:
        return api_id == "abc"

    def stage(self, api_id: str, stage_name: str) -> DeployedWebSocketStage | None:
        return self.deployed if (api_id, stage_name) == ("abc", "dev") else None


class Transport:
    def __init__(self, engine: WebSocketGateway, conn: Connection) -> None:
        self.engine, self.conn = engine, conn
        self.sent: asyncio.Queue[str | bytes] = asyncio.Queue()
        self.closed: int | None = None

    async def send(self, data: str | bytes) -> None:
        await self.sent.put(data)

    async def close(self, code: int, reason: str) -> None:
        self.closed = code  # the web layer reports the close back, as a server would
        await self.engine.closed(self.conn, code, reason)


def _handshake() -> Handshake:
    request = GatewayRequest("GET", "/_aws/execute-api/abc/dev",
                             headers=[("Host", "localhost:4566"), ("User-Agent", "test")],
                             host="localhost:4566")
    return Handshake(request, 4566, "ws")


def _unreachable(name: str) -> object:
    raise LookupError(name)


async def _open(engine: WebSocketGateway) -> tuple[Connection, Transport]:
    apis = engine.apis
    assert isinstance(apis, Apis)
    conn = engine.new_connection(apis.deployed, _handshake())
    result = await engine.connect(apis.deployed, conn, _handshake())
    assert result.accepted
    transport = Transport(engine, conn)
    engine.opened(conn, transport)
    return conn, transport


def _run(test: Any) -> None:
    clock = Clock()
    asyncio.run(test(WebSocketGateway(Apis(), clock, Ports(_unreachable)), clock))


def test_a_message_is_answered_through_the_route_response() -> None:
    async def test(engine: WebSocketGateway, clock: Clock) -> None:
        conn, transport = await _open(engine)
        await engine.incoming(conn, "hello")
        answer = json.loads(await asyncio.wait_for(transport.sent.get(), 5))
        assert answer == {"route": "$default", "connection": conn.connection_id}
        assert engine.get(conn.connection_id) is conn
        assert conn.identity() == {"userAgent": "test", "sourceIp": "127.0.0.1"}
    _run(test)


def test_idle_connections_are_closed_on_the_clock() -> None:
    async def test(engine: WebSocketGateway, clock: Clock) -> None:
        conn, transport = await _open(engine)
        clock.advance(599)
        await asyncio.sleep(0.05)
        assert transport.closed is None
        await engine.incoming(conn, "still here")  # activity moves the deadline
        clock.advance(599)
        await asyncio.sleep(0.05)
        assert transport.closed is None
        clock.advance(2)
        for _ in range(100):
            if transport.closed is not None:
                break
            await asyncio.sleep(0.01)
        assert transport.closed == 1001
        assert (conn.close_code, conn.close_reason) == (1001, "Going away")
        with pytest.raises(Gone):
            engine.get(conn.connection_id)
    _run(test)


@pytest.mark.parametrize(("message", "code"), [(b"\x00", 1003), ("x" * (128 * 1024 + 1), 1009)])
def test_limits_close_the_connection(message: str | bytes, code: int) -> None:
    async def test(engine: WebSocketGateway, clock: Clock) -> None:
        conn, transport = await _open(engine)
        await engine.incoming(conn, message)
        assert transport.closed == code
        assert len(engine.registry) == 0
    _run(test)


def test_posting() -> None:
    async def test(engine: WebSocketGateway, clock: Clock) -> None:
        conn, transport = await _open(engine)
        await engine.post(conn.connection_id, "né".encode())
        assert await transport.sent.get() == "né"  # UTF-8 goes out as text
        await engine.post(conn.connection_id, b"\xff\x00")
        assert await transport.sent.get() == b"\xff\x00"
        with pytest.raises(PayloadTooLarge):
            await engine.post(conn.connection_id, b"x" * (128 * 1024 + 1))
        await engine.delete(conn.connection_id)
        assert transport.closed == 1000
        with pytest.raises(Gone):
            await engine.post(conn.connection_id, b"late")
    _run(test)
