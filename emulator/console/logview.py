"""Log events as a person reads them: a traceback stays one block.

The runtime writes an unhandled error as one event whose lines are joined by carriage
returns; code that prints a traceback itself writes one event per line. Both come out as one
entry here, with the lines of the traceback kept together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from emulator.runtime.jsonlogs import line_level, report_fields

_REPORT = re.compile(r"^REPORT RequestId: (?P<id>\S+)\s+Duration: (?P<duration>[\d.]+) ms"
                     r"(?:.*?Billed Duration: (?P<billed>\d+) ms)?"
                     r"(?:.*?Max Memory Used: (?P<memory>\d+) MB)?"
                     r"(?:.*?Init Duration: (?P<init>[\d.]+) ms)?"
                     r"(?:.*?Status: (?P<status>\w+))?")
_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Warning)\b")


@dataclass
class Entry:
    timestamp: int  # epoch milliseconds
    message: str
    stream: str = ""
    error: bool = False


def _starts_traceback(text: str) -> bool:
    return text.startswith("Traceback (most recent call last)")


def _continues(previous: Entry, text: str) -> bool:
    """Whether ``text`` is the next line of a traceback ``previous`` is part of."""
    if not previous.error:
        return False
    last = previous.message.rsplit("\n", 1)[-1]
    if text.startswith((" ", "\t")):
        return True
    if text.startswith(("During handling of the above exception", "The above exception")):
        return True
    if _starts_traceback(text) and last == "":
        return True
    return bool(_EXCEPTION_LINE.match(text)) and last.startswith((" ", "\t"))


def entries(events: list[dict[str, Any]]) -> list[Entry]:
    """GetLogEvents/FilterLogEvents events, oldest first, with tracebacks joined."""
    found: list[Entry] = []
    for event in events:
        text = str(event.get("message", "")).replace("\r\n", "\n").replace("\r", "\n")
        text = text.rstrip("\n")
        if found and found[-1].stream == event.get("logStreamName", "") and \
                _continues(found[-1], text):
            found[-1].message += "\n" + text
            continue
        error = ("[ERROR]" in text[:40] or _starts_traceback(text) or "\nTraceback" in text
                 or (text.startswith("{") and line_level(text) in ("ERROR", "FATAL")))
        found.append(Entry(int(event.get("timestamp", 0)), text,
                           str(event.get("logStreamName", "")), error))
    return found


@dataclass
class Invocation:
    request_id: str
    timestamp: int
    duration_ms: float
    billed_ms: int | None
    memory_mb: int | None
    init_ms: float | None
    status: str


def _from_record(record: dict[str, Any], timestamp: int) -> Invocation:
    """An invocation from a ``platform.report`` event (LogFormat JSON)."""
    metrics = record.get("metrics") if isinstance(record.get("metrics"), dict) else {}
    assert isinstance(metrics, dict)

    def number(key: str) -> float | None:
        value = metrics.get(key)
        return float(value) if isinstance(value, int | float) else None

    billed, memory = number("billedDurationMs"), number("maxMemoryUsedMB")
    return Invocation(str(record.get("requestId", "")), timestamp,
                      number("durationMs") or 0.0, int(billed) if billed is not None else None,
                      int(memory) if memory is not None else None, number("initDurationMs"),
                      str(record.get("status") or "success").lower())


def invocations(events: list[dict[str, Any]]) -> list[Invocation]:
    """One entry per REPORT line (or platform.report event), newest first."""
    found = []
    for event in events:
        message = str(event.get("message", ""))
        record = report_fields(message)
        if record is not None:
            found.append(_from_record(record, int(event.get("timestamp", 0))))
            continue
        match = _REPORT.match(message)
        if match is None:
            continue
        found.append(Invocation(
            match["id"], int(event.get("timestamp", 0)), float(match["duration"]),
            int(match["billed"]) if match["billed"] else None,
            int(match["memory"]) if match["memory"] else None,
            float(match["init"]) if match["init"] else None,
            (match["status"] or "success").lower()))
    return sorted(found, key=lambda item: item.timestamp, reverse=True)


__all__ = ["Entry", "Invocation", "entries", "invocations"]
