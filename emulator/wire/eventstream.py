"""The ``application/vnd.amazon.eventstream`` encoding of an operation's event stream output.

Each event is one message: a prelude (total length, headers length, the prelude's CRC32),
the headers (``:message-type``, ``:event-type``, ``:content-type``; string-typed), the
payload, and the CRC32 of everything before it. An event's payload is its ``eventpayload``
member as it is, or its other members as a JSON document.
https://docs.aws.amazon.com/AmazonS3/latest/API/RESTSelectObjectAppendix.html
"""

from __future__ import annotations

import json
import struct
import zlib
from typing import Any

from botocore.model import Shape, StructureShape

CONTENT_TYPE = "application/vnd.amazon.eventstream"
_STRING = 7  # the header value type of a string


def _header(name: str, value: str) -> bytes:
    raw_name, raw_value = name.encode(), value.encode()
    return (struct.pack("!B", len(raw_name)) + raw_name
            + struct.pack("!BH", _STRING, len(raw_value)) + raw_value)


def message(headers: dict[str, str], payload: bytes) -> bytes:
    encoded = b"".join(_header(name, value) for name, value in headers.items())
    total = 12 + len(encoded) + len(payload) + 4
    prelude = struct.pack("!II", total, len(encoded))
    prelude += struct.pack("!I", zlib.crc32(prelude))
    body = prelude + encoded + payload
    return body + struct.pack("!I", zlib.crc32(body))


def encode(shape: StructureShape, events: list[dict[str, Any]]) -> bytes:
    """Each event (``{EventName: members}``) of the stream ``shape`` as one message."""
    out = bytearray()
    for event in events:
        for name, members in event.items():
            event_shape = shape.members[name]
            assert isinstance(event_shape, StructureShape)
            out += message(*_event_payload(name, event_shape, members))
    return bytes(out)


def _event_payload(name: str, shape: StructureShape, members: dict[str, Any]
                   ) -> tuple[dict[str, str], bytes]:
    headers = {":message-type": "event", ":event-type": name}
    for member_name, member in shape.members.items():
        if member.serialization.get("eventpayload"):
            value = members.get(member_name, b"")
            raw = value.encode() if isinstance(value, str) else bytes(value)
            headers[":content-type"] = _payload_type(member)
            return headers, raw
    headers[":content-type"] = "application/json"
    document = {key: value for key, value in members.items() if value is not None}
    return headers, json.dumps(document, separators=(",", ":")).encode()


def _payload_type(shape: Shape) -> str:
    return "text/plain" if shape.type_name == "string" else "application/octet-stream"


__all__ = ["CONTENT_TYPE", "encode", "message"]
