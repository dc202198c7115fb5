"""The floor for Firehose ingest latency: canned json-protocol answers to what boto3 sends
(CreateDeliveryStream and PutRecordBatch), with nothing stored, buffered or delivered."""

from __future__ import annotations

from typing import Any

from bench.bare_app import Answer, json_protocol_app, serve_command_line

CONTENT_TYPE = "application/x-amz-json-1.1"


def answer(operation: str, params: dict[str, Any]) -> Answer:
    if operation == "CreateDeliveryStream":
        return {"DeliveryStreamARN": "arn:aws:firehose:us-east-1:000000000000:deliverystream/"
                + str(params["DeliveryStreamName"])}
    if operation == "PutRecordBatch":
        return {"FailedPutCount": 0, "Encrypted": False,
                "RequestResponses": [{"RecordId": "r" * 224} for _ in params["Records"]]}
    return {"__type": "InvalidArgumentException", "message": operation}, 400


app = json_protocol_app(answer, CONTENT_TYPE)


def main() -> None:
    serve_command_line(app, __doc__)


if __name__ == "__main__":
    main()
