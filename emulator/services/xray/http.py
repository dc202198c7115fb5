"""X-Ray's routes outside the AWS API: OTLP/HTTP traces (``/v1/traces``) and readable traces
(``/_emulator/xray/traces`` and ``/_emulator/xray/traces/{id}``)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from emulator import inbound
from emulator.accounts import account_for
from emulator.config import DEFAULT_ACCOUNT
from emulator.services.xray.host import daemon_status, start_daemon, stop_daemon
from emulator.wire.request import WireRequest
from emulator.xray import waterfall
from emulator.xray.otlp import OtlpError, convert, decode_protobuf, encode_response

if TYPE_CHECKING:
    from emulator.services.registry import ServiceRegistry
    from emulator.services.xray.provider import XrayProvider

PROTOBUF = "application/x-protobuf"


def _provider(services: ServiceRegistry) -> XrayProvider:
    from emulator.services.xray.provider import XrayProvider

    provider = services.get("xray")
    assert isinstance(provider, XrayProvider)
    return provider


def _scope(services: ServiceRegistry, request: Request) -> tuple[str, str]:
    wire = WireRequest(request.method, request.url.path, "",
                       {k.lower(): v for k, v in request.headers.items()}, b"")
    scope = wire.credential_scope
    if scope is not None:
        return account_for(scope.access_key), scope.region
    account = request.query_params.get("account") or DEFAULT_ACCOUNT
    return account, request.query_params.get("region") or services.settings.region


async def otlp_traces(services: ServiceRegistry, request: Request) -> Response:
    """OTLP/HTTP export of traces: protobuf or JSON in, the same encoding out."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    protobuf = content_type != "application/json"
    body = await request.body()
    if content_type not in (PROTOBUF, "application/json"):
        return PlainTextResponse("unsupported content type: use application/x-protobuf or "
                                 "application/json", status_code=415)
    try:
        if protobuf:
            data = decode_protobuf(body)
        else:
            data = inbound.loads(body or b"{}")
            if not isinstance(data, dict):
                raise OtlpError("the body must be a JSON object")
        documents, rejected = convert(data)
    except (OtlpError, ValueError, RecursionError) as error:
        message = str(error) or "malformed OTLP request"
        if protobuf:
            return Response(encode_response(0, message), status_code=400, media_type=PROTOBUF)
        return JSONResponse({"code": 3, "message": message}, status_code=400)
    provider = _provider(services)
    account, region = _scope(services, request)
    refused = provider.collector.put_documents(account, region,
                                               [json.dumps(doc) for doc in documents])
    rejected += len(refused)
    message = refused[0].message if refused else ("spans without valid ids" if rejected else "")
    reply = encode_response(rejected, message, protobuf)
    return Response(reply, media_type=PROTOBUF if protobuf else "application/json")


async def traces_route(services: ServiceRegistry, request: Request) -> Response:
    """Recent traces, newest first (``?limit=``, ``?format=text``)."""
    provider = _provider(services)
    account, region = _scope(services, request)
    try:
        limit = max(1, min(int(request.query_params.get("limit", "20")), 1000))
    except ValueError:
        return JSONResponse({"error": "limit must be a number"}, status_code=400)
    items = waterfall.listing(list(provider.collector.live(account, region)))[:limit]
    if request.query_params.get("format") == "text":
        return PlainTextResponse(waterfall.render_listing(items) + "\n")
    return JSONResponse({"traces": items})


async def trace_route(services: ServiceRegistry, request: Request) -> Response:
    """One trace as a tree with timings (JSON), or as a text waterfall (``?format=text``)."""
    provider = _provider(services)
    account, region = _scope(services, request)
    trace_id = request.path_params["trace_id"]
    trace = provider.collector.get(account, region, trace_id)
    if trace is None or not trace.segments:
        return JSONResponse({"error": f"no trace {trace_id}"}, status_code=404)
    view: dict[str, Any] = waterfall.tree(trace)
    if request.query_params.get("format") == "text":
        return PlainTextResponse(waterfall.render(view) + "\n")
    return JSONResponse(view)


__all__ = [
    "daemon_status", "otlp_traces", "start_daemon", "stop_daemon", "trace_route", "traces_route",
]
