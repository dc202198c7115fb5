"""The HTTP side of Lambda outside the API: function URLs and code downloads.

``app.py`` routes ``/_aws/lambda-url/<url-id>/<path>``, requests whose Host is
``<url-id>.lambda-url.<region>.localhost``, and ``/_aws/lambda-code/...`` (GetFunction's
Code.Location) here.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from emulator import traffic

URL_HOST = re.compile(r"^(?P<id>[a-z0-9]{32})\.lambda-url\.[a-z0-9-]+\.localhost(:\d+)?$")


def url_host(request: Request) -> str | None:
    """The URL id when the request's Host names a function URL."""
    match = URL_HOST.match(request.headers.get("host", ""))
    return match["id"] if match else None


async def function_url(services: Any, request: Request, url_id: str, path: str) -> Response:
    traffic.note(kind="function-url")
    provider = services.get("lambda")
    await services.ensure_started("lambda", provider)
    raw_query = request.scope.get("query_string", b"").decode("latin-1")
    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.scope["headers"]]
    client = request.client.host if request.client else "127.0.0.1"
    reply = await provider.serve_url(url_id, request.method, path or "/", raw_query, headers,
                                     await request.body(), client)
    response = Response(reply.body, status_code=reply.status)
    for key, value in reply.headers:
        response.headers.append(key, value)
    return response


async def url_route(services: Any, request: Request) -> Response:
    rest = request.path_params["rest"]
    url_id, _, path = rest.partition("/")
    return await function_url(services, request, url_id, "/" + path)


async def code_route(services: Any, request: Request) -> Response:
    digest = request.path_params["digest"]
    data = services.get("lambda").code_zip(digest)
    if data is None:
        return Response(b"", status_code=404)
    return Response(data, media_type="application/zip")


__all__ = ["code_route", "function_url", "url_host", "url_route"]
