"""The integrations, by integration type (and, for AWS, by target)."""

from __future__ import annotations

from emulator.gateway.rest.integrations.aws_services import aws_service
from emulator.gateway.rest.integrations.base import Backends, Integration
from emulator.gateway.rest.integrations.http import http, http_proxy, mock
from emulator.gateway.rest.integrations.lambda_ import FUNCTION_URI, aws_lambda, aws_proxy
from emulator.gateway.rest.invocation import IntegrationResult, Invocation


async def call(inv: Invocation, backends: Backends) -> IntegrationResult:
    kind = inv.integration.get("type", "MOCK")
    chosen: Integration
    if kind == "AWS_PROXY":
        chosen = aws_proxy
    elif kind == "AWS":
        chosen = aws_lambda if FUNCTION_URI.search(str(inv.integration.get("uri"))) \
            else aws_service
    elif kind == "HTTP_PROXY":
        chosen = http_proxy
    elif kind == "HTTP":
        chosen = http
    else:
        chosen = mock
    return await chosen(inv, backends)


__all__ = ["Backends", "call"]
