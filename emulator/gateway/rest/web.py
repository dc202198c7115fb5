"""Where REST API invoke URLs enter the REST data plane from the web server (a front door
entry, see emulator.app): ``{apiId}.execute-api.localhost/{stage}/...``,
``/_aws/execute-api/{apiId}/{stage}/...`` and ``/restapis/{apiId}/{stage}/_user_request_/...``.
``/_aws/execute-api/_metrics`` reports request, error and cache counters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from emulator import addresses, traffic
from emulator.gateway import web
from emulator.gateway.messages import refusal
from emulator.ports import Ports

if TYPE_CHECKING:  # the engine loads with the apigateway service, not with the server
    from emulator.gateway.rest.engine import Gateway


async def _engine(ports: Ports) -> Gateway | None:
    try:
        return cast("Gateway", await ports.started("execute-api"))
    except LookupError:
        return None


async def _serve(request: Request, ports: Ports, api_id: str, stage: str, path: str,
                 vpce: str | None = None) -> Response:
    traffic.note(kind="execute-api", resource=f"{api_id}/{stage}")
    engine = await _engine(ports)
    if engine is None:
        return web.send(refusal(403, "Forbidden"))
    given = await web.gateway_request(request, path)
    given.vpce = vpce
    reply = await engine.handle(api_id, stage, given)
    return web.send(reply)


def _through_endpoint(request: Request) -> tuple[str, str] | None:
    """(API id, VPC endpoint id) of a request through a VPC endpoint's address."""
    host = addresses.host_of(request)
    found = addresses.VPCE_API_HOST.match(host)
    if found is not None:
        return found["api"], found["vpce"]
    by_endpoint = addresses.VPCE_HOST.match(host)
    api_id = request.headers.get("x-apigw-api-id")
    if by_endpoint is not None and api_id:
        return api_id, by_endpoint["vpce"]
    return None


async def invoke_url(request: Request, ports: Ports) -> Response | None:
    """The REST data plane's answer when ``request`` is addressed to a REST API's invoke
    URL (HTTP APIs, asked first, share these addresses), else None."""
    path = addresses.raw_path(request)
    through = _through_endpoint(request) if ".execute-api" in addresses.host_of(
        request) and "vpce-" in addresses.host_of(request) else None
    if through is not None:
        stage, _, rest = path.lstrip("/").partition("/")
        return await _serve(request, ports, through[0], stage, "/" + rest, vpce=through[1])
    by_host = addresses.API_HOST.match(addresses.host_of(request))
    if by_host is not None:
        stage, _, rest = path.lstrip("/").partition("/")
        return await _serve(request, ports, by_host["api"], stage, "/" + rest)
    if path.startswith("/_aws/execute-api/"):
        if path.rstrip("/") == "/_aws/execute-api/_metrics":
            loaded = cast("Gateway | None", ports.loaded("execute-api"))
            return JSONResponse(loaded.metrics() if loaded is not None else {})
        found = addresses.PATH_FORM.match(path)
        if found is None:
            return web.send(refusal(403, "Missing Authentication Token"))
        return await _serve(request, ports, found["api"], found["stage"], found["rest"] or "/")
    found = addresses.USER_REQUEST.match(path) if "/_user_request_" in path else None
    if found is not None:
        return await _serve(request, ports, found["api"], found["stage"], found["rest"] or "/")
    return None


__all__ = ["invoke_url"]
