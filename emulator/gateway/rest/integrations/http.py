"""HTTP and HTTP_PROXY integrations through httpx, and MOCK."""

from __future__ import annotations

import re
from urllib.parse import quote

import httpx

from emulator import inbound
from emulator.gateway.mapping import substitute_stage_variables
from emulator.gateway.messages import GatewayResponse
from emulator.gateway.rest.integrations.base import Backends
from emulator.gateway.rest.invocation import GatewayError, IntegrationResult, Invocation
from emulator.header_case import decoded

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
              "trailers", "transfer-encoding", "upgrade", "host", "content-length"}


def endpoint_url(inv: Invocation) -> str:
    assert inv.integration_request is not None and inv.route is not None
    uri = substitute_stage_variables(inv.integration_request.uri, inv.stage_variables)
    values = {**inv.route.path_params, **inv.integration_request.path}

    def fill(match: re.Match[str]) -> str:
        value = values.get(match.group(1).rstrip("+"), "")
        return quote(value, safe="/")  # a greedy value keeps its slashes

    return re.sub(r"\{([^}]+)\}", fill, uri)


async def _send(inv: Invocation, backends: Backends, headers: dict[str, str]
                ) -> httpx.Response:
    request = inv.integration_request
    assert request is not None
    url = endpoint_url(inv)
    inv.note("Endpoint request URI: %s", url)
    if inv.trace_header:
        headers = {**headers, "X-Amzn-Trace-Id": inv.trace_header}
    try:
        return await backends.http.request(request.method, url, params=tuple(request.query),
                                           headers=headers, content=request.body)
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
        raise GatewayError("DEFAULT_5XX", 500, "Internal server error",
                           log=f"Execution failed due to configuration error: {exc}") from None


async def http_proxy(inv: Invocation, backends: Backends) -> IntegrationResult:
    request = inv.integration_request
    assert request is not None
    headers = {k: v for k, v in inv.request.headers if k.lower() not in HOP_BY_HOP}
    headers.update(request.headers)
    reply = await _send(inv, backends, headers)
    out = [(k, v) for k, v in decoded(reply.headers.raw)
           if k.lower() not in HOP_BY_HOP and k.lower() != "content-encoding"]
    response = GatewayResponse(reply.status_code, out, reply.content)
    return IntegrationResult(reply.status_code, out, reply.content, final=response)


async def http(inv: Invocation, backends: Backends) -> IntegrationResult:
    request = inv.integration_request
    assert request is not None
    reply = await _send(inv, backends, dict(request.headers))
    out = [(k, v) for k, v in decoded(reply.headers.raw)
           if k.lower() not in HOP_BY_HOP and k.lower() != "content-encoding"]
    return IntegrationResult(reply.status_code, out, reply.content)


async def mock(inv: Invocation, backends: Backends) -> IntegrationResult:
    """MOCK answers with the status code its request template names."""
    request = inv.integration_request
    status = 200
    if request is not None and request.body.strip():
        try:
            document = inbound.loads(request.body)
        except ValueError:
            document = None
        if isinstance(document, dict) and "statusCode" in document:
            try:
                status = int(document["statusCode"])
            except (TypeError, ValueError):
                raise GatewayError("DEFAULT_5XX", 500, "Internal server error",
                                   log="Execution failed due to configuration error: "
                                       "invalid statusCode in the MOCK request "
                                       "template") from None
    return IntegrationResult(status, [], b"")


__all__ = ["endpoint_url", "http", "http_proxy", "mock"]
