"""The floor for EventBridge Pipes latency: a canned rest-json answer to DescribePipe, with
nothing stored or checked."""

from __future__ import annotations

import time

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bench.bare_app import health, serve_command_line

ARN = "arn:aws:pipes:us-east-1:000000000000:pipe/{name}"


async def pipe(request: Request) -> Response:
    await request.body()
    name = request.path_params["name"]
    now = time.time()
    answer = {"Arn": ARN.format(name=name), "Name": name, "DesiredState": "STOPPED",
              "CreationTime": now, "LastModifiedTime": now}
    if request.method == "POST":
        return JSONResponse({**answer, "CurrentState": "CREATING"})
    return JSONResponse({
        **answer, "CurrentState": "STOPPED",
        "Source": "arn:aws:sqs:us-east-1:000000000000:orders",
        "Target": "arn:aws:sqs:us-east-1:000000000000:shipped",
        "RoleArn": "arn:aws:iam::000000000000:role/pipes", "Tags": {},
        "SourceParameters": {"SqsQueueParameters": {"BatchSize": 10}},
        "TargetParameters": {"InputTemplate": "<$.body>"}})


app = Starlette(routes=[Route("/_emulator/health", health),
                        Route("/v1/pipes/{name}", pipe, methods=["GET", "POST"])])


def main() -> None:
    serve_command_line(app, __doc__)


if __name__ == "__main__":
    main()
