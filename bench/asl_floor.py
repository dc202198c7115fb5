"""The floor for Step Functions latency: canned json-protocol answers to what boto3 sends for
CreateStateMachine, StartExecution, DescribeExecution and StartSyncExecution."""

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

CONTENT_TYPE = "application/x-amz-json-1.0"
MACHINE = "arn:aws:states:us-east-1:000000000000:stateMachine:bench"
OUTPUT = json.dumps({"order": 1})


def _reply(payload: dict[str, Any]) -> Response:
    return Response(json.dumps(payload), media_type=CONTENT_TYPE,
                    headers={"x-amzn-RequestId": str(uuid.uuid4())})


async def aws(request: Request) -> Response:
    operation = request.headers.get("x-amz-target", "").rpartition(".")[2]
    params: dict[str, Any] = json.loads(await request.body() or b"{}")
    now = time.time()
    execution = f"arn:aws:states:us-east-1:000000000000:execution:bench:{uuid.uuid4()}"
    if operation == "CreateStateMachine":
        return _reply({"stateMachineArn": MACHINE, "creationDate": now})
    if operation == "StartExecution":
        return _reply({"executionArn": execution, "startDate": now})
    if operation == "DescribeExecution":
        return _reply({
            "executionArn": params.get("executionArn", execution), "stateMachineArn": MACHINE,
            "name": "run", "status": "SUCCEEDED", "startDate": now, "stopDate": now,
            "input": OUTPUT, "inputDetails": {"included": True}, "output": OUTPUT,
            "outputDetails": {"included": True}, "redriveCount": 0,
            "redriveStatus": "NOT_REDRIVABLE",
        })
    if operation == "StartSyncExecution":
        return _reply({
            "executionArn": execution, "stateMachineArn": MACHINE, "name": "run",
            "startDate": now, "stopDate": now, "status": "SUCCEEDED", "input": OUTPUT,
            "inputDetails": {"included": True}, "output": OUTPUT,
            "outputDetails": {"included": True},
            "billingDetails": {"billedMemoryUsedInMB": 64, "billedDurationInMilliseconds": 100},
        })
    return Response(json.dumps({"__type": "UnknownOperationException"}), status_code=400,
                    media_type=CONTENT_TYPE)


app = Starlette(routes=[
    Route("/_emulator/health", health, methods=["GET", "HEAD"]),
    Route("/{path:path}", aws, methods=["POST"]),
])


def main() -> None:
    serve_command_line(app, __doc__)


if __name__ == "__main__":
    main()
