"""The one ASGI application: internal routes, the front door (requests that are not AWS API
calls: function URLs, invoke and callback URLs, custom domains), and every other request to
the wire layer."""

from __future__ import annotations

import asyncio
import importlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cache, partial
from typing import TYPE_CHECKING, Any, cast

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket

from emulator import __version__, addresses, inbound, leftovers
from emulator.clock import Clock
from emulator.config import Settings
from emulator.console.door import CONSOLE_PATH, PORTAL_PATH, wants_console
from emulator.gateway import http_client
from emulator.gateway.websocket import web as websocket_apis
from emulator.idle import wait_idle
from emulator.ports import Ports
from emulator.services.cognito_idp import http as cognito_http
from emulator.services.lambda_ import http as lambda_http
from emulator.services.registry import ServiceRegistry
from emulator.services.s3 import http as s3_http
from emulator.services.xray import http as xray_http
from emulator.stopping import ResponseWatch, send_stopping
from emulator.store import Backend, MemoryBackend, SqliteBackend
from emulator.streams import ByteStream
from emulator.traffic import RequestLog
from emulator.wire.request import WireRequest

if TYPE_CHECKING:
    from emulator.console.web import Console
    from emulator.wire.dispatch import Dispatcher

log = logging.getLogger("emulator")

LOGGED_BODY_LIMIT = 1024 * 1024  # bodies up to this size are read whole for the request log
DRAIN_LIMIT = 8 * 1024 * 1024  # bodies answered unread up to this size are read and dropped
ALL_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]

# A front door handler answers a request it claims, or passes it on with None.
Handler = Callable[[Request, Ports], Awaitable[Response | None]]


@dataclass(frozen=True)
class Entry:
    """One claim on the requests that are not AWS API calls.

    ``claims`` reads the request's address (Host and path) or headers and loads nothing;
    ``serve`` names the handler as ``"module:function"``, imported when a request is first
    claimed, so the server starts without any data plane loaded. An entry with a ``port`` is
    asked only once the service offering that port is loaded: before, nothing is its.
    """

    name: str
    claims: Callable[[Request], bool]
    serve: str
    port: str | None = None

    def handler(self) -> Handler:
        return _handler(self.serve)


@cache
def _handler(target: str) -> Handler:
    module_name, function_name = target.split(":")
    return cast(Handler, getattr(importlib.import_module(module_name), function_name))


# The front door, asked in this order before the wire layer; adding an entry is one line.
FRONT_DOOR: tuple[Entry, ...] = (
    Entry("CloudFront viewer", addresses.cloudfront_viewer, "emulator.edge.web:viewer"),
    Entry("function URL", addresses.function_url, "emulator.services.lambda_.http:by_host"),
    Entry("@connections call", addresses.callback_url,
          "emulator.services.apigatewaymanagementapi.http:callback"),
    Entry("HTTP API invoke URL", addresses.invoke_url,
          "emulator.gateway.http_api.web:invoke_url", port="http-apis"),
    Entry("REST API invoke URL", addresses.invoke_url,
          "emulator.gateway.rest.web:invoke_url"),
    Entry("custom domain name", addresses.domain_name,
          "emulator.gateway.domains:custom_domain"),
    Entry("S3 browser request", s3_http.claims, "emulator.services.s3.http:answer"),
)


class Emulator:
    """Everything one running emulator holds: settings, clock, storage and services."""

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock = clock or Clock()
        leftovers.sweep()  # what servers that died before cleaning up left behind
        path = settings.database_path
        self.backend: Backend = SqliteBackend(path) if path is not None else MemoryBackend()
        self.services = ServiceRegistry(settings, self.clock, self.backend)
        self.requests = RequestLog(settings.request_history, settings.request_body_bytes,
                                   log_lines=settings.request_log, now=self.clock.now)
        self._dispatcher: Dispatcher | None = None
        self._console: Console | None = None
        self.started_at = time.monotonic()

    @property
    def dispatcher(self) -> Dispatcher:
        # The wire layer loads botocore; do that on the first AWS request.
        if self._dispatcher is None:
            from emulator.services.cloudtrail.bus import forwarder
            from emulator.wire.dispatch import Dispatcher

            calls = self.services.ports.api_calls
            calls.listeners.append(forwarder(self.services.ports))
            self._dispatcher = Dispatcher(self.settings, self.services, calls)
        return self._dispatcher

    @property
    def console(self) -> Console:
        # The console loads its templates on the first page a browser asks for.
        if self._console is None:
            from emulator.console.web import Console

            self._console = Console(self)
        return self._console


