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
    method: str = ""  # the HTTP method, for what depends on it (S3's CORS rules)
    query_string: str = ""  # raw, as sent (presigned URLs carry their signature here)
    signed: bool = True  # False for anonymous requests (no SigV4 header or query)
    # What a provider adds to its answer beyond the output shape (CORS headers, a 206).
    response_headers: dict[str, str] = field(default_factory=dict)
    response_status: int | None = None


__all__ = ["RequestContext"]
