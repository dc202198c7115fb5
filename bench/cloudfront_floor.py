"""The floor for the CloudFront viewer endpoint: a bare caching proxy that answers every GET
from an in-memory dict with a 1 KB body and the headers CloudFront adds (what any cache in
front of an origin must do at the least)."""

from __future__ import annotations

import base64
import os

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench.bare_app import health, serve_command_line

BODY = b"x" * 1024
CACHE: dict[str, bytes] = {}


async def cached(request: Request) -> Response:
    body = CACHE.setdefault(request.url.path, BODY)
    return Response(body, media_type="text/plain", headers={
        "X-Cache": "Hit from cloudfront", "Age": "1",
        "Via": "1.1 0123456789abcdef0123456789abcdef.cloudfront.net (CloudFront)",
        "X-Amz-Cf-Pop": "IAD89-C1",
        "X-Amz-Cf-Id": base64.urlsafe_b64encode(os.urandom(40)).decode()})


app = Starlette(routes=[
    Route("/_emulator/health", health, methods=["GET", "HEAD"]),
    Route("/{path:path}", cached, methods=["GET"]),
])

if __name__ == "__main__":
    serve_command_line(app, __doc__)
