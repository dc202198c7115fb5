"""Where asynchronous invocations report: destinations (with AWS's invocation record) and the
function's dead-letter queue or topic.

Targets are reached through ports by the service named in their ARN: SQS, SNS, Lambda and
EventBridge. A target that cannot take the record is logged and skipped, as Lambda counts a
DestinationDeliveryFailure and moves on.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from emulator import inbound
from emulator.ports import Ports

log = logging.getLogger("emulator.lambda")

DESTINATION_SERVICES = ("sqs", "sns", "lambda", "events")
SUCCESS = "Success"
RETRIES_EXHAUSTED = "RetriesExhausted"
EVENT_AGE_EXCEEDED = "EventAgeExceeded"


def iso_millis(moment: datetime) -> str:
    """``2019-11-24T23:08:25.651Z``, as invocation records and SNS write times."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _json_or_text(payload: bytes | str | None) -> Any:
    if payload is None:
        return None
    text = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else payload
    if not text.strip():
        return None
    try:
        return inbound.loads(text)
    except ValueError:
        return text


def invocation_record(
    *,
    timestamp: datetime,
    request_id: str,
    function_arn: str,
    condition: str,
    invoke_count: int,
    request_payload: bytes | str,
    executed_version: str | None = None,
    function_error: str | None = None,
    response_payload: bytes | str | None = None,
) -> dict[str, Any]:
    """The record Lambda sends to a destination; ``responseContext`` and ``responsePayload``
    only when the function ran."""
    record: dict[str, Any] = {
        "version": "1.0",
        "timestamp": iso_millis(timestamp),
        "requestContext": {
            "requestId": request_id,
            "functionArn": function_arn,
            "condition": condition,
            "approximateInvokeCount": invoke_count,
        },
        "requestPayload": _json_or_text(request_payload),
    }
    if executed_version is not None:
        context: dict[str, Any] = {"statusCode": 200, "executedVersion": executed_version}
        if function_error:
            context["functionError"] = function_error
        record["responseContext"] = context
        record["responsePayload"] = _json_or_text(response_payload)
    return record


def record_body(record: Mapping[str, Any]) -> str:
    """An invocation record as Lambda writes it to a destination: compact JSON."""
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False)


def service_of(arn: str) -> str | None:
    parts = arn.split(":")
    return parts[2] if len(parts) >= 6 and parts[0] == "arn" else None


def region_account(arn: str) -> tuple[str, str]:
    parts = arn.split(":")
    return parts[3], parts[4]


class Destinations:
    """Sends invocation records and dead letters through the ports of other services."""

    def __init__(self, ports: Ports) -> None:
        self._ports = ports

    async def send_record(self, destination: str, record: Mapping[str, Any],
                          function_arn: str) -> bool:
        """Deliver an invocation record; False (logged) when the destination refused it."""
        body = record_body(record)
        service = service_of(destination)
        try:
            if service == "sqs":
                self._ports.queues.send(destination, body)
            elif service == "sns":
                self._ports.topics.publish(destination, body)
            elif service == "lambda":
                region, account = region_account(destination)
                await self._ports.functions.invoke(
                    destination, body.encode(), account=account, region=region,
                    invocation_type="Event",
                )
            elif service == "events":
                condition = record.get("requestContext", {}).get("condition")
                outcome = "Success" if condition == SUCCESS else "Failure"
                region, account = region_account(destination)
                result = self._ports.buses.put_events(
                    [{
                        "EventBusName": destination,
                        "Source": "lambda",
                        "DetailType": f"Lambda Function Invocation Result - {outcome}",
                        "Detail": body,
                        "Resources": [function_arn],
                    }],
                    account=account, region=region,
                )
                if result.get("FailedEntryCount"):
                    raise RuntimeError(str(result.get("Entries")))
            else:
                raise ValueError(f"unsupported destination {destination}")
        except Exception as error:
            log.warning("could not deliver the invocation record of %s to %s: %s",
                        function_arn, destination, error)
            return False
        return True

    def dead_letter(self, target: str, payload: str, request_id: str, error_code: int,
                    error_message: str, function_arn: str) -> bool:
        """Send the event itself, with Lambda's RequestID/ErrorCode/ErrorMessage attributes."""
        attributes = {
            "RequestID": {"DataType": "String", "StringValue": request_id},
            "ErrorCode": {"DataType": "Number", "StringValue": str(error_code)},
            "ErrorMessage": {"DataType": "String", "StringValue": error_message[:1024] or " "},
        }
        try:
            if service_of(target) == "sns":
                self._ports.topics.publish(target, payload, message_attributes=attributes)
            else:
                self._ports.queues.send(target, payload, message_attributes=attributes)
        except Exception as error:
            log.warning("could not send a failed event of %s to its dead-letter target %s: %s",
                        function_arn, target, error)
            return False
        return True


__all__ = [
    "DESTINATION_SERVICES",
    "EVENT_AGE_EXCEEDED",
    "RETRIES_EXHAUSTED",
    "SUCCESS",
    "Destinations",
    "invocation_record",
    "iso_millis",
    "record_body",
    "region_account",
    "service_of",
]
