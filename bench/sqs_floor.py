"""The floor for SQS latency: canned json-protocol answers to what boto3 sends.

It does only what any correct endpoint must: read the target header and the JSON body, and
hash the message body, because boto3 rejects a reply whose MD5 does not match what it sent.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from bench.bare_app import Answer, json_protocol_app, serve_command_line

CONTENT_TYPE = "application/x-amz-json-1.0"
QUEUE_URL = "http://127.0.0.1/000000000000/bench"
RECEIPT_HANDLE = "bench-receipt-handle"
# ReceiveMessage answers with the body the benchmark sends, so its MD5 is fixed.
CANNED_BODY = "x" * 256
CANNED_MD5 = hashlib.md5(CANNED_BODY.encode()).hexdigest()


def answer(operation: str, params: dict[str, Any]) -> Answer:
    if operation == "SendMessage":
        digest = hashlib.md5(str(params["MessageBody"]).encode()).hexdigest()
        return {"MessageId": str(uuid.uuid4()), "MD5OfMessageBody": digest}
    if operation == "ReceiveMessage":
        message = {
            "MessageId": str(uuid.uuid4()),
            "ReceiptHandle": RECEIPT_HANDLE,
            "MD5OfBody": CANNED_MD5,
            "Body": CANNED_BODY,
        }
        return {"Messages": [message]}
    if operation in ("CreateQueue", "GetQueueUrl"):
        return {"QueueUrl": QUEUE_URL}
    if operation == "ListQueues":
        return {"QueueUrls": [QUEUE_URL]}
    return {"__type": "com.amazonaws.sqs#UnsupportedOperation", "message": operation}, 400


app = json_protocol_app(answer, CONTENT_TYPE)


def main() -> None:
    serve_command_line(app, __doc__)


if __name__ == "__main__":
    main()
