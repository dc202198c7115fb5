"""Calling a WebSocket route's integration: Lambda proxy (``AWS_PROXY``), Lambda and AWS
services without a proxy (``AWS``), ``HTTP`` and ``HTTP_PROXY`` endpoints, and ``MOCK``.

Non-proxy integrations send the request template that the integration's template selection
expression picks (``$default`` when none matches; without an expression, the
``application/json`` one), else the message itself as the passthrough
behavior allows. Every call is timed on the emulator's clock against ``TimeoutInMillis``.
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any, cast

import httpx

from emulator import inbound
from emulator.clock import Clock
from emulator.errors import summary
from emulator.gateway.mapping import MappingError, render, substitute_stage_variables
from emulator.gateway.rest.integrations.aws_services import aws_service
from emulator.gateway.rest.integrations.base import Backends
from emulator.gateway.rest.integrations.lambda_ import FUNCTION_URI
from emulator.gateway.rest.invocation import GatewayError, IntegrationRequest, Invocation
from emulator.gateway.websocket import selection
from emulator.gateway.websocket.events import Call, proxy_event, template_context
from emulator.ports import Ports

# Without a template selection expression, templates are picked by content type.
MESSAGE_CONTENT_TYPE = "application/json"
LAMBDA_ARN = re.compile(r"^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[^/]+$")


class IntegrationFailed(Exception):
    """The integration could not answer; the client is told ``Internal server error``."""

    def __init__(self, log: str, status: int = 500) -> None:
        super().__init__(log)
        self.log = log
        self.status = status


@dataclass
class Outcome:
    """What the integration answered."""

    status: int = 200
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    error_message: str | None = None  # a non-proxy Lambda function's errorMessage
    proxy: bool = False


def _uri(call: Call, integration: dict[str, Any]) -> str:
    return substitute_stage_variables(str(integration.get("IntegrationUri") or ""),
                                      call.stage_variables)


def _function(uri: str) -> str:
    match = FUNCTION_URI.search(uri)
    if match is not None:
        return match["function"]
    if LAMBDA_ARN.match(uri):
        return uri
    raise IntegrationFailed(f"Invalid Lambda function URI {uri}")


def sources(call: Call, body: str | None = None) -> selection.Sources:
    conn = call.connection
    return selection.Sources(
        body=call.body if body is None else body,
        headers={key.lower(): value for key, value in conn.headers},
        query=dict(conn.query), context=template_context(call),
        stage_variables=call.stage_variables, status=call.status)


def template_params(call: Call) -> dict[str, dict[str, str]]:
    """``$input.params()``: the handshake's headers and query string."""
    conn = call.connection
    return {"path": {}, "querystring": dict(conn.query),
            "header": {key: value for key, value in conn.headers}}


def request_body(call: Call, integration: dict[str, Any]) -> str:
    """What a non-proxy integration is sent: the selected request template, rendered, or the
    message when the passthrough behavior lets it through."""
    templates: dict[str, str] = integration.get("RequestTemplates") or {}
    body = call.body or ""
    expression = integration.get("TemplateSelectionExpression")
    if expression:
        try:
            key = selection.evaluate(str(expression), sources(call))
        except selection.NotEvaluable:
            key = selection.DEFAULT
    else:
        # The templates are keyed by content type (the API reference's RequestTemplates); a
        # message carries none, so it is JSON, as a REST request without Content-Type is.
        key = MESSAGE_CONTENT_TYPE
    template = templates.get(key, templates.get(selection.DEFAULT))
    if template is None:
        behavior = integration.get("PassthroughBehavior") or "WHEN_NO_MATCH"
        if behavior == "NEVER" or (behavior == "WHEN_NO_TEMPLATES" and templates):
            raise IntegrationFailed("the message matches no request template and the "
                                    f"passthrough behavior is {behavior}", 415)
        return body
    try:
        return render(template, body, template_params(call), template_context(call),
                      call.stage_variables)
    except MappingError as exc:
        raise IntegrationFailed(f"the request template failed: {exc}") from None


async def _invoke(call: Call, function: str, payload: bytes, ports: Ports
                  ) -> tuple[bytes, str | None]:
    conn = call.connection
    try:
        result = await ports.functions.invoke(function, payload, account=conn.account,
                                              region=conn.region)
    except LookupError:
        raise IntegrationFailed("the Lambda service is not available") from None
    except Exception as exc:  # the Invoke API's own error, e.g. an unknown function
        raise IntegrationFailed(f"Lambda invocation failed: {summary(exc)}") from None
    call.status = str(result.status_code)
    return result.payload, result.function_error


def _proxy_answer(payload: bytes) -> Outcome:
    """A Lambda proxy function's answer: ``statusCode``, ``headers``, ``body`` (base64 when
    ``isBase64Encoded``); anything else is sent as it came."""
    try:
        answer = inbound.loads(payload or b"null")
    except ValueError:
        return Outcome(200, payload, proxy=True)
    if not isinstance(answer, dict):
        return Outcome(200, payload, proxy=True)
    try:
        status = int(answer.get("statusCode", 200))
    except (TypeError, ValueError):
        raise IntegrationFailed("Malformed Lambda proxy response: statusCode", 502) from None
    headers = [(str(k), str(v)) for k, v in (answer.get("headers") or {}).items()]
    body = answer.get("body")
    if body is None:
        data = b""
    elif answer.get("isBase64Encoded"):
        try:
            data = base64.b64decode(str(body))
        except ValueError:
            raise IntegrationFailed("Malformed Lambda proxy response: body", 502) from None
    else:
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
    return Outcome(status, data, headers, proxy=True)


