"""What the viewer endpoint reads of the CloudFront service: deployed distributions, their
policies and published functions (offered by services/cloudfront/port.py), and the request
and response the data plane passes between its steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Deployed:
    """A distribution as the viewer endpoint serves it."""

    id: str
    account: str
    domain_name: str  # d....cloudfront.net
    etag: str  # changes with every update (compiled behaviours are kept per etag)
    config: dict[str, Any]  # the DistributionConfig with CloudFront's defaults


@dataclass(frozen=True)
class FunctionCode:
    """A CloudFront Function's LIVE code and the key value store associated with it (its
    keys and ``meta()``, or None)."""

    runtime: str
    code: str
    store: dict[str, Any] | None = None


class Distributions(Protocol):
    def find(self, label: str) -> Deployed | None:
        """The distribution a viewer address names: its id, or its domain name's first
        label (``d111111abcdef8``), in any case."""
        ...

    def cache_policy(self, account: str, policy_id: str) -> dict[str, Any] | None: ...

    def origin_request_policy(self, account: str, policy_id: str) -> dict[str, Any] | None: ...

    def response_headers_policy(self, account: str, policy_id: str
                                ) -> dict[str, Any] | None: ...

    def origin_access_control(self, account: str, control_id: str
                              ) -> dict[str, Any] | None:
        """An origin access control's OriginAccessControlConfig, by id."""
        ...

    def function_code(self, account: str, arn: str) -> FunctionCode | None:
        """A CloudFront Function's LIVE code, by ARN."""
        ...


@dataclass
class EdgeRequest:
    """A viewer's request as it moves through the steps (headers in arrival order, names
    as the viewer cased them)."""

    method: str
    uri: str  # the path, percent-escapes kept
    querystring: str  # without the '?'
    headers: list[tuple[str, str]]
    body: bytes = b""
    client_ip: str = "127.0.0.1"
    # A viewer request function's origin modification: {"select": origin id} or
    # {"update": updateRequestOrigin's parameters}.
    origin: dict[str, Any] | None = None

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((value for key, value in self.headers if key.lower() == lowered), None)


@dataclass
class EdgeResponse:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    status_description: str = ""
    # Headers already encoded for the web server, sent before ``headers``: only a cache hit
    # on the fast path (which nothing changes after) carries them.
    encoded: list[tuple[bytes, bytes]] = field(default_factory=list)

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((value for key, value in self.headers if key.lower() == lowered), None)

    def without(self, *names: str) -> list[tuple[str, str]]:
        lowered = {name.lower() for name in names}
        return [(key, value) for key, value in self.headers if key.lower() not in lowered]


__all__ = ["Deployed", "Distributions", "EdgeRequest", "EdgeResponse", "FunctionCode"]
