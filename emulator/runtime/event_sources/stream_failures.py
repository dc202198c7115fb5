"""The record a stream mapping sends to its on-failure destination when it discards records.

Shaped as AWS's example invocation record for a Kinesis stream
(https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html):
requestContext (requestId, functionArn, condition, approximateInvokeCount), responseContext
(statusCode, executedVersion, functionError) when the function ran, version "1.0", timestamp,
and ``KinesisBatchInfo`` (``DDBStreamBatchInfo`` for DynamoDB) naming the shard and the first
and last sequence numbers, so the records can be read back from the stream. The records
themselves are not included. The condition is RetryAttemptsExhausted or RecordAgeExceeded.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from emulator import arns, ids
from emulator.ports import InvokeResult, Ports, ShardRecord
from emulator.runtime.destinations import record_body
from emulator.runtime.event_sources.stream_records import KINESIS, StreamSource

log = logging.getLogger("emulator.lambda")

RETRIES_EXHAUSTED = "RetryAttemptsExhausted"
RECORD_AGE_EXCEEDED = "RecordAgeExceeded"


def iso_millis(epoch: float) -> str:
    moment = datetime.fromtimestamp(epoch, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def failure_record(source: StreamSource, shard_id: str, records: list[ShardRecord], *,
                   condition: str, invoke_count: int, result: InvokeResult | None,
                   now: float) -> dict[str, Any]:
    document: dict[str, Any] = {
        "requestContext": {
            "requestId": ids.request_id(),
            "functionArn": source.function,
            "condition": condition,
            "approximateInvokeCount": invoke_count,
        },
    }
    if result is not None:
        response: dict[str, Any] = {"statusCode": result.status_code,
                                    "executedVersion": result.executed_version}
        if result.function_error:
            response["functionError"] = result.function_error
        document["responseContext"] = response
    document["version"] = "1.0"
    document["timestamp"] = iso_millis(now)
    info_name = "KinesisBatchInfo" if source.kind == KINESIS else "DDBStreamBatchInfo"
    document[info_name] = {
        "shardId": shard_id,
        "startSequenceNumber": records[0].sequence,
        "endSequenceNumber": records[-1].sequence,
        "approximateArrivalOfFirstRecord": iso_millis(records[0].arrival),
        "approximateArrivalOfLastRecord": iso_millis(records[-1].arrival),
        "batchSize": len(records),
        "streamArn": source.stream_arn,
    }
    return document


def send_failure(ports: Ports, destination: str, document: dict[str, Any]) -> None:
    """Deliver the record to an SQS queue or SNS topic; a destination that fails is logged."""
    body = record_body(document)
    try:
        service = arns.parse(destination).service
        if service == "sqs":
            ports.queues.send(destination, body)
        elif service == "sns":
            ports.topics.publish(destination, body)
        else:
            log.warning("on-failure destination %s is not an SQS queue or SNS topic",
                        destination)
    except Exception as error:
        log.warning("could not send a stream failure record to %s: %s", destination, error)


__all__ = ["RECORD_AGE_EXCEEDED", "RETRIES_EXHAUSTED", "failure_record", "iso_millis",
           "send_failure"]
