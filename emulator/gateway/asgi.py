"""Where invoke URLs enter the data plane from the web server.

Three addresses reach a stage: the host ``{apiId}.execute-api.localhost[:port]``, the path
``/_aws/execute-api/{apiId}/{stage}/...`` and the legacy ``/restapis/{apiId}/{stage}/
_user_request_/...``; a custom domain name is recognised by its Host. ``/_aws/execute-api/
_metrics`` reports request, error and cache counters.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from emulator import traffic
from emulator.gateway.http_api import web as http_apis
from emulator.gateway.messages import GatewayRequest
from emulator.gateway.websocket import callback as websocket_callback

API_HOST = re.compile(r"^(?P<api>[a-z0-9]{1,32})\.execute-api(?:\.[a-z0-9-]+)*\.localhost"
                      r"(?::\d+)?$")
HTTP_PATH_FORM = re.compile(r"^/_aws/execute-api/(?P<api>[^/]+)(?P<rest>/.*)?$")
PATH_FORM = re.compile(r"^/_aws/execute-api/(?P<api>[^/]+)/(?P<stage>[^/]+)(?P<rest>/.*)?$")
USER_REQUEST = re.compile(
    r"^/restapis/(?P<api>[^/]+)/(?P<stage>[^/]+)/_user_request_(?P<rest>/.*)?$")
LOCAL_HOSTS = ("localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]", "host.docker.internal")


def _gateway(services: Any) -> Any:
    provider = services.get("apigateway")
    return provider.port("execute-api") if provider is not None else None


async def _request(request: Request, path: str) -> GatewayRequest:
    raw_query = request.scope.get("query_string", b"").decode("latin-1")
    return GatewayRequest(
        method=request.method,
        path=path or "/",
        query=parse_qsl(raw_query, keep_blank_values=True),
        headers=[(k.decode("latin-1"), v.decode("latin-1"))
                 for k, v in request.scope["headers"]],
        body=await request.body(),
        source_ip=request.client.host if request.client else "127.0.0.1",
        host=request.headers.get("host", "localhost"),
        scheme=request.url.scheme,
        raw_query=raw_query,
        raw_path=request.scope.get("raw_path", b"").decode("latin-1").split("?", 1)[0]
        or request.url.path,
    )


async def dispatch(services: Any, request: Request) -> Response | None:
    """The data plane's answer when ``request`` is addressed to an invoke URL, else None."""
    host = request.headers.get("host", "")
    path = request.scope.get("raw_path", b"").decode("latin-1").split("?", 1)[0] \
        or request.url.path
    if websocket_callback.management_call(services, request, host, path):
        return None  # an @connections call: the wire layer answers it
    match = API_HOST.match(host)
    if match is not None:
        answer = await http_apis.dispatch(services, request, match["api"], path, _request)
        if answer is not None:  # an HTTP API: its stage may be $default, with no prefix
            return answer
        stage, _, rest = path.lstrip("/").partition("/")
        return await _serve(services, request, match["api"], stage, "/" + rest)
    if path.startswith("/_aws/execute-api/"):
        if path.rstrip("/") == "/_aws/execute-api/_metrics":
            gateway = _gateway(services)
            return JSONResponse(gateway.metrics() if gateway is not None else {})
        head = HTTP_PATH_FORM.match(path)
        answer = await http_apis.dispatch(services, request, head["api"], head["rest"] or "/",
                                          _request) if head else None
        if answer is not None:
            return answer
        found = PATH_FORM.match(path)
        if found is None:
            return JSONResponse({"message": "Missing Authentication Token"}, status_code=403)
        return await _serve(services, request, found["api"], found["stage"],
                            found["rest"] or "/")
    if "/_user_request_" in path:
        found = USER_REQUEST.match(path)
        if found is not None:
            return await _serve(services, request, found["api"], found["stage"],
                                found["rest"] or "/")
    bare = host.rsplit(":", 1)[0] if not host.startswith("[") else host
    if bare and bare not in LOCAL_HOSTS and not bare.endswith(".localhost") \
            and "apigatewayv2" in services.loaded():
        reply = await http_apis.serve_domain(services, bare, await _request(request, path))
        if reply is not None:
            return http_apis.send(reply)
    if bare and bare not in LOCAL_HOSTS and not bare.endswith(".localhost") \
            and "apigateway" in services.loaded():
        gateway = _gateway(services)
        reply = await gateway.handle_domain(bare, await _request(request, path))
        if reply is not None:
            return http_apis.send(reply)
    return None


async def _serve(services: Any, request: Request, api_id: str, stage: str, path: str
                 ) -> Response:
    traffic.note(kind="execute-api", resource=f"{api_id}/{stage}")
    gateway = _gateway(services)
    if gateway is None:
        return JSONResponse({"message": "Forbidden"}, status_code=403)
    await services.ensure_started("apigateway", services.get("apigateway"))
    reply = await gateway.handle(api_id, stage, await _request(request, path))
    return http_apis.send(reply)


__all__ = ["API_HOST", "dispatch"]
