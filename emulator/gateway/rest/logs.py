"""Execution logs (INFO or ERROR, per method setting) and access logs (the stage's format with
``$context`` variables), written to CloudWatch Logs groups named as AWS names them."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Protocol

from emulator import arns
from emulator.gateway.rest.invocation import Invocation

_VARIABLE = re.compile(r"\$context\.([A-Za-z0-9_.]+)")


class LogSink(Protocol):
    def write(self, account: str, region: str, group: str, stream: str,
              events: list[tuple[int, str]]) -> None: ...


def execution_group(api_id: str, stage: str) -> str:
    return f"API-Gateway-Execution-Logs_{api_id}/{stage}"


def stream_name(api_id: str, stage: str) -> str:
    return hashlib.md5(f"{api_id}/{stage}".encode()).hexdigest()


def _lookup(context: dict[str, Any], dotted: str) -> Any:
    value: Any = context
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def access_line(template: str, context: dict[str, Any]) -> str:
    """The stage's access log format with each ``$context`` variable filled ("-" when empty)."""
    def fill(match: re.Match[str]) -> str:
        name = match.group(1).rstrip(".")
        value = _lookup(context, name)
        if value is None or value == "":
            return "-"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (dict, list)):
            return json.dumps(value)
        return str(value)
    return _VARIABLE.sub(fill, template)


def log_group_of(destination_arn: str) -> str | None:
    return arns.log_group(destination_arn)


def write(inv: Invocation, sink: LogSink, level: str, now_ms: int) -> None:
    """Send this request's execution log lines (per ``level``) and its access log line."""
    deployed = inv.deployed
    stage = deployed.stage["stageName"]
    stream = stream_name(deployed.api_id, stage)
    status = inv.response.status if inv.response is not None else 0
    if level == "INFO" or (level == "ERROR" and status >= 400):
        lines = inv.log if level == "INFO" else [line for line in inv.log if (
            "failed" in line or "error" in line.lower() or "completed" in line)]
        if lines:
            sink.write(deployed.account, deployed.region,
                       execution_group(deployed.api_id, stage), stream,
                       [(now_ms, line) for line in lines])
    settings = deployed.stage.get("accessLogSettings") or {}
    group = log_group_of(str(settings.get("destinationArn") or ""))
    if group and settings.get("format"):
        sink.write(deployed.account, deployed.region, group, stream,
                   [(now_ms, access_line(str(settings["format"]), inv.context))])


__all__ = ["LogSink", "access_line", "execution_group", "log_group_of", "stream_name", "write"]
