"""Items in their two stored forms: compact bytes in memory, JSON documents on disk.

In memory an item is kept as ``marshal`` bytes: about the size of its data, decoded in
microseconds, and every read gets its own copy. On disk it is JSON with binary values in
base64 (the type key says which strings are binary).
"""

from __future__ import annotations

import base64
import json
import marshal
from typing import Any

from emulator.dynamodb.values import Item


def pack(item: Item) -> bytes:
    return marshal.dumps(item)


def unpack(blob: bytes) -> Item:
    return marshal.loads(blob)  # type: ignore[no-any-return]


def _binary(value: Any) -> str:
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _decode(mapping: dict[str, Any]) -> dict[str, Any]:
    if len(mapping) == 1:
        if isinstance(mapping.get("B"), str):
            return {"B": base64.b64decode(mapping["B"])}
        if isinstance(mapping.get("BS"), list):
            return {"BS": [base64.b64decode(member) for member in mapping["BS"]]}
    return mapping


def to_document(value: Any) -> str:
    """An item, key or any attribute-value structure as JSON text."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=_binary)


def from_document(text: str) -> Any:
    return json.loads(text, object_hook=_decode)


__all__ = ["from_document", "pack", "to_document", "unpack"]
