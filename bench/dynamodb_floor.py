"""The floor for DynamoDB latency: canned json-protocol answers to what boto3 sends.

It reads the target header and the JSON body, as any endpoint must, and answers GetItem with
the item the benchmark stores, PutItem with nothing, and Query with a page of the benchmark's
items; the emulator does the same work for real.
"""

from __future__ import annotations

from typing import Any

from bench.bare_app import Answer, json_protocol_app, serve_command_line

CONTENT_TYPE = "application/x-amz-json-1.0"
PAGE = 100


def bench_item(pk: str, n: int) -> dict[str, Any]:
    """One benchmark item: about 1 KB, as the issue's scale target has them."""
    return {"pk": {"S": pk}, "sk": {"N": str(n)}, "status": {"S": "active"},
            "count": {"N": str(n * 7)}, "payload": {"S": "x" * 960}}


CANNED_ITEM = bench_item("customer-1", 1)
CANNED_PAGE = [bench_item("customer-1", n) for n in range(PAGE)]
TABLE = {"TableName": "bench", "TableStatus": "ACTIVE",
         "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                       {"AttributeName": "sk", "KeyType": "RANGE"}]}


def answer(operation: str, params: dict[str, Any]) -> Answer:
    if operation == "GetItem":
        return {"Item": CANNED_ITEM} if params.get("Key") else {}
    if operation in ("PutItem", "BatchWriteItem"):
        return {} if operation == "PutItem" else {"UnprocessedItems": {}}
    if operation == "Query":
        return {"Items": CANNED_PAGE, "Count": PAGE, "ScannedCount": PAGE}
    if operation in ("CreateTable", "DescribeTable"):
        key = "TableDescription" if operation == "CreateTable" else "Table"
        return {key: TABLE}
    return {"__type": "com.amazon.coral.service#UnknownOperationException",
            "message": operation}, 400


app = json_protocol_app(answer, CONTENT_TYPE)


def main() -> None:
    serve_command_line(app, __doc__)


if __name__ == "__main__":
    main()
