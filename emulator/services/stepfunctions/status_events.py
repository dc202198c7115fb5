"""Step Functions Execution Status Change events: what a STANDARD execution sends to the
default EventBridge bus of its account and region when it starts (RUNNING) and when it ends
(SUCCEEDED, FAILED, TIMED_OUT or ABORTED). Express executions send none.

The detail carries what DescribeExecution answers, dates in epoch milliseconds and absent
values as null (https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html).
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


def detail(record: ExecutionRecord, redrive: dict[str, str]) -> dict[str, Any]:
    succeeded = record.status == "SUCCEEDED"
    return {
        "executionArn": record.arn,
        "stateMachineArn": record.machine_arn,
        "stateMachineVersionArn": record.version_arn,
        "stateMachineAliasArn": record.alias_arn,
        "name": record.name,
        "status": record.status,
        "startDate": _millis(record.start_date),
        "stopDate": _millis(record.stop_date),
        "input": record.input,
        "output": record.output if succeeded else None,
        "inputDetails": {"included": True},
        "outputDetails": {"included": True} if succeeded else None,
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
