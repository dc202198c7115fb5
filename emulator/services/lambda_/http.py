"""The HTTP side of Lambda outside the API: function URLs and code downloads.

Requests whose Host is ``<url-id>.lambda-url.<region>.localhost`` reach ``by_host`` (a front
door entry, see emulator.app); ``/_aws/lambda-url/<url-id>/<path>`` and
``/_aws/lambda-code/...`` (GetFunction's Code.Location) are routes of the app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from starlette.requests import Request
from starlette.responses import Response

from emulator import addresses, traffic
from emulator.ports import Ports

if TYPE_CHECKING:  # the provider loads with the first function URL call
    from emulator.services.lambda_.provider import LambdaProvider



async def function_url(ports: Ports, request: Request, url_id: str, path: str) -> Response:
    traffic.note(kind="function-url")
    provider = cast("LambdaProvider", await ports.started("function-urls"))
    raw_query = request.scope.get("query_string", b"").decode("latin-1")
    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.scope["headers"]]
    client = request.client.host if request.client else "127.0.0.1"
    reply = await provider.serve_url(url_id, request.method, path or "/", raw_query, headers,
                                     await request.body(), client)
    response = Response(reply.body, status_code=reply.status)
    for key, value in reply.headers:
        response.headers.append(key, value)
    return response


async def by_host(request: Request, ports: Ports) -> Response | None:
    """A function URL addressed by host name."""
    found = addresses.FUNCTION_URL_HOST.match(addresses.host_of(request))
    if found is None:
        return None
    return await function_url(ports, request, found["id"], request.url.path)


async def url_route(ports: Ports, request: Request) -> Response:
    rest = request.path_params["rest"]
    url_id, _, path = rest.partition("/")
    return await function_url(ports, request, url_id, "/" + path)


async def code_route(ports: Ports, request: Request) -> Response:
    digest = request.path_params["digest"]
    provider = cast("LambdaProvider", ports.get("function-urls"))
    data = provider.code_zip(digest)
    if data is None:
        return Response(b"", status_code=404)
    return Response(data, media_type="application/zip")


__all__ = ["by_host", "code_route", "function_url", "url_route"]
