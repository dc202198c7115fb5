"""The floor for Parameter Store latency: canned json-protocol answers to what boto3 sends
(PutParameter and GetParameter), with nothing stored, checked or encrypted."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench.bare_app import health, serve_command_line

CONTENT_TYPE = "application/x-amz-json-1.1"


def _reply(payload: dict[str, Any], status: int = 200) -> Response:
    return Response(json.dumps(payload), status_code=status, media_type=CONTENT_TYPE,
                    headers={"x-amzn-RequestId": str(uuid.uuid4())})


async def aws(request: Request) -> Response:
    operation = request.headers.get("x-amz-target", "").rpartition(".")[2]
    params: dict[str, Any] = json.loads(await request.body() or b"{}")
    if operation == "PutParameter":
        return _reply({"Version": 1, "Tier": "Standard"})
    if operation == "GetParameter":
        name = str(params["Name"])
        return _reply({"Parameter": {
            "Name": name, "Type": "SecureString", "Value": "x" * 64, "Version": 1,
            "LastModifiedDate": time.time(), "DataType": "text",
            "ARN": f"arn:aws:ssm:us-east-1:000000000000:parameter/{name.lstrip('/')}"}})
    return _reply({"__type": "ValidationException", "message": operation}, status=400)


app = Starlette(routes=[
    Route("/_emulator/health", health, methods=["GET", "HEAD"]),
    Route("/{path:path}", aws, methods=["POST"]),
])


def main() -> None:
    serve_command_line(app, __doc__)


if __name__ == "__main__":
    main()
