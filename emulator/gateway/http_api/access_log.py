"""HTTP API access logs: one line per request, the stage's ``AccessLogSettings.Format`` with its
``$context`` variables filled, written to the CloudWatch Logs group its ``DestinationArn``
names (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html;
the variables: .../http-api-logging-variables.html)."""

from __future__ import annotations

import logging
import time
from typing import Any, cast

from emulator.gateway.http_api.state import HttpInvocation
from emulator.gateway.messages import GatewayResponse
from emulator.gateway.rest.logs import LogSink, access_line, log_group_of, stream_name
from emulator.ports import Ports

log = logging.getLogger("emulator.gateway.http_api")


def context(inv: HttpInvocation, response: GatewayResponse, error: str = ""
            ) -> dict[str, Any]:
    """The request's ``$context`` once it was answered; ``error`` is the message of an answer
    API Gateway gave itself (``$context.error.message``)."""
    found = inv.context()
    latency = int((time.perf_counter() - inv.perf_started) * 1000)
    integration_latency = found["integrationLatency"]
    found.update({
        "status": response.status, "responseLength": len(response.body),
        "responseLatency": latency,
        "dataProcessed": len(inv.request.body) + len(response.body),
        "integration": {"status": inv.integration_status,
                        "integrationStatus": inv.integration_status,
                        "latency": integration_latency,
                        "error": inv.error_message},
        "error": {"message": error},
    })
    return found


def write(inv: HttpInvocation, response: GatewayResponse, ports: Ports, now_ms: int,
          error: str = "") -> None:
    """Write the access log line when the stage asks for one; never fails the request."""
    settings = inv.deployed.stage.get("AccessLogSettings") or {}
    group = log_group_of(str(settings.get("DestinationArn") or ""))
    template = settings.get("Format")
    if not group or not template:
        return
    try:
        sink = cast(LogSink, ports.get("logs"))
    except LookupError:
        return
    try:
        sink.write(inv.deployed.account, inv.deployed.region, group,
                   stream_name(inv.deployed.api_id, inv.stage_name),
                   [(now_ms, access_line(str(template), context(inv, response, error)))])
    except Exception:  # logging must never fail a request
        log.exception("could not write the HTTP API access log")


__all__ = ["context", "write"]
