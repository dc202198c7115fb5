"""The floors for API Gateway: a bare Starlette app that does the least an invoke URL must.

``GET /bare`` answers a constant JSON body (the floor for MOCK and cache hits);
``GET /call`` builds a small event, serialises and parses it as JSON and calls a Python
function with it, answering that function's result (the floor for a Lambda proxy call).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench.bare_app import health, serve_command_line


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"statusCode": 200, "body": '{"ok": true}'}


async def bare(request: Request) -> Response:
    return Response(b'{"ok": true}', media_type="application/json")


async def call(request: Request) -> Response:
    event = {"path": request.url.path, "httpMethod": request.method,
             "headers": dict(request.headers), "body": (await request.body()).decode()}
    answer = handler(json.loads(json.dumps(event)), None)
    return Response(answer["body"].encode(), status_code=answer["statusCode"],
                    media_type="application/json")


app = Starlette(routes=[
    Route("/_emulator/health", health, methods=["GET", "HEAD"]),
    Route("/bare", bare, methods=["GET"]),
    Route("/call", call, methods=["GET"]),
])


def main() -> None:
    serve_command_line(app, __doc__)


if __name__ == "__main__":
    main()
