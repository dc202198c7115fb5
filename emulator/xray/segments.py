"""Segment documents: reading one, checking it as X-Ray does, and walking its subsegments.

X-Ray answers a bad document in ``UnprocessedTraceSegments`` with an error code such as
``MissingId`` and a message ``Invalid segment. ErrorCode: MissingId``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from emulator import inbound
from emulator.xray.header import SEGMENT_ID, TRACE_ID

MAX_DOCUMENT_BYTES = 64 * 1024
MAX_SEGMENT_NAME = 200
MAX_SUBSEGMENT_NAME = 250
MAX_ANNOTATIONS = 50
MAX_ANNOTATION_STRING = 1000
# Unicode letters, digits, whitespace and the symbols _ . : / % & # = + \ - @
_NAME = re.compile(r"^[\w\s.:/%&#=+\\\-@]+$")
_ANNOTATION_KEY = re.compile(r"^[A-Za-z0-9_]+$")

Document = dict[str, Any]


class InvalidSegment(Exception):
    """A document X-Ray would leave unprocessed."""

    def __init__(self, code: str, kind: str = "segment", segment_id: str | None = None) -> None:
        super().__init__(f"Invalid {kind}. ErrorCode: {code}")
        self.code = code
        self.kind = kind
        self.segment_id = segment_id


@dataclass
class Entity:
    """One checked document: a segment, or a subsegment sent on its own."""

    document: Document
    size: int

    @property
    def id(self) -> str:
        return str(self.document["id"])

    @property
    def trace_id(self) -> str:
        return str(self.document["trace_id"])

    @property
    def is_subsegment(self) -> bool:
        return self.document.get("type") == "subsegment"

    @property
    def in_progress(self) -> bool:
        return bool(self.document.get("in_progress"))


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_entity(doc: Document, kind: str, *, top: bool) -> None:
    """Raise InvalidSegment when ``doc`` (a segment or nested subsegment) breaks the rules."""
    entity_id = doc.get("id")
    sid = entity_id if isinstance(entity_id, str) else None
    if "id" not in doc:
        raise InvalidSegment("MissingId", kind)
    if not isinstance(entity_id, str) or not SEGMENT_ID.match(entity_id):
        raise InvalidSegment("InvalidId", kind, sid)
    if top:
        if "trace_id" not in doc:
            raise InvalidSegment("MissingTraceId", kind, sid)
        if not isinstance(doc["trace_id"], str) or not TRACE_ID.match(doc["trace_id"]):
            raise InvalidSegment("InvalidTraceId", kind, sid)
    name = doc.get("name")
    if name is None:
        raise InvalidSegment("MissingName", kind, sid)
    limit = MAX_SEGMENT_NAME if kind == "segment" else MAX_SUBSEGMENT_NAME
    if not isinstance(name, str) or not name or len(name) > limit or not _NAME.match(name):
        raise InvalidSegment("InvalidName", kind, sid)
    if "start_time" not in doc:
        raise InvalidSegment("MissingStartTime", kind, sid)
    if not _number(doc["start_time"]) or doc["start_time"] < 0:
        raise InvalidSegment("InvalidStartTime", kind, sid)
    in_progress = doc.get("in_progress")
    if in_progress is not None and not isinstance(in_progress, bool):
        raise InvalidSegment("InvalidInProgress", kind, sid)
    if "end_time" in doc:
        if not _number(doc["end_time"]) or doc["end_time"] < doc["start_time"]:
            raise InvalidSegment("InvalidEndTime", kind, sid)
    elif not in_progress:
        raise InvalidSegment("MissingEndTime", kind, sid)
    parent = doc.get("parent_id")
    if parent is not None and (not isinstance(parent, str) or not SEGMENT_ID.match(parent)):
        raise InvalidSegment("InvalidParentId", kind, sid)
    for flag in ("error", "fault", "throttle", "inferred"):
        if flag in doc and not isinstance(doc[flag], bool):
            raise InvalidSegment(f"Invalid{flag.capitalize()}", kind, sid)
    for key in ("annotations", "metadata", "http", "aws", "sql", "service", "cause"):
        if key in doc and not isinstance(doc[key], dict | str if key == "cause" else dict):
            raise InvalidSegment(f"Invalid{key.capitalize()}", kind, sid)
    _clean_annotations(doc)
    subsegments = doc.get("subsegments")
    if subsegments is not None:
        if not isinstance(subsegments, list):
            raise InvalidSegment("InvalidSubsegments", kind, sid)
        for child in subsegments:
            if not isinstance(child, dict):
                raise InvalidSegment("InvalidSubsegments", kind, sid)
            _check_entity(child, "subsegment", top=False)


def _clean_annotations(doc: Document) -> None:
    """X-Ray indexes only annotations with alphanumeric keys and scalar values; it drops
    the rest rather than the segment."""
    annotations = doc.get("annotations")
    if not annotations:
        return
    kept: dict[str, Any] = {}
    for key, value in annotations.items():
        if len(kept) >= MAX_ANNOTATIONS or not _ANNOTATION_KEY.match(key):
            continue
        if isinstance(value, bool) or _number(value):
            kept[key] = value
        elif isinstance(value, str):
            kept[key] = value[:MAX_ANNOTATION_STRING]
    doc["annotations"] = kept


def parse(text: str | bytes) -> Entity:
    """Read and check one segment document; raises InvalidSegment."""
    raw = text.encode() if isinstance(text, str) else text
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise InvalidSegment("SegmentTooLarge")
    try:
        doc = inbound.loads(raw)
    except (ValueError, RecursionError):
        raise InvalidSegment("MalformedJson") from None
    if not isinstance(doc, dict):
        raise InvalidSegment("MalformedJson")
    return check(doc, len(raw))


def check(doc: Document, size: int) -> Entity:
    """Check a document already read (of ``size`` bytes as JSON); raises InvalidSegment."""
    if size > MAX_DOCUMENT_BYTES:
        raise InvalidSegment("SegmentTooLarge")
    kind = "subsegment" if doc.get("type") == "subsegment" else "segment"
    if "type" in doc and doc["type"] != "subsegment":
        raise InvalidSegment("InvalidType", kind)
    _check_entity(doc, kind, top=True)
    if kind == "subsegment" and "parent_id" not in doc:
        raise InvalidSegment("MissingParentId", kind, doc["id"])
    return Entity(doc, size)


def walk(doc: Document, depth: int = 0) -> Iterator[tuple[Document, int]]:
    """The entity and every nested subsegment, depth first, with their depth."""
    yield doc, depth
    for child in doc.get("subsegments") or ():
        yield from walk(child, depth + 1)


def http_status(doc: Document) -> int | None:
    response = (doc.get("http") or {}).get("response") or {}
    status = response.get("status")
    return status if isinstance(status, int) and not isinstance(status, bool) else None


def origin(doc: Document) -> str | None:
    value = doc.get("origin")
    return value if isinstance(value, str) else None


__all__ = [
    "MAX_DOCUMENT_BYTES",
    "MAX_SEGMENT_NAME",
    "Document",
    "Entity",
    "InvalidSegment",
    "check",
    "http_status",
    "origin",
    "parse",
    "walk",
]
