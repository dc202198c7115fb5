"""Shard iterators: opaque tokens naming a stream, a shard, a position and when they were
issued, so a reader can resume and an old token can be refused as expired."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

# Eight bytes of version in front, as the tokens AWS hands out begin with "AAAAAAAAAAE".
_HEADER = b"\x00\x00\x00\x00\x00\x00\x00\x01"


@dataclass(frozen=True)
class IteratorToken:
    stream: str  # the stream's ARN
    shard_id: str
    after: int  # read records with greater sequence numbers
    issued: float  # clock seconds

    def encode(self) -> str:
        body = json.dumps([self.stream, self.shard_id, str(self.after), round(self.issued, 3)],
                          separators=(",", ":")).encode()
        return base64.b64encode(_HEADER + body).decode("ascii")

    def moved(self, after: int, issued: float) -> IteratorToken:
        return IteratorToken(self.stream, self.shard_id, after, issued)


def decode(token: str) -> IteratorToken | None:
    """The token's fields, or None when it is not a token this emulator made."""
    try:
        raw = base64.b64decode(token.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None
    if not raw.startswith(_HEADER):
        return None
    try:
        stream, shard_id, after, issued = json.loads(raw[len(_HEADER):])
        result = IteratorToken(str(stream), str(shard_id), int(after), float(issued))
    except (ValueError, TypeError):
        return None
    return result


__all__ = ["IteratorToken", "decode"]
