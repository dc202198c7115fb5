"""Where invoke URLs of HTTP APIs leave the web server for the HTTP API data plane.

HTTP APIs share the addresses of REST APIs (``{apiId}.execute-api.localhost``,
``/_aws/execute-api/{apiId}/...``, custom domain names); emulator.gateway.asgi asks here
first and falls back to REST APIs when the id or domain is not an HTTP API's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from emulator import traffic
from emulator.gateway.http_api.state import error_response
from emulator.gateway.messages import GatewayRequest, GatewayResponse

if TYPE_CHECKING:
    from emulator.gateway.http_api.engine import HttpGateway


def gateway(services: Any) -> HttpGateway | None:
    """The HTTP API data plane, when the apigatewayv2 service has been used."""
    provider = services.loaded().get("apigatewayv2")
    if provider is None:
        return None
    # The engine loads botocore (SigV4): only once HTTP APIs are in use, not at start-up.
    from emulator.gateway.http_api.engine import HttpGateway

    found = provider.port("http-apis")
    return found if isinstance(found, HttpGateway) else None


async def serve(services: Any, api_id: str, path: str, request: GatewayRequest
                ) -> GatewayResponse | None:
    """The answer of HTTP API ``api_id`` (``path`` follows the API id), or None when
    ``api_id`` is not an HTTP API."""
    found = gateway(services)
    if found is None or not found.knows(api_id):
        return None
    traffic.note(kind="http-api", resource=api_id)
    await services.ensure_started("apigatewayv2", services.get("apigatewayv2"))
    return await found.handle(api_id, path, request)


async def serve_domain(services: Any, host: str, request: GatewayRequest
                       ) -> GatewayResponse | None:
    """The answer to a request for a custom domain name of HTTP APIs (whose mapping may
    name a REST API), or None when ``host`` is not one."""
    found = gateway(services)
    if found is None:
        return None
    target = found.domain_target(host, request.path)
    if target is False:
        return None
    if target is None or target is True:
        return error_response(403)
    if found.knows(target.mapping.api_id):
        return await found.handle_domain(target, request)
    rest = services.get("apigateway")
    if rest is None:
        return error_response(403)
    request.path = target.path
    reply: GatewayResponse = await rest.port("execute-api").handle(
        target.mapping.api_id, target.mapping.stage, request, via_domain=True)
    return reply


def send(reply: GatewayResponse) -> Response:
    """A data plane's response (REST or HTTP API) for the web server, which sets
    Content-Length from the body itself."""
    response = Response(reply.body, status_code=reply.status)
    for key, value in reply.headers:
        if key.lower() != "content-length":
            response.headers.append(key, value)
    return response


async def dispatch(services: Any, request: Request, api_id: str, path: str,
                   build: Any) -> Response | None:
    """``build(request, path)`` makes the GatewayRequest (emulator.gateway.asgi's)."""
    found = gateway(services)
    if found is None or not found.knows(api_id):
        return None
    reply = await serve(services, api_id, path, await build(request, path))
    return send(reply) if reply is not None else None


__all__ = ["dispatch", "gateway", "send", "serve", "serve_domain"]
