"""One HTTP API request's journey: what each step reads and writes, the ``$context``
variables HTTP APIs document, and the failures API Gateway answers itself."""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from emulator import addresses, ids
from emulator.gateway.http_api.deployed import DeployedHttpStage
from emulator.gateway.messages import GatewayRequest, GatewayResponse

MESSAGES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
            413: "Request Entity Too Large", 429: "Too Many Requests",
            500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
            504: "Gateway Timeout"}


class HttpApiError(Exception):
    """A failure API Gateway answers itself: ``{"message": ...}`` with ``status``."""

    def __init__(self, status: int, message: str | None = None,
                 headers: list[tuple[str, str]] | None = None, log: str = "") -> None:
        self.status = status
        self.message = message or MESSAGES.get(status, "Internal Server Error")
        self.headers = headers or []
        self.log = log
        super().__init__(self.message)


def error_response(status: int, message: str | None = None,
                   headers: list[tuple[str, str]] | None = None) -> GatewayResponse:
    body = json.dumps({"message": message or MESSAGES.get(status, "Internal Server Error")},
                      separators=(",", ":"))
    return GatewayResponse(status, [("Content-Type", "application/json"), *(headers or [])],
                           body.encode())


def new_request_id() -> str:
    """An id in the shape HTTP APIs use for ``apigw-requestid`` (``JKJaXmPLvHcESHA=``)."""
    return base64.b64encode(ids.random_bytes(11)).decode()


def request_time(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")


@dataclass
class HttpInvocation:
    request: GatewayRequest
    deployed: DeployedHttpStage
    raw_path: str  # the path as the client sent it (with the stage, without a mapping key)
    route_path: str  # the path routes match (without the stage)
    started: float  # emulator clock, seconds
    request_id: str = field(default_factory=new_request_id)
    perf_started: float = field(default_factory=time.perf_counter)
    full_path: str = ""  # the path as sent, mapping key included (payload 1.0's path)
    route: dict[str, Any] = field(default_factory=dict)
    path_params: dict[str, str] = field(default_factory=dict)
    authorizer: dict[str, Any] | None = None  # requestContext.authorizer for payload 2.0
    authorizer_v1: dict[str, Any] | None = None  # requestContext.authorizer for 1.0
    context_extra: dict[str, Any] = field(default_factory=dict)  # $context.authorizer.*...
    identity: dict[str, Any] = field(default_factory=dict)  # a SigV4 caller's identity
    integration_status: str = ""
    integration_latency: int | None = None  # milliseconds, once an integration was called
    error_message: str = ""

    @property
    def api(self) -> dict[str, Any]:
        return self.deployed.snapshot.api

    @property
    def stage_name(self) -> str:
        return str(self.deployed.stage["StageName"])

    @property
    def stage_variables(self) -> dict[str, str]:
        return dict(self.deployed.stage.get("StageVariables") or {})

    @property
    def route_key(self) -> str:
        return str(self.route.get("RouteKey", ""))

    def multi_headers(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for key, value in self.request.headers:
            found.setdefault(key, []).append(value)
        return found

    def lower_headers(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for key, value in self.request.headers:
            found.setdefault(key.lower(), []).append(value)
        return found

    def multi_query(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for key, value in self.request.query:
            found.setdefault(key, []).append(value)
        return found

    def route_arn(self) -> str:
        """The ARN an authorizer's policy is checked against: the method and the path as
        requested (``/users/42/bookings``, not the route's ``/users/{id}/bookings``), as
        execute-api ARNs name what is invoked."""
        method, path = self.request.method.upper(), self.route_path
        deployed = self.deployed
        return (f"arn:aws:execute-api:{deployed.region}:{deployed.account}:{deployed.api_id}/"
                f"{self.stage_name}/{method}{path}")

    def context(self) -> dict[str, Any]:
        """The ``$context`` variables parameter mapping and logs read (nested by dots)."""
        host = addresses.api_domain_name(self.request.host, self.deployed.api_id)
        return {
            "accountId": self.deployed.account, "apiId": self.deployed.api_id,
            "authorizer": self.context_extra.get("authorizer", {}),
            "awsEndpointRequestId": "", "domainName": host,
            "domainPrefix": host.split(".")[0], "extendedRequestId": self.request_id,
            "httpMethod": self.request.method.upper(),
            "identity": {"sourceIp": self.request.source_ip,
                         "userAgent": self.request.header("user-agent") or "",
                         **self.identity},
            "integrationErrorMessage": self.error_message,
            "integrationLatency": "" if self.integration_latency is None else str(
                self.integration_latency),
            "integrationStatus": self.integration_status,
            "path": self.full_path or self.raw_path, "protocol": "HTTP/1.1",
            "requestId": self.request_id, "requestTime": request_time(self.started),
            "requestTimeEpoch": int(self.started * 1000), "routeKey": self.route_key,
            "stage": self.stage_name,
        }


__all__ = [
    "MESSAGES",
    "HttpApiError",
    "HttpInvocation",
    "error_response",
    "new_request_id",
    "request_time",
]
