"""The MD5 digests SQS returns, computed exactly as the SQS Developer Guide describes.

For message attributes: sort by name; for each, append the name, the data type, a one-byte
transport type (1 for string values, 2 for binary, 3 and 4 for their list forms) and the
value, every string and byte value prefixed by its length as a four-byte big-endian integer;
the digest is the MD5 of the whole. Message system attributes use the same encoding.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Mapping
from typing import Any

_STRING, _BINARY, _STRING_LIST, _BINARY_LIST = 1, 2, 3, 4


def md5_of_body(body: str) -> str:
    return hashlib.md5(body.encode("utf-8")).hexdigest()


def _length_prefixed(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def _encode_value(value: Mapping[str, Any]) -> bytes:
    if value.get("StringValue") is not None:
        return bytes([_STRING]) + _length_prefixed(str(value["StringValue"]).encode("utf-8"))
    if value.get("BinaryValue") is not None:
        return bytes([_BINARY]) + _length_prefixed(bytes(value["BinaryValue"]))
    if value.get("StringListValues"):
        items = b"".join(_length_prefixed(s.encode("utf-8")) for s in value["StringListValues"])
        return bytes([_STRING_LIST]) + items
    if value.get("BinaryListValues"):
        items = b"".join(_length_prefixed(bytes(b)) for b in value["BinaryListValues"])
        return bytes([_BINARY_LIST]) + items
    return b""


def md5_of_attributes(attributes: Mapping[str, Mapping[str, Any]]) -> str | None:
    """The digest of message (or message system) attributes; None when there are none."""
    if not attributes:
        return None
    digest = hashlib.md5()
    for name in sorted(attributes):
        value = attributes[name]
        digest.update(_length_prefixed(name.encode("utf-8")))
        digest.update(_length_prefixed(str(value["DataType"]).encode("utf-8")))
        digest.update(_encode_value(value))
    return digest.hexdigest()


__all__ = ["md5_of_attributes", "md5_of_body"]
