"""Shard iterators: opaque tokens naming a stream, a shard, a position and when they were
issued, so a reader can resume and an old token can be refused as expired."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from emulator import inbound
from emulator.errors import ServiceError

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


def _java_date(epoch: float) -> str:
    """A moment as Java's Date.toString() prints it in UTC, as AWS's messages show it."""
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%a %b %d %H:%M:%S UTC %Y")


def expired_message(issued: float, now: float, lifetime: float) -> str:
    """ExpiredIteratorException's message, as Kinesis words it."""
    return (f"Iterator expired. The iterator was created at time {_java_date(issued)} while "
            f"right now it is {_java_date(now)} which is further in the future than the "
            f"tolerated delay of {int(lifetime * 1000)} milliseconds.")


def check_age(token: IteratorToken, now: float, lifetime: float) -> None:
    """Refuse an iterator issued more than ``lifetime`` seconds before ``now``."""
    if now - token.issued > lifetime:
        raise ServiceError("ExpiredIteratorException",
                           expired_message(token.issued, now, lifetime))


def decode(token: str) -> IteratorToken | None:
    """The token's fields, or None when it is not a token this emulator made."""
    try:
        raw = base64.b64decode(token.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None
    if not raw.startswith(_HEADER):
        return None
    try:
        stream, shard_id, after, issued = inbound.loads(raw[len(_HEADER):])
        result = IteratorToken(str(stream), str(shard_id), int(after), float(issued))
    except (ValueError, TypeError):
        return None
    return result


__all__ = ["IteratorToken", "check_age", "decode", "expired_message"]
