"""Where invoke URLs of HTTP APIs leave the web server for the HTTP API data plane (a front
door entry, see emulator.app).

HTTP APIs share the addresses of REST APIs (``{apiId}.execute-api.localhost``,
``/_aws/execute-api/{apiId}/...``, custom domain names); they are asked first, and a request
whose API id or domain is not an HTTP API's goes on to REST APIs. Nothing is loaded to find
out: until the apigatewayv2 service is in use, no id is an HTTP API's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from starlette.requests import Request
from starlette.responses import Response

from emulator import addresses, traffic
from emulator.gateway import web
from emulator.gateway.http_api.state import error_response
from emulator.gateway.messages import GatewayRequest, GatewayResponse
from emulator.ports import Ports

if TYPE_CHECKING:  # the engines load with their services, not with the server
    from emulator.gateway.http_api.engine import HttpGateway
    from emulator.gateway.rest.engine import Gateway


def _engine(ports: Ports, api_id: str | None = None) -> HttpGateway | None:
    """The HTTP API data plane if the apigatewayv2 service is in use (and knows ``api_id``)."""
    found = cast("HttpGateway | None", ports.loaded("http-apis"))
    if found is None or (api_id is not None and not found.knows(api_id)):
        return None
    return found


async def invoke_url(request: Request, ports: Ports) -> Response | None:
    """The answer of an HTTP API whose invoke URL ``request`` is addressed to, else None."""
    path = addresses.raw_path(request)
    by_host = addresses.API_HOST.match(addresses.host_of(request))
    found = by_host or (addresses.HTTP_PATH_FORM.match(path)
                        if path.startswith("/_aws/execute-api/") else None)
    if found is None or _engine(ports, found["api"]) is None:
        return None
    rest = path if by_host else (found["rest"] or "/")
    traffic.note(kind="http-api", resource=found["api"])
    engine = cast("HttpGateway", await ports.started("http-apis"))
    handed = lowercased(await web.gateway_request(request, rest))
    reply = await engine.handle(found["api"], rest, handed)
    return web.send(reply)


async def serve_domain(ports: Ports, host: str, request: GatewayRequest
                       ) -> GatewayResponse | None:
    """The answer to a request for a custom domain name of HTTP APIs (whose mapping may
    name a REST API), or None when ``host`` is not one."""
    found = _engine(ports)
    if found is None:
        return None
    target = found.domain_target(host, request.path)
    if target is False:
        return None
    if target is None or target is True:
        return error_response(403)
    if found.knows(target.mapping.api_id):
        return await found.handle_domain(target, lowercased(request))
    try:
        rest = cast("Gateway", await ports.started("execute-api"))
    except LookupError:
        return error_response(403)
    request.path = target.path
    return await rest.handle(target.mapping.api_id, target.mapping.stage, request,
                             via_domain=True)


def lowercased(request: GatewayRequest) -> GatewayRequest:
    """HTTP APIs hand integrations and authorizers every header name in lower case, whichever
    the payload format ("All header names are lowercase", Create AWS Lambda proxy
    integrations for HTTP APIs); REST APIs keep the client's names."""
    request.headers = [(name.lower(), value) for name, value in request.headers]
    return request


__all__ = ["invoke_url", "lowercased", "serve_domain"]
