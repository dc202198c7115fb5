"""The WebSocket API data plane engine: a connection's life from ``$connect`` (authorizer,
then integration) through its messages (route selection, integration, route response) to
``$disconnect``, whoever closes it; and the ``@connections`` operations on open connections.

AWS's limits are kept here: a message over 128 KB closes the connection with 1009 and a binary
frame with 1003; a connection idle for 10 minutes, or open for 2 hours, is closed with 1001. Both
durations are read from the emulator's clock, so ``clock.advance`` reaches them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from emulator import addresses, traffic
from emulator.clock import Clock
from emulator.gateway import http_client
from emulator.gateway.rest.integrations.base import Backends
from emulator.gateway.rest.validation import Invalid, check_body
from emulator.gateway.websocket import selection
from emulator.gateway.websocket.authorizer import Refused, authorize
from emulator.gateway.websocket.connections import (
    GOING_AWAY,
    NORMAL,
    REASONS,
    TOO_BIG,
    UNSUPPORTED_DATA,
    Connection,
    ConnectResult,
    Handshake,
    Registry,
    Transport,
    new_id,
)
from emulator.gateway.websocket.deployed import DeployedWebSocketApis, DeployedWebSocketStage
from emulator.gateway.websocket.events import CONNECT, DISCONNECT, MESSAGE, Call
from emulator.gateway.websocket.integrations import IntegrationFailed, call_integration
from emulator.gateway.websocket.responses import reply
from emulator.ports import Ports

log = logging.getLogger("emulator.gateway.websocket")
CONNECT_KEY, DISCONNECT_KEY = "$connect", "$disconnect"


@dataclass(frozen=True)
class Limits:
    """AWS's quotas for running WebSocket APIs (none of them can be raised)."""

    message_bytes: int = 128 * 1024  # (frames, 32 KB on AWS, never reach an ASGI app)
    idle_seconds: float = 10 * 60
    duration_seconds: float = 2 * 60 * 60


class Gone(Exception):
    """The connection is not open (GoneException)."""


class PayloadTooLarge(Exception):
    """A message over the 128 KB message quota."""


def _error_message(message: str, call: Call) -> str:
    """What API Gateway tells a client whose message it could not handle."""
    return json.dumps({"message": message, "connectionId": call.connection.connection_id,
                       "requestId": call.request_id})


def _valid_body(deployed: DeployedWebSocketStage, route: dict[str, Any], body: str) -> bool:
    """Request validation: a route with a model selection expression validates the message
    against the model its RequestModels name for the key (``$default`` as the fallback; no
    model at all fails), whatever its integration (websocket-api-request-validation.html)."""
    expression = route.get("ModelSelectionExpression")
    if not expression:
        return True
    try:
        key = selection.evaluate(str(expression), selection.Sources(
            body=body, stage_variables=deployed.stage_variables))
    except selection.NotEvaluable:
        key = selection.DEFAULT
    requested: dict[str, str] = route.get("RequestModels") or {}
    name = requested.get(key) or requested.get(selection.DEFAULT)
    models = {str(m.get("Name")): {"schema": m.get("Schema")}
              for m in deployed.snapshot.models.values()}
    if name is None or name not in models:
        return False
    try:
        check_body(deployed.api_id, models, name, body.encode())
    except Invalid:
        return False
    return True


