"""What a provider knows about the request it is answering."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RequestContext:
    account_id: str
    region: str
    request_id: str
    service: str
    operation: str
    protocol: str
    endpoint_url: str  # scheme://host[:port] the caller used, for URLs handed back
    headers: dict[str, str] = field(default_factory=dict)


__all__ = ["RequestContext"]
