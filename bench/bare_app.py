"""The floor for start-up and memory: uvicorn + Starlette with one route.

Started exactly like the emulator (``python -m bench.bare_app --port P``) with the same
uvicorn options, so the difference is what the emulator itself adds.
"""

from __future__ import annotations

import argparse
import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


async def health(request: Request) -> Response:
    return JSONResponse({"status": "running"})


app = Starlette(routes=[Route("/_emulator/health", health, methods=["GET", "HEAD"])])

# A json-protocol floor's answer: the payload, or the payload and its status.
Answer = dict[str, Any] | tuple[dict[str, Any], int]


Endpoint = Callable[[Request], Awaitable[Response]]


def json_protocol_endpoint(answer: Callable[[str, dict[str, Any]], Answer],
                           content_type: str) -> Endpoint:
    """An endpoint speaking the json protocol as any endpoint must: the operation read from
    the target header and the body parsed, ``answer(operation, params)`` sent back with a
    request id. The floors differ only in their canned answers."""

    async def aws(request: Request) -> Response:
        operation = request.headers.get("x-amz-target", "").rpartition(".")[2]
        params: dict[str, Any] = json.loads(await request.body() or b"{}")
        answered = answer(operation, params)
        payload, status = answered if isinstance(answered, tuple) else (answered, 200)
        return Response(json.dumps(payload), status_code=status, media_type=content_type,
                        headers={"x-amzn-RequestId": str(uuid.uuid4())})

    return aws


def json_protocol_app(answer: Callable[[str, dict[str, Any]], Answer],
                      content_type: str) -> Starlette:
    """A floor app answering every POST through :func:`json_protocol_endpoint`."""
    return Starlette(routes=[
        Route("/_emulator/health", health, methods=["GET", "HEAD"]),
        Route("/{path:path}", json_protocol_endpoint(answer, content_type), methods=["POST"]),
    ])


def serve(target: Starlette, port: int) -> None:
    """The uvicorn options the emulator's ``serve`` uses."""
    uvicorn.Server(
        uvicorn.Config(
            target,
            host="127.0.0.1",
            port=port,
            log_level="info",
            access_log=False,
            lifespan="on",
            timeout_graceful_shutdown=5,
        )
    ).run()


def serve_command_line(target: Starlette, description: str | None) -> None:
    """Serve ``target`` on the port given as ``--port P``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--port", type=int, required=True)
    serve(target, parser.parse_args().port)


def main() -> None:
    serve_command_line(app, __doc__)


if __name__ == "__main__":
    main()