class WebSocketGateway:
    def __init__(self, apis: DeployedWebSocketApis, clock: Clock, ports: Ports,
                 limits: Limits | None = None) -> None:
        self.apis = apis
        self.clock = clock
        self.ports = ports
        self.limits = limits or Limits()
        self.registry = Registry()
        self._tasks: set[asyncio.Task[None]] = set()
        self._watchdogs: dict[str, asyncio.Task[None]] = {}
        self._disconnecting = 0
        self._loop: asyncio.AbstractEventLoop | None = None  # the web server's
        # Server-side disconnects in order (api id and stage, None for every one), so a
        # connection still in its handshake when one is ordered is closed once it opens.
        self._disconnects: list[tuple[str | None, str | None]] = []
        self._late_closes: set[asyncio.Task[None]] = set()
        # api id -> (deployment id, routes by key) of the deployment last used
        self._routes: dict[str, tuple[str, dict[str, dict[str, Any]]]] = {}

    @property
    def backends(self) -> Backends:
        return Backends(self.ports, http_client.shared)

    def knows(self, api_id: str) -> bool:
        return self.apis.knows(api_id)

    def stage(self, api_id: str, stage_name: str) -> DeployedWebSocketStage | None:
        return self.apis.stage(api_id, stage_name)

    def _route(self, deployed: DeployedWebSocketStage, key: str) -> dict[str, Any] | None:
        cached = self._routes.get(deployed.api_id)
        if cached is None or cached[0] != deployed.deployment_id:
            cached = self._routes[deployed.api_id] = (deployed.deployment_id, {
                str(r.get("RouteKey")): r for r in deployed.snapshot.routes.values()})
        return cached[1].get(key)

    def _integration(self, deployed: DeployedWebSocketStage, route: dict[str, Any]
                     ) -> dict[str, Any] | None:
        target = str(route.get("Target") or "").removeprefix("integrations/")
        return deployed.snapshot.integrations.get(target) if target else None

    # -- connecting ---------------------------------------------------------------------------

    def new_connection(self, deployed: DeployedWebSocketStage, handshake: Handshake
                       ) -> Connection:
        request = handshake.request
        return Connection(
            epoch=len(self._disconnects),
            connection_id=new_id(), api_id=deployed.api_id, stage=deployed.stage_name,
            account=deployed.account, region=deployed.region,
            domain_name=addresses.api_domain_name(request.host, deployed.api_id),
            connected_at=self.clock.now(), source_ip=request.source_ip,
            user_agent=request.header("user-agent"), headers=list(request.headers),
            query=list(request.query), port=handshake.port, scheme=handshake.scheme)

    async def connect(self, deployed: DeployedWebSocketStage, conn: Connection,
                      handshake: Handshake) -> ConnectResult:
        """Run ``$connect``: its authorizer, then its integration."""
        route = self._route(deployed, CONNECT_KEY)
        if route is None:
            return ConnectResult(True)
        call = Call(conn, deployed, CONNECT_KEY, CONNECT, started=conn.connected_at)
        try:
            await authorize(call, route, self.ports, handshake.request,
                            self.clock.now_datetime())
        except Refused as refused:
            log.info("WebSocket API %s: $connect refused (%s)", conn.api_id, refused.log)
            return ConnectResult(False, refused.status,
                                 json.dumps({"message": refused.message}).encode(),
                                 [("Content-Type", "application/json")])
        integration = self._integration(deployed, route)
        if integration is None:
            return ConnectResult(True)
        try:
            outcome = await call_integration(call, integration, self.backends, self.clock)
        except IntegrationFailed as failed:
            log.info("WebSocket API %s: $connect failed: %s", conn.api_id, failed.log)
            return ConnectResult(False, failed.status if failed.status != 504 else 500,
                                 b'{"message": "Internal server error"}',
                                 [("Content-Type", "application/json")])
        if outcome.error_message is not None or not 200 <= outcome.status < 300:
            status = outcome.status if outcome.status >= 400 else 500
            return ConnectResult(False, status, outcome.body, outcome.headers)
        passed = [(k, v) for k, v in outcome.headers if k.lower() == "sec-websocket-protocol"]
        return ConnectResult(True, headers=passed)

    def opened(self, conn: Connection, transport: Transport) -> None:
        """The client is in: register it and watch its idle time and duration."""
        conn.transport = transport
        self._loop = asyncio.get_running_loop()
        self.registry.add(conn)
        task = asyncio.ensure_future(self._watch(conn))
        self._watchdogs[conn.connection_id] = task
        if any(api_id in (None, conn.api_id) and stage in (None, conn.stage)
               for api_id, stage in self._disconnects[conn.epoch:]):
            closing = asyncio.ensure_future(self.close(conn, GOING_AWAY))
            self._late_closes.add(closing)
            closing.add_done_callback(self._late_closes.discard)

    async def _watch(self, conn: Connection) -> None:
        limits = self.limits
        while conn.open:
            deadline = min(conn.last_active + limits.idle_seconds,
                           conn.connected_at + limits.duration_seconds)
            if self.clock.now() >= deadline:
                await self.close(conn, GOING_AWAY)
                return
            await self.clock.sleep_until(deadline)

    # -- messages -----------------------------------------------------------------------------

    async def incoming(self, conn: Connection, message: str | bytes) -> None:
        """A message from the client: refused by AWS's limits, else routed in the
        background (AWS handles a connection's messages independently)."""
        if isinstance(message, bytes):
            await self.close(conn, UNSUPPORTED_DATA)
            return
        if len(message) > self.limits.message_bytes // 4 and \
                len(message.encode()) > self.limits.message_bytes:
            await self.close(conn, TOO_BIG)
            return
        conn.last_active = self.clock.now()
        self._spawn(self._message(conn, message))

    def _spawn(self, work: Any) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def select_route(self, deployed: DeployedWebSocketStage, body: str
                     ) -> tuple[str, dict[str, Any]] | None:
        """The route a message takes: the one whose key the route selection expression
        evaluates to, else ``$default``; None when there is neither."""
        expression = str(deployed.snapshot.api.get("RouteSelectionExpression") or "")
        try:
            key = selection.evaluate(expression, selection.Sources(
                body=body, stage_variables=deployed.stage_variables))
        except selection.NotEvaluable:
            key = selection.DEFAULT
        route = self._route(deployed, key) if key not in (CONNECT_KEY, DISCONNECT_KEY) \
            else None
        if route is not None:
            return key, route
        route = self._route(deployed, selection.DEFAULT)
        return (selection.DEFAULT, route) if route is not None else None

    async def _message(self, conn: Connection, body: str) -> None:
        requests = traffic.active_log()
        exchange = None if requests is None else requests.begin(
            "websocket", "MESSAGE", f"/{conn.stage}", host=conn.domain_name,
            body=body.encode())
        traffic.note(account=conn.account, region=conn.region,
                     resource=f"{conn.api_id}/{conn.stage}")
        status, answer = 500, None
        try:
            status, answer = await self._route_message(conn, body)
        except Exception:  # a defect must still leave the connection usable
            log.exception("WebSocket API %s: a message failed", conn.api_id)
        if requests is not None and exchange is not None:
            sent = answer.encode() if isinstance(answer, str) else (answer or b"")
            requests.finish(exchange, status, body=sent)

    async def _route_message(self, conn: Connection, body: str
                             ) -> tuple[int, str | bytes | None]:
        """Route and answer one message; the status and answer the request log keeps."""
        deployed = self.stage(conn.api_id, conn.stage)
        call_started = self.clock.now()
        if deployed is None:
            return 410, None
        found = self.select_route(deployed, body)
        call = Call(conn, deployed, found[0] if found else selection.DEFAULT, MESSAGE,
                    started=call_started, body=body, message_id=new_id())
        traffic.note(operation=call.route_key)
        if found is None:
            answer = _error_message("Forbidden", call)
            await self._tell(conn, answer)
            return 403, answer
        route = found[1]
        if not _valid_body(deployed, route, body):
            answer = _error_message("Invalid request body", call)
            await self._tell(conn, answer)
            return 400, answer
        integration = self._integration(deployed, route)
        if integration is None:
            answer = _error_message("Internal server error", call)
            await self._tell(conn, answer)
            return 500, answer
        try:
            outcome = await call_integration(call, integration, self.backends, self.clock)
            sent = reply(call, route, integration, outcome, deployed.snapshot)
        except IntegrationFailed as failed:
            log.info("WebSocket API %s route %s: %s", conn.api_id, call.route_key, failed.log)
            answer = _error_message("Internal server error", call)
            await self._tell(conn, answer)
            return 500, answer
        if sent is not None:
            await self._tell(conn, sent)
        return 200, sent

    async def _tell(self, conn: Connection, data: str | bytes) -> None:
        with contextlib.suppress(ConnectionError):  # the client may have left meanwhile
            await conn.send(_as_frame(data))

    # -- closing ------------------------------------------------------------------------------

    async def close(self, conn: Connection, code: int, reason: str | None = None) -> None:
        """Close from the server side; ``closed`` follows when the socket is done."""
        if not conn.open or conn.close_code is not None:
            return
        conn.close_code, conn.close_reason = code, reason or REASONS.get(code, "")
        if conn.transport is not None:
            with contextlib.suppress(ConnectionError):
                await conn.transport.close(code, "")

    async def closed(self, conn: Connection, code: int | None, reason: str | None) -> None:
        """The socket is closed (by either side): forget it, then run ``$disconnect`` (in the
        socket's own task, which the web server waits for when it shuts down)."""
        if not self.registry.remove(conn):
            return
        watchdog = self._watchdogs.pop(conn.connection_id, None)
        if watchdog is not None and watchdog is not asyncio.current_task():
            watchdog.cancel()
        if conn.close_code is None:  # the client closed it
            code = code or 1005
            conn.close_code = code
            conn.close_reason = reason or REASONS.get(code, "")
        deployed = self.stage(conn.api_id, conn.stage)
        route = self._route(deployed, DISCONNECT_KEY) if deployed is not None else None
        integration = self._integration(deployed, route) if deployed and route else None
        if deployed is None or integration is None:
            return
        call = Call(conn, deployed, DISCONNECT_KEY, DISCONNECT, started=self.clock.now(),
                    disconnect_code=conn.close_code, disconnect_reason=conn.close_reason)
        self._disconnecting += 1
        try:
            await call_integration(call, integration, self.backends, self.clock)
        except IntegrationFailed as failed:  # best effort, as on AWS
            log.info("WebSocket API %s: $disconnect failed: %s", conn.api_id, failed.log)
        finally:
            self._disconnecting -= 1

    # -- @connections -------------------------------------------------------------------------

    def get(self, connection_id: str) -> Connection:
        found = self.registry.get(connection_id)
        if found is None or found.close_code is not None:
            raise Gone(connection_id)
        return found

    async def post(self, connection_id: str, data: bytes) -> None:
        conn = self.get(connection_id)
        if len(data) > self.limits.message_bytes:
            raise PayloadTooLarge(connection_id)
        try:
            await conn.send(_as_frame(data))
        except ConnectionError:
            raise Gone(connection_id) from None

    async def delete(self, connection_id: str) -> None:
        await self.close(self.get(connection_id), NORMAL)

    # -- bookkeeping --------------------------------------------------------------------------

    def busy(self) -> list[str]:
        found = [f"{len(self._tasks)} WebSocket message(s)"] if self._tasks else []
        if self._disconnecting:
            found.append(f"{self._disconnecting} WebSocket $disconnect call(s)")
        return found

    async def stop(self) -> None:
        """Close every connection, as a restart does (the web server has closed them when it
        shuts down; this is for connections of an engine stopped on its own)."""
        for conn in self.registry.all():
            await self.close(conn, GOING_AWAY)
        for task in list(self._watchdogs.values()):
            task.cancel()
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=5)

    def disconnect(self, api_id: str | None = None, stage: str | None = None) -> None:
        """Close the connections of a deleted API or stage (every one when ``api_id`` is
        None), from any thread: the closes run on the web server's loop."""
        self._disconnects.append((api_id, stage))
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        for conn in self.registry.all():
            if api_id in (None, conn.api_id) and stage in (None, conn.stage):
                asyncio.run_coroutine_threadsafe(self.close(conn, GOING_AWAY), loop)

    def forget(self) -> None:
        """Every API is gone (a reset)."""
        self._routes.clear()
        self.disconnect()


def _as_frame(data: str | bytes) -> str | bytes:
    """A message as API Gateway sends it: text when it is UTF-8, else binary."""
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data


__all__ = ["Gone", "Limits", "PayloadTooLarge", "WebSocketGateway"]
