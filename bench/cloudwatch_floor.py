"""The floor for CloudWatch PutMetricData: canned json-protocol answers to what boto3 sends.

It does only what any correct endpoint must: read the target header and parse the JSON body
(boto3 sends CloudWatch calls in the json protocol, with ``x-amzn-query-mode``), and answer the
empty result.
"""

from __future__ import annotations

from typing import Any

from bench.bare_app import Answer, json_protocol_app, serve_command_line

CONTENT_TYPE = "application/x-amz-json-1.0"


def answer(operation: str, params: dict[str, Any]) -> Answer:
    if operation == "PutMetricData":
        return {}
    return {"__type": "com.amazonaws.cloudwatch#UnsupportedOperation", "message": operation}, 400


app = json_protocol_app(answer, CONTENT_TYPE)


def main() -> None:
    serve_command_line(app, __doc__)


if __name__ == "__main__":
    main()
