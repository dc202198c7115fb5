"""Custom domain names (a front door entry, see emulator.app): a request whose Host is not the
emulator's own address goes to the API its base path mapping names, an HTTP API's domain
first, then a REST API's. Only services in use are asked: a stray Host loads nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from starlette.requests import Request
from starlette.responses import Response

from emulator import addresses
from emulator.gateway import web
from emulator.gateway.http_api import web as http_apis
from emulator.ports import Ports

if TYPE_CHECKING:  # the engine loads with the apigateway service, not with the server
    from emulator.gateway.rest.engine import Gateway


async def custom_domain(request: Request, ports: Ports) -> Response | None:
    domain = addresses.custom_domain(addresses.host_of(request))
    if domain is None:
        return None
    path = addresses.raw_path(request)
    reply = await http_apis.serve_domain(ports, domain, await web.gateway_request(request, path))
    rest = cast("Gateway | None", ports.loaded("execute-api"))
    if reply is None and rest is not None:
        reply = await rest.handle_domain(domain, await web.gateway_request(request, path))
    return web.send(reply) if reply is not None else None


__all__ = ["custom_domain"]
