"""The platform's log lines (INIT_START, START, END, REPORT) and the tail for LogType=Tail.

Lambda stores each line as a CloudWatch Logs event that keeps the newline ending it: its own
lines, and each line a function writes to stdout or stderr, as the ``get-log-events`` example
of https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html shows
(``"START RequestId: ... Version: $LATEST\n"``, ``"REPORT RequestId: ...\t\n"``).
"""

from __future__ import annotations

import base64
import hashlib
import math
from datetime import UTC, datetime

from emulator.runtime.bootstrap import UNTERMINATED_ENTRY

TAIL_BYTES = 4096


def runtime_version(runtime: str, region: str) -> tuple[str, str]:
    """The runtime version and its ARN, as INIT_START names them."""
    if runtime.startswith("provided"):
        version = f"provided:{runtime.partition('.')[2] or 'al1'}.v1"
    else:  # python3.12 -> python:3.12, nodejs20.x -> nodejs:20
        family = runtime.rstrip("0123456789.x")
        version = f"{family}:{runtime.removeprefix(family).removesuffix('.x')}.v1"
    digest = hashlib.sha256(runtime.encode()).hexdigest()
    return version, f"arn:aws:lambda:{region}::runtime:{digest}"


def init_start(runtime: str, region: str) -> str:
    version, arn = runtime_version(runtime, region)
    return f"INIT_START Runtime Version: {version}\tRuntime Version ARN: {arn}\n"


def start(request_id: str, version: str) -> str:
    return f"START RequestId: {request_id} Version: {version}\n"


def end(request_id: str) -> str:
    return f"END RequestId: {request_id}\n"


def report(request_id: str, *, duration_ms: float, memory_size: int, max_memory_mb: int,
           init_ms: float | None = None, status: str | None = None) -> str:
    parts = [
        f"REPORT RequestId: {request_id}",
        f"Duration: {duration_ms:.2f} ms",
        f"Billed Duration: {max(1, math.ceil(duration_ms))} ms",
        f"Memory Size: {memory_size} MB",
        f"Max Memory Used: {max_memory_mb} MB",
    ]
    if init_ms is not None:
        parts.append(f"Init Duration: {init_ms:.2f} ms")
    if status is not None:
        parts.append(f"Status: {status}")
    return "\t".join(parts) + "\t\n"


def timed_out(request_id: str, timeout: float, at: float) -> str:
    moment = datetime.fromtimestamp(at, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return f"{moment} {request_id} Task timed out after {timeout:.2f} seconds\n"


def runtime_failure(message: str, error_type: str) -> str:
    """The one event after REPORT when the runtime failed: its reason, then its error type."""
    return f"{message}\n{error_type}\n"


def split_output(text: str) -> list[str]:
    """Captured output as log events: one per line, each with the newline that ends it, as
    Lambda splits stdout; a last line written without one stays without one, and an entry
    the runtime marked as written whole (UNTERMINATED_ENTRY) is one event with no newline."""
    mark = UNTERMINATED_ENTRY.removesuffix("\n")
    events: list[str] = []
    *lines, rest = text.split("\n")
    for line in lines:
        events.append(line.removesuffix(mark) if line.endswith(mark) else line + "\n")
    if rest:
        events.append(rest)
    return events


def as_text(lines: list[str]) -> str:
    """The invocation's log as one text, one line per event (an event without a newline of
    its own still ends its line)."""
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def tail(lines: list[str]) -> str:
    """The last 4 KB of the invocation's log, base64-encoded."""
    raw = as_text(lines).encode("utf-8")
    return base64.b64encode(raw[-TAIL_BYTES:]).decode("ascii")


__all__ = [
    "TAIL_BYTES",
    "as_text",
    "end",
    "init_start",
    "report",
    "runtime_failure",
    "runtime_version",
    "split_output",
    "start",
    "tail",
    "timed_out",
]
