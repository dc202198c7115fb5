"""The AWS API calls the emulator answered that change something: what CloudTrail's event
history, its trails and its EventBridge events are made from.

The wire layer notes each state-changing management call here, once, as it answers it (one
append of the call's parts; nothing is formatted on the request path). CloudTrail shapes its
records from them when they are read. Read-only calls (Get, List, Describe...) and data events
(object, item, message and invocation traffic) are noted only once a trail asks for data
events (``CallLog.data_selected``), and only those a logging trail selects. The log keeps the
newest calls, up to a bound (``settings.api_call_history``; CloudTrail reads only the last 90
days of them, as AWS keeps).
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("emulator.api_calls")

LIMIT = 2_000  # the default of settings.api_call_history
# Operations that only read, by the verb their names start with.
READ_VERBS = ("Get", "List", "Describe", "Head", "Lookup", "Search", "Query", "Scan",
              "BatchGet", "Select", "Filter", "Test", "Validate", "Estimate", "Preview",
              "Check", "Detect", "Receive", "Decrypt", "Encrypt", "ReEncrypt", "Generate",
              "Verify", "Sign")
# Data events: per-object, per-item, per-message and per-invocation operations.
DATA_EVENTS: dict[str, frozenset[str]] = {
    "s3": frozenset({"PutObject", "DeleteObject", "DeleteObjects", "CopyObject",
                     "UploadPart", "UploadPartCopy", "CreateMultipartUpload",
                     "CompleteMultipartUpload", "AbortMultipartUpload", "PutObjectTagging",
                     "DeleteObjectTagging", "PutObjectAcl", "RestoreObject",
                     "PutObjectRetention", "PutObjectLegalHold"}),
    "lambda": frozenset({"Invoke", "InvokeAsync", "InvokeWithResponseStream"}),
    "dynamodb": frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem",
                           "TransactWriteItems", "ExecuteStatement", "BatchExecuteStatement",
                           "ExecuteTransaction"}),
    "sqs": frozenset({"SendMessage", "SendMessageBatch", "DeleteMessage",
                      "DeleteMessageBatch", "ChangeMessageVisibility",
                      "ChangeMessageVisibilityBatch"}),
    "sns": frozenset({"Publish", "PublishBatch"}),
    "kinesis": frozenset({"PutRecord", "PutRecords"}),
    "firehose": frozenset({"PutRecord", "PutRecordBatch"}),
    "events": frozenset({"PutEvents"}),
    "xray": frozenset({"PutTraceSegments", "PutTelemetryRecords"}),
    "logs": frozenset({"PutLogEvents"}),
    "cloudwatch": frozenset({"PutMetricData"}),
    "stepfunctions": frozenset({"SendTaskSuccess", "SendTaskFailure", "SendTaskHeartbeat"}),
    "apigatewaymanagementapi": frozenset({"PostToConnection", "DeleteConnection"}),
}


def read_only(operation: str) -> bool:
    return operation.startswith(READ_VERBS)


def noted(service: str, operation: str) -> bool:
    """Whether a call to ``operation`` is a state-changing management event."""
    return not read_only(operation) and operation not in DATA_EVENTS.get(service, ())


@dataclass(frozen=True, slots=True)
class ApiCall:
    """One answered call, as the wire layer saw it."""

    time: float  # the emulator clock, seconds
    service: str  # botocore's name
    operation: str
    account: str
    region: str
    access_key: str
    source_ip: str
    user_agent: str
    request_id: str
    params: Mapping[str, Any]  # the parsed input, by the model's member names
    result: Mapping[str, Any] | None  # the output members, None when the call failed
    error_code: str | None = None
    error_message: str | None = None
    data: bool = False  # a data event (DATA_EVENTS), noted only when a trail selects it


class CallLog:
    """The newest calls, oldest first, and who is told of each as it is noted."""

    def __init__(self, now: Callable[[], float] = time.time, limit: int = LIMIT) -> None:
        self.now = now  # the emulator clock
        self.calls: deque[ApiCall] = deque(maxlen=limit)
        self.listeners: list[Callable[[ApiCall], None]] = []
        # Whether some logging trail selects a data event; None while no trail asks for any.
        self.data_selected: Callable[[ApiCall], bool] | None = None

    def note(self, call: ApiCall) -> None:
        if call.data and (self.data_selected is None or not self.data_selected(call)):
            return
        self.calls.append(call)
        for listener in self.listeners:
            try:
                listener(call)
            except Exception:  # a listener must never fail the call it hears of
                log.exception("could not pass on the %s call", call.operation)

    def clear(self) -> None:
        self.calls.clear()


__all__ = ["DATA_EVENTS", "ApiCall", "CallLog", "noted", "read_only"]
