"""The floor for Lambda Invoke: a canned rest-json Invoke answer to what boto3 sends.

It reads the request body (as any endpoint must) and answers 200 with a small JSON payload and
the X-Amz-Executed-Version header, like a warm trivial handler.
"""

from __future__ import annotations

import uuid

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bench.bare_app import health, serve_command_line

CANNED_PAYLOAD = b'{"ok": true}'


async def invoke(request: Request) -> Response:
    await request.body()
    return Response(CANNED_PAYLOAD, media_type="application/octet-stream", headers={
        "X-Amz-Executed-Version": "$LATEST", "x-amzn-RequestId": str(uuid.uuid4())})


async def other(request: Request) -> Response:
    # CreateFunction and friends: any JSON answer will do for the setup calls.
    await request.body()
    return JSONResponse({"FunctionName": "bench", "State": "Active"}, status_code=201)


app = Starlette(routes=[
    Route("/_emulator/health", health, methods=["GET", "HEAD"]),
    Route("/2015-03-31/functions/{name}/invocations", invoke, methods=["POST"]),
    Route("/{path:path}", other, methods=["GET", "POST", "PUT", "DELETE"]),
])


def main() -> None:
    serve_command_line(app, __doc__)


if __name__ == "__main__":
    main()
