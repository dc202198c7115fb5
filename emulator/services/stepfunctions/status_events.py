"""Step Functions Execution Status Change events: what a STANDARD execution sends to the
default EventBridge bus of its account and region when it starts (RUNNING) and when it ends
(SUCCEEDED, FAILED, TIMED_OUT or ABORTED). Express executions send none.

The detail carries what DescribeExecution answers, dates in epoch milliseconds and absent
values as null (https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html).
As that page says, an input and output too large for one event are left out rather than the
event: the input goes when the escaped input and output together exceed 248 KB, the output
when the escaped output alone does; their details then say {"included": false}.
Delivery is best effort: a bus that refuses the event loses it.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from emulator.ports import BusAccess
from emulator.services.stepfunctions.models import ExecutionRecord

log = logging.getLogger("emulator.stepfunctions")

SOURCE = "aws.states"
DETAIL_TYPE = "Step Functions Execution Status Change"


def _millis(seconds: float | None) -> int | None:
    return None if seconds is None else round(seconds * 1000)


INCLUDED_LIMIT = 248 * 1024


def _escaped_length(value: str | None) -> int:
    """The length of a payload as it stands escaped inside the event's JSON detail."""
    return 0 if value is None else len(json.dumps(value)) - 2


def detail(record: ExecutionRecord, redrive: dict[str, str]) -> dict[str, Any]:
    succeeded = record.status == "SUCCEEDED"
    output = record.output if succeeded else None
    output_length = _escaped_length(output)
    input_included = _escaped_length(record.input) + output_length <= INCLUDED_LIMIT
    output_included = output_length <= INCLUDED_LIMIT
    return {
        "executionArn": record.arn,
        "stateMachineArn": record.machine_arn,
        "stateMachineVersionArn": record.version_arn,
        "stateMachineAliasArn": record.alias_arn,
        "name": record.name,
        "status": record.status,
        "startDate": _millis(record.start_date),
        "stopDate": _millis(record.stop_date),
        "input": record.input if input_included else None,
        "output": output if output_included else None,
        "inputDetails": {"included": input_included},
        "outputDetails": {"included": output_included} if succeeded else None,
        "error": record.error,
        "cause": record.cause,
        "redriveCount": record.redrive_count,
        "redriveDate": _millis(record.redrive_date),
        "redriveStatus": redrive.get("redriveStatus"),
        "redriveStatusReason": redrive.get("redriveStatusReason"),
    }


def send(buses: BusAccess, record: ExecutionRecord, redrive: dict[str, str], *,
         now: float, account: str, region: str) -> None:
    """Put the event for the record's current status; a failure is logged, never raised."""
    if record.type != "STANDARD":
        return
    entry = {"Source": SOURCE, "DetailType": DETAIL_TYPE,
             "Detail": json.dumps(detail(record, redrive), separators=(",", ":")),
             "Resources": [record.arn], "EventBusName": "default",
             "Time": datetime.fromtimestamp(now, tz=UTC)}
    try:
        buses.put_events([entry], account=account, region=region)
    except Exception:
        log.warning("status change event for %s was not delivered", record.arn, exc_info=True)


__all__ = ["DETAIL_TYPE", "SOURCE", "detail", "send"]
