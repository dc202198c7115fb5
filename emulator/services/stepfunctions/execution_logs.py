"""Execution history to CloudWatch Logs, as a state machine's loggingConfiguration asks.

Each history event becomes one JSON log event (``id``, ``type``, ``details``,
``previous_event_id``, ``event_timestamp``, ``execution_arn``) in the destination log group,
filtered by level (ALL, ERROR: failures, FATAL: the execution's own failure) and without
input and output unless includeExecutionData is set. Express workflows keep no history
but this. See https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html and
https://docs.aws.amazon.com/step-functions/latest/dg/cloudwatch-log-level.html
"""

from __future__ import annotations

import json
import logging
import secrets
from datetime import UTC, datetime
from typing import Any

from emulator import arns
from emulator.runtime.invoker import LogSink

log = logging.getLogger("emulator.stepfunctions")

FATAL = frozenset({"ExecutionAborted", "ExecutionFailed", "ExecutionTimedOut"})
ERROR = FATAL | frozenset({
    "ActivityFailed", "ActivityScheduleFailed", "ActivityTimedOut", "FailStateEntered",
    "LambdaFunctionFailed", "LambdaFunctionScheduleFailed", "LambdaFunctionStartFailed",
    "LambdaFunctionTimedOut", "MapIterationAborted", "MapIterationFailed", "MapRunAborted",
    "MapRunFailed", "MapStateAborted", "MapStateFailed", "ParallelStateAborted",
    "ParallelStateFailed", "TaskFailed", "TaskStartFailed", "TaskStateAborted",
    "TaskSubmitFailed", "TaskTimedOut", "WaitStateAborted",
})
_DATA = ("input", "output", "parameters")


def wanted(logging_config: dict[str, Any]) -> bool:
    """Whether executions of a state machine with this configuration log anything."""
    return (logging_config.get("level", "OFF") != "OFF"
            and _group(logging_config) is not None)


def _group(logging_config: dict[str, Any]) -> str | None:
    for destination in logging_config.get("destinations") or []:
        group = arns.log_group(str(
            (destination.get("cloudWatchLogsLogGroup") or {}).get("logGroupArn", "")))
        if group is not None:
            return group
    return None


def _selected(level: str, kind: str) -> bool:
    if level == "ALL":
        return True
    return kind in (FATAL if level == "FATAL" else ERROR)


def _details(event: dict[str, Any], include_data: bool) -> dict[str, Any]:
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, dict):
            if include_data:
                return dict(value)
            return {k: v for k, v in value.items()
                    if k not in _DATA and k.removesuffix("Details") not in _DATA}
    return {}


def log_lines(logging_config: dict[str, Any], execution_arn: str,
              events: list[dict[str, Any]], redrive_count: int = 0) -> list[tuple[int, str]]:
    """The log events for an execution's history under this configuration."""
    level = str(logging_config.get("level", "OFF"))
    include_data = bool(logging_config.get("includeExecutionData"))
    lines = []
    for event in events:
        if not _selected(level, str(event["type"])):
            continue
        stamp = round(float(event["timestamp"]) * 1000)
        line = {
            "id": str(event["id"]), "type": event["type"],
            "details": _details(event, include_data),
            "previous_event_id": str(event.get("previousEventId", 0)),
            "event_timestamp": str(stamp), "execution_arn": execution_arn,
            "redrive_count": str(redrive_count),
        }
        lines.append((stamp, json.dumps(line, separators=(",", ":"), ensure_ascii=False)))
    return lines


def publish(sink: LogSink | None, logging_config: dict[str, Any], machine_name: str,
            execution_arn: str, events: list[dict[str, Any]], *, account: str,
            region: str, started: float, redrive_count: int = 0) -> None:
    """Write an execution's log events to its log group (best effort, as AWS delivers)."""
    group = _group(logging_config)
    if sink is None or group is None or logging_config.get("level", "OFF") == "OFF":
        return
    lines = log_lines(logging_config, execution_arn, events, redrive_count)
    if not lines:
        return
    minute = datetime.fromtimestamp(started, UTC).strftime("%Y-%m-%d-%H-%M")
    stream = f"states/{machine_name}/{minute}/{secrets.token_hex(4)}"
    try:
        sink.write(account, region, group, stream, lines)
    except Exception:  # a missing log group loses the logs, never the execution
        log.warning("could not write the logs of %s to %s", execution_arn, group)


__all__ = ["ERROR", "FATAL", "log_lines", "publish", "wanted"]
