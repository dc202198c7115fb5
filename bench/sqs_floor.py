"""The floor for SQS latency: canned json-protocol answers to what boto3 sends.

It does only what any correct endpoint must: read the target header and the JSON body, and
hash the message body, because boto3 rejects a reply whose MD5 does not match what it sent.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench.bare_app import health, serve_command_line

CONTENT_TYPE = "application/x-amz-json-1.0"
QUEUE_URL = "http://127.0.0.1/000000000000/bench"
RECEIPT_HANDLE = "bench-receipt-handle"
# ReceiveMessage answers with the body the benchmark sends, so its MD5 is fixed.
CANNED_BODY = "x" * 256
CANNED_MD5 = hashlib.md5(CANNED_BODY.encode()).hexdigest()


def _reply(payload: dict[str, Any], status: int = 200) -> Response:
    return Response(
        json.dumps(payload),
        status_code=status,
        media_type=CONTENT_TYPE,
        headers={"x-amzn-RequestId": str(uuid.uuid4())},
    )


async def aws(request: Request) -> Response:
    operation = request.headers.get("x-amz-target", "").rpartition(".")[2]
    params: dict[str, Any] = json.loads(await request.body() or b"{}")
    if operation == "SendMessage":
        digest = hashlib.md5(str(params["MessageBody"]).encode()).hexdigest()
        return _reply({"MessageId": str(uuid.uuid4()), "MD5OfMessageBody": digest})
    if operation == "ReceiveMessage":
        message = {
            "MessageId": str(uuid.uuid4()),
            "ReceiptHandle": RECEIPT_HANDLE,
            "MD5OfBody": CANNED_MD5,
            "Body": CANNED_BODY,
        }
        return _reply({"Messages": [message]})
    if operation in ("CreateQueue", "GetQueueUrl"):
        return _reply({"QueueUrl": QUEUE_URL})
    if operation == "ListQueues":
        return _reply({"QueueUrls": [QUEUE_URL]})
    return _reply(
        {"__type": "com.amazonaws.sqs#UnsupportedOperation", "message": operation}, status=400
    )


app = Starlette(
    routes=[
        Route("/_emulator/health", health, methods=["GET", "HEAD"]),
        Route("/{path:path}", aws, methods=["POST"]),
    ]
)


def main() -> None:
    serve_command_line(app, __doc__)


if __name__ == "__main__":
    main()
