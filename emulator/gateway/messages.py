"""The request the data plane receives and the response it sends, free of any web framework."""

from __future__ import annotations

from dataclasses import dataclass, field

from emulator import ids


def _first(headers: list[tuple[str, str]], name: str) -> str | None:
    """The first value of header ``name`` (any case), None when absent."""
    lower = name.lower()
    for key, value in headers:
        if key.lower() == lower:
            return value
    return None


@dataclass
class GatewayRequest:
    method: str
    path: str  # the resource path after the stage (raw, percent-encoded), "/" at least
    query: list[tuple[str, str]] = field(default_factory=list)
    headers: list[tuple[str, str]] = field(default_factory=list)  # as received, in order
    body: bytes = b""
    source_ip: str = "127.0.0.1"
    host: str = "localhost"
    scheme: str = "http"
    raw_query: str = ""
    raw_path: str = ""  # the whole path as received (SigV4 signs it), stage prefix included
    vpce: str | None = None  # the VPC endpoint a private API was called through
    source_vpc: str | None = None  # that endpoint's VPC

    def header(self, name: str) -> str | None:
        return _first(self.headers, name)


@dataclass
class GatewayResponse:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return _first(self.headers, name)

    def set_header(self, name: str, value: str) -> None:
        lower = name.lower()
        self.headers = [(k, v) for k, v in self.headers if k.lower() != lower]
        self.headers.append((name, value))

    def set_headers(self, pairs: list[tuple[str, str]]) -> None:
        """``set_header`` for each pair in turn (their names distinct), in one pass."""
        names = {name.lower() for name, _ in pairs}
        self.headers = [(k, v) for k, v in self.headers if k.lower() not in names]
        self.headers.extend(pairs)


def refusal(status: int, message: str, request_id: str | None = None) -> GatewayResponse:
    """An answer given before any stage is found (so no gateway response applies), typed as
    AWS types it: "Missing Authentication Token" is a MissingAuthenticationTokenException."""
    kind = "".join(message.title().split()) + "Exception"
    body = ('{"message":"' + message + '"}').encode()
    return GatewayResponse(status, [("Content-Type", "application/json"),
                                    ("x-amzn-ErrorType", kind),
                                    ("x-amzn-RequestId", request_id or ids.request_id())], body)


__all__ = ["GatewayRequest", "GatewayResponse", "refusal"]
