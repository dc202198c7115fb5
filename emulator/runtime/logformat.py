"""The platform's log lines (INIT_START, START, END, REPORT) and the tail for LogType=Tail."""

from __future__ import annotations

import base64
import hashlib
import math
from datetime import UTC, datetime

TAIL_BYTES = 4096


def init_start(runtime: str, region: str) -> str:
    if runtime.startswith("provided"):
        version = f"provided:{runtime.partition('.')[2] or 'al1'}.v1"
    else:  # python3.12 -> python:3.12, nodejs20.x -> nodejs:20
        family = runtime.rstrip("0123456789.x")
        version = f"{family}:{runtime.removeprefix(family).removesuffix('.x')}.v1"
    digest = hashlib.sha256(runtime.encode()).hexdigest()
    return (
        f"INIT_START Runtime Version: {version}\t"
        f"Runtime Version ARN: arn:aws:lambda:{region}::runtime:{digest}"
    )


def start(request_id: str, version: str) -> str:
    return f"START RequestId: {request_id} Version: {version}"


def end(request_id: str) -> str:
    return f"END RequestId: {request_id}"


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
    return "\t".join(parts) + "\t"


def timed_out(request_id: str, timeout: float, at: float) -> str:
    moment = datetime.fromtimestamp(at, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return f"{moment} {request_id} Task timed out after {timeout:.2f} seconds"


def split_output(text: str) -> list[str]:
    """Captured output as log events: one per line, as Lambda splits stdout."""
    if not text:
        return []
    return text[:-1].split("\n") if text.endswith("\n") else text.split("\n")


def tail(lines: list[str]) -> str:
    """The last 4 KB of the invocation's log, base64-encoded."""
    raw = ("\n".join(lines) + "\n").encode("utf-8")
    return base64.b64encode(raw[-TAIL_BYTES:]).decode("ascii")


__all__ = [
    "TAIL_BYTES",
    "end",
    "init_start",
    "report",
    "split_output",
    "start",
    "tail",
    "timed_out",
]
