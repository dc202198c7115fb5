"""Open WebSocket connections: what each one is (its API, stage, handshake, identity and
authorizer result), how to reach its client, and the registry ``@connections`` looks them up in.

Connections live only in memory: like AWS, nothing keeps a connection across a restart.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass, field
from typing import Any, Protocol

from emulator.gateway.messages import GatewayRequest

# Close codes and the reasons $disconnect events give for them.
NORMAL, GOING_AWAY, UNSUPPORTED_DATA, NO_STATUS, TOO_BIG = 1000, 1001, 1003, 1005, 1009
REASONS = {NORMAL: "Connection Closed Normally", GOING_AWAY: "Going away",
           UNSUPPORTED_DATA: "Unsupported data", NO_STATUS:
           "Client-side close frame status not set", 1006: "Connection lost",
           TOO_BIG: "Message too big", 1011: "Internal error", 1012: "Service restart"}


def new_id() -> str:
    """An id in the shape API Gateway gives connections, messages and requests
    (``KVmb8fjMIAMCFgQ=``): 11 random bytes, URL-safe base64."""
    return base64.urlsafe_b64encode(secrets.token_bytes(11)).decode()


@dataclass
class Handshake:
    """The upgrade request a client connects with."""

    request: GatewayRequest
    port: int
    scheme: str  # "ws" or "wss"


@dataclass
class ConnectResult:
    """Whether ``$connect`` lets the client in; a refusal is an HTTP answer."""

    accepted: bool
    status: int = 101
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)


class Transport(Protocol):
    """How the engine reaches a client (the web layer's WebSocket)."""

    async def send(self, data: str | bytes) -> None:
        """Send one message; raises ConnectionError when the client is gone."""
        ...

    async def close(self, code: int, reason: str) -> None: ...


@dataclass
class Connection:
    connection_id: str
    api_id: str
    stage: str
    account: str
    region: str
    domain_name: str  # the name the client reached the API at, without its port
    connected_at: float  # emulator clock, seconds
    source_ip: str
    user_agent: str | None
    headers: list[tuple[str, str]] = field(default_factory=list)  # the handshake's, in order
    query: list[tuple[str, str]] = field(default_factory=list)
    port: int = 0
    scheme: str = "ws"
    authorizer: dict[str, Any] | None = None  # requestContext.authorizer of every event
    caller: dict[str, Any] = field(default_factory=dict)  # an IAM-signed caller's identity
    transport: Transport | None = None
    last_active: float = 0.0
    open: bool = False  # accepted and not yet closed
    # How many server-side disconnects had been ordered when the handshake began: one ordered
    # while the handshake was still being answered must close this connection too.
    epoch: int = 0
    close_code: int | None = None  # why the server closed it, when it did
    close_reason: str = ""

    def __post_init__(self) -> None:
        self.last_active = self.last_active or self.connected_at

    def identity(self) -> dict[str, Any]:
        """``requestContext.identity``: the source IP, the user agent when there is one,
        and a signed caller's keys."""
        found: dict[str, Any] = {}
        if self.user_agent is not None:
            found["userAgent"] = self.user_agent
        found["sourceIp"] = self.source_ip
        found.update(self.caller)
        return found

    async def send(self, data: str | bytes) -> None:
        if not self.open or self.transport is None:
            raise ConnectionError("the connection is closed")
        await self.transport.send(data)


class Registry:
    """Open connections by id."""

    def __init__(self) -> None:
        self._open: dict[str, Connection] = {}

    def add(self, connection: Connection) -> None:
        connection.open = True
        self._open[connection.connection_id] = connection

    def get(self, connection_id: str) -> Connection | None:
        return self._open.get(connection_id)

    def remove(self, connection: Connection) -> bool:
        """Forget ``connection``; False when it was already gone."""
        connection.open = False
        return self._open.pop(connection.connection_id, None) is not None

    def all(self) -> list[Connection]:
        return list(self._open.values())

    def __len__(self) -> int:
        return len(self._open)


__all__ = ["GOING_AWAY", "NORMAL", "NO_STATUS", "REASONS", "TOO_BIG", "UNSUPPORTED_DATA",
           "ConnectResult", "Connection", "Handshake", "Registry", "Transport", "new_id"]
