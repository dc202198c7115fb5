"""Names, numbers, attribute-value forms and errors of DynamoDB Streams.

Sequence numbers are 26 decimal digits (AWS's are 21 to 40) that grow with every record of a
stream; shard ids look like AWS's (``shardId-`` twenty digits of creation time, a dash and
eight hex digits). Stream records keep binary attribute values as base64 text, as the JSON
protocol and Lambda events carry them; answers turn them back into bytes for the wire layer.
"""

from __future__ import annotations

import base64
import secrets
from typing import Any

from emulator.errors import ServiceError

_SEQUENCE_BASE = 10**25


def resource_not_found(message: str) -> ServiceError:
    return ServiceError("ResourceNotFoundException", message)


def stream_not_found(arn: str) -> ServiceError:
    return resource_not_found(f"Requested resource not found: Stream: {arn} not found")


def shard_not_found(shard_id: str, arn: str) -> ServiceError:
    return resource_not_found(
        f"Requested resource not found: Shard: {shard_id} in Stream: {arn} not found")


def validation(message: str) -> ServiceError:
    return ServiceError("ValidationException", message)


def sequence_number(shard_number: int, counter: int) -> str:
    return str(_SEQUENCE_BASE + shard_number * 10**19 + counter)


def parse_sequence(text: str) -> tuple[int, int] | None:
    """(shard number, counter) of a sequence number this emulator made."""
    if not text.isdigit() or len(text) != 26:
        return None
    value = int(text) - _SEQUENCE_BASE
    if value < 0:
        return None
    return value // 10**19, value % 10**19


def shard_id(created: float) -> str:
    return f"shardId-{int(created * 1000):020d}-{secrets.token_hex(4)}"


# -- attribute values ----------------------------------------------------------------------

def to_text(value: Any) -> Any:
    """An attribute value (or map of them) with bytes as base64 text, for storing."""
    if isinstance(value, dict):
        return {k: _text_value(k, v) for k, v in value.items()}
    return value


def _text_value(kind: str, value: Any) -> Any:
    if kind == "B" and isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    if kind == "BS" and isinstance(value, list):
        return [base64.b64encode(v).decode("ascii") if isinstance(v, (bytes, bytearray)) else v
                for v in value]
    if kind == "L" and isinstance(value, list):
        return [to_text(v) for v in value]
    if isinstance(value, dict):
        return to_text(value)
    return value


def to_wire(value: Any) -> Any:
    """A stored attribute value (or map of them) with base64 text back to bytes."""
    if isinstance(value, dict):
        return {k: _wire_value(k, v) for k, v in value.items()}
    return value


def _wire_value(kind: str, value: Any) -> Any:
    if kind == "B" and isinstance(value, str):
        return base64.b64decode(value)
    if kind == "BS" and isinstance(value, list):
        return [base64.b64decode(v) if isinstance(v, str) else v for v in value]
    if kind == "L" and isinstance(value, list):
        return [to_wire(v) for v in value]
    if isinstance(value, dict):
        return to_wire(value)
    return value


__all__ = ["parse_sequence", "resource_not_found", "sequence_number",
           "shard_id", "shard_not_found", "stream_not_found", "to_text", "to_wire",
           "validation"]
