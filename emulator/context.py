"""What a provider knows about the request it is answering."""

from __future__ import annotations

from dataclasses import dataclass, field

from emulator import ids

# The endpoint of a call made inside the emulator (no client to hand URLs back to).
INTERNAL_ENDPOINT = "http://localhost"


@dataclass
class RequestContext:
    account_id: str
    region: str
    request_id: str
    service: str
    operation: str
    protocol: str  # the wire protocol of a client's request; "internal" in-process
    endpoint_url: str  # scheme://host[:port] the caller used, for URLs handed back
    headers: dict[str, str] = field(default_factory=dict)
    method: str = ""  # the HTTP method, for what depends on it (S3's CORS rules)
    query_string: str = ""  # raw, as sent (presigned URLs carry their signature here)
    signed: bool = True  # False for anonymous requests (no SigV4 header or query)
    access_key: str = ""  # the access key id the request was signed with, if any
    # What a provider adds to its answer beyond the output shape (CORS headers, a 206).
    response_headers: dict[str, str] = field(default_factory=dict)
    response_status: int | None = None

    @classmethod
    def internal(cls, account_id: str, region: str, *, service: str = "",
                 operation: str = "", endpoint_url: str = INTERNAL_ENDPOINT,
                 headers: dict[str, str] | None = None) -> RequestContext:
        """The context of a call one part of the emulator makes to a service (a state
        machine's SDK task, a stack's resource, an integration), with a new request id;
        ``ServiceRegistry.call`` fills in the service and operation."""
        return cls(account_id, region, ids.request_id(), service, operation, "internal",
                   endpoint_url, headers or {})


__all__ = ["INTERNAL_ENDPOINT", "RequestContext"]
