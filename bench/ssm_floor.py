"""The floor for Parameter Store latency: canned json-protocol answers to what boto3 sends
(PutParameter and GetParameter), with nothing stored, checked or encrypted."""

from __future__ import annotations

import time
from typing import Any

from bench.bare_app import Answer, json_protocol_app, serve_command_line

CONTENT_TYPE = "application/x-amz-json-1.1"


def answer(operation: str, params: dict[str, Any]) -> Answer:
    if operation == "PutParameter":
        return {"Version": 1, "Tier": "Standard"}
    if operation == "GetParameter":
        name = str(params["Name"])
        return {"Parameter": {
            "Name": name, "Type": "SecureString", "Value": "x" * 64, "Version": 1,
            "LastModifiedDate": time.time(), "DataType": "text",
            "ARN": f"arn:aws:ssm:us-east-1:000000000000:parameter/{name.lstrip('/')}"}}
    return {"__type": "ValidationException", "message": operation}, 400


app = json_protocol_app(answer, CONTENT_TYPE)


def main() -> None:
    serve_command_line(app, __doc__)


if __name__ == "__main__":
    main()
