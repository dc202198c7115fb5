"""One request's journey through the data plane: what each pipeline step reads and writes,
the ``$context`` variables AWS documents, and the failures that become gateway responses."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from emulator import addresses
from emulator.gateway.messages import GatewayRequest, GatewayResponse
from emulator.gateway.rest.deployed import DeployedStage, Snapshot
from emulator.gateway.rest.routes import RouteMatch


class GatewayError(Exception):
    """A failure API Gateway answers itself, with the gateway response of ``response_type``."""

    def __init__(self, response_type: str, status: int, message: str | None,
                 log: str | None = None, validation_error: str | None = None,
                 error_type: str | None = None, message_key: str = "message") -> None:
        super().__init__(message)
        self.response_type = response_type
        self.status = status
        self.message = message  # None for the failures AWS answers with {"message": null}
        self.log = log
        self.validation_error = validation_error
        self.error_type = error_type  # x-amzn-ErrorType, when not the response type's own
        # The member an uncustomised response names the message by (authorizer denials use
        # "Message").
        self.message_key = message_key


@dataclass
class IntegrationRequest:
    method: str
    uri: str
    headers: dict[str, str] = field(default_factory=dict)
    query: list[tuple[str, str]] = field(default_factory=list)
    path: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass
class IntegrationResult:
    """What the backend answered. Proxy integrations set ``final`` (the method response)."""

    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    error_message: str | None = None  # a Lambda function error's errorMessage
    final: GatewayResponse | None = None


@dataclass
class Invocation:
    request: GatewayRequest
    deployed: DeployedStage
    request_id: str
    snapshot: Snapshot
    deployment_id: str
    is_canary: bool
    stage_variables: dict[str, str]
    started: float  # emulator clock, seconds
    perf_started: float = field(default_factory=time.perf_counter)
    route: RouteMatch | None = None
    params: dict[str, dict[str, str]] = field(default_factory=dict)
    multi_query: dict[str, list[str]] = field(default_factory=dict)
    multi_headers: dict[str, list[str]] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)
    integration_request: IntegrationRequest | None = None
    result: IntegrationResult | None = None
    response: GatewayResponse | None = None
    cache_deployment: str = ""  # the deployment whose cache entries this request uses
    cache_key: tuple[str, ...] | None = None
    cache_ttl: int = 0
    cache_status: str = ""
    log: list[str] = field(default_factory=list)
    trace_header: str | None = None  # X-Amzn-Trace-Id for the integration, when traced
    verbose: bool = False  # keep INFO execution log lines (logging level INFO, test invoke)
    integration_latency: int = 0
    usage_identifier_key: str | None = None  # the API key a Lambda authorizer returned
    test_invoke: bool = False  # TestInvokeMethod, which skips authorization and API keys
    # The stage's settings for the matched method (pipeline.method_settings), once known.
    method_settings: tuple[dict[str, Any], bool] | None = None
    web_acl_arn: str = ""  # the web ACL that inspected the request, and its verdict
    waf_response_code: str = ""
    waf_status: str = ""  # $context.waf.status and .latency (milliseconds)
    waf_latency: str = ""

    @property
    def method(self) -> dict[str, Any]:
        assert self.route is not None
        return self.route.method

    @cached_property
    def integration(self) -> dict[str, Any]:
        """The method's integration, copied once per request (steps only read it)."""
        return dict(self.method.get("methodIntegration") or {})

    def note(self, message: str, *args: object) -> None:
        """An INFO execution log line, formatted only when someone will read it."""
        if self.verbose:
            self.log.append(f"({self.request_id}) " + (message % args if args else message))

    def note_error(self, message: str) -> None:
        """A line that belongs in the execution log at ERROR level too."""
        self.log.append(f"({self.request_id}) {message}")


_last_request_time: tuple[int, str] = (-1, "")


def request_time(epoch: float) -> str:
    """CLF time, as $context.requestTime (formatted once per second: requests in the same
    second share it)."""
    global _last_request_time
    second = int(epoch)
    if _last_request_time[0] != second:
        _last_request_time = (second, datetime.fromtimestamp(second, tz=UTC).strftime(
            "%d/%b/%Y:%H:%M:%S +0000"))
    return _last_request_time[1]


def build_context(inv: Invocation) -> dict[str, Any]:
    """Every ``$context`` variable AWS documents for REST APIs (unused ones empty)."""
    request = inv.request
    deployed = inv.deployed
    host = addresses.api_domain_name(request.host, deployed.api_id)
    resource = inv.route.resource if inv.route else {}
    user_agent = request.header("user-agent") or ""
    return {
        "accountId": deployed.account,
        "apiId": deployed.api_id,
        "authorizer": {"claims": None, "scopes": None, "principalId": None},
        "awsEndpointRequestId": "",
        "deploymentId": inv.deployment_id,
        "domainName": host,
        "domainPrefix": host.split(".")[0],
        "error": {"message": "", "messageString": '""', "responseType": "",
                  "validationErrorString": ""},
        "extendedRequestId": inv.request_id.replace("-", "")[:16] + "=",
        "httpMethod": request.method.upper(),
        "identity": {
            "accessKey": None, "accountId": None, "apiKey": None, "apiKeyId": None,
            "caller": None, "clientCert": None, "cognitoAuthenticationProvider": None,
            "cognitoAuthenticationType": None, "cognitoIdentityId": None,
            "cognitoIdentityPoolId": None, "principalOrgId": None,
            "sourceIp": request.source_ip, "user": None, "userAgent": user_agent,
            "userArn": None, "vpcId": request.source_vpc, "vpceId": request.vpce,
        },
        "isCanaryRequest": inv.is_canary,
        "path": f"/{deployed.stage['stageName']}{request.path}",
        "protocol": "HTTP/1.1",
        "requestId": inv.request_id,
        "requestOverride": {"header": {}, "path": {}, "querystring": {}},
        "responseOverride": {"header": {}, "status": None},
        "requestTime": request_time(inv.started),
        "requestTimeEpoch": int(inv.started * 1000),
        "resourceId": resource.get("id", ""),
        "resourcePath": resource.get("path", ""),
        "stage": deployed.stage["stageName"],
        "integration": {"error": "", "integrationStatus": "", "latency": "", "requestId": "",
                        "status": ""},
        "integrationLatency": "",
        "integrationStatus": "",
        "responseLatency": "",
        "responseLength": "",
        "status": "",
        "waf": {"error": "", "latency": inv.waf_latency, "status": inv.waf_status},
        "wafResponseCode": inv.waf_response_code,
        "webaclArn": inv.web_acl_arn,
        "xrayTraceId": "",
    }


__all__ = [
    "GatewayError",
    "IntegrationRequest",
    "IntegrationResult",
    "Invocation",
    "build_context",
    "request_time",
]
