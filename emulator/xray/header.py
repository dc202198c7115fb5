"""Trace ids, segment ids and the ``X-Amzn-Trace-Id`` header."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

TRACE_ID = re.compile(r"^1-[0-9a-f]{8}-[0-9a-f]{24}$")
SEGMENT_ID = re.compile(r"^[0-9a-f]{16}$")


def new_trace_id(epoch_seconds: float) -> str:
    """``1-{epoch seconds in hex}-{96 random bits}``, as X-Ray generates them."""
    return f"1-{int(epoch_seconds) & 0xFFFFFFFF:08x}-{secrets.token_hex(12)}"


def new_segment_id() -> str:
    return secrets.token_hex(8)


def trace_epoch(trace_id: str) -> int | None:
    """The request time written into a trace id, or None when the id is not one."""
    if not TRACE_ID.match(trace_id):
        return None
    return int(trace_id[2:10], 16)


def is_trace_id(text: str) -> bool:
    return bool(TRACE_ID.match(text))


def is_segment_id(text: str) -> bool:
    return bool(SEGMENT_ID.match(text))


@dataclass
class TraceHeader:
    """``Root=...;Parent=...;Sampled=...`` plus any other fields, kept in order."""

    root: str | None = None
    parent: str | None = None
    sampled: bool | None = None  # None: the caller left the decision to us (Sampled=?)
    extra: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def parse(cls, value: str | None) -> TraceHeader:
        header = cls()
        for part in (value or "").split(";"):
            key, _, text = part.strip().partition("=")
            key, text = key.strip(), text.strip()
            if not key:
                continue
            lowered = key.lower()
            if lowered == "root":
                header.root = text if is_trace_id(text) else None
            elif lowered == "parent":
                header.parent = text if is_segment_id(text) else None
            elif lowered == "sampled":
                header.sampled = {"1": True, "0": False}.get(text)
            else:
                header.extra.append((key, text))
        return header

    def to_header(self) -> str:
        parts = []
        if self.root:
            parts.append(f"Root={self.root}")
        if self.parent:
            parts.append(f"Parent={self.parent}")
        if self.sampled is not None:
            parts.append(f"Sampled={1 if self.sampled else 0}")
        parts.extend(f"{key}={value}" for key, value in self.extra)
        return ";".join(parts)

    @classmethod
    def checked(cls, value: str | None) -> str | None:
        """``value`` when it names a valid trace (a well-formed Root), else None: services
        that pass trace headers on drop the invalid ones and carry on."""
        if not value or len(value) > 500 or cls.parse(value).root is None:
            return None
        return value

    def child(self, parent_id: str, sampled: bool | None = None) -> TraceHeader:
        """The header to pass downstream from the segment or subsegment ``parent_id``."""
        return TraceHeader(
            self.root, parent_id, self.sampled if sampled is None else sampled, list(self.extra)
        )


__all__ = [
    "SEGMENT_ID",
    "TRACE_ID",
    "TraceHeader",
    "is_segment_id",
    "is_trace_id",
    "new_segment_id",
    "new_trace_id",
    "trace_epoch",
]
