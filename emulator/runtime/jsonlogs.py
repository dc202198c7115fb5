"""A function's logs under ``LoggingConfig.LogFormat: JSON``: the platform's lines as JSON
events and the filtering by ``ApplicationLogLevel`` and ``SystemLogLevel``.

Platform events are ``{"time", "type", "record"}`` objects, compact and stored without a
newline, as CloudWatch Logs holds them (``platform.initStart``, ``platform.start``,
``platform.report`` with its ``metrics`` at INFO; ``platform.initRuntimeDone`` and
``platform.runtimeDone`` at DEBUG); see
https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html and
https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html.
An application line is filtered by the ``"level"`` of its JSON object; a line that is not
JSON, or has no valid level, counts as INFO, as the log-level page says.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

# Most detailed first: a line is kept when its level is at or past the configured one.
APPLICATION_LEVELS = ("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL")
SYSTEM_LEVELS = ("DEBUG", "INFO", "WARN")
# The names other loggers use for the same levels (Python's logging among them).
_ALIASES = {"WARNING": "WARN", "CRITICAL": "FATAL"}


@dataclass(frozen=True)
class LogSettings:
    """How a function's logs are written: ``LoggingConfig`` as it applies to one version."""

    log_format: str = "Text"  # "Text" or "JSON"
    application_level: str = "INFO"
    system_level: str = "INFO"
    # Whether the format is JSON: worked out once, not a property, since every invocation
    # asks and a Text function's invocations should not call into this module.
    json: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "json", self.log_format == "JSON")

    @classmethod
    def of(cls, config: dict[str, Any]) -> LogSettings:
        if config.get("LogFormat") != "JSON":
            return cls()
        return cls("JSON", str(config.get("ApplicationLogLevel") or "INFO").upper(),
                   str(config.get("SystemLogLevel") or "INFO").upper())

    def variables(self) -> dict[str, str]:
        """What the runtimes read: set only for JSON, so a Text function sees what it did."""
        if not self.json:
            return {}
        return {"AWS_LAMBDA_LOG_FORMAT": "JSON", "AWS_LAMBDA_LOG_LEVEL": self.application_level}

    def keeps_system(self, level: str) -> bool:
        return _rank(SYSTEM_LEVELS, level) >= _rank(SYSTEM_LEVELS, self.system_level)

    def keeps_application(self, line: str) -> bool:
        return (_rank(APPLICATION_LEVELS, line_level(line))
                >= _rank(APPLICATION_LEVELS, self.application_level))


def _rank(levels: tuple[str, ...], level: str) -> int:
    return levels.index(level) if level in levels else levels.index("INFO")


def line_level(line: str) -> str:
    """The level Lambda reads from an application log line: a JSON object's ``"level"``,
    else INFO."""
    text = line.strip()
    if not text.startswith("{") or '"level"' not in text:
        return "INFO"
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return "INFO"
    level = document.get("level") if isinstance(document, dict) else None
    if not isinstance(level, str):
        return "INFO"
    name = _ALIASES.get(level.upper(), level.upper())
    return name if name in APPLICATION_LEVELS else "INFO"


def _time(at: float) -> str:
    return datetime.fromtimestamp(at, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def event(kind: str, at: float, record: dict[str, Any]) -> str:
    """One platform event, compact, without a newline."""
    return json.dumps({"time": _time(at), "type": kind, "record": record},
                      separators=(",", ":"))


def _ms(value: float) -> float:
    return round(value, 3)


def init_start(at: float, *, runtime_version: str, runtime_version_arn: str,
               function_name: str, version: str) -> str:
    return event("platform.initStart", at, {
        "initializationType": "on-demand", "phase": "init",
        "runtimeVersion": runtime_version, "runtimeVersionArn": runtime_version_arn,
        "functionName": function_name, "functionVersion": version})


def init_runtime_done(at: float, status: str) -> str:
    return event("platform.initRuntimeDone", at,
                 {"initializationType": "on-demand", "phase": "init", "status": status})


def init_report(at: float, status: str, duration_ms: float) -> str:
    return event("platform.initReport", at, {
        "initializationType": "on-demand", "phase": "init", "status": status,
        "metrics": {"durationMs": _ms(duration_ms)}})


def start(at: float, request_id: str, version: str) -> str:
    return event("platform.start", at, {"requestId": request_id, "version": version})


def runtime_done(at: float, request_id: str, status: str, duration_ms: float,
                 produced_bytes: int, error_type: str | None = None) -> str:
    record: dict[str, Any] = {"requestId": request_id, "status": status}
    if error_type:
        record["errorType"] = error_type
    record["metrics"] = {"durationMs": _ms(duration_ms), "producedBytes": produced_bytes}
    return event("platform.runtimeDone", at, record)


def report(at: float, request_id: str, *, duration_ms: float, memory_size: int,
           max_memory_mb: int, init_ms: float | None, status: str,
           error_type: str | None = None) -> str:
    metrics: dict[str, Any] = {
        "durationMs": _ms(duration_ms),
        "billedDurationMs": max(1, math.ceil(duration_ms)),
        "memorySizeMB": memory_size,
        "maxMemoryUsedMB": max_memory_mb,
    }
    if init_ms is not None:
        metrics["initDurationMs"] = _ms(init_ms)
    record: dict[str, Any] = {"requestId": request_id, "metrics": metrics, "status": status}
    if error_type:
        record["errorType"] = error_type
    return event("platform.report", at, record)


def report_fields(message: str) -> dict[str, Any] | None:
    """The record of a ``platform.report`` event, or None for any other message."""
    text = message.strip()
    if not text.startswith('{"time"') or '"platform.report"' not in text:
        return None
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(document, dict) or document.get("type") != "platform.report":
        return None
    record = document.get("record")
    return record if isinstance(record, dict) else None


__all__ = [
    "APPLICATION_LEVELS",
    "SYSTEM_LEVELS",
    "LogSettings",
    "event",
    "init_report",
    "init_runtime_done",
    "init_start",
    "line_level",
    "report",
    "report_fields",
    "runtime_done",
    "start",
]