async def lambda_proxy(call: Call, integration: dict[str, Any], ports: Ports) -> Outcome:
    function = _function(_uri(call, integration))
    payload, error = await _invoke(call, function, json.dumps(proxy_event(call)).encode(),
                                   ports)
    if error:
        call.error_message = payload.decode("utf-8", "replace")
        raise IntegrationFailed("Lambda function error: " + call.error_message, 502)
    return _proxy_answer(payload)


async def _lambda(call: Call, uri: str, body: str, ports: Ports) -> Outcome:
    payload, error = await _invoke(call, _function(uri), body.encode(), ports)
    if not error:
        return Outcome(200, payload, [("Content-Type", "application/json")])
    try:
        message = str(inbound.loads(payload).get("errorMessage", ""))
    except (ValueError, AttributeError):
        message = payload.decode("utf-8", "replace")
    return Outcome(200, payload, [("Content-Type", "application/json")],
                   error_message=message)


@dataclass
class _ServiceCall:
    """The members of a REST invocation that AWS service integrations read."""

    integration: dict[str, Any]
    integration_request: IntegrationRequest
    stage_variables: dict[str, str]
    deployed: Any
    request_id: str

    def note(self, message: str, *args: object) -> None:
        """Execution logs are REST APIs' own."""


def _static_headers(integration: dict[str, Any]) -> dict[str, str]:
    """``integration.request.header.X`` parameters with static ``'values'``."""
    headers: dict[str, str] = {}
    for key, value in (integration.get("RequestParameters") or {}).items():
        text = str(value)
        if key.startswith("integration.request.header.") and len(text) >= 2 \
                and text[0] == text[-1] == "'":
            headers[key[len("integration.request.header."):]] = text[1:-1]
    return headers


async def _service(call: Call, integration: dict[str, Any], body: str, backends: Backends
                   ) -> Outcome:
    """SQS, SNS and EventBridge, as REST APIs' AWS integrations reach them."""
    headers = {"Content-Type": "application/x-amz-json-1.1", **_static_headers(integration)}
    view = _ServiceCall(
        integration={"uri": _uri(call, integration)},
        integration_request=IntegrationRequest(
            "POST", _uri(call, integration), headers, body=body.encode()),
        stage_variables=call.stage_variables, deployed=call.deployed,
        request_id=call.request_id)
    try:
        result = await aws_service(cast(Invocation, view), backends)
    except GatewayError as error:
        raise IntegrationFailed(error.log or str(error.message)) from None
    call.status = str(result.status)
    return Outcome(result.status, result.body, list(result.headers))


async def _http(call: Call, integration: dict[str, Any], body: str, client: httpx.AsyncClient
                ) -> Outcome:
    method = str(integration.get("IntegrationMethod") or "POST").upper()
    url = _uri(call, integration)
    try:
        reply = await client.request(method, url, content=body.encode(),
                                     headers={"Content-Type": "application/json"})
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
        raise IntegrationFailed(f"HTTP integration failed: {exc}") from None
    call.status = str(reply.status_code)
    return Outcome(reply.status_code, reply.content, list(reply.headers.multi_items()),
                   proxy=integration.get("IntegrationType") == "HTTP_PROXY")


def _mock(call: Call, body: str) -> Outcome:
    """A mock answers with the ``statusCode`` its request template gives (200 without)."""
    try:
        document = inbound.loads(body) if body.strip() else {}
        status = int(document.get("statusCode", 200)) if isinstance(document, dict) else 200
    except (ValueError, TypeError):
        status = 200
    call.status = str(status)
    return Outcome(status)


async def _dispatch(call: Call, integration: dict[str, Any], backends: Backends) -> Outcome:
    kind = integration.get("IntegrationType")
    if kind == "AWS_PROXY":
        return await lambda_proxy(call, integration, backends.ports)
    if kind == "HTTP_PROXY":
        return await _http(call, integration, call.body or "", backends.http)
    body = request_body(call, integration)
    if kind == "MOCK":
        return _mock(call, body)
    if kind == "HTTP":
        return await _http(call, integration, body, backends.http)
    uri = _uri(call, integration)
    if FUNCTION_URI.search(uri):
        return await _lambda(call, uri, body, backends.ports)
    return await _service(call, integration, body, backends)


async def call_integration(call: Call, integration: dict[str, Any], backends: Backends,
                           clock: Clock) -> Outcome:
    """The integration's answer, within its timeout on the emulator's clock."""
    timeout = int(integration.get("TimeoutInMillis") or 29000) / 1000.0
    task = asyncio.ensure_future(_dispatch(call, integration, backends))
    deadline = clock.now() + timeout
    started = time.perf_counter()
    try:
        # Look again four times a second, so a clock a test moves on times it out too.
        while not task.done():
            remaining = deadline - clock.now()
            if remaining <= 0:
                task.cancel()
                raise IntegrationFailed("the integration timed out", 504)
            await asyncio.wait({task}, timeout=min(remaining, 0.25))
        return task.result()
    finally:
        call.integration_latency = str(int((time.perf_counter() - started) * 1000))


__all__ = ["IntegrationFailed", "Outcome", "call_integration", "lambda_proxy",
           "request_body", "sources", "template_params"]