def _json_body(payload: bytes) -> dict[str, Any]:

    if not payload.strip():
        return {}
    data = inbound.loads(payload)
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    return data


def _lambda_runtimes() -> dict[str, str]:
    """Which Lambda runtimes run here and on what (files on disk only: never a process)."""
    from emulator.runtime import runtimes

    return {entry.runtime: entry.runs_on for entry in runtimes.available()}


async def _small_body(request: Request) -> bytes:
    """The body for the request log when it is small; larger ones (S3 objects) stay unread
    here, so the wire layer can stream them."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) <= LOGGED_BODY_LIMIT:
        return await request.body()
    return b""


def _length(headers: dict[str, str]) -> int | None:
    text = headers.get("content-length", "")
    return int(text) if text.isdigit() else None


# Paths some internal route below may claim (the console and portal are under /_emulator/);
# every other request is the catch-all's, which the front lane answers directly.
INTERNAL_PREFIXES = ("/_emulator/", "/_aws/lambda-url/", "/_aws/lambda-code/", "/v1/traces")
POOL_ROUTES = ("/.well-known/", "/oauth2/token", "/oauth2/authorize")


def routed_internally(path: str) -> bool:
    """Whether a route other than the catch-all could match ``path``."""
    return path.startswith(INTERNAL_PREFIXES) or any(part in path for part in POOL_ROUTES)


class FrontLane:
    """Requests only the catch-all route can match (AWS API calls, invoke URLs, function URLs
    by host: nearly all traffic) go straight to its endpoint instead of through the router's
    every route and its exception layers: the same endpoint and the same answers, without a
    regular expression per route per request. Anything else (internal routes, WebSockets,
    methods the catch-all does not take) goes on to the router as before."""

    def __init__(self, app: ASGIApp, serve: Callable[[Request], Awaitable[Response]]) -> None:
        self.app = app
        self.serve = serve

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Internal routes may send as they go, so their sends are watched; an AWS request
        # sends nothing until its response is built, and then starts at once.
        watch: ResponseWatch | None = None
        answering = False
        try:
            if scope["method"] not in ALL_METHODS or routed_internally(scope["path"]):
                watch = ResponseWatch(send)
                await self.app(scope, receive, watch.send)
                return
            response = await self.serve(Request(scope, receive, send))
            answering = True
            await response(scope, receive, send)
        except asyncio.CancelledError:
            # The server is stopping and its graceful window is over (the one thing that
            # cancels a request): a 503 the client may retry, not a 500 and a traceback.
            if answering or (watch is not None and watch.started):
                raise
            await send_stopping(send)
        except ClientDisconnect:
            return  # the client went away before its body was read: no one to answer


def build_app(settings: Settings | None = None, clock: Clock | None = None) -> Starlette:
    """Build the ASGI app; ``app.state.emulator`` holds the running :class:`Emulator`."""
    emulator = Emulator(settings or Settings(), clock)

    ports = emulator.services.ports

    async def health(request: Request) -> Response:
        problems = emulator.services.problems()
        report: dict[str, Any] = {
            # "degraded": some service cannot load (its answer would be an error).
            "status": "degraded" if problems else "running",
            "version": __version__,
            "services": emulator.services.status(),
            "uptime_seconds": round(time.monotonic() - emulator.started_at, 3),
            "persistence": emulator.settings.state_dir is not None,
            "xray_daemon": xray_http.daemon_status(emulator.settings),
            "lambda_runtimes": _lambda_runtimes(),
        }
        if problems:
            report["problems"] = problems
        return JSONResponse(report)

    async def reset(request: Request) -> Response:
        service = request.query_params.get("service")
        try:
            service = _json_body(await request.body()).get("service", service)
        except ValueError:
            return JSONResponse({"error": "the body must be a JSON object"}, status_code=400)
        if service is not None and service not in emulator.services.names:
            return JSONResponse({"error": f"unknown service {service!r}"}, status_code=400)
        return JSONResponse({"reset": emulator.services.reset(service)})

    async def resources(request: Request) -> Response:
        return JSONResponse(emulator.services.resources())

    async def clock_route(request: Request) -> Response:
        if request.method == "POST":
            try:
                body = _json_body(await request.body())
                freeze = body.get("freeze")
                if freeze is not None and not isinstance(freeze, bool):
                    raise ValueError("freeze must be true or false")
                jump: Callable[[], object] | None = None
                if "advance" in body:
                    seconds = float(body["advance"])
                    if seconds < 0:
                        raise ValueError("the clock only moves forward")
                    jump = partial(emulator.clock.advance, seconds)
                elif "set" in body:
                    value = body["set"]
                    epoch = (
                        datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
                        if isinstance(value, str)
                        else float(value)
                    )
                    jump = partial(emulator.clock.set, epoch)
                elif body.get("reset"):
                    jump = emulator.clock.reset
                elif freeze is None:
                    raise ValueError("give one of advance, set, reset or freeze")
            except (ValueError, TypeError, OverflowError) as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
            was_frozen = emulator.clock.frozen
            try:
                if freeze:  # before the jump, so it lands on a clock standing still
                    emulator.clock.freeze()
                if jump is not None:
                    jump()  # refuses a time outside the clock's range
            except (ValueError, OverflowError) as exc:
                if freeze and not was_frozen:
                    emulator.clock.unfreeze()
                return JSONResponse({"error": str(exc)}, status_code=400)
            if freeze is False:
                emulator.clock.unfreeze()
        return JSONResponse(
            {
                "now": emulator.clock.now(),
                "iso": emulator.clock.now_datetime().isoformat(),
                "offset_seconds": emulator.clock.offset,
                "frozen": emulator.clock.frozen,
            }
        )

    async def idle(request: Request) -> Response:
        try:
            body = _json_body(await request.body()) if request.method == "POST" else {}
            timeout = float(body.get("timeout", request.query_params.get("timeout", 10)))
        except (ValueError, TypeError):
            return JSONResponse({"error": "timeout must be a number of seconds"}, status_code=400)
        busy = await wait_idle(emulator.services.busy, max(0.0, min(timeout, 300.0)))
        return JSONResponse({"idle": not busy, "busy": busy}, status_code=408 if busy else 200)

    async def recorded(request: Request, handler: Callable[[Request], Awaitable[Response]]
                       ) -> Response:
        """The handler's answer, kept in the request log with what answered it."""
        scope = request.scope
        exchange = emulator.requests.begin(
            "unroutable", request.method, scope["path"],
            host=request.headers.get("host", ""),
            query=scope.get("query_string", b"").decode("latin-1"),
            headers=scope["headers"], body=await _small_body(request))
        with emulator.requests.serving():
            response = await handler(request)
        emulator.requests.finish(exchange, response.status_code, headers=response.raw_headers,
                                 body=getattr(response, "body", b""))
        return response

    async def aws(request: Request) -> Response:
        """Every request not claimed by an internal route."""
        return await recorded(request, answer)

    async def answer(request: Request) -> Response:
        for entry in FRONT_DOOR:
            if entry.claims(request) and (entry.port is None
                                          or ports.loaded(entry.port) is not None):
                answered = await entry.handler()(request, ports)
                if answered is not None:
                    return answered
        # After the front door: a browser opening the root of a function URL, an API or a
        # distribution wants that, not the console.
        if emulator.settings.console and wants_console(
                request.method, request.scope["path"], request.headers,
                request.scope.get("query_string", b"").decode("latin-1")):
            return RedirectResponse(CONSOLE_PATH, status_code=302)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in request.scope["headers"]}
        body_stream = ByteStream(request.stream(), _length(headers))
        wire_request = WireRequest(
            method=request.method,
            path=request.scope.get("raw_path", b"").decode("latin-1").split("?", 1)[0]
            or request.scope["path"],
            query_string=request.scope.get("query_string", b"").decode("latin-1"),
            headers=headers,
            body=b"",
            # What request.url.scheme reads, without building the whole URL.
            scheme=request.scope.get("scheme", "http").lower(),
            # Read by the wire layer: whole, or as it arrives for streaming payloads.
            stream=body_stream,
            extra={"source_ip": request.client.host if request.client else "127.0.0.1"},
        )
        outcome = await emulator.dispatcher.handle(wire_request)
        reply = outcome.response
        unread = body_stream
        if not unread.finished:
            # An answer given before the body was read (a failed precondition, an unknown
            # bucket): small bodies are drained so the connection stays usable; for large
            # ones the connection is closed, as AWS closes it.
            if unread.length is not None and unread.length <= DRAIN_LIMIT \
                    and not unread.started:
                await unread.drain()
            else:
                reply.headers["Connection"] = "close"
        if reply.stream is not None:
            return StreamingResponse(reply.stream, status_code=reply.status,
                                     headers=reply.headers)
        return Response(reply.body, status_code=reply.status, headers=reply.headers)

    async def lambda_url(request: Request) -> Response:
        return await recorded(request, lambda given: lambda_http.url_route(ports, given))

    async def lambda_code(request: Request) -> Response:
        return await lambda_http.code_route(ports, request)

    async def pool_document(request: Request) -> Response:
        served = await cognito_http.issuer_route(ports, request)
        return served if served is not None else await aws(request)

    async def pool_token(request: Request) -> Response:
        served = await cognito_http.token_route(ports, request)
        return served if served is not None else await aws(request)

    async def pool_sign_in(request: Request) -> Response:
        served = await cognito_http.authorize_route(ports, request)
        return served if served is not None else await aws(request)

    async def websocket_api(websocket: WebSocket) -> None:
        with emulator.requests.serving():  # each message is kept in the request log
            await websocket_apis.serve(ports, websocket)

    def lazy(build: Callable[[], ASGIApp]) -> ASGIApp:
        """An ASGI app made on its first request (the console loads only when opened)."""
        made: list[ASGIApp] = []

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            if not made:
                made.append(build())
            await made[0](scope, receive, send)

        return app

    async def xray_otlp(request: Request) -> Response:
        return await xray_http.otlp_traces(emulator.services, request)

    async def xray_traces(request: Request) -> Response:
        return await xray_http.traces_route(emulator.services, request)

    async def xray_trace(request: Request) -> Response:
        return await xray_http.trace_route(emulator.services, request)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await emulator.services.start()
        await xray_http.start_daemon(emulator.services)
        host = emulator.settings.host
        host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
        host = f"[{host}]" if ":" in host else host
        http_client.serve_own_names(f"http://{host}:{emulator.settings.port}")
        log.info("emulator %s ready", __version__)
        try:
            yield
        finally:
            await xray_http.stop_daemon(emulator.services)
            await emulator.services.stop()
            await http_client.close()
            emulator.backend.close()
            log.info("emulator stopped cleanly")

    app = Starlette(
        middleware=[Middleware(FrontLane, serve=aws)],
        routes=[
            Route("/_emulator/health", health, methods=["GET", "HEAD"]),
            Route("/_emulator/reset", reset, methods=["POST"]),
            Route("/_emulator/resources", resources, methods=["GET"]),
            Route("/_emulator/clock", clock_route, methods=["GET", "POST"]),
            Route("/_emulator/idle", idle, methods=["GET", "POST"]),
            Route("/_aws/lambda-url/{rest:path}", lambda_url, methods=ALL_METHODS),
            Route("/_aws/lambda-code/{owner}/{digest}.zip", lambda_code, methods=["GET"]),
            Route("/_emulator/xray/traces", xray_traces, methods=["GET"]),
            Route("/_emulator/xray/traces/{trace_id}", xray_trace, methods=["GET"]),
            Route("/v1/traces", xray_otlp, methods=["POST"]),
            *([Mount(CONSOLE_PATH.rstrip("/"), app=lazy(lambda: emulator.console.console_app())),
               Mount(PORTAL_PATH.rstrip("/"), app=lazy(lambda: emulator.console.portal_app()))]
              if emulator.settings.console else []),
            Route("/{pool_id}/.well-known/{document}", pool_document, methods=["GET"]),
            Route("/{pool_id}/oauth2/token", pool_token, methods=["POST"]),
            Route("/{pool_id}/oauth2/authorize", pool_sign_in, methods=["GET", "POST"]),
            Route("/{path:path}", aws, methods=ALL_METHODS),
            WebSocketRoute("/{path:path}", websocket_api),
        ],
        lifespan=lifespan,
    )
    app.state.emulator = emulator
    return app


__all__ = ["FRONT_DOOR", "Emulator", "Entry", "FrontLane", "Handler", "build_app"]
