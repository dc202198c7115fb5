"""The floor for Step Functions latency: canned json-protocol answers to what boto3 sends for
CreateStateMachine, StartExecution, DescribeExecution and StartSyncExecution."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from bench.bare_app import Answer, json_protocol_app, serve_command_line

CONTENT_TYPE = "application/x-amz-json-1.0"
MACHINE = "arn:aws:states:us-east-1:000000000000:stateMachine:bench"
OUTPUT = json.dumps({"order": 1})


def answer(operation: str, params: dict[str, Any]) -> Answer:
    now = time.time()
    execution = f"arn:aws:states:us-east-1:000000000000:execution:bench:{uuid.uuid4()}"
    if operation == "CreateStateMachine":
        return {"stateMachineArn": MACHINE, "creationDate": now}
    if operation == "StartExecution":
        return {"executionArn": execution, "startDate": now}
    if operation == "DescribeExecution":
        return {
            "executionArn": params.get("executionArn", execution), "stateMachineArn": MACHINE,
            "name": "run", "status": "SUCCEEDED", "startDate": now, "stopDate": now,
            "input": OUTPUT, "inputDetails": {"included": True}, "output": OUTPUT,
            "outputDetails": {"included": True}, "redriveCount": 0,
            "redriveStatus": "NOT_REDRIVABLE",
        }
    if operation == "StartSyncExecution":
        return {
            "executionArn": execution, "stateMachineArn": MACHINE, "name": "run",
            "startDate": now, "stopDate": now, "status": "SUCCEEDED", "input": OUTPUT,
            "inputDetails": {"included": True}, "output": OUTPUT,
            "outputDetails": {"included": True},
            "billingDetails": {"billedMemoryUsedInMB": 64, "billedDurationInMilliseconds": 100},
        }
    return {"__type": "UnknownOperationException"}, 400


app = json_protocol_app(answer, CONTENT_TYPE)


def main() -> None:
    serve_command_line(app, __doc__)


if __name__ == "__main__":
    main()
