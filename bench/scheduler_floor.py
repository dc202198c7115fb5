"""The floor for EventBridge Scheduler latency: canned rest-json answers to what boto3 sends
(CreateSchedule and GetSchedule), with nothing stored, checked or planned."""

from __future__ import annotations

import time

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bench.bare_app import health, serve_command_line

ARN = "arn:aws:scheduler:us-east-1:000000000000:schedule/default/{name}"


async def schedule(request: Request) -> Response:
    await request.body()
    name = request.path_params["name"]
    if request.method == "POST":
        return JSONResponse({"ScheduleArn": ARN.format(name=name)})
    now = time.time()
    return JSONResponse({
        "Arn": ARN.format(name=name), "Name": name, "GroupName": "default",
        "ScheduleExpression": "rate(1 hour)", "ScheduleExpressionTimezone": "UTC",
        "State": "ENABLED", "FlexibleTimeWindow": {"Mode": "OFF"},
        "ActionAfterCompletion": "NONE", "CreationDate": now, "LastModificationDate": now,
        "Target": {"Arn": "arn:aws:sqs:us-east-1:000000000000:jobs",
                   "RoleArn": "arn:aws:iam::000000000000:role/scheduler",
                   "RetryPolicy": {"MaximumEventAgeInSeconds": 86400,
                                   "MaximumRetryAttempts": 185}}})


app = Starlette(routes=[Route("/_emulator/health", health),
                        Route("/schedules/{name}", schedule, methods=["GET", "POST"])])


def main() -> None:
    serve_command_line(app, __doc__)


if __name__ == "__main__":
    main()
